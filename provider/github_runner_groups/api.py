"""One typed function per GitHub REST operation this library uses. Knows nothing of Pulumi.

Each function names its action in words so that a failure reads "creating runner group 'ci' in org 'acme'
failed: GitHub answered 422 ...". Path segments are quoted here, once.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Generic, TypedDict, TypeVar, cast
from urllib.parse import quote

from . import client as http
from .client import GitHubClient
from .errors import GitHubAuthError, GitHubNotFound, GitHubRunnerGroupsError

T = TypeVar("T")
# A request body as sent: JSON values by field name.
RequestBody = Mapping[str, object]


@dataclass(frozen=True)
class Conditional(Generic[T]):
    """A read made with an ETag from an earlier run: `body` is None when GitHub answered 304 Not Modified."""

    body: T | None
    etag: str | None


@dataclass(frozen=True)
class Versioned(Generic[T]):
    """An object as a write returned it, with the answer's ETag, which a later read can send back."""

    body: T
    etag: str | None


class NotARunnerGroup(GitHubRunnerGroupsError):
    """An answer that should be a runner group and is not (a proxy's page, another API, an empty body)."""


@dataclass(frozen=True)
class RunnerGroup:
    """GitHub's `runner-groups-org` object, or its `runner-groups-enterprise` (which has no `inherited` flags and
    adds `selected_organizations_url`); flags GitHub leaves out are false, absent texts None."""

    id: int
    name: str
    visibility: str
    default: bool = False
    inherited: bool = False
    inherited_allows_public_repositories: bool = False
    allows_public_repositories: bool = False
    restricted_to_workflows: bool = False
    selected_workflows: tuple[str, ...] = ()
    workflow_restrictions_read_only: bool = False
    network_configuration_id: str | None = None
    runners_url: str | None = None
    selected_repositories_url: str | None = None
    hosted_runners_url: str | None = None
    selected_organizations_url: str | None = None

    @classmethod
    def from_json(cls, data: object, action: str) -> RunnerGroup:
        """`action` names what was being done, for the error when GitHub's answer is not a runner group."""
        if not isinstance(data, Mapping) or not _is_id(data.get("id")) or not isinstance(data.get("name"), str):
            raise NotARunnerGroup(
                f"{action} failed: GitHub's answer is not a runner group (it has no numeric id and name). Check "
                "github:baseUrl: it must point at GitHub's REST API (https://HOST/api/v3 on Enterprise Server)."
            )
        return cls(
            id=int(data["id"]),
            name=str(data["name"]),
            visibility=str(data.get("visibility") or "all"),
            default=data.get("default") is True,
            inherited=data.get("inherited") is True,
            inherited_allows_public_repositories=data.get("inherited_allows_public_repositories") is True,
            allows_public_repositories=data.get("allows_public_repositories") is True,
            restricted_to_workflows=data.get("restricted_to_workflows") is True,
            selected_workflows=tuple(str(w) for w in data.get("selected_workflows") or ()),
            workflow_restrictions_read_only=data.get("workflow_restrictions_read_only") is True,
            network_configuration_id=_text(data.get("network_configuration_id")),
            runners_url=_text(data.get("runners_url")),
            selected_repositories_url=_text(data.get("selected_repositories_url")),
            hosted_runners_url=_text(data.get("hosted_runners_url")),
            selected_organizations_url=_text(data.get("selected_organizations_url")),
        )


