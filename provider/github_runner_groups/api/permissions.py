"""An organization's Actions permissions: which of its repositories may run GitHub Actions at all (read by the
exposure audit)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..client import GitHubClient
from ._answers import text, unexpected
from ._listing import listing
from ._paths import org_path
from .models import Repository

__all__ = [
    "ActionsPermissions",
    "get_actions_permissions",
    "list_actions_enabled_repositories",
]


@dataclass(frozen=True)
class ActionsPermissions:
    """GitHub's `actions-organization-permissions`: which repositories may run Actions at all."""

    enabled_repositories: str = "all"  # "all" | "none" | "selected"
    allowed_actions: str | None = None
    selected_repositories_url: str | None = None
    selected_actions_url: str | None = None

    @classmethod
    def from_json(cls, data: object, action: str) -> ActionsPermissions:
        if not isinstance(data, Mapping):
            raise unexpected(action, "an object")
        return cls(
            enabled_repositories=str(data.get("enabled_repositories") or "all"),
            allowed_actions=text(data.get("allowed_actions")),
            selected_repositories_url=text(data.get("selected_repositories_url")),
            selected_actions_url=text(data.get("selected_actions_url")),
        )


def get_actions_permissions(client: GitHubClient, org: str) -> ActionsPermissions:
    action = f"reading the Actions permissions of org '{org}'"
    return ActionsPermissions.from_json(client.get(f"{org_path(org)}/actions/permissions", action=action), action)


def list_actions_enabled_repositories(client: GitHubClient, org: str) -> list[Repository]:
    """The repositories that may run GitHub Actions when the org enables only `selected` ones."""
    action = f"listing the repositories of org '{org}' that may run GitHub Actions"
    path = f"{org_path(org)}/actions/permissions/repositories"
    return listing(client, path, action, "repositories", Repository.from_json)
