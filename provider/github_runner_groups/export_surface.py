"""What the exporter reads beyond runner groups: network configurations (org and enterprise, adopted by name), the
org's self-hosted-runner policy (taken over as it is: the first `pulumi up` writes nothing) and an enterprise's
own hosted runners by group; and their lines in an exported Python program. Where an owner has none of these
endpoints (GitHub Enterprise Server, a plan without them), the reason goes to the export's `skipped`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from . import api, pyformat
from .client import GitHubClient
from .errors import GitHubNotFound
from .resources.fields import HOSTED_RUNNER_FIELDS, Role
from .resources.surface_fields import NETWORK_CONFIGURATION_FIELDS
from .spec import HostedRunnerSpec
from .spec_surface import NetworkConfigurationSpec, SelfHostedRunnersSpec

T = TypeVar("T")
_NETWORK_SETTINGS = tuple(f for f in NETWORK_CONFIGURATION_FIELDS if f.in_spec and f.role is Role.SETTING)
_HOSTED_SETTINGS = tuple(f for f in HOSTED_RUNNER_FIELDS if f.in_spec)


def _or_skipped(read: Callable[[], T], reason: str, skipped: list[str]) -> T | None:
    try:
        return read()
    except GitHubNotFound:
        skipped.append(reason)
        return None


def network_configurations(
    client: GitHubClient, location: str, owner: str, skipped: list[str]
) -> tuple[NetworkConfigurationSpec, ...]:
    listed = _or_skipped(
        lambda: api.list_network_configurations(client, location, owner),
        f"network configurations of {location} '{owner}': GitHub answered 404 to their listing (no hosted compute "
        "networking there, or the token lacks read:network_configurations)",
        skipped,
    )
    return tuple(
        NetworkConfigurationSpec(
            name=found.name,
            **{f.name: _spec_value(f.from_model(found)) for f in _NETWORK_SETTINGS},
            adopt=True,
        )
        for found in sorted(listed or (), key=lambda c: c.name.lower())
    )


def self_hosted_runners(client: GitHubClient, org: str, skipped: list[str]) -> SelfHostedRunnersSpec | None:
    """The policy as it is; for `selected`, its repositories by name."""
    policy = _or_skipped(
        lambda: api.get_self_hosted_runner_policy(client, org),
        "self-hosted-runner policy: GitHub answered 404 (GitHub Enterprise Server before 3.19 has none)",
        skipped,
    )
    if policy is None:
        return None
    repositories = None
    if policy.enabled_repositories == "selected":
        listed = api.list_self_hosted_repositories(client, org)
        repositories = tuple(sorted((r.name for r in listed), key=str.lower))
    return SelfHostedRunnersSpec(enabled_repositories=policy.enabled_repositories, repositories=repositories)


def enterprise_hosted_runners(
    client: GitHubClient, enterprise: str, skipped: list[str]
) -> dict[int, tuple[HostedRunnerSpec, ...]]:
    """The enterprise's own hosted runners by group id, sorted by name."""
    listed = _or_skipped(
        lambda: api.list_hosted_runners(client, enterprise, location="enterprise"),
        f"hosted runners of enterprise '{enterprise}': GitHub answered 404 to their listing",
        skipped,
    )
    by_group: dict[int, list[HostedRunnerSpec]] = {}
    for runner in sorted(listed or (), key=lambda r: r.name.lower()):
        spec = HostedRunnerSpec(name=runner.name, **{f.name: f.from_model(runner) for f in _HOSTED_SETTINGS})
        by_group.setdefault(runner.runner_group_id or 0, []).append(spec)
    return {group_id: tuple(runners) for group_id, runners in by_group.items()}


def network_program(
    configurations: Sequence[NetworkConfigurationSpec], location: str, owner: str | None, prefix: str
) -> list[str]:
    resource = "EnterpriseNetworkConfiguration" if location == "enterprise" else "NetworkConfiguration"
    lines: list[str] = []
    for configuration in configurations:
        arguments: list[tuple[str, pyformat.Value]] = [("name", configuration.name), (location, owner)]
        arguments += [
            (f.name, _program_value(getattr(configuration, f.name)))
            for f in _NETWORK_SETTINGS
            if getattr(configuration, f.name) is not None
        ]
        positional: list[pyformat.Value] = [prefix + configuration.name]
        lines += pyformat.call_statement(None, f"rg.{resource}", positional, [*arguments, ("adopt", True)])
    return [*lines, ""] if lines else []


def policy_program(policy: SelfHostedRunnersSpec | None, org: str | None) -> list[str]:
    if policy is None:
        return []
    arguments: list[tuple[str, pyformat.Value]] = [("org", org), ("enabled_repositories", policy.enabled_repositories)]
    if policy.repositories is not None:
        arguments.append(("repositories", list(policy.repositories)))
    return [*pyformat.call_statement(None, "rg.SelfHostedRunnerPolicy", ["self-hosted-runners"], arguments), ""]


def enterprise_hosted_program(
    runners: Sequence[HostedRunnerSpec] | None, variable: str, enterprise: str | None
) -> list[str]:
    lines: list[str] = []
    for hosted in runners or ():
        arguments: list[tuple[str, pyformat.Value]] = [
            ("name", hosted.name),
            ("runner_group_id", pyformat.Reference(f"{variable}.id")),
            ("enterprise", enterprise),
        ]
        arguments += [
            (f.name, getattr(hosted, f.name)) for f in _HOSTED_SETTINGS if getattr(hosted, f.name) is not None
        ]
        positional: list[pyformat.Value] = ["enterprise-hosted-" + hosted.name]
        lines += pyformat.call_statement(None, "rg.EnterpriseHostedRunner", positional, [*arguments, ("adopt", True)])
    return lines


def _spec_value(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def _program_value(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value
