"""The spec's sections beyond runner groups: `network_configurations:` (of the org, and of the enterprise section)
and the org's `self_hosted_runners:` policy. Their keys and checks come from the resources' field tables
(resources/surface_fields.py); `spec` parses the rest of the file and calls these."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .resources.fields import Field
from .resources.surface_fields import (
    NETWORK_CONFIGURATION_FIELDS,
    NETWORK_CONFIGURATION_RULES,
    SELF_HOSTED_POLICY_FIELDS,
    SELF_HOSTED_POLICY_RULES,
    check_network_name,
)
from .resources.values import shown

# The settings a spec's network configuration carries (its name is its key; org or enterprise from the section).
NETWORK_SPEC_FIELDS: dict[str, Field] = {f.name: f for f in NETWORK_CONFIGURATION_FIELDS if f.in_spec}
POLICY_SPEC_FIELDS: dict[str, Field] = {f.name: f for f in SELF_HOSTED_POLICY_FIELDS if f.in_spec}
_NETWORK_EXAMPLE = "'network_configurations: {private-net: {network_settings_ids: [220F78DACB92BBFB]}}'"
_POLICY_EXAMPLE = "'self_hosted_runners: {enabled_repositories: selected, repositories: [api, web]}'"


@dataclass(frozen=True)
class NetworkConfigurationSpec:
    """One hosted compute network configuration, keyed by its name. None: the resource's default (with `adopt`:
    as GitHub has it). A runner group of the spec may name it in `network_configuration_id`."""

    name: str
    network_settings_ids: tuple[str, ...] | None = None
    compute_service: str | None = None
    failover_network_settings_ids: tuple[str, ...] | None = None
    failover_network_enabled: bool | None = None
    adopt: bool = False


@dataclass(frozen=True)
class SelfHostedRunnersSpec:
    """The org's self-hosted-runner policy: which repositories may use repository-level self-hosted runners."""

    enabled_repositories: str | None = None
    repositories: tuple[str | int, ...] | None = None
    exclusive: bool = True


def parse_network_configurations(value: Any, where: str, problems: list[str]) -> tuple[NetworkConfigurationSpec, ...]:
    """`network_configurations: {NAME: {network_settings_ids: [ID], ...}}`; every problem is reported."""
    from .spec import _suggest  # spec imports this module: its helpers are reached at call time

    if not isinstance(value, Mapping) or not value:
        problems.append(f"{where}must be a mapping of configuration name to settings, e.g. {_NETWORK_EXAMPLE}")
        return ()
    parsed: list[NetworkConfigurationSpec] = []
    seen: set[str] = set()
    for name, settings in value.items():
        at = f"{where}{shown(name)}: "
        before = len(problems)
        problems.extend(f"{at}{reason.rstrip('.')}" for _, reason in check_network_name("name", name))
        if str(name).lower() in seen:
            problems.append(f"{at}the same name as another network configuration (names are compared ignoring case)")
        seen.add(str(name).lower())
        settings = {} if settings is None else settings
        if not isinstance(settings, Mapping):
            problems.append(f"{at}settings must be a mapping, got {shown(settings)}")
            continue
        keys = tuple(NETWORK_SPEC_FIELDS)
        for key in settings:
            if key not in keys:
                problems.append(f"{at}unknown field {key!r}{_suggest(str(key), keys)}")
        values = _validated(at, settings, NETWORK_SPEC_FIELDS, problems)
        if settings.get("network_settings_ids") is None and not values.get("adopt"):
            problems.append(f"{at}network_settings_ids is required: a list of exactly one network settings id")
        defaults = {"failover_network_settings_ids": [], "failover_network_enabled": False}
        effective = _lists(values) if values.get("adopt") else {**defaults, **_lists(values)}
        for rule in NETWORK_CONFIGURATION_RULES:
            problems.extend(f"{at}{reason.rstrip('.')}" for _, reason in rule(effective))
        if len(problems) == before:
            parsed.append(NetworkConfigurationSpec(name=str(name), **values))
    return tuple(parsed)


def parse_self_hosted_runners(value: Any, problems: list[str]) -> SelfHostedRunnersSpec | None:
    from .spec import _list_of, _suggest

    where = "self_hosted_runners: "
    if not isinstance(value, Mapping):
        problems.append(f"{where}must be a mapping, e.g. {_POLICY_EXAMPLE}")
        return None
    before = len(problems)
    for key in value:
        if key not in POLICY_SPEC_FIELDS:
            problems.append(f"{where}unknown field {key!r}{_suggest(str(key), tuple(POLICY_SPEC_FIELDS))}")
    values = _validated(where, value, {k: f for k, f in POLICY_SPEC_FIELDS.items() if k != "repositories"}, problems)
    if "repositories" in value:
        values["repositories"] = _list_of(
            where.rstrip(": "), "repositories", value["repositories"], (str, int), problems
        )
    exclusive = values.get("exclusive", True)
    if exclusive and values.get("enabled_repositories") is None:
        problems.append(f"{where}enabled_repositories is required: 'all', 'selected' or 'none'")
    if exclusive:
        for rule in SELF_HOSTED_POLICY_RULES:
            problems.extend(f"{where}{reason.rstrip('.')}" for _, reason in rule(values))
    if len(problems) > before:
        return None
    return SelfHostedRunnersSpec(**values)


def _validated(at: str, settings: Mapping[str, Any], table: Mapping[str, Field], problems: list[str]) -> dict[str, Any]:
    """The given settings the table names, checked by its validators; lists become tuples (a spec is immutable)."""
    values: dict[str, Any] = {}
    for key, described in table.items():
        given = settings.get(key)
        if given is None:
            continue
        if described.validate is not None:
            problems.extend(f"{at}{reason.rstrip('.')}" for _, reason in described.validate(key, given))
        values[key] = tuple(given) if isinstance(given, list) else given
    return values


def _lists(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in values.items()}


def dumped_network_configurations(configurations: Sequence[NetworkConfigurationSpec]) -> dict[str, dict[str, Any]]:
    """As YAML holds them: unset values left out."""
    keys = tuple(NETWORK_SPEC_FIELDS)
    dumped: dict[str, dict[str, Any]] = {}
    for configuration in configurations:
        entry: dict[str, Any] = {}
        for key in keys:
            value = getattr(configuration, key)
            if value is not None and not (key == "adopt" and value is False):
                entry[key] = list(value) if isinstance(value, tuple) else value
        dumped[configuration.name] = entry
    return dumped


def dumped_self_hosted_runners(policy: SelfHostedRunnersSpec) -> dict[str, Any]:
    entry: dict[str, Any] = {}
    if policy.enabled_repositories is not None:
        entry["enabled_repositories"] = policy.enabled_repositories
    if policy.repositories is not None:
        entry["repositories"] = list(policy.repositories)
    if not policy.exclusive:
        entry["exclusive"] = False
    return entry
