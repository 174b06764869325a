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
_ENTERPRISE = "enterprise"
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
        raise ConfigError(f"source must be {choices} (custom images: get_custom_images()), got {source!r:.80}.")
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


def get_custom_images(org: str | None = None) -> list[api.CustomImage]:
    """The org's custom images (`image_source='custom'` of a HostedRunner: `image_id` is the image's id as text)."""
    return _hosted(lambda client, owner: api.list_custom_images(client, "org", owner), org)


def get_custom_image_versions(image_id: int | str, org: str | None = None) -> list[api.CustomImageVersion]:
    """The versions of one of the org's custom images (a HostedRunner's `image_version`, or 'latest')."""
    number = _image_id(image_id)
    return _hosted(lambda client, owner: api.list_custom_image_versions(client, "org", owner, number), org)


def get_enterprise_hosted_runners(enterprise: str | None = None) -> list[api.HostedRunner]:
    """The enterprise's own GitHub-hosted runners (GHEC), with their group, image, size and status."""
    return _enterprise_hosted(
        lambda client, slug: api.list_hosted_runners(client, slug, location=_ENTERPRISE), enterprise
    )


def get_enterprise_hosted_runner_images(source: str = "github", enterprise: str | None = None) -> list[api.HostedImage]:
    """The images an EnterpriseHostedRunner may use: `source` 'github' (GitHub-owned) or 'partner'."""
    if source not in LISTED_IMAGE_SOURCES:
        choices = " or ".join(map(repr, LISTED_IMAGE_SOURCES))
        raise ConfigError(
            f"source must be {choices} (custom images: get_enterprise_custom_images()), got {source!r:.80}."
        )
    return _enterprise_hosted(
        lambda client, slug: api.list_hosted_images(client, slug, source, location=_ENTERPRISE), enterprise
    )


def get_enterprise_hosted_runner_sizes(enterprise: str | None = None) -> list[api.MachineSize]:
    """The machine sizes the enterprise offers its own hosted runners."""
    return _enterprise_hosted(
        lambda client, slug: api.list_hosted_machine_sizes(client, slug, location=_ENTERPRISE), enterprise
    )


def get_enterprise_hosted_runner_platforms(enterprise: str | None = None) -> list[str]:
    """The platforms the enterprise's own hosted runners may run on."""
    return _enterprise_hosted(
        lambda client, slug: api.list_hosted_platforms(client, slug, location=_ENTERPRISE), enterprise
    )


def get_enterprise_hosted_runner_limits(enterprise: str | None = None) -> api.PublicIpLimits:
    """How many static public IP ranges the enterprise may give its own hosted runners, and how many are in use."""
    return _enterprise_hosted(
        lambda client, slug: api.get_hosted_runner_limits(client, slug, location=_ENTERPRISE), enterprise
    )


def get_enterprise_custom_images(enterprise: str | None = None) -> list[api.CustomImage]:
    """The enterprise's custom images (for an EnterpriseHostedRunner with `image_source='custom'`)."""
    return _enterprise_hosted(lambda client, slug: api.list_custom_images(client, _ENTERPRISE, slug), enterprise)


def get_enterprise_custom_image_versions(
    image_id: int | str, enterprise: str | None = None
) -> list[api.CustomImageVersion]:
    number = _image_id(image_id)
    return _enterprise_hosted(
        lambda client, slug: api.list_custom_image_versions(client, _ENTERPRISE, slug, number), enterprise
    )


def get_network_configurations(org: str | None = None) -> list[api.NetworkConfiguration]:
    """The org's hosted compute network configurations (a RunnerGroup's `network_configuration_id` is an `id`)."""
    client, owner = _connect(org)
    return api.list_network_configurations(client, "org", owner)


def get_enterprise_network_configurations(enterprise: str | None = None) -> list[api.NetworkConfiguration]:
    client, slug = _connect_enterprise(enterprise)
    return api.list_network_configurations(client, _ENTERPRISE, slug)


def get_self_hosted_runner_policy(org: str | None = None) -> tuple[api.SelfHostedRunnerPolicy, list[Member]]:
    """Which repositories of the org may use repository-level self-hosted runners, and for `selected` which ones
    (GitHub Enterprise Server from 3.19)."""
    client, owner = _connect(org)
    policy = api.get_self_hosted_runner_policy(client, owner)
    selected = api.list_self_hosted_repositories(client, owner) if policy.enabled_repositories == "selected" else []
    return policy, _members(selected)


def _hosted(read: Callable[[GitHubClient, str], T], org: str | None) -> T:
    """A hosted-runner read; its 404 explained (GitHub Enterprise Server, naming its release, or the org's plan)."""
    client, owner = _connect(org)
    try:
        return read(client, owner)
    except GitHubNotFound as missing:
        raise without_hosted_runners(client, owner, missing.action, missing) from None


def _enterprise_hosted(read: Callable[[GitHubClient, str], T], enterprise: str | None) -> T:
    """An enterprise hosted-runner read (GHEC); its 404 explained as for an org's."""
    client, slug = _connect_enterprise(enterprise)
    try:
        return read(client, slug)
    except GitHubNotFound as missing:
        raise without_hosted_runners(client, slug, missing.action, missing, _ENTERPRISE) from None


def _image_id(value: int | str) -> int:
    parsed = parse_id(value)
    if parsed is None:
        raise ConfigError(f"image_id must be a custom image id (a positive whole number), got {value!r:.80}.")
    return parsed


def get_group_repositories(group_id: int | str, org: str | None = None) -> list[Member]:
    client, owner = _connect(org)
    return _members(api.list_group_repositories(client, owner, _group_id(group_id)))


def get_group_runners(group_id: int | str, org: str | None = None) -> list[Member]:
    client, owner = _connect(org)
    return _members(api.list_group_runners(client, owner, _group_id(group_id)))


def get_enterprise_runner_groups(enterprise: str | None = None) -> list[RunnerGroupInfo]:
    """The enterprise's runner groups (a token with manage_runners:enterprise, which admin:enterprise includes)."""
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
