"""One typed function per GitHub REST operation this library uses. Knows nothing of Pulumi.

Each function names its action in words so that a failure reads "creating runner group 'ci' in org 'acme'
failed: GitHub answered 422 ...". Path segments are quoted here, once.
"""

from __future__ import annotations

from typing import Any, TypedDict, cast
from urllib.parse import quote

from .client import Conditional, GitHubClient


class RunnerGroupJson(TypedDict, total=False):
    """GitHub's `runner-groups-org` object."""

    id: int
    name: str
    visibility: str
    default: bool
    selected_repositories_url: str
    runners_url: str
    hosted_runners_url: str
    network_configuration_id: str | None
    inherited: bool
    inherited_allows_public_repositories: bool
    allows_public_repositories: bool
    workflow_restrictions_read_only: bool
    restricted_to_workflows: bool
    selected_workflows: list[str]


class RunnerGroupBody(TypedDict, total=False):
    """The writable fields of a runner group (POST and PATCH bodies)."""

    name: str
    visibility: str
    allows_public_repositories: bool
    restricted_to_workflows: bool
    selected_workflows: list[str]
    network_configuration_id: str | None


class RepositoryJson(TypedDict, total=False):
    id: int
    name: str
    full_name: str
    private: bool
    owner: dict[str, Any]


class RunnerJson(TypedDict, total=False):
    id: int
    name: str
    os: str
    status: str
    busy: bool
    labels: list[dict[str, Any]]
    runner_group_id: int


def _org(org: str) -> str:
    return f"/orgs/{quote(org, safe='')}"


def _group(org: str, group_id: int) -> str:
    return f"{_org(org)}/actions/runner-groups/{int(group_id)}"


def _group_label(org: str, group_id: int) -> str:
    return f"runner group {int(group_id)} in org '{org}'"


# Runner groups


def list_runner_groups(
    client: GitHubClient, org: str, *, visible_to_repository: str | None = None
) -> list[RunnerGroupJson]:
    params = {"visible_to_repository": visible_to_repository} if visible_to_repository else None
    return cast(
        list[RunnerGroupJson],
        client.paginate(
            f"{_org(org)}/actions/runner-groups",
            action=f"listing runner groups of org '{org}'",
            item_key="runner_groups",
            params=params,
        ),
    )


def create_runner_group(client: GitHubClient, org: str, body: RunnerGroupBody) -> Conditional:
    """The new group (a RunnerGroupJson) and the answer's ETag, which a later read can send back."""
    response = client.request(
        "POST",
        f"{_org(org)}/actions/runner-groups",
        action=f"creating runner group '{body.get('name')}' in org '{org}'",
        json_body=body,
        required_keys=("id",),
    )
    return Conditional(response.body, response.headers.get("ETag"))


def get_runner_group(client: GitHubClient, org: str, group_id: int) -> RunnerGroupJson:
    return cast(RunnerGroupJson, client.get(_group(org, group_id), action=f"reading {_group_label(org, group_id)}"))


def get_runner_group_if_changed(client: GitHubClient, org: str, group_id: int, etag: str | None) -> Conditional:
    """The group (a RunnerGroupJson), or an unchanged marker when it still matches `etag`."""
    return client.get_if_changed(_group(org, group_id), action=f"reading {_group_label(org, group_id)}", etag=etag)


def update_runner_group(client: GitHubClient, org: str, group_id: int, body: RunnerGroupBody) -> Conditional:
    """PATCH (GitHub requires `name` in every body); the updated group and the answer's ETag."""
    response = client.request(
        "PATCH", _group(org, group_id), action=f"updating {_group_label(org, group_id)}", json_body=body
    )
    return Conditional(response.body, response.headers.get("ETag"))


def delete_runner_group(client: GitHubClient, org: str, group_id: int) -> None:
    client.request("DELETE", _group(org, group_id), action=f"deleting {_group_label(org, group_id)}")


def list_hosted_runners_in_group(client: GitHubClient, org: str, group_id: int) -> list[dict[str, Any]]:
    return cast(
        list[dict[str, Any]],
        client.paginate(
            f"{_group(org, group_id)}/hosted-runners",
            action=f"listing GitHub-hosted runners of {_group_label(org, group_id)}",
            item_key="runners",
        ),
    )


# Repository access of a group


def list_group_repositories(client: GitHubClient, org: str, group_id: int) -> list[RepositoryJson]:
    return cast(list[RepositoryJson], list_group_repositories_if_changed(client, org, group_id, None).body)


def list_group_repositories_if_changed(client: GitHubClient, org: str, group_id: int, etag: str | None) -> Conditional:
    """The repositories (RepositoryJson list), or an unchanged marker when the listing still matches `etag`."""
    return client.paginate_if_changed(
        f"{_group(org, group_id)}/repositories",
        action=f"listing repositories with access to {_group_label(org, group_id)}",
        item_key="repositories",
        etag=etag,
    )


def set_group_repositories(client: GitHubClient, org: str, group_id: int, repository_ids: list[int]) -> None:
    client.request(
        "PUT",
        f"{_group(org, group_id)}/repositories",
        action=f"setting the {len(repository_ids)} repositories with access to {_group_label(org, group_id)}",
        json_body={"selected_repository_ids": sorted(int(i) for i in repository_ids)},
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


def list_group_runners(client: GitHubClient, org: str, group_id: int) -> list[RunnerJson]:
    return cast(list[RunnerJson], list_group_runners_if_changed(client, org, group_id, None).body)


def list_group_runners_if_changed(client: GitHubClient, org: str, group_id: int, etag: str | None) -> Conditional:
    """The runners (RunnerJson list), or an unchanged marker when the listing still matches `etag`."""
    return client.paginate_if_changed(
        f"{_group(org, group_id)}/runners",
        action=f"listing self-hosted runners in {_group_label(org, group_id)}",
        item_key="runners",
        etag=etag,
    )


def set_group_runners(client: GitHubClient, org: str, group_id: int, runner_ids: list[int]) -> None:
    client.request(
        "PUT",
        f"{_group(org, group_id)}/runners",
        action=f"setting the {len(runner_ids)} self-hosted runners in {_group_label(org, group_id)}",
        json_body={"runners": sorted(int(i) for i in runner_ids)},
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


# Org-wide lookups


def list_org_runners(client: GitHubClient, org: str) -> list[RunnerJson]:
    return cast(
        list[RunnerJson],
        client.paginate(
            f"{_org(org)}/actions/runners",
            action=f"listing self-hosted runners of org '{org}'",
            item_key="runners",
        ),
    )


def list_org_repositories(client: GitHubClient, org: str) -> list[RepositoryJson]:
    return cast(
        list[RepositoryJson],
        client.paginate(
            f"{_org(org)}/repos",
            action=f"listing repositories of org '{org}'",
            item_key=None,
            params={"type": "all"},
        ),
    )


def get_repository(client: GitHubClient, owner: str, repo: str) -> RepositoryJson:
    return cast(
        RepositoryJson,
        client.get(
            f"/repos/{quote(owner, safe='')}/{quote(repo, safe='')}",
            action=f"reading repository '{owner}/{repo}'",
        ),
    )
