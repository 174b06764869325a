"""What the audit knows of an org: its groups, repositories, runners (of its groups, of enterprise groups shared
with it, of single repositories) and the Actions policies that decide whether a reachable runner can be used.

A policy the token may not read is an `Unknown` naming the permission it needs: the audit then computes reach as
if the policy allowed it (the conservative side) and says so, never silently.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TypeVar, Union

PUBLIC = "public"
T = TypeVar("T")


@dataclass(frozen=True)
class Unknown:
    """A policy this token could not read; `needs` names the permission that would let it."""

    needs: str

    def __str__(self) -> str:
        return f"unknown: needs {self.needs}"


Policy = Union[T, Unknown]  # noqa: UP007  (a generic alias: the | form does not take a TypeVar on 3.10)


@dataclass(frozen=True)
class Repository:
    id: int
    name: str
    visibility: str  # "public" | "private" | "internal"
    archived: bool = False
    fork: bool = False

    @property
    def public(self) -> bool:
        return self.visibility == PUBLIC


@dataclass(frozen=True)
class Runner:
    """A self-hosted runner: of a group (`group_id`), or registered on one repository (`repository_id`)."""

    id: int
    name: str
    os: str
    status: str
    labels: tuple[str, ...]
    group_id: int | None
    ephemeral: bool = False
    repository_id: int | None = None
    enterprise: bool = False  # registered at the enterprise, used through a group shared with the org

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
class Policies:
    """The org's and its repositories' policies beyond `ActionsPolicy` (repository-level ones only where read:
    for the repositories that reach a self-hosted runner)."""

    self_hosted: Policy[str] = "all"  # which repositories may use self-hosted runners: all | selected | none
    self_hosted_ids: frozenset[int] = frozenset()
    approval: Policy[str] = "first_time_contributors"  # who needs approval before a fork's pull request runs
    private_forks: Policy[bool] = False  # fork pull requests run workflows in private repositories
    repository_actions: dict[int, Policy[bool]] = field(default_factory=dict)
    repository_approval: dict[int, Policy[str]] = field(default_factory=dict)
    repository_private_forks: dict[int, Policy[bool]] = field(default_factory=dict)

    def may_use_self_hosted(self, repository: Repository) -> bool:
        """False only when the org's policy, read, keeps `repository` from self-hosted runners."""
        if isinstance(self.self_hosted, Unknown) or self.self_hosted == "all":
            return True
        return self.self_hosted == "selected" and repository.id in self.self_hosted_ids

    def actions_enabled(self, repository: Repository) -> bool:
        """The repository's own switch, where read; unknown or unread counts as enabled (conservative)."""
        return self.repository_actions.get(repository.id) is not False

    def approval_of(self, repository: Repository) -> Policy[str]:
        return self.repository_approval.get(repository.id, self.approval)

    def private_forks_of(self, repository: Repository) -> Policy[bool]:
        if self.private_forks is False:
            return False  # an org that forbids it forbids it for every repository
        return self.repository_private_forks.get(repository.id, self.private_forks)

    def unknown(self) -> list[tuple[str, Unknown]]:
        """(what, why) for every policy this token could not read."""
        found: list[tuple[str, Unknown]] = []
        for what, value in (
            ("which repositories may use self-hosted runners", self.self_hosted),
            ("the fork pull-request approval policy", self.approval),
            ("whether fork pull requests run workflows in private repositories", self.private_forks),
        ):
            if isinstance(value, Unknown):
                found.append((what, value))
        for what, values in (
            ("a repository's own Actions switch", self.repository_actions),
            ("a repository's fork pull-request approval policy", self.repository_approval),
            ("a private repository's fork pull-request policy", self.repository_private_forks),
        ):
            unread = [v for v in values.values() if isinstance(v, Unknown)]
            if unread:
                found.append((f"{what} ({len(unread)})", unread[0]))
        return found


@dataclass(frozen=True)
class OrgSnapshot:
    org: str
    groups: tuple[Group, ...]
    repositories: tuple[Repository, ...]
    runners: tuple[Runner, ...]
    actions: ActionsPolicy = field(default_factory=ActionsPolicy)
    policies: Policies = field(default_factory=Policies)
    unseen: tuple[str, ...] = ()  # what the token could not see (private repositories, say)
    hosted_runners: bool = True  # the server has GitHub-hosted runners (GitHub Enterprise Server has none)

    def group_named(self, name: str) -> Group | None:
        folded = name.lower()
        return next((g for g in self.groups if g.name.lower() == folded), None)

    def runners_of(self, group_id: int) -> tuple[Runner, ...]:
        return tuple(r for r in self.runners if r.group_id == group_id and r.repository_id is None)

    def repository_runners(self) -> tuple[Runner, ...]:
        return tuple(r for r in self.runners if r.repository_id is not None)

    def with_groups(self, groups: tuple[Group, ...], runners: tuple[Runner, ...]) -> OrgSnapshot:
        return replace(self, groups=groups, runners=runners)

    def runs_actions(self, repository: Repository) -> bool:
        """An archived repository, or one the org or its own settings keep from Actions, runs nothing."""
        return (
            not repository.archived and self.actions.enabled(repository) and self.policies.actions_enabled(repository)
        )
