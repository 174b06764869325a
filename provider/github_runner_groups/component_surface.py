"""What OrgRunnerGroups builds from the spec's sections beyond runner groups: network configurations (of the org
and of the enterprise), the org's self-hosted-runner policy and an enterprise group's own hosted runners."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pulumi

from .resources.enterprise_hosted_runner import EnterpriseHostedRunner, EnterpriseHostedRunnerArgs
from .resources.network_configuration import (
    EnterpriseNetworkConfiguration,
    EnterpriseNetworkConfigurationArgs,
    NetworkConfiguration,
    NetworkConfigurationArgs,
)
from .resources.self_hosted_policy import SelfHostedRunnerPolicy, SelfHostedRunnerPolicyArgs
from .resources.surface_fields import ENTERPRISE_HOSTED_RUNNER_FIELDS
from .spec import EnterpriseGroupSpec, HostedRunnerSpec
from .spec_surface import NETWORK_SPEC_FIELDS, NetworkConfigurationSpec, SelfHostedRunnersSpec

Networks = Mapping[str, NetworkConfiguration | EnterpriseNetworkConfiguration]


def network_configurations(
    prefix: str,
    location: str,
    owner: str | None,
    specs: Sequence[NetworkConfigurationSpec],
    child: pulumi.ResourceOptions,
) -> dict[str, NetworkConfiguration | EnterpriseNetworkConfiguration]:
    """`{prefix}-network-{name}` per configuration of the org (`location` 'org') or the enterprise."""
    made: dict[str, NetworkConfiguration | EnterpriseNetworkConfiguration] = {}
    for spec in specs:
        settings = {key: _program(getattr(spec, key)) for key in NETWORK_SPEC_FIELDS}
        resource_name = f"{prefix}-network-{spec.name}"
        if location == "enterprise":
            made[spec.name] = EnterpriseNetworkConfiguration(
                resource_name, EnterpriseNetworkConfigurationArgs(name=spec.name, enterprise=owner, **settings), child
            )
        else:
            made[spec.name] = NetworkConfiguration(
                resource_name, NetworkConfigurationArgs(name=spec.name, org=owner, **settings), child
            )
    return made


def network_reference(value: Any, networks: Networks) -> Any:
    """A group's `network_configuration_id` naming a configuration of the spec becomes that resource's id (an
    output: the group then waits for it); any other value is an id as GitHub spells it."""
    found = networks.get(value) if isinstance(value, str) else None
    return found.id if found is not None else value


def self_hosted_runner_policy(
    prefix: str, org: str | None, spec: SelfHostedRunnersSpec, child: pulumi.ResourceOptions
) -> SelfHostedRunnerPolicy:
    args = SelfHostedRunnerPolicyArgs(
        org=org,
        enabled_repositories=spec.enabled_repositories,
        repositories=_program(spec.repositories),
        exclusive=spec.exclusive,
    )
    return SelfHostedRunnerPolicy(f"{prefix}-self-hosted-runners", args, child)


def enterprise_hosted_runners(
    prefix: str,
    enterprise: str | None,
    group: EnterpriseGroupSpec,
    group_id: pulumi.Input[str],
    child: pulumi.ResourceOptions,
) -> list[EnterpriseHostedRunner]:
    """`{prefix}-hosted-{runner}` per hosted runner of an enterprise group, in that group."""
    return [
        EnterpriseHostedRunner(
            f"{prefix}-hosted-{hosted.name}", _hosted_args(enterprise, group, hosted, group_id), child
        )
        for hosted in group.hosted_runners or ()
    ]


def _hosted_args(
    enterprise: str | None, group: EnterpriseGroupSpec, hosted: HostedRunnerSpec, group_id: pulumi.Input[str]
) -> EnterpriseHostedRunnerArgs:
    settings: dict[str, Any] = {f.name: getattr(hosted, f.name) for f in ENTERPRISE_HOSTED_RUNNER_FIELDS if f.in_spec}
    return EnterpriseHostedRunnerArgs(
        name=hosted.name, runner_group_id=group_id, enterprise=enterprise, adopt=group.adopt, **settings
    )


def _program(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value
