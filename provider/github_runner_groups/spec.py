"""The runner groups of an org as data: a typed spec, read from and written to YAML.

`OrgRunnerGroups` builds resources from it and the exporter writes it, so that a platform team can keep the
whole org in one reviewed file. Errors name the file, the group and the field, and say the fix, before Pulumi
registers anything.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from . import safe_yaml
from .errors import GitHubRunnerGroupsError
from .resources.fields import (
    HOSTED_RUNNER_FIELDS,
    RUNNER_GROUP_FIELDS,
    RUNNER_GROUP_RULES,
    Field,
    check_flag,
    check_hosted_name,
    check_name,
)
from .resources.values import org_problem, shown

# The RunnerGroup settings a spec group carries: every other key of a group is about its members.
_GROUP_FIELDS: dict[str, Field] = {f.name: f for f in RUNNER_GROUP_FIELDS if f.in_spec}
_DEFAULTS = {name: f.default for name, f in _GROUP_FIELDS.items() if f.default is not None}
# The HostedRunner settings a spec's hosted runner carries; its group gives org, runner_group_id and adopt.
_HOSTED_FIELDS: dict[str, Field] = {f.name: f for f in HOSTED_RUNNER_FIELDS if f.in_spec}


class SpecError(GitHubRunnerGroupsError, ValueError):
    """A spec that cannot describe runner groups; the message says where and how to fix it (capped in length)."""

    def __init__(self, message: str) -> None:
        self.uncapped = message
        super().__init__(safe_yaml.capped(message))


@dataclass(frozen=True)
class HostedRunnerSpec:
    """One GitHub-hosted runner of a group, keyed by its name in the spec. A setting left None gets the
    HostedRunner default. The settings are those of the HostedRunner field table; a test keeps the two in step."""

    name: str
    image_id: str
    size: str
    image_source: str | None = None
    image_version: str | None = None
    maximum_runners: int | None = None
    enable_static_ip: bool | None = None
    image_gen: bool | None = None


@dataclass(frozen=True)
class GroupSpec:
    """One runner group and, optionally, the repositories and runners it holds (None: not managed).

    A setting left None gets the RunnerGroup default, or with `adopt` stays as GitHub has it. The settings are
    those of the RunnerGroup field table (resources/fields.py); a test keeps the two in step.
    """

    name: str
    visibility: str | None = None
    allows_public_repositories: bool | None = None
    restricted_to_workflows: bool | None = None
    selected_workflows: tuple[str, ...] | None = None
    network_configuration_id: str | None = None
    repositories: tuple[str | int, ...] | None = None
    runners: tuple[str | int, ...] | None = None
    hosted_runners: tuple[HostedRunnerSpec, ...] | None = None
    exclusive: bool = True
    adopt: bool = False


@dataclass(frozen=True)
class OrgSpec:
    """`org` None means the provider's owner (github:owner / GITHUB_OWNER)."""

    org: str | None
    groups: tuple[GroupSpec, ...] = field(default_factory=tuple)


_GROUP_KEYS = tuple(f.name for f in fields(GroupSpec) if f.name != "name")


def load_spec(path: str | Path) -> OrgSpec:
    """Read a YAML spec file (see runner-groups.yaml at the repository root).

    Duplicate keys, aliases, merge keys, tags and deep nesting are refused with their line (see `safe_yaml`).
    """
    source = str(path)
    try:
        data, group_lines = safe_yaml.load(safe_yaml.read_text(source))
    except OSError as exc:
        raise SpecError(f"{source}: cannot read the spec file ({exc.strerror or exc}).") from None
    except safe_yaml.YamlProblem as exc:
        raise SpecError(f"{source}: {exc}.") from None
    if data is None:
        raise SpecError(f"{source}: the file is empty; a spec needs 'org' and 'groups' (see runner-groups.yaml).")
    try:
        return parse_spec(data, source)
    except SpecError as exc:
        raise SpecError(_with_group_lines(exc.uncapped, group_lines)) from None


