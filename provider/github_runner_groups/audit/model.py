"""What the audit knows of an org: its groups, repositories, runners and Actions policy, read with few calls.

Reads: the org's groups (1 listing), its self-hosted runners once (each carries its `runner_group_id`, so no
per-group runner listing is needed unless GitHub leaves that field out), its repositories once (visibility),
the repository list of each `selected` group, the GitHub-hosted runners of each group, and the Actions
permissions (plus the enabled repositories when only selected ones may run Actions).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from .. import api
from ..client import GitHubClient
from ..errors import GitHubAuthError, GitHubNotFound
from ..resources.values import require_org

PUBLIC = "public"


@dataclass(frozen=True)
class Repository:
    id: int
    name: str
    visibility: str  # "public" | "private" | "internal"

    @property
    def public(self) -> bool:
        return self.visibility == PUBLIC


@dataclass(frozen=True)
class Runner:
    """A self-hosted runner (GitHub-hosted ones are listed by name on their group)."""

    id: int
    name: str
    os: str
    status: str
    labels: tuple[str, ...]
    group_id: int

    @property
    def online(self) -> bool:
        return self.status == "online"


@dataclass(frozen=True)
class Group:
    id: int
    name: str
    visibility: str  # "all" | "selected" | "private"
    default: bool = False
    inherited: bool = False
    allows_public_repositories: bool = False
    restricted_to_workflows: bool = False
    selected_workflows: tuple[str, ...] = ()
    repository_ids: frozenset[int] = frozenset()  # only meaningful for visibility "selected"
    hosted_runners: tuple[str, ...] = ()


@dataclass(frozen=True)
class ActionsPolicy:
    """Which repositories may run Actions at all; `readable` False: not readable with this token (assumed all)."""

    enabled_repositories: str = "all"  # "all" | "none" | "selected"
    enabled_ids: frozenset[int] = frozenset()
    readable: bool = True

    def enabled(self, repository: Repository) -> bool:
        if self.enabled_repositories == "none":
            return False
        return self.enabled_repositories != "selected" or repository.id in self.enabled_ids


@dataclass(frozen=True)
class OrgSnapshot:
    org: str
    groups: tuple[Group, ...]
    repositories: tuple[Repository, ...]
    runners: tuple[Runner, ...]
    actions: ActionsPolicy = field(default_factory=ActionsPolicy)

    def group_named(self, name: str) -> Group | None:
        folded = name.lower()
        return next((g for g in self.groups if g.name.lower() == folded), None)

    def runners_of(self, group_id: int) -> tuple[Runner, ...]:
        return tuple(r for r in self.runners if r.group_id == group_id)

    def with_groups(self, groups: tuple[Group, ...], runners: tuple[Runner, ...]) -> OrgSnapshot:
        return replace(self, groups=groups, runners=runners)


def read_org(client: GitHubClient, org: str) -> OrgSnapshot:
    """One consistent picture of `org`, read only (see the module docstring for the calls it makes)."""
    require_org(org)
    groups_json = api.list_runner_groups(client, org)
    repositories = tuple(Repository(r.id, r.name, r.visibility) for r in api.list_org_repositories(client, org))
    listed = [(r, r.runner_group_id) for r in api.list_org_runners(client, org)]
    if any(group_id is None for _runner, group_id in listed):
        listed = [(r, group.id) for group in groups_json for r in api.list_group_runners(client, org, group.id)]
    runners = tuple(
        Runner(id=r.id, name=r.name, os=r.os, status=r.status, labels=r.labels, group_id=int(group_id))
        for r, group_id in listed
        if group_id is not None
    )
    groups = tuple(_group(client, org, g) for g in groups_json)
    return OrgSnapshot(org, groups, repositories, runners, _actions_policy(client, org))


def _group(client: GitHubClient, org: str, group: api.RunnerGroup) -> Group:
    selected = group.visibility == "selected"
    repository_ids = (
        frozenset(r.id for r in api.list_group_repositories(client, org, group.id)) if selected else frozenset()
    )
    try:
        hosted = tuple(str(r.get("name")) for r in api.list_hosted_runners_in_group(client, org, group.id))
    except GitHubNotFound:  # GitHub Enterprise Server has no GitHub-hosted runners
        hosted = ()
    allows_public = group.allows_public_repositories or (group.inherited and group.inherited_allows_public_repositories)
    return Group(
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
