"""One typed function per GitHub REST operation this library uses. Knows nothing of Pulumi.

Each function names its action in words so that a failure reads "creating runner group 'ci' in org 'acme'
failed: GitHub answered 422 ...". Path segments are quoted here, once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeGuard, TypeVar
from urllib.parse import quote

from .client import Conditional as Conditional  # the client's conditional read, typed by the functions here
from .client import GitHubClient
from .errors import GitHubAuthError, GitHubNotFound, GitHubRunnerGroupsError

T = TypeVar("T")
# A request body as sent: JSON values by field name.
RequestBody = Mapping[str, object]
# GitHub's body keys for a group's whole repository list and runner list, in the create POST and in the PUTs.
REPOSITORY_IDS_KEY = "selected_repository_ids"
RUNNER_IDS_KEY = "runners"
ORGANIZATION_IDS_KEY = "selected_organization_ids"  # an enterprise group's organizations


@dataclass(frozen=True)
class Versioned(Generic[T]):
    """An object as a write returned it, with the answer's ETag, which a later read can send back."""

    body: T
    etag: str | None


class UnexpectedAnswer(GitHubRunnerGroupsError):
    """An answer that is not the object the request returns (a proxy's page, another API, an empty body)."""


class Named(Protocol):
    """What a member of a group's list has, whichever kind it is (repository, runner)."""

    @property
    def id(self) -> int: ...

    @property
    def name(self) -> str: ...


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
        data = _identified(data, action, "a runner group")
        return cls(
            id=int(data["id"]),
            name=str(data["name"]),
            visibility=str(data.get("visibility") or "all"),
            default=data.get("default") is True,
            inherited=data.get("inherited") is True,
            inherited_allows_public_repositories=data.get("inherited_allows_public_repositories") is True,
            allows_public_repositories=data.get("allows_public_repositories") is True,
            restricted_to_workflows=data.get("restricted_to_workflows") is True,
            selected_workflows=tuple(str(w) for w in _listed(data.get("selected_workflows"))),
            workflow_restrictions_read_only=data.get("workflow_restrictions_read_only") is True,
            network_configuration_id=_text(data.get("network_configuration_id")),
            runners_url=_text(data.get("runners_url")),
            selected_repositories_url=_text(data.get("selected_repositories_url")),
            hosted_runners_url=_text(data.get("hosted_runners_url")),
            selected_organizations_url=_text(data.get("selected_organizations_url")),
        )


@dataclass(frozen=True)
class Repository:
    """GitHub's `repository` as its listings give it; `visibility` follows `private` where GitHub leaves it out."""

    id: int
    name: str
    full_name: str | None = None
    private: bool = False
    visibility: str = "public"  # "public" | "private" | "internal"

    @classmethod
    def from_json(cls, data: object, action: str) -> Repository:
        data = _identified(data, action, "a repository")
        private = data.get("private") is True
        return cls(
            id=int(data["id"]),
            name=str(data["name"]),
            full_name=_text(data.get("full_name")),
            private=private,
            visibility=str(data.get("visibility") or ("private" if private else "public")),
        )


@dataclass(frozen=True)
class Runner:
    """GitHub's self-hosted `runner`: its label names, and its group where the listing gives it (older GitHub
    Enterprise Server releases leave `runner_group_id` out of the org's listing)."""

    id: int
    name: str
    os: str = ""
    status: str = ""  # "online" | "offline"
    busy: bool = False
    labels: tuple[str, ...] = ()
    runner_group_id: int | None = None

    @classmethod
    def from_json(cls, data: object, action: str) -> Runner:
        data = _identified(data, action, "a self-hosted runner")
        group_id = data.get("runner_group_id")
        return cls(
            id=int(data["id"]),
            name=str(data["name"]),
            os=str(data.get("os") or ""),
            status=str(data.get("status") or ""),
            busy=data.get("busy") is True,
            labels=tuple(
                str(label["name"])
                for label in _listed(data.get("labels"))
                if isinstance(label, Mapping) and isinstance(label.get("name"), str)
            ),
            runner_group_id=group_id if _is_id(group_id) else None,
        )


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
            raise _unexpected(action, "an object")
        return cls(
            enabled_repositories=str(data.get("enabled_repositories") or "all"),
            allowed_actions=_text(data.get("allowed_actions")),
            selected_repositories_url=_text(data.get("selected_repositories_url")),
            selected_actions_url=_text(data.get("selected_actions_url")),
        )


