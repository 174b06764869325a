"""Where an owner's operations live: the path prefix of an org and of an enterprise, the owner's name quoted
here, once (the ids in paths are `int()`ed where they are put in)."""

from __future__ import annotations

from urllib.parse import quote


def org_path(org: str) -> str:
    return f"/orgs/{quote(org, safe='')}"


def enterprise_path(enterprise: str) -> str:
    return f"/enterprises/{quote(enterprise, safe='')}"
