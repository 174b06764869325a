"""An organization's own listings, from which names become ids (its repositories and self-hosted runners), and
an organization read by its login (how a login becomes the id that the enterprise operations take)."""

from __future__ import annotations

from ..client import GitHubClient
from ._listing import listing
from ._paths import org_path
from .models import Organization, Repository, Runner

__all__ = [
    "get_organization",
    "list_org_repositories",
    "list_org_runners",
]


def list_org_runners(client: GitHubClient, org: str) -> list[Runner]:
    action = f"listing self-hosted runners of org '{org}'"
    return listing(client, f"{org_path(org)}/actions/runners", action, "runners", Runner.from_json)


def list_org_repositories(client: GitHubClient, org: str) -> list[Repository]:
    action = f"listing repositories of org '{org}'"
    return listing(client, f"{org_path(org)}/repos", action, None, Repository.from_json, params={"type": "all"})


def get_organization(client: GitHubClient, org: str) -> Organization:
    """GET /orgs/{org}: how a login becomes the numeric id the enterprise operations take."""
    action = f"reading organization '{org}'"
    return Organization.from_json(client.get(org_path(org), action=action), action)