def _identified(data: object, action: str, what: str) -> Mapping[str, Any]:
    """`data` as an object with GitHub's numeric id and a name, which every object this package reads has."""
    if not isinstance(data, Mapping) or not _is_id(data.get("id")) or not isinstance(data.get("name"), str):
        raise _unexpected(action, f"{what} (it has no numeric id and name)")
    return data


def _unexpected(action: str, what: str) -> UnexpectedAnswer:
    return UnexpectedAnswer(
        f"{action} failed: GitHub's answer is not {what}. Check github:baseUrl: it must point at GitHub's REST API "
        "(https://HOST/api/v3 on Enterprise Server)."
    )


def _is_id(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _text(value: object) -> str | None:
    return str(value) if value is not None else None


def _listed(value: object) -> list[object]:
    """A JSON list, or none: a lone string or object where GitHub gives a list is not read item by item."""
    return value if isinstance(value, list) else []


def _typed(fetched: Conditional[Any], convert: Callable[[Any], T]) -> Conditional[T]:
    """A conditional read with its body made a model (an unchanged answer has none)."""
    if fetched.unchanged:
        return Conditional(None, fetched.etag)
    return Conditional(convert(fetched.body), fetched.etag)


def _list(
    client: GitHubClient,
    path: str,
    action: str,
    item_key: str | None,
    model: Callable[[object, str], T],
    params: Mapping[str, str] | None = None,
) -> list[T]:
    """Every item of a listing as a model; `action` names the listing in any error."""
    items = client.paginate(path, action=action, item_key=item_key, params=params)
    return [model(item, action) for item in items]


def _list_if_changed(
    client: GitHubClient,
    path: str,
    action: str,
    item_key: str,
    model: Callable[[object, str], T],
    etag: str | None,
) -> Conditional[list[T]]:
    """Like `_list`, or an unchanged marker when a one-page listing still matches `etag`."""
    fetched = client.paginate_if_changed(path, action=action, item_key=item_key, etag=etag)
    return _typed(fetched, lambda items: [model(item, action) for item in items])


def _whole(listing: Conditional[list[T]]) -> list[T]:
    """The items of a listing read without an ETag, which GitHub never answers with 304."""
    return listing.body if listing.body is not None else []


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
    """`body` may carry the group's lists (REPOSITORY_IDS_KEY, RUNNER_IDS_KEY): one POST makes the whole group."""
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
    return _typed(fetched, lambda body: RunnerGroup.from_json(body, action))


def update_runner_group(client: GitHubClient, org: str, group_id: int, body: RequestBody) -> Versioned[RunnerGroup]:
    """PATCH (GitHub requires `name` in every body)."""
    action = f"updating {_group_label(org, group_id)}"
    response = client.request("PATCH", _group(org, group_id), action=action, json_body=dict(body))
    return Versioned(RunnerGroup.from_json(response.body, action), response.headers.get("ETag"))


def delete_runner_group(client: GitHubClient, org: str, group_id: int) -> None:
    client.request("DELETE", _group(org, group_id), action=f"deleting {_group_label(org, group_id)}")


def list_hosted_runners_in_group(client: GitHubClient, org: str, group_id: int) -> list[dict[str, Any]]:
    action = f"listing GitHub-hosted runners of {_group_label(org, group_id)}"
    items = client.paginate(f"{_group(org, group_id)}/hosted-runners", action=action, item_key="runners")
    return [dict(_identified(item, action, "a GitHub-hosted runner")) for item in items]


# Repository access of a group


def list_group_repositories(client: GitHubClient, org: str, group_id: int) -> list[Repository]:
    return _whole(list_group_repositories_if_changed(client, org, group_id, None))


def list_group_repositories_if_changed(
    client: GitHubClient, org: str, group_id: int, etag: str | None
) -> Conditional[list[Repository]]:
    """The repositories, or an unchanged marker when the listing still matches `etag`."""
    action = f"listing repositories with access to {_group_label(org, group_id)}"
    path = f"{_group(org, group_id)}/repositories"
    return _list_if_changed(client, path, action, "repositories", Repository.from_json, etag)


def set_group_repositories(client: GitHubClient, org: str, group_id: int, repository_ids: list[int]) -> None:
    client.request(
        "PUT",
        f"{_group(org, group_id)}/repositories",
        action=f"setting the repository list of {_group_label(org, group_id)} ({_count(repository_ids, 'repository')})",
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
    return _whole(list_group_runners_if_changed(client, org, group_id, None))


def list_group_runners_if_changed(
    client: GitHubClient, org: str, group_id: int, etag: str | None
) -> Conditional[list[Runner]]:
    """The runners, or an unchanged marker when the listing still matches `etag`."""
    action = f"listing self-hosted runners in {_group_label(org, group_id)}"
    return _list_if_changed(client, f"{_group(org, group_id)}/runners", action, "runners", Runner.from_json, etag)


def set_group_runners(client: GitHubClient, org: str, group_id: int, runner_ids: list[int]) -> None:
    client.request(
        "PUT",
        f"{_group(org, group_id)}/runners",
        action=f"setting the self-hosted runners of {_group_label(org, group_id)} ({_count(runner_ids, 'runner')})",
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


# Org-wide lookups


def list_org_runners(client: GitHubClient, org: str) -> list[Runner]:
    action = f"listing self-hosted runners of org '{org}'"
    return _list(client, f"{_org(org)}/actions/runners", action, "runners", Runner.from_json)


def list_org_repositories(client: GitHubClient, org: str) -> list[Repository]:
    action = f"listing repositories of org '{org}'"
    return _list(client, f"{_org(org)}/repos", action, None, Repository.from_json, params={"type": "all"})


# Organization Actions permissions (read by the exposure audit)


def get_actions_permissions(client: GitHubClient, org: str) -> ActionsPermissions:
    action = f"reading the Actions permissions of org '{org}'"
    return ActionsPermissions.from_json(client.get(f"{_org(org)}/actions/permissions", action=action), action)


def list_actions_enabled_repositories(client: GitHubClient, org: str) -> list[Repository]:
    """The repositories that may run GitHub Actions when the org enables only `selected` ones."""
    action = f"listing the repositories of org '{org}' that may run GitHub Actions"
    path = f"{_org(org)}/actions/permissions/repositories"
    return _list(client, path, action, "repositories", Repository.from_json)


# GitHub-hosted larger runners (github.com and GHEC; GitHub Enterprise Server has none)

ENTERPRISE_VERSION_HEADER = "X-GitHub-Enterprise-Version"


@dataclass(frozen=True)
class MachineSize:
    """GitHub's `actions-hosted-runner-machine-spec`: a size an org may give its hosted runners."""

    id: str
    cpu_cores: int
    memory_gb: int
    storage_gb: int

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> MachineSize:
        return cls(
            id=str(data.get("id")),
            cpu_cores=_number(data.get("cpu_cores")),
            memory_gb=_number(data.get("memory_gb")),
            storage_gb=_number(data.get("storage_gb")),
        )


@dataclass(frozen=True)
class HostedImage:
    """An image an org may build hosted runners from (`actions-hosted-runner-curated-image`)."""

    id: str
    source: str
    platform: str
    size_gb: int
    display_name: str

    @classmethod
    def from_json(cls, data: Mapping[str, Any], source: str) -> HostedImage:
        return cls(
            id=str(data.get("id")),
            source=str(data.get("source") or source),
            platform=str(data.get("platform") or ""),
            size_gb=_number(data.get("size_gb")),
            display_name=str(data.get("display_name") or data.get("id")),
        )


@dataclass(frozen=True)
class PublicIpLimits:
    """How many static public IP ranges the org may use, and how many its hosted runners use now."""

    maximum: int
    current_usage: int


@dataclass(frozen=True)
class HostedRunner:
    """GitHub's `actions-hosted-runner`, flattened: the image and machine size details become plain attributes
    named as the PATCH body names them (image_id, image_source, image_version, size)."""

    id: int
    name: str
    runner_group_id: int | None
    image_id: str
    image_source: str
    image_version: str | None
    size: str
    maximum_runners: int | None
    public_ip_enabled: bool
    image_gen: bool
    status: str
    platform: str
    machine_size_details: dict[str, Any]
    public_ips: tuple[str, ...] = ()
    last_active_on: str | None = None

    @classmethod
    def from_json(cls, data: object, action: str) -> HostedRunner:
        data = _identified(data, action, "a GitHub-hosted runner")
        image = _mapping(data.get("image_details"))
        machine = _mapping(data.get("machine_size_details"))
        ips = data.get("public_ips")
        group_id = data.get("runner_group_id")
        maximum = data.get("maximum_runners")
        return cls(
            id=int(data["id"]),
            name=str(data["name"]),
            runner_group_id=group_id if _is_id(group_id) else None,
            image_id=str(image.get("id") or ""),
            image_source=str(image.get("source") or "github"),
            image_version=_text(image.get("version")),
            size=str(machine.get("id") or ""),
            maximum_runners=maximum if _is_id(maximum) else None,
            public_ip_enabled=data.get("public_ip_enabled") is True,
            image_gen=data.get("image_gen") is True,
            status=str(data.get("status") or ""),
            platform=str(data.get("platform") or ""),
            machine_size_details=dict(machine),
            public_ips=tuple(
                f"{ip.get('prefix')}/{ip.get('length')}"
                for ip in _listed(ips)
                if isinstance(ip, Mapping) and ip.get("enabled")
            ),
            last_active_on=_text(data.get("last_active_on")),
        )


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _number(value: object) -> int:
    return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0


def _hosted(org: str) -> str:
    return f"{_org(org)}/actions/hosted-runners"


def _hosted_label(org: str, hosted_runner_id: int) -> str:
    return f"GitHub-hosted runner {int(hosted_runner_id)} in org '{org}'"


def list_hosted_runners(client: GitHubClient, org: str) -> list[HostedRunner]:
    action = f"listing GitHub-hosted runners of org '{org}'"
    return _list(client, _hosted(org), action, "runners", HostedRunner.from_json)


def get_hosted_runner(client: GitHubClient, org: str, hosted_runner_id: int) -> HostedRunner:
    action = f"reading {_hosted_label(org, hosted_runner_id)}"
    return HostedRunner.from_json(client.get(f"{_hosted(org)}/{int(hosted_runner_id)}", action=action), action)


def create_hosted_runner(client: GitHubClient, org: str, body: RequestBody) -> HostedRunner:
    action = f"creating GitHub-hosted runner '{body.get('name')}' in org '{org}'"
    response = client.request("POST", _hosted(org), action=action, json_body=dict(body))
    return HostedRunner.from_json(response.body, action)


def update_hosted_runner(client: GitHubClient, org: str, hosted_runner_id: int, body: RequestBody) -> HostedRunner:
    action = f"updating {_hosted_label(org, hosted_runner_id)}"
    response = client.request("PATCH", f"{_hosted(org)}/{int(hosted_runner_id)}", action=action, json_body=dict(body))
    return HostedRunner.from_json(response.body, action)


def delete_hosted_runner(client: GitHubClient, org: str, hosted_runner_id: int) -> None:
    """GitHub answers 202 with the runner, now `Deleting`: it goes away shortly after."""
    client.request(
        "DELETE", f"{_hosted(org)}/{int(hosted_runner_id)}", action=f"deleting {_hosted_label(org, hosted_runner_id)}"
    )


def list_hosted_machine_sizes(client: GitHubClient, org: str) -> list[MachineSize]:
    body = client.get(
        f"{_hosted(org)}/machine-sizes", action=f"listing the machine sizes org '{org}' offers for hosted runners"
    )
    return [MachineSize.from_json(item) for item in _listed_in(body, "machine_specs")]


def list_hosted_images(client: GitHubClient, org: str, source: str) -> list[HostedImage]:
    """The `github`-owned or `partner` images the org may use (custom images have no listing in the pinned API)."""
    path = "github-owned" if source == "github" else source
    body = client.get(
        f"{_hosted(org)}/images/{quote(path, safe='')}",
        action=f"listing the {source} images org '{org}' offers for hosted runners",
    )
    return [HostedImage.from_json(item, source) for item in _listed_in(body, "images")]


def list_hosted_platforms(client: GitHubClient, org: str) -> list[str]:
    body = client.get(
        f"{_hosted(org)}/platforms", action=f"listing the platforms org '{org}' offers for hosted runners"
    )
    return [str(item) for item in _listed_in(body, "platforms")]


def get_hosted_runner_limits(client: GitHubClient, org: str) -> PublicIpLimits:
    body = client.get(f"{_hosted(org)}/limits", action=f"reading the hosted-runner limits of org '{org}'")
    ips = body.get("public_ips") if isinstance(body, Mapping) else None
    ips = ips if isinstance(ips, Mapping) else {}
    return PublicIpLimits(maximum=_number(ips.get("maximum")), current_usage=_number(ips.get("current_usage")))


def enterprise_server_version(client: GitHubClient, location: str, owner: str) -> str | None:
    """The GitHub Enterprise Server release behind the client (`3.19.0`), from the header GHES puts on every
    answer; None for github.com and GHEC. One read of the owner's group listing (its first item only), where
    `location` says whose: an `org` or an `enterprise`, which the same token can read."""
    base = _enterprise(owner) if location == "enterprise" else _org(owner)
    response = client.request(
        "GET",
        f"{base}/actions/runner-groups",
        action=f"reading which GitHub serves {location} '{owner}'",
        params={"per_page": 1},
    )
    return next((str(v) for k, v in response.headers.items() if k.lower() == ENTERPRISE_VERSION_HEADER.lower()), None)


def _listed_in(body: object, key: str) -> list[Any]:
    """The list under `key` of a wrapper object (`{"total_count": N, key: [...]}`), or none."""
    return [item for item in _listed(body.get(key) if isinstance(body, Mapping) else None) if item is not None]


# Enterprise runner groups: the same operations under /enterprises/{enterprise}; organizations are shared by id.

ENTERPRISE_PERMISSION_HINT = (
    "Enterprise runner groups need an enterprise owner's token: a classic personal access token with the "
    "admin:enterprise scope, or a fine-grained token with the enterprise permission 'Self-hosted runners' (read "
    "and write); a GitHub App needs an installation on the enterprise itself with that permission (one installed "
    "on an organization cannot manage them). Check also the enterprise slug "
    "(github:enterprise / GITHUB_ENTERPRISE): it is the ENTERPRISE of github.com/enterprises/ENTERPRISE."
)


@dataclass(frozen=True)
class Organization:
    """GitHub's `organization-simple`; `name` is its login, as the members of an enterprise group's list are named."""

    id: int
    name: str

    @classmethod
    def from_json(cls, data: object, action: str) -> Organization:
        if not isinstance(data, Mapping) or not _is_id(data.get("id")) or not isinstance(data.get("login"), str):
            raise _unexpected(action, "an organization (it has no numeric id and login)")
        return cls(id=int(data["id"]), name=str(data["login"]))


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
    path = f"{_enterprise(enterprise)}/actions/runner-groups"
    with _enterprise_permission(enterprise_level=True):
        return _list(client, path, action, "runner_groups", RunnerGroup.from_json)


def create_enterprise_runner_group(client: GitHubClient, enterprise: str, body: RequestBody) -> Versioned[RunnerGroup]:
    action = f"creating runner group '{body.get('name')}' in enterprise '{enterprise}'"
    path = f"{_enterprise(enterprise)}/actions/runner-groups"
    with _enterprise_permission(enterprise_level=True):
        response = client.request("POST", path, action=action, json_body=dict(body), required_keys=("id",))
    return Versioned(RunnerGroup.from_json(response.body, action), response.headers.get("ETag"))


def get_enterprise_runner_group_if_changed(
    client: GitHubClient, enterprise: str, group_id: int, etag: str | None
) -> Conditional[RunnerGroup]:
    action = f"reading {_enterprise_group_label(enterprise, group_id)}"
    with _enterprise_permission():
        fetched = client.get_if_changed(_enterprise_group(enterprise, group_id), action=action, etag=etag)
    return _typed(fetched, lambda body: RunnerGroup.from_json(body, action))


def update_enterprise_runner_group(
    client: GitHubClient, enterprise: str, group_id: int, body: RequestBody
) -> Versioned[RunnerGroup]:
    """PATCH; `name` is optional here, but the provider sends it as for an org group."""
    action = f"updating {_enterprise_group_label(enterprise, group_id)}"
    with _enterprise_permission():
        response = client.request("PATCH", _enterprise_group(enterprise, group_id), action=action, json_body=dict(body))
    return Versioned(RunnerGroup.from_json(response.body, action), response.headers.get("ETag"))


def delete_enterprise_runner_group(client: GitHubClient, enterprise: str, group_id: int) -> None:
    action = f"deleting {_enterprise_group_label(enterprise, group_id)}"
    with _enterprise_permission():
        client.request("DELETE", _enterprise_group(enterprise, group_id), action=action)


def list_enterprise_group_organizations(client: GitHubClient, enterprise: str, group_id: int) -> list[Organization]:
    return _whole(list_enterprise_group_organizations_if_changed(client, enterprise, group_id, None))


def list_enterprise_group_organizations_if_changed(
    client: GitHubClient, enterprise: str, group_id: int, etag: str | None
) -> Conditional[list[Organization]]:
    """The organizations that may use the group, or an unchanged marker when the listing still matches `etag`."""
    action = f"listing organizations with access to {_enterprise_group_label(enterprise, group_id)}"
    path = f"{_enterprise_group(enterprise, group_id)}/organizations"
    with _enterprise_permission():
        return _list_if_changed(client, path, action, "organizations", Organization.from_json, etag)


def set_enterprise_group_organizations(
    client: GitHubClient, enterprise: str, group_id: int, organization_ids: list[int]
) -> None:
    label = _enterprise_group_label(enterprise, group_id)
    with _enterprise_permission():
        client.request(
            "PUT",
            f"{_enterprise_group(enterprise, group_id)}/organizations",
            action=f"setting the organization list of {label} ({_count(organization_ids, 'organization')})",
            json_body={ORGANIZATION_IDS_KEY: sorted(int(i) for i in organization_ids)},
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


def list_enterprise_group_runners(client: GitHubClient, enterprise: str, group_id: int) -> list[Runner]:
    return _whole(list_enterprise_group_runners_if_changed(client, enterprise, group_id, None))


def list_enterprise_group_runners_if_changed(
    client: GitHubClient, enterprise: str, group_id: int, etag: str | None
) -> Conditional[list[Runner]]:
    action = f"listing self-hosted runners in {_enterprise_group_label(enterprise, group_id)}"
    path = f"{_enterprise_group(enterprise, group_id)}/runners"
    with _enterprise_permission():
        return _list_if_changed(client, path, action, "runners", Runner.from_json, etag)


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


def list_enterprise_runners(client: GitHubClient, enterprise: str) -> list[Runner]:
    action = f"listing self-hosted runners of enterprise '{enterprise}'"
    with _enterprise_permission(enterprise_level=True):
        return _list(client, f"{_enterprise(enterprise)}/actions/runners", action, "runners", Runner.from_json)


def get_organization(client: GitHubClient, org: str) -> Organization:
    """GET /orgs/{org}: how a login becomes the numeric id the enterprise operations take."""
    action = f"reading organization '{org}'"
    return Organization.from_json(client.get(_org(org), action=action), action)
