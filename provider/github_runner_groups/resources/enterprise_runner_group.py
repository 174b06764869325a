"""EnterpriseRunnerGroup: one self-hosted runner group of an enterprise, which organizations may then use.

The org resource's provider serves it with the enterprise's field table, operations and list facets (a
GroupScope): update in place, adoption by name, the Default group never deleted or renamed, and a lost create
claiming only a group that did not exist before. Its `organizations` and `runners` inline lists work as an org
group's `repositories` and `runners`: given, they go in the create POST (one write per group, one DELETE to
destroy it); otherwise EnterpriseRunnerGroupOrganizationAccess / EnterpriseRunnerGroupMembership may own them.
The token needs the manage_runners:enterprise scope (admin:enterprise includes it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi.dynamic

from .. import api
from ._common import of_this_stack, registration
from .enterprise_membership import ENTERPRISE_MEMBERSHIP
from .enterprise_organization_access import ORGANIZATION_ACCESS
from .fields import ENTERPRISE_RUNNER_GROUP_FIELDS, ENTERPRISE_RUNNER_GROUP_RULES
from .group_scope import GroupScope
from .runner_group import RunnerGroupProvider, register_inline_lists

ENTERPRISE_GROUPS = GroupScope(
    "enterprise",
    ENTERPRISE_RUNNER_GROUP_FIELDS,
    ENTERPRISE_RUNNER_GROUP_RULES,
    (ORGANIZATION_ACCESS, ENTERPRISE_MEMBERSHIP),
    api.list_enterprise_runner_groups,
    api.create_enterprise_runner_group,
    api.get_enterprise_runner_group_if_changed,
    api.update_enterprise_runner_group,
    api.delete_enterprise_runner_group,
)


class EnterpriseRunnerGroupProvider(RunnerGroupProvider):
    scope = ENTERPRISE_GROUPS


@dataclass
class EnterpriseRunnerGroupArgs:
    """Inputs of an EnterpriseRunnerGroup. `enterprise` defaults to github-runner-groups:enterprise /
    GITHUB_ENTERPRISE; an unset setting gets its default (visibility 'all', flags false, no workflows), except with
    `adopt=True`, where it stays as GitHub has it. `organizations` (logins or ids; visibility 'selected' only) /
    `runners` (enterprise runner names or ids): the group owns that whole list when given (even `[]`); unset, it
    does not own it (leave it to GitHub, or to EnterpriseRunnerGroupOrganizationAccess /
    EnterpriseRunnerGroupMembership)."""

    name: pulumi.Input[str]
    enterprise: pulumi.Input[str] | None = None
    visibility: pulumi.Input[str] | None = None
    allows_public_repositories: pulumi.Input[bool] | None = None
    restricted_to_workflows: pulumi.Input[bool] | None = None
    selected_workflows: pulumi.Input[Sequence[pulumi.Input[str]]] | None = None
    network_configuration_id: pulumi.Input[str] | None = None
    organizations: pulumi.Input[Sequence[pulumi.Input[str | int]]] | None = None
    runners: pulumi.Input[Sequence[pulumi.Input[str | int]]] | None = None
    adopt: pulumi.Input[bool] = False


class EnterpriseRunnerGroup(pulumi.dynamic.Resource, module="github", name="EnterpriseRunnerGroup"):
    """An enterprise runner group; its `id` is GitHub's numeric group id as text."""

    enterprise: pulumi.Output[str]
    name: pulumi.Output[str]
    visibility: pulumi.Output[str]
    allows_public_repositories: pulumi.Output[bool]
    restricted_to_workflows: pulumi.Output[bool]
    selected_workflows: pulumi.Output[list[str]]
    network_configuration_id: pulumi.Output[str | None]
    organizations: pulumi.Output[list[str | int] | None]
    organization_ids: pulumi.Output[list[int] | None]
    organization_logins: pulumi.Output[list[str] | None]
    organizations_etag: pulumi.Output[str | None]
    runners: pulumi.Output[list[str | int] | None]
    runner_ids: pulumi.Output[list[int] | None]
    runner_names: pulumi.Output[list[str] | None]
    runners_etag: pulumi.Output[str | None]
    adopt: pulumi.Output[bool]
    group_id: pulumi.Output[int]
    default: pulumi.Output[bool]
    workflow_restrictions_read_only: pulumi.Output[bool]
    runners_url: pulumi.Output[str]
    selected_organizations_url: pulumi.Output[str | None]
    hosted_runners_url: pulumi.Output[str | None]
    etag: pulumi.Output[str | None]

    def __init__(
        self,
        resource_name: str,
        args: EnterpriseRunnerGroupArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
        **kwargs: Any,
    ) -> None:
        props = registration(EnterpriseRunnerGroupArgs, args, kwargs, ENTERPRISE_GROUPS.computed)
        super().__init__(of_this_stack(EnterpriseRunnerGroupProvider()), resource_name, props, opts)
        register_inline_lists(ENTERPRISE_GROUPS, resource_name, props, self.id)
