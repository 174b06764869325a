"""Who can send jobs to which runners: repository -> groups it may use -> runners, by GitHub's rules.

A repository runs nothing when it is archived or the org or its own settings keep it from Actions. Otherwise it
may use a group when the group's visibility admits it (`all`: every repository; `selected`: the group's list;
`private`: private and internal repositories) and, for a public repository, the group allows public
repositories. It may use the group's self-hosted runners only if the org's self-hosted-runner policy lets it.
A group restricted to workflows is reachable only through those workflows, and a repository can run a listed
workflow only if GitHub lets it call that workflow: its own, or one in a repository whose visibility its own
admits (a public repository: public ones; internal: internal and public; private: all of its org). An empty
workflow list admits no workflow. The Default group and groups inherited from the enterprise follow the same
rules. A repository's own runners serve that repository only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .model import Group, OrgSnapshot, Repository, Runner

NOT_MODELLED = (
    "`pull_request_target` and `workflow_run` triggers, which run a fork's changes with the base repository's rights",
    "enterprise policies beyond what an inherited group itself shows",
    "which actions may run (the allowed-actions policy) and the runner labels a workflow asks for in `runs-on`",
    "whether a listed workflow still exists at that ref, and the access setting of the repository that holds it",
    "self-hosted runners registered on private and internal repositories, unless asked for "
    "(`--repository-runners all`)",
)
# Which caller visibilities may call a reusable workflow stored in a repository of each visibility (same org).
CALLERS = {"public": {"public", "internal", "private"}, "internal": {"internal", "private"}, "private": {"private"}}


@dataclass(frozen=True)
class GroupReach:
    """One group: the repositories that may send it jobs, those of them that may use its self-hosted runners,
    its runners, and through which workflows."""

    group: Group
    repository_ids: frozenset[int]
    runners: tuple[Runner, ...]
    workflows: tuple[str, ...]  # empty: any workflow of those repositories, unless `closed`
    self_hosted_ids: frozenset[int] = frozenset()

    @property
    def closed(self) -> bool:
        """Restricted to workflows with none listed: no workflow may use the group."""
        return self.group.restricted_to_workflows and not self.group.selected_workflows

    @property
    def audience(self) -> str:
        """Who may use the group, in words."""
        group = self.group
        if self.closed:
            return "no workflow (restricted to an empty list)"
        public = "" if group.allows_public_repositories else " except public"
        if group.visibility == "selected":
            return f"{len(group.repository_ids)} selected"
        if group.visibility == "private":
            return "private and internal repositories"
        return f"all repositories{public}"


def workflow_parts(workflow: str) -> tuple[str, str]:
    """(owner, repository) of `OWNER/REPO/.github/workflows/FILE@REF`."""
    owner, _, rest = workflow.partition("/")
    return owner, rest.partition("/")[0]


def callers_of(snapshot: OrgSnapshot, workflows: tuple[str, ...]) -> Callable[[Repository], bool]:
    """Whether a repository may run at least one of `workflows` (GitHub's rules for calling reusable workflows).

    A workflow in another org, or in a repository this token does not see, may be public: counted as callable
    by every repository (the conservative side; the findings say so)."""
    by_name = {r.name.lower(): r for r in snapshot.repositories}
    hosts: list[Repository | None] = []
    for workflow in workflows:
        owner, name = workflow_parts(workflow)
        hosts.append(by_name.get(name.lower()) if owner.lower() == snapshot.org.lower() else None)

    def may_call(caller: Repository) -> bool:
        return any(
            host is None or host.id == caller.id or caller.visibility in CALLERS.get(host.visibility, set())
            for host in hosts
        )

    return may_call


def reachability(snapshot: OrgSnapshot) -> tuple[GroupReach, ...]:
    running = [r for r in snapshot.repositories if snapshot.runs_actions(r)]
    audiences: dict[tuple[str, bool], list[Repository]] = {}  # groups open to all/private share one list
    reaches = []
    for group in snapshot.groups:
        if group.visibility == "selected":
            admitted = _admitted(group, [r for r in running if r.id in group.repository_ids])
        else:
            key = (group.visibility, group.allows_public_repositories)
            if key not in audiences:
                audiences[key] = _admitted(group, running)
            admitted = audiences[key]
        workflows = group.selected_workflows if group.restricted_to_workflows else ()
        if group.restricted_to_workflows:
            may_call = callers_of(snapshot, workflows)
            admitted = [r for r in admitted if may_call(r)]
        ids = frozenset(r.id for r in admitted)
        self_hosted = frozenset(r.id for r in admitted if snapshot.policies.may_use_self_hosted(r))
        reaches.append(GroupReach(group, ids, snapshot.runners_of(group.id), workflows, self_hosted))
    return tuple(reaches)


def _admitted(group: Group, candidates: Iterable[Repository]) -> list[Repository]:
    return [
        repository
        for repository in candidates
        if (group.visibility != "private" or not repository.public)
        and (group.allows_public_repositories or not repository.public)
    ]


def runners_by_repository(snapshot: OrgSnapshot, reaches: tuple[GroupReach, ...]) -> dict[int, frozenset[int]]:
    """Repository id -> the ids of the self-hosted runners it can send jobs to (only repositories with any)."""
    reached: dict[int, set[int]] = {}
    for reach in reaches:
        if not reach.runners:
            continue
        runner_ids = {runner.id for runner in reach.runners}
        for repository_id in reach.self_hosted_ids:
            reached.setdefault(repository_id, set()).update(runner_ids)
    repositories = {r.id: r for r in snapshot.repositories}
    for runner in snapshot.repository_runners():
        repository = repositories.get(runner.repository_id or 0)
        if repository and snapshot.runs_actions(repository) and snapshot.policies.may_use_self_hosted(repository):
            reached.setdefault(repository.id, set()).add(runner.id)
    return {repository_id: frozenset(ids) for repository_id, ids in reached.items()}
