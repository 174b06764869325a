"""The emulated GitHub's state and the out-of-band changes a human would make (seeding, edits in the web UI).

Objects are kept as plain dicts in GitHub's field names, so that tests read them as the API would show them.
Every method takes the lock: the transports call the emulator from many threads.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .rendering import HttpError, hosted_runner_json

DEFAULT_GROUP_ID = 1
ADMIN_SCOPE = "admin:org"
REPOSITORY_VISIBILITIES = ("public", "private", "internal")
ENABLED_REPOSITORIES = ("all", "none", "selected")
ALLOWED_ACTIONS = ("all", "local_only", "selected")


@dataclass
class ActionsPermissions:
    """The org's Actions policy: which repositories may run Actions at all, and which actions."""

    enabled_repositories: str = "all"
    selected_repository_ids: tuple[int, ...] = ()
    allowed_actions: str = "all"


@dataclass
class Org:
    login: str
    groups: dict[int, dict[str, Any]] = field(default_factory=dict)
    group_repositories: dict[int, set[int]] = field(default_factory=dict)
    repositories: dict[int, dict[str, Any]] = field(default_factory=dict)
    runners: dict[int, dict[str, Any]] = field(default_factory=dict)
    hosted_runners: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    actions_permissions: ActionsPermissions = field(default_factory=ActionsPermissions)


@dataclass
class Credential:
    """A token: its scopes, its expiry (installation tokens) and its primary rate-limit bucket."""

    scopes: frozenset[str]
    expires_at: float | None = None
    used: int = 0
    reset_at: float = 0.0


@dataclass(frozen=True)
class App:
    app_id: str
    public_key_pem: str
    installation_id: int
    org: str


