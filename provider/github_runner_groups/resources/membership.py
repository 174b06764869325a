"""RunnerGroupMembership: which self-hosted runners sit in a runner group.

A runner belongs to exactly one group: a runner taken out of a group (by this resource, or by deleting it) is
not unregistered but goes back to the organization's Default group. Name runners rather than giving ids: a
runner that registers again gets a new id, and a name follows it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi

from ._assignment import AssignmentProvider
from ._assignment_resource import AssignmentResource
from ._facet import MEMBERSHIP


class RunnerGroupMembershipProvider(AssignmentProvider):
    facet = MEMBERSHIP


@dataclass
class RunnerGroupMembershipArgs:
    """`runners`: runner names (recommended) or ids. `exclusive=False` moves only these runners in and out."""

    runner_group_id: pulumi.Input[str | int]
    runners: pulumi.Input[Sequence[pulumi.Input[str | int]]]
    org: pulumi.Input[str] | None = None
    exclusive: pulumi.Input[bool] = True


class RunnerGroupMembership(
    AssignmentResource[RunnerGroupMembershipArgs], module="github", name="RunnerGroupMembership"
):
    """The self-hosted runners of a runner group; outputs their ids (sorted) and names."""

    _provider_type = RunnerGroupMembershipProvider

    org: pulumi.Output[str]
    runner_group_id: pulumi.Output[str]
    runners: pulumi.Output[list[str | int]]
    exclusive: pulumi.Output[bool]
    runner_ids: pulumi.Output[list[int]]
    runner_names: pulumi.Output[list[str]]
    found_runner_ids: pulumi.Output[list[int]]
    etag: pulumi.Output[str | None]
