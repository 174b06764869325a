"""RunnerGroupRepositoryAccess: which repositories may use a runner group whose visibility is `selected`, or which
of the org's repositories may use a group its enterprise shares with it (docs/enterprise-shared-groups.md)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pulumi

from ._assignment import AssignmentProvider
from ._assignment_resource import AssignmentResource
from ._facet import REPOSITORY_ACCESS


class RunnerGroupRepositoryAccessProvider(AssignmentProvider):
    facet = REPOSITORY_ACCESS


@dataclass
class RunnerGroupRepositoryAccessArgs:
    """`repositories`: names (`api` or `acme/api`) or numeric ids. `exclusive=False` manages only these entries,
    leaving repositories that others gave access to the same group alone."""

    runner_group_id: pulumi.Input[str | int]
    repositories: pulumi.Input[Sequence[pulumi.Input[str | int]]]
    org: pulumi.Input[str] | None = None
    exclusive: pulumi.Input[bool] = True


class RunnerGroupRepositoryAccess(
    AssignmentResource[RunnerGroupRepositoryAccessArgs], module="github", name="RunnerGroupRepositoryAccess"
):
    """The repositories with access to a `selected` runner group; outputs their ids (sorted) and names."""

    _provider_type = RunnerGroupRepositoryAccessProvider

    org: pulumi.Output[str]
    runner_group_id: pulumi.Output[str]
    repositories: pulumi.Output[list[str | int]]
    exclusive: pulumi.Output[bool]
    repository_ids: pulumi.Output[list[int]]
    repository_names: pulumi.Output[list[str]]
    found_repository_ids: pulumi.Output[list[int]]
    etag: pulumi.Output[str | None]
    # For a group the enterprise shares: the org's setting found at create, put back on delete (None otherwise).
    inherited_setting: pulumi.Output[dict[str, Any] | None]