def _is_id(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _text(value: object) -> str | None:
    return str(value) if value is not None else None


class RepositoryJson(TypedDict, total=False):
    id: int
    name: str
    full_name: str
    private: bool
    visibility: str
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


def _count(ids: list[int], noun: str) -> str:
    """`1 repository`, `3 repositories`, `0 runners`."""
    plural = noun[:-1] + "ies" if noun.endswith("y") else noun + "s"
    return f"{len(ids)} {noun if len(ids) == 1 else plural}"


# Runner groups


def list_runner_groups(
    client: GitHubClient, org: str, *, visible_to_repository: str | None = None
) -> list[RunnerGroup]:
    params = {"visible_to_repository": visible_to_repository} if visible_to_repository else None
    action = f"listing runner groups of org '{org}'"
    items = client.paginate(
        f"{_org(org)}/actions/runner-groups", action=action, item_key="runner_groups", params=params
    )
    return [RunnerGroup.from_json(item, action) for item in items]


def create_runner_group(client: GitHubClient, org: str, body: RequestBody) -> Versioned[RunnerGroup]:
    action = f"creating runner group '{body.get('name')}' in org '{org}'"
    response = client.request(
        "POST", f"{_org(org)}/actions/runner-groups", action=action, json_body=dict(body), required_keys=("id",)
    )
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
    return _typed(fetched, action)


def update_runner_group(client: GitHubClient, org: str, group_id: int, body: RequestBody) -> Versioned[RunnerGroup]:
    """PATCH (GitHub requires `name` in every body)."""
    action = f"updating {_group_label(org, group_id)}"
    response = client.request("PATCH", _group(org, group_id), action=action, json_body=dict(body))
    return Versioned(RunnerGroup.from_json(response.body, action), response.headers.get("ETag"))


def delete_runner_group(client: GitHubClient, org: str, group_id: int) -> None:
    client.request("DELETE", _group(org, group_id), action=f"deleting {_group_label(org, group_id)}")


def _typed(fetched: http.Conditional, action: str) -> Conditional[RunnerGroup]:
    body = None if fetched.unchanged else RunnerGroup.from_json(fetched.body, action)
    return Conditional(body, fetched.etag)


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


def list_group_repositories_if_changed(
    client: GitHubClient, org: str, group_id: int, etag: str | None
) -> http.Conditional:
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
        action=f"setting the repository list of {_group_label(org, group_id)} ({_count(repository_ids, 'repository')})",
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


def list_group_runners_if_changed(client: GitHubClient, org: str, group_id: int, etag: str | None) -> http.Conditional:
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
        action=f"setting the self-hosted runners of {_group_label(org, group_id)} ({_count(runner_ids, 'runner')})",
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


# Organization Actions permissions (read by the exposure audit)


class ActionsPermissionsJson(TypedDict, total=False):
    """GitHub's `actions-organization-permissions` object."""

    enabled_repositories: str  # "all" | "none" | "selected"
    allowed_actions: str
    selected_repositories_url: str
    selected_actions_url: str


def get_actions_permissions(client: GitHubClient, org: str) -> ActionsPermissionsJson:
    return cast(
        ActionsPermissionsJson,
        client.get(f"{_org(org)}/actions/permissions", action=f"reading the Actions permissions of org '{org}'"),
    )


def list_actions_enabled_repositories(client: GitHubClient, org: str) -> list[RepositoryJson]:
    """The repositories that may run GitHub Actions when the org enables only `selected` ones."""
    return cast(
        list[RepositoryJson],
        client.paginate(
            f"{_org(org)}/actions/permissions/repositories",
            action=f"listing the repositories of org '{org}' that may run GitHub Actions",
            item_key="repositories",
        ),
    )


# Enterprise runner groups: the same operations under /enterprises/{enterprise}; organizations are shared by id.

ENTERPRISE_PERMISSION_HINT = (
    "Enterprise runner groups need an enterprise owner's token: a classic personal access token with the "
    "admin:enterprise scope, or a fine-grained token with the enterprise permission 'Self-hosted runners' (read "
    "and write); a GitHub App needs an installation on the enterprise itself with that permission (one installed "
    "on an organization cannot manage them). Check also the enterprise slug "
    "(github:enterprise / GITHUB_ENTERPRISE): it is the ENTERPRISE of github.com/enterprises/ENTERPRISE."
)


class OrganizationJson(TypedDict, total=False):
    """GitHub's `organization-simple`, with `name` set to the login (as the group-member listings are read)."""

    id: int
    login: str
    name: str


def _enterprise(enterprise: str) -> str:
    return f"/enterprises/{quote(enterprise, safe='')}"


def _enterprise_group(enterprise: str, group_id: int) -> str:
    return f"{_enterprise(enterprise)}/actions/runner-groups/{int(group_id)}"


def _enterprise_group_label(enterprise: str, group_id: int) -> str:
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


def list_enterprise_runner_groups(client: GitHubClient, enterprise: str) -> list[RunnerGroup]:
    action = f"listing runner groups of enterprise '{enterprise}'"
    with _enterprise_permission(enterprise_level=True):
        items = client.paginate(
            f"{_enterprise(enterprise)}/actions/runner-groups", action=action, item_key="runner_groups"
        )
    return [RunnerGroup.from_json(item, action) for item in items]


def create_enterprise_runner_group(client: GitHubClient, enterprise: str, body: RequestBody) -> Versioned[RunnerGroup]:
    action = f"creating runner group '{body.get('name')}' in enterprise '{enterprise}'"
    with _enterprise_permission(enterprise_level=True):
        response = client.request(
            "POST", f"{_enterprise(enterprise)}/actions/runner-groups", action=action, json_body=dict(body)
        )
    return Versioned(RunnerGroup.from_json(response.body, action), response.headers.get("ETag"))


def get_enterprise_runner_group_if_changed(
    client: GitHubClient, enterprise: str, group_id: int, etag: str | None
) -> Conditional[RunnerGroup]:
    action = f"reading {_enterprise_group_label(enterprise, group_id)}"
    with _enterprise_permission():
        fetched = client.get_if_changed(_enterprise_group(enterprise, group_id), action=action, etag=etag)
    return _typed(fetched, action)


def update_enterprise_runner_group(
    client: GitHubClient, enterprise: str, group_id: int, body: RequestBody
) -> Versioned[RunnerGroup]:
    action = f"updating {_enterprise_group_label(enterprise, group_id)}"
    with _enterprise_permission():
        response = client.request("PATCH", _enterprise_group(enterprise, group_id), action=action, json_body=dict(body))
    return Versioned(RunnerGroup.from_json(response.body, action), response.headers.get("ETag"))


def delete_enterprise_runner_group(client: GitHubClient, enterprise: str, group_id: int) -> None:
    action = f"deleting {_enterprise_group_label(enterprise, group_id)}"
    with _enterprise_permission():
        client.request("DELETE", _enterprise_group(enterprise, group_id), action=action)


def list_enterprise_group_organizations_if_changed(
    client: GitHubClient, enterprise: str, group_id: int, etag: str | None
) -> http.Conditional:
    """The organizations (OrganizationJson list, `name` = login) that may use the group, or an unchanged marker."""
    with _enterprise_permission():
        fetched = client.paginate_if_changed(
            f"{_enterprise_group(enterprise, group_id)}/organizations",
            action=f"listing organizations with access to {_enterprise_group_label(enterprise, group_id)}",
            item_key="organizations",
            etag=etag,
        )
    if fetched.unchanged:
        return fetched
    return http.Conditional([{**item, "name": item.get("login")} for item in fetched.body], fetched.etag)


def set_enterprise_group_organizations(
    client: GitHubClient, enterprise: str, group_id: int, organization_ids: list[int]
) -> None:
    label = _enterprise_group_label(enterprise, group_id)
    with _enterprise_permission():
        client.request(
            "PUT",
            f"{_enterprise_group(enterprise, group_id)}/organizations",
            action=f"setting the organization list of {label} ({_count(organization_ids, 'organization')})",
            json_body={"selected_organization_ids": sorted(int(i) for i in organization_ids)},
        )


def add_enterprise_group_organization(client: GitHubClient, enterprise: str, group_id: int, org_id: int) -> None:
    with _enterprise_permission():
        client.request(
            "PUT",
            f"{_enterprise_group(enterprise, group_id)}/organizations/{int(org_id)}",
            action=f"giving organization {int(org_id)} access to {_enterprise_group_label(enterprise, group_id)}",
        )


def remove_enterprise_group_organization(client: GitHubClient, enterprise: str, group_id: int, org_id: int) -> None:
    with _enterprise_permission():
        client.request(
            "DELETE",
            f"{_enterprise_group(enterprise, group_id)}/organizations/{int(org_id)}",
            action=f"removing organization {int(org_id)} from {_enterprise_group_label(enterprise, group_id)}",
        )


def list_enterprise_group_runners_if_changed(
    client: GitHubClient, enterprise: str, group_id: int, etag: str | None
) -> http.Conditional:
    with _enterprise_permission():
        return client.paginate_if_changed(
            f"{_enterprise_group(enterprise, group_id)}/runners",
            action=f"listing self-hosted runners in {_enterprise_group_label(enterprise, group_id)}",
            item_key="runners",
            etag=etag,
        )


def set_enterprise_group_runners(client: GitHubClient, enterprise: str, group_id: int, runner_ids: list[int]) -> None:
    label = _enterprise_group_label(enterprise, group_id)
    with _enterprise_permission():
        client.request(
            "PUT",
            f"{_enterprise_group(enterprise, group_id)}/runners",
            action=f"setting the self-hosted runners of {label} ({_count(runner_ids, 'runner')})",
            json_body={"runners": sorted(int(i) for i in runner_ids)},
        )


def add_enterprise_group_runner(client: GitHubClient, enterprise: str, group_id: int, runner_id: int) -> None:
    with _enterprise_permission():
        client.request(
            "PUT",
            f"{_enterprise_group(enterprise, group_id)}/runners/{int(runner_id)}",
            action=f"adding self-hosted runner {int(runner_id)} to {_enterprise_group_label(enterprise, group_id)}",
        )


def remove_enterprise_group_runner(client: GitHubClient, enterprise: str, group_id: int, runner_id: int) -> None:
    with _enterprise_permission():
        client.request(
            "DELETE",
            f"{_enterprise_group(enterprise, group_id)}/runners/{int(runner_id)}",
            action=f"removing self-hosted runner {int(runner_id)} from {_enterprise_group_label(enterprise, group_id)}",
        )


def list_enterprise_runners(client: GitHubClient, enterprise: str) -> list[RunnerJson]:
    with _enterprise_permission(enterprise_level=True):
        return cast(
            list[RunnerJson],
            client.paginate(
                f"{_enterprise(enterprise)}/actions/runners",
                action=f"listing self-hosted runners of enterprise '{enterprise}'",
                item_key="runners",
            ),
        )


def get_organization(client: GitHubClient, org: str) -> OrganizationJson:
    """GET /orgs/{org}: how a login becomes the numeric id the enterprise operations take."""
    body = client.get(_org(org), action=f"reading organization '{org}'")
    return cast(OrganizationJson, {**body, "name": body.get("login")})
