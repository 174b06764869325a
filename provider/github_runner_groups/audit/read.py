"""Reading an org for the audit, concurrently within the client's one pacer and budget (the client is
thread-safe; its pacer caps requests in flight and spends GitHub's points for every thread together).

Rounds, each read in parallel: (1) the org's groups, repositories, runners (each carries `runner_group_id`), the
Actions permissions and the self-hosted-runner and fork pull-request policies; (2) per group: the repository list
of a `selected` group, the hosted runners, and the runners of a group shared by the enterprise (the org's runner
listing holds only the org's own runners); (3) the self-hosted runners registered on repositories (public ones,
or all with `repository_runners="all"`) the org lets use them; (4) for the repositories that can then reach a
self-hosted runner, their own Actions switch and fork pull-request policies.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from .. import api
from ..client import GitHubClient
from ..errors import GitHubAuthError, GitHubNotFound
from ..resources.values import require_org
from .model import ActionsPolicy, Group, OrgSnapshot, Policies, Policy, Repository, Runner, Unknown

T = TypeVar("T")
U = TypeVar("U")
ORG_POLICY = "admin:org (or the 'Actions policies' organization permission, read)"
REPOSITORY_POLICY = "repo (or the 'Administration' repository permission, read)"
REPOSITORY_RUNNERS = ("public", "all")
ENTERPRISE_RUNNERS = "manage_runners:enterprise (or read:enterprise), to list the enterprise's runners"


def _parallel(client: GitHubClient, work: Callable[[T], U], items: Iterable[T]) -> list[U]:
    """`work` over `items` on as many threads as the client lets requests run at once (order kept)."""
    listed = list(items)
    workers = max(1, min(len(listed), client.settings.pacing.max_in_flight))
    if workers == 1:
        return [work(item) for item in listed]
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="audit") as pool:
        return list(pool.map(work, listed))


def _policy(read: Callable[[], T], needs: str) -> Policy[T]:
    """A policy's value, or `Unknown` when this token may not read it (403, or the 404 GitHub gives instead)."""
    try:
        return read()
    except (GitHubAuthError, GitHubNotFound):
        return Unknown(needs)


def read_org(client: GitHubClient, org: str, *, repository_runners: str = "public") -> OrgSnapshot:
    """One consistent picture of `org`, read only (see the module docstring for the calls it makes)."""
    require_org(org)
    calls: list[Callable[[], object]] = [
        lambda: api.list_runner_groups(client, org),
        lambda: api.list_org_repositories(client, org),
        lambda: api.list_org_runners(client, org),
        lambda: _actions_policy(client, org),
        lambda: _self_hosted_policy(client, org),
        lambda: _policy(lambda: api.get_fork_pr_approval_policy(client, org), ORG_POLICY),
        lambda: _policy(
            lambda: api.get_fork_pr_private_policy(client, org).run_workflows_from_fork_pull_requests, ORG_POLICY
        ),
    ]
    groups_json, repositories_json, runners_json, actions, self_hosted, approval, private_forks = _parallel(
        client, lambda call: call(), calls
    )
    assert isinstance(groups_json, list) and isinstance(repositories_json, list) and isinstance(runners_json, list)
    assert isinstance(actions, ActionsPolicy) and isinstance(self_hosted, tuple)
    repositories = tuple(
        Repository(r.id, r.name, r.visibility, r.archived, r.fork) for r in repositories_json if _own(r, org)
    )
    listed: list[tuple[api.Runner, int | None]] = [(r, r.runner_group_id) for r in runners_json]
    per_group = any(group_id is None for _runner, group_id in listed)
    groups_and_runners = _parallel(client, lambda g: _group(client, org, g, per_group), groups_json)
    groups = tuple(group for group, _runners, _listed, _hosted in groups_and_runners)
    if per_group:  # older GHES leaves `runner_group_id` out: every group's runners were read with it
        listed = []
    runners = [_runner(r, group_id) for r, group_id in listed if group_id is not None]
    runners += [runner for _group, group_runners, _listed, _hosted in groups_and_runners for runner in group_runners]
    seen = {r.id for r in repositories}
    hidden = {r.id: r for _g, _r, listed_repositories, _h in groups_and_runners for r in listed_repositories}
    hidden_repositories = [r for i, r in sorted(hidden.items()) if i not in seen]
    repositories += tuple(Repository(r.id, r.name, r.visibility, r.archived, r.fork) for r in hidden_repositories)
    policies = Policies(
        self_hosted=self_hosted[0],
        self_hosted_ids=self_hosted[1],
        approval=approval,  # type: ignore[arg-type]
        private_forks=private_forks,  # type: ignore[arg-type]
    )
    snapshot = OrgSnapshot(
        org,
        groups,
        repositories,
        tuple(runners),
        actions,
        policies,
        _unseen(hidden_repositories),
        hosted_runners=all(hosted for _g, _r, _l, hosted in groups_and_runners),
    )
    snapshot = _with_repository_runners(client, snapshot, repository_runners)
    return _with_repository_policies(client, snapshot)