def _with_group_lines(message: str, group_lines: Mapping[Any, int]) -> str:
    """`group 'ci': ...` -> `line 7, group 'ci': ...` in a problem found after loading, for every group of the file."""
    for name, line in group_lines.items():
        message = message.replace(f"group {name!r}:", f"line {line}, group {name!r}:")
    return message


def parse_spec(data: Any, source: str = "spec") -> OrgSpec:
    """Validate a mapping shaped like the YAML file; every problem found is reported at once."""
    problems: list[str] = []
    if not isinstance(data, Mapping):
        raise SpecError(f"{source}: expected a mapping with 'org' and 'groups', got {type(data).__name__}.")
    for key in data:
        if key not in ("org", "groups"):
            problems.append(f"unknown top-level key {key!r}{_suggest(str(key), ('org', 'groups'))}")
    org = data.get("org")
    if org is not None and org_problem(org) is not None:
        problems.append(str(org_problem(org)).rstrip("."))
    raw_groups = data.get("groups")
    groups: list[GroupSpec] = []
    if not isinstance(raw_groups, Mapping) or not raw_groups:
        problems.append("groups must be a mapping of group name to settings, e.g. 'groups: {ci: {visibility: all}}'")
    else:
        seen: dict[str, str] = {}
        for name, settings in raw_groups.items():
            where = f"group {name!r}"
            folded = str(name).lower()
            if folded in seen:
                problems.append(f"{where}: the same name as group {seen[folded]!r} (GitHub ignores case)")
                continue
            seen[folded] = str(name)
            group = _parse_group(name, settings, where, problems)
            if group is not None:
                groups.append(group)
    problems.extend(_hosted_names_repeated(groups))
    if problems:
        raise SpecError(f"{source}: " + "; ".join(problems) + ".")
    return OrgSpec(org=org, groups=tuple(groups))


def _hosted_names_repeated(groups: Sequence[GroupSpec]) -> list[str]:
    """Hosted runner names are unique in an org (GitHub ignores case), across its groups."""
    problems: list[str] = []
    seen: dict[str, str] = {}
    for group in groups:
        for runner in group.hosted_runners or ():
            where = f"group {group.name!r}, hosted runner {runner.name!r}"
            first = seen.setdefault(runner.name.lower(), f"group {group.name!r}, hosted runner {runner.name!r}")
            if first != where:
                problems.append(
                    f"{where}: the same name as {first} (hosted runner names are unique in an org, whatever the "
                    "case): rename one"
                )
    return problems


def dump_spec(spec: OrgSpec) -> str:
    """YAML text that `load_spec` reads back to the same spec; unset and default values are left out."""
    import yaml

    defaults = GroupSpec(name="")
    groups: dict[str, dict[str, Any]] = {}
    for group in spec.groups:
        entry: dict[str, Any] = {}
        for key in _GROUP_KEYS:
            value = getattr(group, key)
            if value != getattr(defaults, key):
                entry[key] = _dumped(value)
        groups[group.name] = entry
    document: dict[str, Any] = {"org": spec.org} if spec.org else {}
    document["groups"] = groups
    return str(yaml.safe_dump(document, sort_keys=False, default_flow_style=False))


def _dumped(value: Any) -> Any:
    """A spec value as YAML holds it: lists for tuples, hosted runners as a mapping of name to settings."""
    if isinstance(value, tuple) and value and isinstance(value[0], HostedRunnerSpec):
        return {
            runner.name: {key: getattr(runner, key) for key in _HOSTED_FIELDS if getattr(runner, key) is not None}
            for runner in value
        }
    return list(value) if isinstance(value, tuple) else value


