"""The spec's `network_configurations:` and `self_hosted_runners:` sections, and the new resources' typed
declarations, against their field tables."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

import pytest
import yaml
from github_runner_groups.resources.enterprise_hosted_runner import EnterpriseHostedRunner, EnterpriseHostedRunnerArgs
from github_runner_groups.resources.fields import Role
from github_runner_groups.resources.network_configuration import (
    EnterpriseNetworkConfiguration,
    EnterpriseNetworkConfigurationArgs,
    NetworkConfiguration,
    NetworkConfigurationArgs,
)
from github_runner_groups.resources.self_hosted_policy import SelfHostedRunnerPolicy, SelfHostedRunnerPolicyArgs
from github_runner_groups.resources.surface_fields import (
    ENTERPRISE_HOSTED_RUNNER_FIELDS,
    ENTERPRISE_NETWORK_CONFIGURATION_FIELDS,
    NETWORK_CONFIGURATION_FIELDS,
    SELF_HOSTED_POLICY_FIELDS,
)
from github_runner_groups.spec import SpecError, dump_spec, parse_spec
from github_runner_groups.spec_surface import NetworkConfigurationSpec, SelfHostedRunnersSpec


@pytest.mark.parametrize(
    ("table", "args", "resource"),
    [
        (NETWORK_CONFIGURATION_FIELDS, NetworkConfigurationArgs, NetworkConfiguration),
        (ENTERPRISE_NETWORK_CONFIGURATION_FIELDS, EnterpriseNetworkConfigurationArgs, EnterpriseNetworkConfiguration),
        (SELF_HOSTED_POLICY_FIELDS, SelfHostedRunnerPolicyArgs, SelfHostedRunnerPolicy),
        (ENTERPRISE_HOSTED_RUNNER_FIELDS, EnterpriseHostedRunnerArgs, EnterpriseHostedRunner),
    ],
)
def test_args_and_outputs_follow_the_field_table(table: Any, args: Any, resource: Any) -> None:
    assert {f.name for f in fields(args)} == {f.name for f in table if f.role is not Role.COMPUTED}
    assert set(resource.__annotations__) == {f.name for f in table}


def test_the_spec_types_follow_the_field_tables() -> None:
    in_spec = {f.name for f in NETWORK_CONFIGURATION_FIELDS if f.in_spec}
    assert {f.name for f in fields(NetworkConfigurationSpec)} - {"name"} == in_spec
    assert {f.name for f in fields(SelfHostedRunnersSpec)} == {f.name for f in SELF_HOSTED_POLICY_FIELDS if f.in_spec}


def test_the_sections_are_read_and_dumped_back() -> None:
    data = {
        "org": "acme",
        "network_configurations": {
            "private-net": {
                "network_settings_ids": ["AB12"],
                "failover_network_settings_ids": ["CD34"],
                "failover_network_enabled": True,
            },
            "theirs": {"adopt": True},
        },
        "self_hosted_runners": {"enabled_repositories": "selected", "repositories": ["api", 123]},
        "enterprise": {
            "slug": "acme-corp",
            "network_configurations": {"ent-net": {"network_settings_ids": ["EF56"]}},
            "groups": {"shared": {}},
        },
    }
    spec = parse_spec(data)
    assert spec.network_configurations == (
        NetworkConfigurationSpec("private-net", ("AB12",), None, ("CD34",), True),
        NetworkConfigurationSpec("theirs", adopt=True),
    )
    assert spec.self_hosted_runners == SelfHostedRunnersSpec("selected", ("api", 123))
    assert spec.enterprise is not None and spec.enterprise.network_configurations[0].name == "ent-net"
    assert parse_spec(yaml.safe_load(dump_spec(spec))) == spec


def test_a_spec_of_the_policy_alone_needs_no_groups() -> None:
    spec = parse_spec({"org": "acme", "self_hosted_runners": {"enabled_repositories": "none"}})
    assert spec.groups == () and spec.self_hosted_runners == SelfHostedRunnersSpec("none")
    assert parse_spec(yaml.safe_load(dump_spec(spec))) == spec


@pytest.mark.parametrize(
    ("section", "words"),
    [
        ({"network_configurations": {"bad name": {"network_settings_ids": ["A"]}}}, "'bad name': name must be 1-100"),
        ({"network_configurations": {"n": {}}}, "'n': network_settings_ids is required"),
        ({"network_configurations": {"n": {"network_settings_ids": ["A", "B"]}}}, "takes exactly one"),
        (
            {"network_configurations": {"n": {"network_settings_ids": ["A"], "failover_network_enabled": True}}},
            "failover_network_settings_ids is empty",
        ),
        (
            {"network_configurations": {"n": {"network_settings_ids": ["A"], "compute": "actions"}}},
            "unknown field 'compute' (did you mean 'compute_service'?)",
        ),
        ({"network_configurations": []}, "network_configurations: must be a mapping"),
        ({"self_hosted_runners": {"repositories": ["api"]}}, "enabled_repositories is required"),
        (
            {"self_hosted_runners": {"enabled_repositories": "all", "repositories": ["api"]}},
            "only for enabled_repositories='selected'",
        ),
        ({"self_hosted_runners": {"enabled_repositories": "most"}}, "must be one of 'all', 'selected', 'none'"),
        ({"self_hosted_runners": "all"}, "self_hosted_runners: must be a mapping"),
    ],
)
def test_bad_sections_name_the_place_and_the_fix(section: dict[str, Any], words: str) -> None:
    with pytest.raises(SpecError) as failed:
        parse_spec({"org": "acme", "groups": {"ci": {}}, **section})
    assert words in str(failed.value), str(failed.value)
