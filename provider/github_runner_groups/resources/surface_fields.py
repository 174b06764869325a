"""The field tables of the resources beyond runner groups and hosted runners: network configurations (org and
enterprise) and the self-hosted-runner policy. As in `fields`, each fact is declared once; Args, check, diff,
request bodies, outputs, the spec and the exporter read these tables."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .fields import (
    HOSTED_RUNNER_FIELDS,
    Field,
    Problem,
    Role,
    Rule,
    check_choice,
    check_flag,
    folded,
    invisible_characters,
    sorted_list,
    truthy,
)
from .values import is_unknown, shown

# Hosted compute networking (github.com and GHEC)

NETWORK_NAME_FORM = "1-100 characters of letters, digits, '.', '-' and '_'"
_NETWORK_NAME = re.compile(r"[A-Za-z0-9._-]{1,100}")
COMPUTE_SERVICES = ("none", "actions")


def check_network_name(path: str, value: Any) -> list[Problem]:
    if isinstance(value, str) and _NETWORK_NAME.fullmatch(value):
        return []
    too_long = isinstance(value, str) and len(value) > 100 and _NETWORK_NAME.fullmatch(value[:100])
    if too_long:
        return [(path, f"{path} is {len(value)} characters long; use at most 100.")]
    hidden = invisible_characters(value) if isinstance(value, str) else []
    seen = f" (it contains {', '.join(dict.fromkeys(hidden))})" if hidden else ""
    return [(path, f"{path} must be {NETWORK_NAME_FORM}, got {shown(value)}{seen}; e.g. 'eastus-private'.")]


def settings_ids(least: int) -> Any:
    """A list of `least` to one network settings ids (text, as GitHub spells them: `220F78DACB92BBFBC5E6F22D...`)."""
    wanted = "exactly one" if least else "at most one"

    def check(path: str, value: Any) -> list[Problem]:
        if not isinstance(value, (list, tuple)):
            return [(path, f"{path} must be a list of {wanted} network settings id, got {shown(value)}.")]
        if not least <= len(value) <= 1:
            return [
                (
                    path,
                    f"{path} lists {len(value)} network settings ids; GitHub takes {wanted}: the id of a network "
                    "settings resource made in Azure for this org or enterprise (its `GitHubId` tag).",
                )
            ]
        problems: list[Problem] = []
        for index, item in enumerate(value):
            if is_unknown(item):
                continue
            if not isinstance(item, str) or not item or item != item.strip() or invisible_characters(item):
                problems.append(
                    (f"{path}[{index}]", f"{path}[{index}] must be a network settings id (text), got {shown(item)}.")
                )
        return problems

    return check


def failover_needs_settings(values: Mapping[str, Any]) -> list[Problem]:
    """Failover needs a failover network to fail over to."""
    if values.get("failover_network_enabled") is True and values.get("failover_network_settings_ids") == []:
        return [
            (
                "failover_network_enabled",
                "failover_network_enabled is true but failover_network_settings_ids is empty: list the failover "
                "network settings id, or set failover_network_enabled=False.",
            )
        ]
    return []


def network_fields(location: str) -> tuple[Field, ...]:
    """A network configuration of an org (`location` 'org') or an enterprise ('enterprise')."""
    return (
        Field(location, Role.LOCATION, compare=folded),
        Field("adopt", Role.STEERING, default=False, validate=check_flag, in_spec=True),
        Field(
            "name",
            Role.SETTING,
            required=f"the network configuration's name ({NETWORK_NAME_FORM}).",
            validate=check_network_name,
            json_name="name",
        ),
        Field(
            "compute_service",
            Role.SETTING,
            default="actions",
            validate=check_choice(COMPUTE_SERVICES),
            json_name="compute_service",
            in_spec=True,
        ),
        Field(
            "network_settings_ids",
            Role.SETTING,
            required="a list of exactly one network settings id (made in Azure for this org or enterprise).",
            compare=sorted_list,
            validate=settings_ids(1),
            json_name="network_settings_ids",
            in_spec=True,
        ),
        Field(
            "failover_network_settings_ids",
            Role.SETTING,
            default=(),
            compare=sorted_list,
            validate=settings_ids(0),
            json_name="failover_network_settings_ids",
            in_spec=True,
        ),
        Field(
            "failover_network_enabled",
            Role.SETTING,
            default=False,
            compare=truthy,
            validate=check_flag,
            json_name="failover_network_enabled",
            in_spec=True,
        ),
        Field("network_configuration_id", Role.COMPUTED, json_name="id"),
        Field("created_on", Role.COMPUTED, json_name="created_on"),
    )


NETWORK_CONFIGURATION_FIELDS = network_fields("org")
ENTERPRISE_NETWORK_CONFIGURATION_FIELDS = network_fields("enterprise")
NETWORK_CONFIGURATION_RULES: tuple[Rule, ...] = (failover_needs_settings,)


# The org's self-hosted-runner policy (github.com, GHEC, GHES 3.19+)

SELF_HOSTED_POLICIES = ("all", "selected", "none")


def repositories_need_selected(values: Mapping[str, Any]) -> list[Problem]:
    """GitHub keeps the policy's repository list only while the policy is `selected`."""
    if values.get("repositories") is None or values.get("enabled_repositories") == "selected":
        return []
    return [
        (
            "repositories",
            f"repositories are listed but enabled_repositories is {shown(values.get('enabled_repositories'))}; "
            "GitHub keeps the list only for enabled_repositories='selected': set it, or leave repositories unset.",
        )
    ]


SELF_HOSTED_POLICY_FIELDS = (
    Field("org", Role.LOCATION, compare=folded),
    # Exclusive (default): the resource owns the policy and, when given, its whole repository list, and gives the
    # org back what it had when destroyed. Additive: it owns only its repositories' entries of a `selected` list.
    Field("exclusive", Role.STEERING, default=True, validate=check_flag, in_spec=True),
    Field(
        "enabled_repositories",
        Role.SETTING,
        # Required when exclusive (an additive resource leaves the policy to its owner).
        validate=check_choice(SELF_HOSTED_POLICIES),
        json_name="enabled_repositories",
        in_spec=True,
    ),
    Field("repositories", Role.MEMBERS, in_spec=True),
    Field("repository_ids", Role.COMPUTED),
    Field("repository_names", Role.COMPUTED),
    Field("found_repository_ids", Role.COMPUTED),  # additive: entries someone else had made; never removed
    Field("previous_enabled_repositories", Role.COMPUTED),  # exclusive: what the org had, restored on destroy
    Field("previous_repository_ids", Role.COMPUTED),
)
SELF_HOSTED_POLICY_RULES: tuple[Rule, ...] = (repositories_need_selected,)


# An enterprise's own GitHub-hosted runners (GHEC): the org runner's table, living in an enterprise; its
# `runner_group_id` is one of the enterprise's runner groups.
ENTERPRISE_HOSTED_RUNNER_FIELDS = (
    Field("enterprise", Role.LOCATION, compare=folded),
    *(f for f in HOSTED_RUNNER_FIELDS if f.role is not Role.LOCATION),
)
