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

from collections.abc import Callable, Iterable, Iterator, Mapping
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
    """Each group's reach. Groups open to the same class of repositories (all, private, with or without public
    ones) share one set of ids: an org of 10,000 repositories and hundreds of such groups holds it once."""
    running = [r for r in snapshot.repositories if snapshot.runs_actions(r)]
    running_ids = {r.id: r for r in running}
    audiences: dict[tuple[str, bool], tuple[frozenset[int], frozenset[int]]] = {}
    runners: dict[int | None, list[Runner]] = {}
    for runner in snapshot.runners:
        if runner.repository_id is None:
            runners.setdefault(runner.group_id, []).append(runner)
    reaches = []
    for group in snapshot.groups:
        workflows = group.selected_workflows if group.restricted_to_workflows else ()
        key = (group.visibility, group.allows_public_repositories)
        if group.visibility != "selected" and not group.restricted_to_workflows and key in audiences:
            ids, self_hosted = audiences[key]
        else:
            candidates = (
                running
                if group.visibility != "selected"
                else [running_ids[i] for i in group.repository_ids if i in running_ids]
            )
            admitted = _admitted(group, candidates)
            if group.restricted_to_workflows:
                may_call = callers_of(snapshot, workflows)
                admitted = [r for r in admitted if may_call(r)]
            ids = frozenset(r.id for r in admitted)
            usable = frozenset(r.id for r in admitted if snapshot.policies.may_use_self_hosted(r))
            self_hosted = ids if usable == ids else usable
            if group.visibility != "selected" and not group.restricted_to_workflows:
                audiences[key] = (ids, self_hosted)
        reaches.append(GroupReach(group, ids, tuple(runners.get(group.id, ())), workflows, self_hosted))
    return tuple(reaches)


def _admitted(group: Group, candidates: Iterable[Repository]) -> list[Repository]:
    return [
        repository
        for repository in candidates
        if (group.visibility != "private" or not repository.public)
        and (group.allows_public_repositories or not repository.public)
    ]


class ReachByRepository(Mapping[int, frozenset[int]]):
    """Repository id -> the ids of the self-hosted runners it can send jobs to (only repositories with any),
    each set made when asked: with 10,000 repositories and groups open to all, the sets held at once would run to
    millions of entries. Repositories in the same groups share one set (a small cache)."""

    CACHED = 256

    def __init__(self, memberships: dict[int, tuple[int, ...]], groups: list[frozenset[int]], own: dict[int, set[int]]):
        self._memberships = memberships  # repository id -> indices in `groups` (only groups with runners)
        self._groups = groups  # the runner ids of each group
        self._own = own  # repository id -> its own runners' ids (where it may use them)
        self._cache: dict[tuple[int, ...], frozenset[int]] = {}

    def __getitem__(self, repository_id: object) -> frozenset[int]:
        if not isinstance(repository_id, int) or repository_id not in self:
            raise KeyError(repository_id)
        key = self._memberships.get(repository_id, ())
        union = self._cache.get(key)
        if union is None:
            union = frozenset().union(*(self._groups[i] for i in key))
            if len(self._cache) >= self.CACHED:
                self._cache.clear()
            self._cache[key] = union
        own = self._own.get(repository_id)
        return union | own if own else union

    def __contains__(self, repository_id: object) -> bool:
        return repository_id in self._memberships or repository_id in self._own

    def __iter__(self) -> Iterator[int]:
        yield from self._memberships
        yield from (i for i in self._own if i not in self._memberships)

    def __len__(self) -> int:
        return len(self._memberships) + sum(1 for i in self._own if i not in self._memberships)


def runners_by_repository(snapshot: OrgSnapshot, reaches: tuple[GroupReach, ...]) -> ReachByRepository:
    """Repository id -> the ids of the self-hosted runners it can send jobs to (only repositories with any)."""
    groups: list[frozenset[int]] = []
    lists: dict[int, list[int]] = {}
    for reach in reaches:
        if not reach.runners:
            continue
        index = len(groups)
        groups.append(frozenset(runner.id for runner in reach.runners))
        for repository_id in reach.self_hosted_ids:
            lists.setdefault(repository_id, []).append(index)
    shared: dict[tuple[int, ...], tuple[int, ...]] = {}
    memberships = {i: shared.setdefault(tuple(indices), tuple(indices)) for i, indices in lists.items()}
    repositories = {r.id: r for r in snapshot.repositories}
    own: dict[int, set[int]] = {}
    for runner in snapshot.repository_runners():
        repository = repositories.get(runner.repository_id or 0)
        if repository and snapshot.runs_actions(repository) and snapshot.policies.may_use_self_hosted(repository):
            own.setdefault(repository.id, set()).add(runner.id)
    return ReachByRepository(memberships, groups, own)
