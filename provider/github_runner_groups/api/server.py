"""Which GitHub serves the client: GitHub Enterprise Server names its release in a header on every answer."""

from __future__ import annotations

from ..client import GitHubClient
from ._paths import enterprise_path, org_path

__all__ = [
    "ENTERPRISE_VERSION_HEADER",
    "enterprise_server_version",
]

ENTERPRISE_VERSION_HEADER = "X-GitHub-Enterprise-Version"


def enterprise_server_version(client: GitHubClient, location: str, owner: str) -> str | None:
    """The GitHub Enterprise Server release behind the client (`3.19.0`), from the header GHES puts on every
    answer; None for github.com and GHEC. One read of the owner's group listing (its first item only), where
    `location` says whose: an `org` or an `enterprise`, which the same token can read."""
    base = enterprise_path(owner) if location == "enterprise" else org_path(owner)
    response = client.request(
        "GET",
        f"{base}/actions/runner-groups",
        action=f"reading which GitHub serves {location} '{owner}'",
        params={"per_page": 1},
    )
    return next((str(v) for k, v in response.headers.items() if k.lower() == ENTERPRISE_VERSION_HEADER.lower()), None)
