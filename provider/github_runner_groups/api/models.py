"""GitHub's objects that several areas read (groups, repositories, runners, organizations) as frozen dataclasses
built from JSON; what a write returns (`Versioned`) and what a read with an ETag returns (the client's
`Conditional`, its body made a model by the areas); the request bodies' shared keys. Each `from_json` takes
the action being done, for the error (`UnexpectedAnswer`) when the answer is not that object."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from ..client import Conditional
from ._answers import UnexpectedAnswer, identified, is_id, listed, text, unexpected

__all__ = [
    "ORGANIZATION_IDS_KEY",
    "REPOSITORY_IDS_KEY",
    "RUNNER_IDS_KEY",
    "Conditional",
    "Named",
    "Organization",
    "Repository",
    "RequestBody",
    "Runner",
    "RunnerGroup",
    "UnexpectedAnswer",
    "Versioned",
]

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
        data = identified(data, action, "a runner group")
        return cls(
            id=int(data["id"]),
            name=str(data["name"]),
            visibility=str(data.get("visibility") or "all"),
            default=data.get("default") is True,
            inherited=data.get("inherited") is True,
            inherited_allows_public_repositories=data.get("inherited_allows_public_repositories") is True,
            allows_public_repositories=data.get("allows_public_repositories") is True,
            restricted_to_workflows=data.get("restricted_to_workflows") is True,
            selected_workflows=tuple(str(w) for w in listed(data.get("selected_workflows"))),
            workflow_restrictions_read_only=data.get("workflow_restrictions_read_only") is True,
            network_configuration_id=text(data.get("network_configuration_id")),
            runners_url=text(data.get("runners_url")),
            selected_repositories_url=text(data.get("selected_repositories_url")),
            hosted_runners_url=text(data.get("hosted_runners_url")),
            selected_organizations_url=text(data.get("selected_organizations_url")),
        )


@dataclass(frozen=True)
class Repository:
    """GitHub's `repository` as its listings give it; `visibility` follows `private` where GitHub leaves it out."""

    id: int
    name: str
    full_name: str | None = None
    private: bool = False
    visibility: str = "public"  # "public" | "private" | "internal"
    archived: bool = False
    fork: bool = False

    @classmethod
    def from_json(cls, data: object, action: str) -> Repository:
        data = identified(data, action, "a repository")
        private = data.get("private") is True
        return cls(
            id=int(data["id"]),
            name=str(data["name"]),
            full_name=text(data.get("full_name")),
            private=private,
            visibility=str(data.get("visibility") or ("private" if private else "public")),
            archived=data.get("archived") is True,
            fork=data.get("fork") is True,
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
    ephemeral: bool = False

    @classmethod
    def from_json(cls, data: object, action: str) -> Runner:
        data = identified(data, action, "a self-hosted runner")
        group_id = data.get("runner_group_id")
        return cls(
            id=int(data["id"]),
            name=str(data["name"]),
            os=str(data.get("os") or ""),
            status=str(data.get("status") or ""),
            busy=data.get("busy") is True,
            labels=tuple(
                str(label["name"])
                for label in listed(data.get("labels"))
                if isinstance(label, Mapping) and isinstance(label.get("name"), str)
            ),
            runner_group_id=group_id if is_id(group_id) else None,
            ephemeral=data.get("ephemeral") is True,
        )


@dataclass(frozen=True)
class Organization:
    """GitHub's `organization-simple`; `name` is its login, as the members of an enterprise group's list are named."""

    id: int
    name: str

    @classmethod
    def from_json(cls, data: object, action: str) -> Organization:
        if not isinstance(data, Mapping) or not is_id(data.get("id")) or not isinstance(data.get("login"), str):
            raise unexpected(action, "an organization (it has no numeric id and login)")
        return cls(id=int(data["id"]), name=str(data["login"]))
