"""An enterprise's runner groups: the same operations as an org's under /enterprises/{enterprise}, with an
organization list instead of a repository list (organizations are shared by id), and the enterprise's own
self-hosted runners that its groups hold. Every failure that is about access names the scope the token needs."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from ..client import Conditional, GitHubClient
from ..errors import GitHubAuthError, GitHubNotFound
from ._listing import count, listing, listing_if_changed, typed, whole
from ._paths import enterprise_path
from .models import ORGANIZATION_IDS_KEY, RUNNER_IDS_KEY, Organization, RequestBody, Runner, RunnerGroup, Versioned

__all__ = [
    "ENTERPRISE_PERMISSION_HINT",
    "add_enterprise_group_organization",
    "add_enterprise_group_runner",
    "create_enterprise_runner_group",
    "delete_enterprise_runner_group",
    "get_enterprise_runner_group_if_changed",
    "list_enterprise_group_organizations",
    "list_enterprise_group_organizations_if_changed",
    "list_enterprise_group_runners",
    "list_enterprise_group_runners_if_changed",
    "list_enterprise_runner_groups",
    "list_enterprise_runners",
    "remove_enterprise_group_organization",
    "remove_enterprise_group_runner",
    "set_enterprise_group_organizations",
    "set_enterprise_group_runners",
    "update_enterprise_runner_group",
]

ENTERPRISE_PERMISSION_HINT = (
    "Enterprise runner groups need an enterprise owner's classic personal access token (or OAuth app token) with "
    "the manage_runners:enterprise scope (admin:enterprise includes it); GitHub's enterprise runner-group "
    "endpoints do not work with fine-grained tokens or GitHub App tokens. Check also the enterprise slug "
    "(github-runner-groups:enterprise / GITHUB_ENTERPRISE): it is the ENTERPRISE of "
    "github.com/enterprises/ENTERPRISE."
)


def _groups(enterprise: str) -> str:
    return f"{enterprise_path(enterprise)}/actions/runner-groups"


def _group(enterprise: str, group_id: int) -> str:
    return f"{_groups(enterprise)}/{int(group_id)}"


def _group_label(enterprise: str, group_id: int) -> str:
    return f"runner group {int(group_id)} of enterprise '{enterprise}'"


@contextmanager
def _enterprise_permission(*, enterprise_level: bool = False) -> Iterator[None]:
    """A 403 names the scope the token needs. At the enterprise level (not a group's) a 404 does too: it is how
    GitHub hides an enterprise from a token without access; a group's 404 is explained by the callers."""
    try:
        yield
    except GitHubAuthError as exc:
        raise exc.with_hint(ENTERPRISE_PERMISSION_HINT) from None
    except GitHubNotFound as exc:
        if not enterprise_level:
            raise
        raise exc.with_hint(ENTERPRISE_PERMISSION_HINT) from None


# The group


def list_enterprise_runner_groups(client: GitHubClient, enterprise: str) -> list[RunnerGroup]:
    action = f"listing runner groups of enterprise '{enterprise}'"
    with _enterprise_permission(enterprise_level=True):
        return listing(client, _groups(enterprise), action, "runner_groups", RunnerGroup.from_json)


def create_enterprise_runner_group(client: GitHubClient, enterprise: str, body: RequestBody) -> Versioned[RunnerGroup]:
    action = f"creating runner group '{body.get('name')}' in enterprise '{enterprise}'"
    with _enterprise_permission(enterprise_level=True):
        response = client.request(
            "POST", _groups(enterprise), action=action, json_body=dict(body), required_keys=("id",)
        )
    return Versioned(RunnerGroup.from_json(response.body, action), response.headers.get("ETag"))


def get_enterprise_runner_group_if_changed(
    client: GitHubClient, enterprise: str, group_id: int, etag: str | None
) -> Conditional[RunnerGroup]:
    action = f"reading {_group_label(enterprise, group_id)}"
    with _enterprise_permission():
        fetched = client.get_if_changed(_group(enterprise, group_id), action=action, etag=etag)
    return typed(fetched, lambda body: RunnerGroup.from_json(body, action))


def update_enterprise_runner_group(
    client: GitHubClient, enterprise: str, group_id: int, body: RequestBody
) -> Versioned[RunnerGroup]:
    """PATCH; `name` is optional here, but the provider sends it as for an org group."""
    action = f"updating {_group_label(enterprise, group_id)}"
    with _enterprise_permission():
        response = client.request("PATCH", _group(enterprise, group_id), action=action, json_body=dict(body))
    return Versioned(RunnerGroup.from_json(response.body, action), response.headers.get("ETag"))


def delete_enterprise_runner_group(client: GitHubClient, enterprise: str, group_id: int) -> None:
    action = f"deleting {_group_label(enterprise, group_id)}"
    with _enterprise_permission():
        client.request("DELETE", _group(enterprise, group_id), action=action)


# Organizations with access to a group


def list_enterprise_group_organizations(client: GitHubClient, enterprise: str, group_id: int) -> list[Organization]:
    return whole(list_enterprise_group_organizations_if_changed(client, enterprise, group_id, None))


def list_enterprise_group_organizations_if_changed(
    client: GitHubClient, enterprise: str, group_id: int, etag: str | None
) -> Conditional[list[Organization]]:
    """The organizations that may use the group, or an unchanged marker when the listing still matches `etag`."""
    action = f"listing organizations with access to {_group_label(enterprise, group_id)}"
    path = f"{_group(enterprise, group_id)}/organizations"
    with _enterprise_permission():
        return listing_if_changed(client, path, action, "organizations", Organization.from_json, etag)


def set_enterprise_group_organizations(
    client: GitHubClient, enterprise: str, group_id: int, organization_ids: list[int]
) -> None:
    label = _group_label(enterprise, group_id)
    with _enterprise_permission():
        client.request(
            "PUT",
            f"{_group(enterprise, group_id)}/organizations",
            action=f"setting the organization list of {label} ({count(organization_ids, 'organization')})",
            json_body={ORGANIZATION_IDS_KEY: sorted(int(i) for i in organization_ids)},
        )


def add_enterprise_group_organization(client: GitHubClient, enterprise: str, group_id: int, org_id: int) -> None:
    with _enterprise_permission():
        client.request(
            "PUT",
            f"{_group(enterprise, group_id)}/organizations/{int(org_id)}",
            action=f"giving organization {int(org_id)} access to {_group_label(enterprise, group_id)}",
        )


def remove_enterprise_group_organization(client: GitHubClient, enterprise: str, group_id: int, org_id: int) -> None:
    with _enterprise_permission():
        client.request(
            "DELETE",
            f"{_group(enterprise, group_id)}/organizations/{int(org_id)}",
            action=f"removing organization {int(org_id)} from {_group_label(enterprise, group_id)}",
        )


# Self-hosted runners of a group, and the enterprise's runners they are chosen from


def list_enterprise_group_runners(client: GitHubClient, enterprise: str, group_id: int) -> list[Runner]:
    return whole(list_enterprise_group_runners_if_changed(client, enterprise, group_id, None))


def list_enterprise_group_runners_if_changed(
    client: GitHubClient, enterprise: str, group_id: int, etag: str | None
) -> Conditional[list[Runner]]:
    action = f"listing self-hosted runners in {_group_label(enterprise, group_id)}"
    path = f"{_group(enterprise, group_id)}/runners"
    with _enterprise_permission():
        return listing_if_changed(client, path, action, "runners", Runner.from_json, etag)


def set_enterprise_group_runners(client: GitHubClient, enterprise: str, group_id: int, runner_ids: list[int]) -> None:
    label = _group_label(enterprise, group_id)
    with _enterprise_permission():
        client.request(
            "PUT",
            f"{_group(enterprise, group_id)}/runners",
            action=f"setting the self-hosted runners of {label} ({count(runner_ids, 'runner')})",
            json_body={RUNNER_IDS_KEY: sorted(int(i) for i in runner_ids)},
        )


def add_enterprise_group_runner(client: GitHubClient, enterprise: str, group_id: int, runner_id: int) -> None:
    with _enterprise_permission():
        client.request(
            "PUT",
            f"{_group(enterprise, group_id)}/runners/{int(runner_id)}",
            action=f"adding self-hosted runner {int(runner_id)} to {_group_label(enterprise, group_id)}",
        )


def remove_enterprise_group_runner(client: GitHubClient, enterprise: str, group_id: int, runner_id: int) -> None:
    with _enterprise_permission():
        client.request(
            "DELETE",
            f"{_group(enterprise, group_id)}/runners/{int(runner_id)}",
            action=f"removing self-hosted runner {int(runner_id)} from {_group_label(enterprise, group_id)}",
        )


def list_enterprise_runners(client: GitHubClient, enterprise: str) -> list[Runner]:
    action = f"listing self-hosted runners of enterprise '{enterprise}'"
    path = f"{enterprise_path(enterprise)}/actions/runners"
    with _enterprise_permission(enterprise_level=True):
        return listing(client, path, action, "runners", Runner.from_json)
