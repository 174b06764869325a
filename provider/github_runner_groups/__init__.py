"""Pulumi dynamic providers for the self-hosted runner groups of a GitHub organization.

Names are imported lazily so that `import github_runner_groups` (and the provider server unpickling one
provider) does not pay for the parts it does not use.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._version import __version__ as __version__

_EXPORTS = {
    "RunnerGroup": "resources.runner_group",
    "RunnerGroupArgs": "resources.runner_group",
    "RunnerGroupProvider": "resources.runner_group",
    "RunnerGroupRepositoryAccess": "resources.repository_access",
    "RunnerGroupRepositoryAccessArgs": "resources.repository_access",
    "RunnerGroupRepositoryAccessProvider": "resources.repository_access",
    "RunnerGroupMembership": "resources.membership",
    "RunnerGroupMembershipArgs": "resources.membership",
    "RunnerGroupMembershipProvider": "resources.membership",
    "HostedRunner": "resources.hosted_runner",
    "HostedRunnerArgs": "resources.hosted_runner",
    "HostedRunnerProvider": "resources.hosted_runner",
    "EnterpriseRunnerGroup": "resources.enterprise_runner_group",
    "EnterpriseRunnerGroupArgs": "resources.enterprise_runner_group",
    "EnterpriseRunnerGroupProvider": "resources.enterprise_runner_group",
    "EnterpriseRunnerGroupOrganizationAccess": "resources.enterprise_organization_access",
    "EnterpriseRunnerGroupOrganizationAccessArgs": "resources.enterprise_organization_access",
    "EnterpriseRunnerGroupOrganizationAccessProvider": "resources.enterprise_organization_access",
    "EnterpriseRunnerGroupMembership": "resources.enterprise_membership",
    "EnterpriseRunnerGroupMembershipArgs": "resources.enterprise_membership",
    "EnterpriseRunnerGroupMembershipProvider": "resources.enterprise_membership",
    "NetworkConfiguration": "resources.network_configuration",
    "NetworkConfigurationArgs": "resources.network_configuration",
    "NetworkConfigurationProvider": "resources.network_configuration",
    "EnterpriseNetworkConfiguration": "resources.network_configuration",
    "EnterpriseNetworkConfigurationArgs": "resources.network_configuration",
    "EnterpriseNetworkConfigurationProvider": "resources.network_configuration",
    "SelfHostedRunnerPolicy": "resources.self_hosted_policy",
    "SelfHostedRunnerPolicyArgs": "resources.self_hosted_policy",
    "SelfHostedRunnerPolicyProvider": "resources.self_hosted_policy",
    "EnterpriseHostedRunner": "resources.enterprise_hosted_runner",
    "EnterpriseHostedRunnerArgs": "resources.enterprise_hosted_runner",
    "EnterpriseHostedRunnerProvider": "resources.enterprise_hosted_runner",
    "OrgRunnerGroups": "component",
    "OrgSpec": "spec",
    "GroupSpec": "spec",
    "SpecError": "spec",
    "load_spec": "spec",
}

if TYPE_CHECKING:
    from .component import OrgRunnerGroups as OrgRunnerGroups
    from .resources.enterprise_hosted_runner import EnterpriseHostedRunner as EnterpriseHostedRunner
    from .resources.enterprise_hosted_runner import EnterpriseHostedRunnerArgs as EnterpriseHostedRunnerArgs
    from .resources.enterprise_hosted_runner import EnterpriseHostedRunnerProvider as EnterpriseHostedRunnerProvider
    from .resources.enterprise_membership import EnterpriseRunnerGroupMembership as EnterpriseRunnerGroupMembership
    from .resources.enterprise_membership import (
        EnterpriseRunnerGroupMembershipArgs as EnterpriseRunnerGroupMembershipArgs,
    )
    from .resources.enterprise_membership import (
        EnterpriseRunnerGroupMembershipProvider as EnterpriseRunnerGroupMembershipProvider,
    )
    from .resources.enterprise_organization_access import (
        EnterpriseRunnerGroupOrganizationAccess as EnterpriseRunnerGroupOrganizationAccess,
    )
    from .resources.enterprise_organization_access import (
        EnterpriseRunnerGroupOrganizationAccessArgs as EnterpriseRunnerGroupOrganizationAccessArgs,
    )
    from .resources.enterprise_organization_access import (
        EnterpriseRunnerGroupOrganizationAccessProvider as EnterpriseRunnerGroupOrganizationAccessProvider,
    )
    from .resources.enterprise_runner_group import EnterpriseRunnerGroup as EnterpriseRunnerGroup
    from .resources.enterprise_runner_group import EnterpriseRunnerGroupArgs as EnterpriseRunnerGroupArgs
    from .resources.enterprise_runner_group import EnterpriseRunnerGroupProvider as EnterpriseRunnerGroupProvider
    from .resources.hosted_runner import HostedRunner as HostedRunner
    from .resources.hosted_runner import HostedRunnerArgs as HostedRunnerArgs
    from .resources.hosted_runner import HostedRunnerProvider as HostedRunnerProvider
    from .resources.membership import RunnerGroupMembership as RunnerGroupMembership
    from .resources.membership import RunnerGroupMembershipArgs as RunnerGroupMembershipArgs
    from .resources.membership import RunnerGroupMembershipProvider as RunnerGroupMembershipProvider
    from .resources.network_configuration import EnterpriseNetworkConfiguration as EnterpriseNetworkConfiguration
    from .resources.network_configuration import (
        EnterpriseNetworkConfigurationArgs as EnterpriseNetworkConfigurationArgs,
    )
    from .resources.network_configuration import (
        EnterpriseNetworkConfigurationProvider as EnterpriseNetworkConfigurationProvider,
    )
    from .resources.network_configuration import NetworkConfiguration as NetworkConfiguration
    from .resources.network_configuration import NetworkConfigurationArgs as NetworkConfigurationArgs
    from .resources.network_configuration import NetworkConfigurationProvider as NetworkConfigurationProvider
    from .resources.repository_access import RunnerGroupRepositoryAccess as RunnerGroupRepositoryAccess
    from .resources.repository_access import RunnerGroupRepositoryAccessArgs as RunnerGroupRepositoryAccessArgs
    from .resources.repository_access import (
        RunnerGroupRepositoryAccessProvider as RunnerGroupRepositoryAccessProvider,
    )
    from .resources.runner_group import RunnerGroup as RunnerGroup
    from .resources.runner_group import RunnerGroupArgs as RunnerGroupArgs
    from .resources.runner_group import RunnerGroupProvider as RunnerGroupProvider
    from .resources.self_hosted_policy import SelfHostedRunnerPolicy as SelfHostedRunnerPolicy
    from .resources.self_hosted_policy import SelfHostedRunnerPolicyArgs as SelfHostedRunnerPolicyArgs
    from .resources.self_hosted_policy import SelfHostedRunnerPolicyProvider as SelfHostedRunnerPolicyProvider
    from .spec import GroupSpec as GroupSpec
    from .spec import OrgSpec as OrgSpec
    from .spec import SpecError as SpecError
    from .spec import load_spec as load_spec

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'github_runner_groups' has no attribute {name!r}")
    return getattr(importlib.import_module(f".{module}", __name__), name)