def read_enterprise_runners(client: GitHubClient, enterprise: str) -> tuple[Runner, ...] | Unknown:
    """The enterprise's self-hosted runners (for `audit --spec` with an `enterprise:` section), or `Unknown` when
    this token may not list them."""
    try:
        found = api.list_enterprise_runners(client, enterprise)
    except (GitHubAuthError, GitHubNotFound):
        return Unknown(ENTERPRISE_RUNNERS)
    return tuple(_runner(r, r.runner_group_id or 0, enterprise=True) for r in found)


def _own(repository: api.Repository, org: str) -> bool:
    owner = (repository.full_name or "").partition("/")[0]
    return not owner or owner.lower() == org.lower()


def _unseen(hidden: list[api.Repository]) -> tuple[str, ...]:
    """The org's listing leaves out what the token may not see (private repositories without the repo scope);
    groups' lists still name them: they are audited from there, and said."""
    if not hidden:
        return ()
    names = ", ".join(r.name for r in hidden[:5]) + (f" and {len(hidden) - 5} more" if len(hidden) > 5 else "")
    return (
        f"{len(hidden)} {'repository' if len(hidden) == 1 else 'repositories'} ({names}) appear in groups' lists but "
        "not in the org's repository listing: this token cannot list them (it needs the repo scope), so other "
        "repositories it cannot see are missing from this audit",
    )


def _runner(runner: api.Runner, group_id: int, *, enterprise: bool = False) -> Runner:
    return Runner(
        id=runner.id,
        name=runner.name,
        os=runner.os,
        status=runner.status,
        labels=runner.labels,
        group_id=int(group_id),
        ephemeral=runner.ephemeral,
        enterprise=enterprise,
    )


GroupRead = tuple[Group, list[Runner], list[api.Repository], bool]  # bool: the server has GitHub-hosted runners


def _group(client: GitHubClient, org: str, group: api.RunnerGroup, per_group: bool) -> GroupRead:
    """The group, the runners read through it (an enterprise group's, which the org listing lacks, or every
    group's when the org listing gives no group ids) and its repository list."""
    listed = api.list_group_repositories(client, org, group.id) if group.visibility == "selected" else []
    repository_ids = frozenset(r.id for r in listed)
    hosted_supported = True
    try:
        hosted = tuple(str(r.get("name")) for r in api.list_hosted_runners_in_group(client, org, group.id))
    except GitHubNotFound:  # GitHub Enterprise Server has no GitHub-hosted runners
        hosted, hosted_supported = (), False
    runners: list[Runner] = []
    if group.inherited or per_group:
        runners = [
            _runner(r, group.id, enterprise=group.inherited) for r in api.list_group_runners(client, org, group.id)
        ]
    allows_public = group.allows_public_repositories or (group.inherited and group.inherited_allows_public_repositories)
    read = Group(
        id=group.id,
        name=group.name,
        visibility=group.visibility,
        default=group.default,
        inherited=group.inherited,
        allows_public_repositories=allows_public,
        restricted_to_workflows=group.restricted_to_workflows,
        selected_workflows=group.selected_workflows,
        repository_ids=repository_ids,
        hosted_runners=hosted,
    )
    return read, runners, listed, hosted_supported


