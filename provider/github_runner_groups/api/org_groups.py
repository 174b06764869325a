"""An organization's runner groups: the group itself, its repository list and its self-hosted runners."""

from __future__ import annotations

from typing import Any

from ..client import Conditional, GitHubClient
from ._answers import identified
from ._listing import count, listing, listing_if_changed, typed, whole
from ._paths import org_path
from .models import REPOSITORY_IDS_KEY, RUNNER_IDS_KEY, Repository, RequestBody, Runner, RunnerGroup, Versioned

__all__ = [
    "add_group_repository",
    "add_group_runner",
    "create_runner_group",
    "delete_runner_group",
    "get_runner_group",
    "get_runner_group_if_changed",
    "list_group_repositories",
    "list_group_repositories_if_changed",
    "list_group_runners",
    "list_group_runners_if_changed",
    "list_hosted_runners_in_group",
    "list_runner_groups",
    "remove_group_repository",
    "remove_group_runner",
    "set_group_repositories",
    "set_group_runners",
    "update_runner_group",
]


def _groups(org: str) -> str:
    return f"{org_path(org)}/actions/runner-groups"


def _group(org: str, group_id: int) -> str:
    return f"{_groups(org)}/{int(group_id)}"


def _group_label(org: str, group_id: int) -> str:
    return f"runner group {int(group_id)} in org '{org}'"


# The group


def list_runner_groups(
    client: GitHubClient, org: str, *, visible_to_repository: str | None = None
) -> list[RunnerGroup]:
    params = {"visible_to_repository": visible_to_repository} if visible_to_repository else None
    action = f"listing runner groups of org '{org}'"
    return listing(client, _groups(org), action, "runner_groups", RunnerGroup.from_json, params=params)


def create_runner_group(client: GitHubClient, org: str, body: RequestBody) -> Versioned[RunnerGroup]:
    """`body` may carry the group's lists (REPOSITORY_IDS_KEY, RUNNER_IDS_KEY): one POST makes the whole group."""
    action = f"creating runner group '{body.get('name')}' in org '{org}'"
    response = client.request("POST", _groups(org), action=action, json_body=dict(body), required_keys=("id",))
    return Versioned(RunnerGroup.from_json(response.body, action), response.headers.get("ETag"))


def get_runner_group(client: GitHubClient, org: str, group_id: int) -> RunnerGroup:
    action = f"reading {_group_label(org, group_id)}"
    return RunnerGroup.from_json(client.get(_group(org, group_id), action=action), action)


def get_runner_group_if_changed(
    client: GitHubClient, org: str, group_id: int, etag: str | None
) -> Conditional[RunnerGroup]:
    """The group, or an unchanged marker when it still matches `etag`."""
    action = f"reading {_group_label(org, group_id)}"
    fetched = client.get_if_changed(_group(org, group_id), action=action, etag=etag)
    return typed(fetched, lambda body: RunnerGroup.from_json(body, action))


def update_runner_group(client: GitHubClient, org: str, group_id: int, body: RequestBody) -> Versioned[RunnerGroup]:
    """PATCH (GitHub requires `name` in every body)."""
    action = f"updating {_group_label(org, group_id)}"
    response = client.request("PATCH", _group(org, group_id), action=action, json_body=dict(body))
    return Versioned(RunnerGroup.from_json(response.body, action), response.headers.get("ETag"))


def delete_runner_group(client: GitHubClient, org: str, group_id: int) -> None:
    client.request("DELETE", _group(org, group_id), action=f"deleting {_group_label(org, group_id)}")


def list_hosted_runners_in_group(client: GitHubClient, org: str, group_id: int) -> list[dict[str, Any]]:
    action = f"listing GitHub-hosted runners of {_group_label(org, group_id)}"
    return listing(client, f"{_group(org, group_id)}/hosted-runners", action, "runners", _hosted_runner)


def _hosted_runner(item: object, action: str) -> dict[str, Any]:
    """A GitHub-hosted runner as GitHub gives it, checked to be one (the lookups hand it on as it is)."""
    return dict(identified(item, action, "a GitHub-hosted runner"))


# Repository access of a group


def list_group_repositories(client: GitHubClient, org: str, group_id: int) -> list[Repository]:
    return whole(list_group_repositories_if_changed(client, org, group_id, None))


def list_group_repositories_if_changed(
    client: GitHubClient, org: str, group_id: int, etag: str | None
) -> Conditional[list[Repository]]:
    """The repositories, or an unchanged marker when the listing still matches `etag`."""
    action = f"listing repositories with access to {_group_label(org, group_id)}"
    path = f"{_group(org, group_id)}/repositories"
    return listing_if_changed(client, path, action, "repositories", Repository.from_json, etag)


def set_group_repositories(client: GitHubClient, org: str, group_id: int, repository_ids: list[int]) -> None:
    client.request(
        "PUT",
        f"{_group(org, group_id)}/repositories",
        action=f"setting the repository list of {_group_label(org, group_id)} ({count(repository_ids, 'repository')})",
        json_body={REPOSITORY_IDS_KEY: sorted(int(i) for i in repository_ids)},
    )


def add_group_repository(client: GitHubClient, org: str, group_id: int, repository_id: int) -> None:
    client.request(
        "PUT",
        f"{_group(org, group_id)}/repositories/{int(repository_id)}",
        action=f"giving repository {int(repository_id)} access to {_group_label(org, group_id)}",
    )


def remove_group_repository(client: GitHubClient, org: str, group_id: int, repository_id: int) -> None:
    client.request(
        "DELETE",
        f"{_group(org, group_id)}/repositories/{int(repository_id)}",
        action=f"removing repository {int(repository_id)} from {_group_label(org, group_id)}",
    )


# Self-hosted runners of a group


def list_group_runners(client: GitHubClient, org: str, group_id: int) -> list[Runner]:
    return whole(list_group_runners_if_changed(client, org, group_id, None))


def list_group_runners_if_changed(
    client: GitHubClient, org: str, group_id: int, etag: str | None
) -> Conditional[list[Runner]]:
    """The runners, or an unchanged marker when the listing still matches `etag`."""
    action = f"listing self-hosted runners in {_group_label(org, group_id)}"
    return listing_if_changed(client, f"{_group(org, group_id)}/runners", action, "runners", Runner.from_json, etag)


def set_group_runners(client: GitHubClient, org: str, group_id: int, runner_ids: list[int]) -> None:
    client.request(
        "PUT",
        f"{_group(org, group_id)}/runners",
        action=f"setting the self-hosted runners of {_group_label(org, group_id)} ({count(runner_ids, 'runner')})",
        json_body={RUNNER_IDS_KEY: sorted(int(i) for i in runner_ids)},
    )


def add_group_runner(client: GitHubClient, org: str, group_id: int, runner_id: int) -> None:
    client.request(
        "PUT",
        f"{_group(org, group_id)}/runners/{int(runner_id)}",
        action=f"adding self-hosted runner {int(runner_id)} to {_group_label(org, group_id)}",
    )


def remove_group_runner(client: GitHubClient, org: str, group_id: int, runner_id: int) -> None:
    client.request(
        "DELETE",
        f"{_group(org, group_id)}/runners/{int(runner_id)}",
        action=f"removing self-hosted runner {int(runner_id)} from {_group_label(org, group_id)}",
    )
