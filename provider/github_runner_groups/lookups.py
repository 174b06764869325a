"""Read-only lookups of the list endpoints, for programs and scripts (an org's or an enterprise's groups, a
group's members, the org's GitHub-hosted runners and the images and sizes they may use).

Settings come from the environment (GITHUB_TOKEN, GITHUB_OWNER, GITHUB_BASE_URL, GitHub App variables) and,
inside a Pulumi program, from the stack config (`github:token`, ...) as the providers read them. These run when
called, also during `pulumi preview`: they only read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from . import api
from .client import GitHubClient, get_client
from .errors import ConfigError, GitHubNotFound
from .resources._common import parse_id
from .resources.hosted_catalog import without_hosted_runners
from .resources.values import enterprise_problem, require_org
from .settings import ProviderSettings, resolve_settings

if TYPE_CHECKING:
    from .audit import Report

T = TypeVar("T")
LISTED_IMAGE_SOURCES = ("github", "partner")
# A group as GitHub describes it: its settings (see resources/fields.py) and what GitHub computes.
RunnerGroupInfo = api.RunnerGroup


@dataclass(frozen=True)
class Member:
    """A repository or runner of a group: its id and name."""

    id: int
    name: str


def get_runner_groups(org: str | None = None, visible_to_repository: str | None = None) -> list[RunnerGroupInfo]:
    """The org's runner groups; with `visible_to_repository`, only those that repository may use."""
    client, owner = _connect(org)
    return api.list_runner_groups(client, owner, visible_to_repository=visible_to_repository)


def get_hosted_runners(group_id: int | str, org: str | None = None) -> list[dict[str, Any]]:
    """GitHub-hosted runners of a group, as GitHub describes them (image, machine size, status)."""
    client, owner = _connect(org)
    return api.list_hosted_runners_in_group(client, owner, _group_id(group_id))


def get_org_hosted_runners(org: str | None = None) -> list[api.HostedRunner]:
    """Every GitHub-hosted runner of the org (github.com and GHEC), with its group, image, size and status."""
    return _hosted(lambda client, owner: api.list_hosted_runners(client, owner), org)


def get_hosted_runner_images(source: str = "github", org: str | None = None) -> list[api.HostedImage]:
    """The images a HostedRunner of the org may use: `source` 'github' (GitHub-owned) or 'partner'."""
    if source not in LISTED_IMAGE_SOURCES:
        choices = " or ".join(map(repr, LISTED_IMAGE_SOURCES))
        raise ConfigError(f"source must be {choices} (custom images have no listing), got {source!r:.80}.")
    return _hosted(lambda client, owner: api.list_hosted_images(client, owner, source), org)


def get_hosted_runner_sizes(org: str | None = None) -> list[api.MachineSize]:
    """The machine sizes (`size` of a HostedRunner) the org offers, with cores, memory and storage."""
    return _hosted(lambda client, owner: api.list_hosted_machine_sizes(client, owner), org)


def get_hosted_runner_platforms(org: str | None = None) -> list[str]:
    """The platforms (`linux-x64`, `win-x64`, ...) the org's hosted runners may run on."""
    return _hosted(lambda client, owner: api.list_hosted_platforms(client, owner), org)


def get_hosted_runner_limits(org: str | None = None) -> api.PublicIpLimits:
    """How many static public IP ranges the org may give its hosted runners, and how many are in use."""
    return _hosted(lambda client, owner: api.get_hosted_runner_limits(client, owner), org)


def _hosted(read: Callable[[GitHubClient, str], T], org: str | None) -> T:
    """A hosted-runner read; its 404 explained (GitHub Enterprise Server, naming its release, or the org's plan)."""
    client, owner = _connect(org)
    try:
        return read(client, owner)
    except GitHubNotFound as missing:
        raise without_hosted_runners(client, owner, missing.action, missing) from None


def get_group_repositories(group_id: int | str, org: str | None = None) -> list[Member]:
    client, owner = _connect(org)
    return _members(api.list_group_repositories(client, owner, _group_id(group_id)))


def get_group_runners(group_id: int | str, org: str | None = None) -> list[Member]:
    client, owner = _connect(org)
    return _members(api.list_group_runners(client, owner, _group_id(group_id)))


def get_enterprise_runner_groups(enterprise: str | None = None) -> list[RunnerGroupInfo]:
    """The enterprise's runner groups (a token with admin:enterprise)."""
    client, slug = _connect_enterprise(enterprise)
    return api.list_enterprise_runner_groups(client, slug)


def get_enterprise_group_organizations(group_id: int | str, enterprise: str | None = None) -> list[Member]:
    """The organizations a `selected` enterprise group is shared with (`name` is the login)."""
    client, slug = _connect_enterprise(enterprise)
    return _members(api.list_enterprise_group_organizations(client, slug, _group_id(group_id)))


def get_enterprise_group_runners(group_id: int | str, enterprise: str | None = None) -> list[Member]:
    client, slug = _connect_enterprise(enterprise)
    return _members(api.list_enterprise_group_runners(client, slug, _group_id(group_id)))


def audit_runner_exposure(org: str | None = None, sensitive_labels: Iterable[str] = ()) -> Report:
    """The runner exposure audit of the org (read-only), for policy as code, e.g. in a test or a program:
    `assert not audit_runner_exposure().public_repositories_reaching_self_hosted()`."""
    from .audit import audit_org

    client, owner = _connect(org)
    return audit_org(client, owner, sensitive_labels)


def _group_id(value: int | str) -> int:
    """A group id as GitHub numbers them: a positive whole number, or its ASCII digits as text."""
    parsed = parse_id(value)
    if parsed is None:
        raise ConfigError(f"group_id must be a runner group id (a positive whole number), got {value!r:.80}.")
    return parsed


def _members(items: Iterable[api.Named]) -> list[Member]:
    return sorted((Member(item.id, item.name) for item in items), key=lambda m: m.name.lower())


def _connect(org: str | None) -> tuple[GitHubClient, str]:
    settings = _settings()
    owner = org or settings.owner
    if not owner:
        raise ConfigError("No organization: pass org=..., or set github:owner (stack config) or GITHUB_OWNER.")
    require_org(owner)
    return get_client(settings.client), owner


def _connect_enterprise(enterprise: str | None) -> tuple[GitHubClient, str]:
    settings = _settings()
    slug = enterprise or settings.enterprise
    if not slug:
        raise ConfigError(
            "No enterprise: pass enterprise=..., or set github-runner-groups:enterprise (stack config) or "
            "GITHUB_ENTERPRISE."
        )
    problem = enterprise_problem(slug)
    if problem is not None:
        raise ConfigError(problem)
    return get_client(settings.client), slug


def _settings() -> ProviderSettings:
    return resolve_settings(_stack_config())


def _stack_config() -> Callable[[str], Any]:
    """The stack config of a running Pulumi program (empty elsewhere), read as the provider reads it.

    The runtime's own lookup, not `pulumi.Config.get`, which would warn that `github:token` is a secret.
    """
    from pulumi.runtime.config import get_config

    return get_config