def _parse_group(name: Any, settings: Any, where: str, problems: list[str]) -> GroupSpec | None:
    before = len(problems)
    problems.extend(f"{where}: {reason.rstrip('.')}" for _, reason in check_name("name", name))
    if settings is None:
        settings = {}
    if not isinstance(settings, Mapping):
        problems.append(f"{where}: settings must be a mapping, got {settings!r}")
        return None
    for key in settings:
        if key not in _GROUP_KEYS:
            problems.append(f"{where}: unknown field {key!r}{_suggest(str(key), _GROUP_KEYS)}")
    values: dict[str, Any] = {}
    for key, described in _GROUP_FIELDS.items():
        value = settings.get(key)
        if value is None:
            continue
        if described.validate is not None:
            problems.extend(f"{where}: {reason.rstrip('.')}" for _, reason in described.validate(key, value))
        values[key] = tuple(value) if isinstance(value, list) else value
    if settings.get("exclusive") is not None:
        problems.extend(
            f"{where}: {reason.rstrip('.')}" for _, reason in check_flag("exclusive", settings["exclusive"])
        )
        values["exclusive"] = settings["exclusive"]
    # Without adopt, unset settings get their defaults: check the rules on what `pulumi up` will send.
    effective = values if values.get("adopt") else {**_DEFAULTS, **values}
    for rule in RUNNER_GROUP_RULES:
        problems.extend(f"{where}: {reason.rstrip('.')}" for _, reason in rule(effective))
    for key in ("repositories", "runners"):
        if key in settings:
            values[key] = _list_of(where, key, settings[key], (str, int), problems)
    if "hosted_runners" in settings:
        values["hosted_runners"] = _hosted_runners(where, settings["hosted_runners"], problems)
    visibility = effective.get("visibility")
    if values.get("repositories") is not None and visibility != "selected":
        stated = "not set" if visibility is None else repr(visibility)
        problems.append(
            f"{where}: repositories are listed but visibility is {stated}; GitHub keeps a repository list only for "
            "'visibility: selected'"
        )
    if len(problems) > before:
        return None
    return GroupSpec(name=name, **values)


def _hosted_runners(where: str, value: Any, problems: list[str]) -> tuple[HostedRunnerSpec, ...]:
    """`hosted_runners: {NAME: {image_id: ..., size: ..., ...}}`; every problem of every runner is reported."""
    if value is None:
        return ()
    if not isinstance(value, Mapping):
        problems.append(
            f"{where}: hosted_runners must be a mapping of runner name to settings, e.g. "
            f"'hosted_runners: {{linux-4core: {{image_id: ubuntu-24.04, size: 4-core}}}}', got {shown(value)}"
        )
        return ()
    runners: list[HostedRunnerSpec] = []
    for name, settings in value.items():
        at = f"{where}, hosted runner {shown(name)}"
        before = len(problems)
        problems.extend(f"{at}: {reason.rstrip('.')}" for _, reason in check_hosted_name("name", name))
        settings = {} if settings is None else settings
        if not isinstance(settings, Mapping):
            problems.append(f"{at}: settings must be a mapping, got {shown(settings)}")
            continue
        for key in settings:
            if key not in _HOSTED_FIELDS:
                problems.append(f"{at}: unknown field {key!r}{_suggest(str(key), tuple(_HOSTED_FIELDS))}")
        for key, described in _HOSTED_FIELDS.items():
            given = settings.get(key)
            if given is None and described.required:
                problems.append(f"{at}: {key} is required: {described.required.rstrip('.')}")
            elif given is not None and described.validate is not None:
                problems.extend(f"{at}: {reason.rstrip('.')}" for _, reason in described.validate(key, given))
        if len(problems) == before:
            known = {key: settings[key] for key in _HOSTED_FIELDS if settings.get(key) is not None}
            runners.append(HostedRunnerSpec(name=str(name), **known))
    return tuple(runners)


def _list_of(where: str, key: str, value: Any, types: tuple[type, ...], problems: list[str]) -> tuple[Any, ...]:
    if value is None:
        return ()
    if not isinstance(value, Sequence) or isinstance(value, str):
        problems.append(f"{where}: {key} must be a list, got {value!r}")
        return ()
    bad = [item for item in value if isinstance(item, bool) or not isinstance(item, types)]
    if bad:
        kinds = " or ".join("text" if t is str else "numbers" for t in types)
        problems.append(f"{where}: {key} entries must be {kinds}, got {bad[0]!r}")
    return tuple(value)


def _suggest(key: str, choices: Sequence[str]) -> str:
    close = difflib.get_close_matches(key, choices, n=1)
    return f" (did you mean {close[0]!r}?)" if close else f" (valid: {', '.join(choices)})"
