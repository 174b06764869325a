"""Who can send jobs to which runners: repository -> groups it may use -> runners, by GitHub's rules.

A repository may use a group when the org lets it run Actions at all, the group's visibility admits it (`all`:
every repository; `selected`: the group's list; `private`: private and internal repositories), and, for a public
repository, the group allows public repositories. A group restricted to workflows is reachable only through
those workflows (a listed reusable workflow can be called from any repository the group admits). The Default
group and groups inherited from the enterprise follow the same rules.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .model import Group, OrgSnapshot, Repository, Runner

NOT_MODELLED = (
    "the fork pull-request approval policy (who must approve a first-time contributor's run)",
    "`pull_request_target` and `workflow_run` triggers, which run a fork's changes with the base repository's rights",
    "repository-level self-hosted runners (registered on one repository, outside every group)",
    "enterprise policies beyond what an inherited group itself shows",
    "which actions may run (the allowed-actions policy) and the runner labels a workflow asks for in `runs-on`",
    "whether a listed workflow still exists at that ref, and which repositories call a listed reusable workflow",
)


@dataclass(frozen=True)
class GroupReach:
    """One group: the repositories that may send it jobs, its runners, and through which workflows."""

    group: Group
    repository_ids: frozenset[int]
    runners: tuple[Runner, ...]
    workflows: tuple[str, ...]  # empty: any workflow of those repositories

    @property
    def audience(self) -> str:
        """Who may use the group, in words."""
        group = self.group
        public = "" if group.allows_public_repositories else " except public"
        if group.visibility == "selected":
            return f"{len(group.repository_ids)} selected"
        if group.visibility == "private":
            return "private and internal repositories"
        return f"all repositories{public}"


def reachability(snapshot: OrgSnapshot) -> tuple[GroupReach, ...]:
    audiences: dict[tuple[str, bool], frozenset[int]] = {}  # groups open to all/private share one set
    reaches = []
    for group in snapshot.groups:
        if group.visibility == "selected":
            admitted = _admitted(snapshot, group, [r for r in snapshot.repositories if r.id in group.repository_ids])
        else:
            key = (group.visibility, group.allows_public_repositories)
            if key not in audiences:
                audiences[key] = _admitted(snapshot, group, snapshot.repositories)
            admitted = audiences[key]
        workflows = group.selected_workflows if group.restricted_to_workflows else ()
        reaches.append(GroupReach(group, admitted, snapshot.runners_of(group.id), workflows))
    return tuple(reaches)


def _admitted(snapshot: OrgSnapshot, group: Group, candidates: Iterable[Repository]) -> frozenset[int]:
    return frozenset(
        repository.id
        for repository in candidates
        if snapshot.actions.enabled(repository)
        and (group.visibility != "private" or not repository.public)
        and (group.allows_public_repositories or not repository.public)
    )


def runners_by_repository(snapshot: OrgSnapshot, reaches: tuple[GroupReach, ...]) -> dict[int, frozenset[int]]:
    """Repository id -> the ids of the self-hosted runners it can send jobs to (only repositories with any)."""
    reached: dict[int, set[int]] = {}
    for reach in reaches:
        if not reach.runners:
            continue
        runner_ids = {runner.id for runner in reach.runners}
        for repository_id in reach.repository_ids:
            reached.setdefault(repository_id, set()).update(runner_ids)
    return {repository_id: frozenset(ids) for repository_id, ids in reached.items()}