class EmulatorState:
    """Orgs, their groups, repositories and runners, and the credentials that may use them."""

    def __init__(self, tokens: Mapping[str, Iterable[str]]) -> None:
        self.lock = threading.RLock()
        self.orgs: dict[str, Org] = {}
        self.apps: dict[int, App] = {}
        self.tokens = {token: Credential(frozenset(scopes)) for token, scopes in tokens.items()}
        self.ids = itertools.count(2)

    # Seeding and out-of-band changes

    def add_org(self, login: str) -> None:
        with self.lock:
            org = self.orgs.setdefault(login.lower(), Org(login))
            org.groups.setdefault(
                DEFAULT_GROUP_ID, new_group(DEFAULT_GROUP_ID, "Default", {"default": True, "visibility": "all"})
            )

    def add_repo(self, org: str, name: str, *, private: bool = False, visibility: str | None = None) -> dict[str, Any]:
        """A repository; `visibility` is public, private or internal (default from `private`), as on GitHub."""
        visibility = visibility or ("private" if private else "public")
        if visibility not in REPOSITORY_VISIBILITIES:
            raise ValueError(f"visibility {visibility!r} is not one of {', '.join(REPOSITORY_VISIBILITIES)}")
        if private and visibility == "public":
            raise ValueError(f"repository {name!r}: private=True contradicts visibility='public'; pass one of them")
        with self.lock:
            owner = self.find_org(org)
            repo_id = next(self.ids) + 1000
            repo: dict[str, Any] = {
                "id": repo_id,
                "name": name,
                "private": visibility != "public",  # GitHub's `private` is true for internal repositories too
                "visibility": visibility,
                "owner": owner.login,
            }
            owner.repositories[repo_id] = repo
            return dict(repo)

    def add_runner(
        self,
        org: str,
        name: str,
        *,
        group_id: int = DEFAULT_GROUP_ID,
        os: str = "linux",
        status: str = "online",
        labels: Iterable[str] = ("self-hosted",),
    ) -> dict[str, Any]:
        with self.lock:
            owner = self.find_org(org)
            runner_id = next(self.ids) + 5000
            owner.runners[runner_id] = {
                "id": runner_id,
                "name": name,
                "os": os,
                "status": status,
                "busy": False,
                "labels": [{"id": i + 1, "name": label, "type": "read-only"} for i, label in enumerate(labels)],
                "runner_group_id": group_id,
            }
            return dict(owner.runners[runner_id])

    def remove_runner(self, org: str, runner_id: int) -> None:
        """A runner that is unregistered (it gets a new id when it registers again)."""
        with self.lock:
            del self.find_org(org).runners[runner_id]

    def add_group(self, org: str, name: str, **fields: Any) -> dict[str, Any]:
        with self.lock:
            owner = self.find_org(org)
            group = new_group(next(self.ids), name, fields)
            owner.groups[group["id"]] = group
            owner.group_repositories[group["id"]] = set()
            return dict(group)

    def update_group(self, org: str, group_id: int, **fields: Any) -> None:
        with self.lock:
            self.find_group(self.find_org(org), group_id).update(fields)

    def delete_group(self, org: str, group_id: int) -> None:
        with self.lock:
            self.drop_group(self.find_org(org), group_id)

    def add_hosted_runner(self, org: str, group_id: int, name: str) -> dict[str, Any]:
        with self.lock:
            hosted = {"id": next(self.ids) + 9000, "name": name, "runner_group_id": group_id}
            self.find_org(org).hosted_runners.setdefault(group_id, []).append(hosted)
            return hosted_runner_json(hosted)

    def set_group_repository_ids(self, org: str, group_id: int, repository_ids: Iterable[int]) -> None:
        with self.lock:
            self.find_org(org).group_repositories[group_id] = set(repository_ids)

    def move_runner(self, org: str, runner_id: int, group_id: int) -> None:
        with self.lock:
            self.find_org(org).runners[runner_id]["runner_group_id"] = group_id

    def set_actions_permissions(
        self,
        org: str,
        *,
        enabled_repositories: str = "all",
        selected_repository_ids: Iterable[int] = (),
        allowed_actions: str = "all",
    ) -> None:
        """The org's Actions policy, as an owner sets it under Settings > Actions > General."""
        if enabled_repositories not in ENABLED_REPOSITORIES:
            raise ValueError(f"enabled_repositories {enabled_repositories!r} is not one of {ENABLED_REPOSITORIES}")
        if allowed_actions not in ALLOWED_ACTIONS:
            raise ValueError(f"allowed_actions {allowed_actions!r} is not one of {ALLOWED_ACTIONS}")
        ids = tuple(dict.fromkeys(selected_repository_ids))
        if ids and enabled_repositories != "selected":
            raise ValueError("selected_repository_ids apply only with enabled_repositories='selected'")
        with self.lock:
            owner = self.find_org(org)
            unknown = [i for i in ids if i not in owner.repositories]
            if unknown:
                raise ValueError(f"selected_repository_ids {unknown} are not repositories of org {owner.login!r}")
            owner.actions_permissions = ActionsPermissions(enabled_repositories, ids, allowed_actions)

    def add_app(self, app_id: str, public_key_pem: str, installation_id: int, org: str) -> None:
        with self.lock:
            self.apps[int(installation_id)] = App(str(app_id), public_key_pem, int(installation_id), org)

    def revoke_token(self, token: str) -> None:
        with self.lock:
            self.tokens.pop(token, None)

    # Reading the state (tests)

    def group(self, org: str, group_id: int) -> dict[str, Any] | None:
        with self.lock:
            group = self.find_org(org).groups.get(group_id)
            return dict(group) if group else None

    def groups(self, org: str) -> list[dict[str, Any]]:
        with self.lock:
            return [dict(g) for g in self.find_org(org).groups.values()]

    def repositories(self, org: str) -> list[dict[str, Any]]:
        with self.lock:
            return [dict(r) for r in self.find_org(org).repositories.values()]

    def runners(self, org: str) -> list[dict[str, Any]]:
        with self.lock:
            return [dict(r) for r in self.find_org(org).runners.values()]

    def group_repository_ids(self, org: str, group_id: int) -> set[int]:
        with self.lock:
            return set(self.find_org(org).group_repositories.get(group_id, set()))

    def group_runner_ids(self, org: str, group_id: int) -> set[int]:
        with self.lock:
            return {r["id"] for r in self.find_org(org).runners.values() if r["runner_group_id"] == group_id}

    # Lookups for the handlers (the caller holds the lock)

    def find_org(self, login: str) -> Org:
        org = self.orgs.get(login.lower())
        if org is None:
            raise HttpError(404)
        return org

    def find_group(self, org: Org, group_id: int | str) -> dict[str, Any]:
        group = org.groups.get(int(group_id))
        if group is None:
            raise HttpError(404)
        return group

    def drop_group(self, org: Org, group_id: int) -> None:
        """Delete a group as GitHub does: its repository list goes, its runners go back to Default."""
        del org.groups[group_id]
        org.group_repositories.pop(group_id, None)
        for runner in org.runners.values():
            if runner["runner_group_id"] == group_id:
                runner["runner_group_id"] = DEFAULT_GROUP_ID


def new_group(group_id: int, name: str, fields: Mapping[str, Any]) -> dict[str, Any]:
    group: dict[str, Any] = {
        "id": group_id,
        "name": name,
        "visibility": "all",
        "default": False,
        "inherited": False,
        "allows_public_repositories": False,
        "restricted_to_workflows": False,
        "selected_workflows": [],
        "workflow_restrictions_read_only": False,
        "network_configuration_id": None,
    }
    group.update(fields)
    if not group["restricted_to_workflows"]:
        group["selected_workflows"] = []
    return group