def _actions_policy(client: GitHubClient, org: str) -> ActionsPolicy:
    try:
        permissions = api.get_actions_permissions(client, org)
    except (GitHubAuthError, GitHubNotFound):
        return ActionsPolicy(readable=False)
    enabled = permissions.enabled_repositories
    if enabled != "selected":
        return ActionsPolicy(enabled)
    ids = frozenset(r.id for r in api.list_actions_enabled_repositories(client, org))
    return ActionsPolicy(enabled, ids)


def read_self_hosted_policy(client: GitHubClient, org: str) -> tuple[str, frozenset[int]]:
    """Which repositories may use self-hosted runners: `all`, `none`, or `selected` with their ids."""
    enabled = api.get_self_hosted_runner_policy(client, org).enabled_repositories
    if enabled != "selected":
        return enabled, frozenset()
    return enabled, frozenset(r.id for r in api.list_self_hosted_repositories(client, org))


def _self_hosted_policy(client: GitHubClient, org: str) -> tuple[Policy[str], frozenset[int]]:
    try:
        return read_self_hosted_policy(client, org)
    except (GitHubAuthError, GitHubNotFound):
        return Unknown(ORG_POLICY), frozenset()


def _with_repository_runners(client: GitHubClient, snapshot: OrgSnapshot, which: str) -> OrgSnapshot:
    """Add the runners registered on repositories that may use them (public ones, or all)."""
    if which not in REPOSITORY_RUNNERS:
        raise ValueError(f"repository_runners {which!r} is not one of {REPOSITORY_RUNNERS}")
    candidates = [
        r
        for r in snapshot.repositories
        if (which == "all" or r.public) and snapshot.runs_actions(r) and snapshot.policies.may_use_self_hosted(r)
    ]

    def read(repository: Repository) -> list[Runner]:
        try:
            found = api.list_repository_runners(client, snapshot.org, repository.name)
        except (GitHubAuthError, GitHubNotFound):
            return []
        return [
            Runner(r.id, r.name, r.os, r.status, r.labels, None, r.ephemeral, repository_id=repository.id)
            for r in found
        ]

    added = [runner for runners in _parallel(client, read, candidates) for runner in runners]
    return snapshot.with_groups(snapshot.groups, (*snapshot.runners, *added)) if added else snapshot


def _with_repository_policies(client: GitHubClient, snapshot: OrgSnapshot) -> OrgSnapshot:
    """Read the repository-level switches of the repositories that reach a self-hosted runner, where they
    decide a finding: a public one's Actions switch and approval policy; a private or internal one's Actions
    switch and fork policy, when the org lets fork pull requests run in private repositories at all (otherwise a
    private repository's own switch is not read: it counts as on, the conservative side)."""
    from dataclasses import replace

    from .reach import reachability, runners_by_repository

    reached = runners_by_repository(snapshot, reachability(snapshot))
    org_allows_private_forks = snapshot.policies.private_forks is not False
    candidates = [r for r in snapshot.repositories if r.id in reached and (r.public or org_allows_private_forks)]

    def read(repository: Repository) -> tuple[int, Policy[bool], Policy[str] | None, Policy[bool] | None]:
        org, name = snapshot.org, repository.name
        enabled = _policy(lambda: api.get_repository_actions_enabled(client, org, name), REPOSITORY_POLICY)
        approval: Policy[str] | None = None
        private: Policy[bool] | None = None
        if repository.public:
            approval = _policy(lambda: api.get_fork_pr_approval_policy(client, org, name), REPOSITORY_POLICY)
        else:
            private = _policy(
                lambda: api.get_fork_pr_private_policy(client, org, name).run_workflows_from_fork_pull_requests,
                REPOSITORY_POLICY,
            )
        return repository.id, enabled, approval, private

    answers = _parallel(client, read, candidates)
    policies = replace(
        snapshot.policies,
        repository_actions={i: e for i, e, _a, _p in answers},
        repository_approval={i: a for i, _e, a, _p in answers if a is not None},
        repository_private_forks={i: p for i, _e, _a, p in answers if p is not None},
    )
    return replace(snapshot, policies=policies)
