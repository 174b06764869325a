"""EnterpriseRunnerGroupMembership: which enterprise self-hosted runners sit in an enterprise runner group.

A runner sits in exactly one group: one taken out of a group goes back to the enterprise's Default group. Name
runners rather than giving ids: a runner that registers again gets a new id, and a name follows it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi

from .. import api, resolve
from ._assignment import AssignmentProvider
from ._assignment_resource import AssignmentResource
from ._facet import Facet
from .enterprise_organization_access import ENTERPRISE_PERMISSION

ENTERPRISE_MEMBERSHIP = Facet(
    noun="self-hosted runner",
    refs_field="runners",
    ids_field="runner_ids",
    names_field="runner_names",
    found_field="found_runner_ids",
    example='["ent-linux-1", "ent-linux-2"]',
    kind=resolve.ENTERPRISE_RUNNERS,
    list_members=api.list_enterprise_group_runners_if_changed,
    set_members=api.set_enterprise_group_runners,
    body_key=api.RUNNER_IDS_KEY,
    add_member=api.add_enterprise_group_runner,
    remove_member=api.remove_enterprise_group_runner,
    refusal_hint="Check that the runners are registered at the enterprise (not at an organization or repository).",
    resource_type="EnterpriseRunnerGroupMembership",
    list_noun="runner list",
    member_in_one_group=True,
    refused_means_no_list=False,
    default_group_harm="it would move every runner it lists out of the group that runner is in, while GitHub alone "
    "decides which runners fall back to Default",
    location="enterprise",
    list_groups=api.list_enterprise_runner_groups,
    permission=ENTERPRISE_PERMISSION,
    group_type="EnterpriseRunnerGroup",
)


class EnterpriseRunnerGroupMembershipProvider(AssignmentProvider):
    facet = ENTERPRISE_MEMBERSHIP


@dataclass
class EnterpriseRunnerGroupMembershipArgs:
    """`runners`: enterprise runner names (recommended) or ids. `exclusive=False` moves only these in and out."""

    runner_group_id: pulumi.Input[str | int]
    runners: pulumi.Input[Sequence[pulumi.Input[str | int]]]
    enterprise: pulumi.Input[str] | None = None
    exclusive: pulumi.Input[bool] = True


class EnterpriseRunnerGroupMembership(
    AssignmentResource[EnterpriseRunnerGroupMembershipArgs], module="github", name="EnterpriseRunnerGroupMembership"
):
    """The enterprise self-hosted runners of an enterprise runner group; outputs their ids (sorted) and names."""

    _provider_type = EnterpriseRunnerGroupMembershipProvider

    enterprise: pulumi.Output[str]
    runner_group_id: pulumi.Output[str]
    runners: pulumi.Output[list[str | int]]
    exclusive: pulumi.Output[bool]
    runner_ids: pulumi.Output[list[int]]
    runner_names: pulumi.Output[list[str]]
    found_runner_ids: pulumi.Output[list[int]]
    etag: pulumi.Output[str | None]
