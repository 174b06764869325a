"""The runner groups of an org (and, optionally, of its enterprise) as data: a typed spec, read from and written
to YAML.

`OrgRunnerGroups` builds resources from it and the exporter writes it, so that a platform team can keep the
whole org in one reviewed file. Errors name the file, the group and the field, and say the fix, before Pulumi
registers anything.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from . import safe_yaml
from .errors import GitHubRunnerGroupsError
from .resources.fields import (
    ENTERPRISE_RUNNER_GROUP_FIELDS,
    ENTERPRISE_RUNNER_GROUP_RULES,
    HOSTED_RUNNER_FIELDS,
    RUNNER_GROUP_FIELDS,
    RUNNER_GROUP_RULES,
    Field,
    Role,
    Rule,
    check_flag,
    check_hosted_name,
    check_name,
    named,
)
from .resources.values import enterprise_problem, org_problem, shown
from .spec_lists import SpecDumper, list_problems
from .spec_surface import (
    NetworkConfigurationSpec,
    SelfHostedRunnersSpec,
    dumped_network_configurations,
    dumped_self_hosted_runners,
    parse_network_configurations,
    parse_self_hosted_runners,
)

if TYPE_CHECKING:
    from yaml.nodes import Node

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
    # Earlier names of this runner in the spec: its resource keeps its state (a Pulumi alias), no replacement.
    renamed_from: tuple[str, ...] | None = None


@dataclass(frozen=True)
class _GroupSettings:
    """The settings an org and an enterprise group share in a spec (None: the resource's default, or with `adopt`
    as GitHub has it); each resource's field table lists them, and a test keeps the two in step."""

    name: str
    visibility: str | None = None
    allows_public_repositories: bool | None = None
    restricted_to_workflows: bool | None = None
    selected_workflows: tuple[str, ...] | None = None
    network_configuration_id: str | None = None


@dataclass(frozen=True)
class GroupSpec(_GroupSettings):
    """One runner group and, optionally, the repositories, runners and GitHub-hosted runners it holds (None: not
    managed)."""

    repositories: tuple[str | int, ...] | None = None
    runners: tuple[str | int, ...] | None = None
    hosted_runners: tuple[HostedRunnerSpec, ...] | None = None
    exclusive: bool = True
    adopt: bool = False
    # Earlier keys of this group in the spec: its resources keep their state (Pulumi aliases), nothing is deleted.
    renamed_from: tuple[str, ...] | None = None


@dataclass(frozen=True)
class EnterpriseGroupSpec(_GroupSettings):
    """One enterprise runner group and, optionally, the organizations that may use it and its runners (None: not
    managed); exclusive (the default), the group owns them inline."""

    organizations: tuple[str | int, ...] | None = None
    runners: tuple[str | int, ...] | None = None
    hosted_runners: tuple[HostedRunnerSpec, ...] | None = None  # the enterprise's own (EnterpriseHostedRunner)
    exclusive: bool = True
    adopt: bool = False
    renamed_from: tuple[str, ...] | None = None  # as GroupSpec's


@dataclass(frozen=True)
class EnterpriseSpec:
    """`enterprise` None means the provider's (github-runner-groups:enterprise / GITHUB_ENTERPRISE)."""

    enterprise: str | None
    groups: tuple[EnterpriseGroupSpec, ...] = field(default_factory=tuple)
    network_configurations: tuple[NetworkConfigurationSpec, ...] = ()


@dataclass(frozen=True)
class OrgSpec:
    """`org` None means the provider's owner (github:owner / GITHUB_OWNER)."""

    org: str | None
    groups: tuple[GroupSpec, ...] = field(default_factory=tuple)
    enterprise: EnterpriseSpec | None = None
    network_configurations: tuple[NetworkConfigurationSpec, ...] = ()
    self_hosted_runners: SelfHostedRunnersSpec | None = None


AnyGroupSpec = TypeVar("AnyGroupSpec", GroupSpec, EnterpriseGroupSpec)


@dataclass(frozen=True)
class _GroupKind(Generic[AnyGroupSpec]):
    """An org or an enterprise group in a spec: its settings and its lists (from the resource's field table), and
    the rules the resource checks them by."""

    spec_type: type[AnyGroupSpec]
    table: tuple[Field, ...]
    rules: tuple[Rule, ...]

    @property
    def settings(self) -> dict[str, Field]:
        """The settings a spec group carries: every other key of a group is about its members."""
        return {f.name: f for f in self.table if f.in_spec}

    @property
    def lists(self) -> tuple[str, ...]:
        return named(self.table, Role.MEMBERS)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(f.name for f in fields(self.spec_type) if f.name != "name")


_ORG_GROUP = _GroupKind(GroupSpec, RUNNER_GROUP_FIELDS, RUNNER_GROUP_RULES)
_ENTERPRISE_GROUP = _GroupKind(EnterpriseGroupSpec, ENTERPRISE_RUNNER_GROUP_FIELDS, ENTERPRISE_RUNNER_GROUP_RULES)


def load_spec(path: str | Path) -> OrgSpec:
    """Read a YAML spec file (see runner-groups.yaml at the repository root).

    Duplicate keys, aliases, merge keys, tags and deep nesting are refused with their line (see `safe_yaml`).
    """
    source = str(path)
    try:
        text = safe_yaml.read_text(source)
    except OSError as exc:
        raise SpecError(f"{source}: cannot read the spec file ({exc.strerror or exc}).") from None
    except safe_yaml.YamlProblem as exc:
        raise SpecError(f"{source}: {exc}.") from None
    return load_spec_text(text, source)


def load_spec_text(text: str, source: str = "spec") -> OrgSpec:
    """A spec from YAML text; `source` names it in every message (see `load_spec`)."""
    try:
        data, group_lines = safe_yaml.load(text, lambda root: _member_lists(root, source))
    except safe_yaml.YamlProblem as exc:
        raise SpecError(f"{source}: {exc}.") from None
    if data is None:
        raise SpecError(f"{source}: the file is empty; a spec needs 'org' and 'groups' (see runner-groups.yaml).")
    try:
        return parse_spec(data, source)
    except SpecError as exc:
        raise SpecError(_with_group_lines(exc.uncapped, group_lines)) from None


def _member_lists(root: Node, source: str) -> list[str]:
    """Member lists as written: number forms, empty keys, repeated entries and impossible ids (see spec_lists)."""
    return list_problems(root, _ORG_GROUP.lists, _ENTERPRISE_GROUP.lists, source)


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
    top_level = ("org", "groups", "enterprise", "network_configurations", "self_hosted_runners")
    for key in data:
        if key not in top_level:
            problems.append(f"unknown top-level key {key!r}{_suggest(str(key), top_level)}")
    org = data.get("org")
    if org is not None and org_problem(org) is not None:
        problems.append(str(org_problem(org)).rstrip("."))
    enterprise = _parse_enterprise(data["enterprise"], problems) if "enterprise" in data else None
    raw_groups = data.get("groups")
    groups: list[GroupSpec] = []
    others = enterprise is not None or any(key in data for key in ("network_configurations", "self_hosted_runners"))
    if others and raw_groups is None:
        pass  # a spec of enterprise groups, network configurations or the policy only
    elif not isinstance(raw_groups, Mapping) or not raw_groups:
        problems.append("groups must be a mapping of group name to settings, e.g. 'groups: {ci: {visibility: all}}'")
    else:
        groups = _parse_groups(raw_groups, "group", _ORG_GROUP, problems)
    problems.extend(_hosted_names_repeated(groups))
    networks = data.get("network_configurations")
    network_configurations = (
        parse_network_configurations(networks, "network_configurations: ", problems) if networks is not None else ()
    )
    policy = data.get("self_hosted_runners")
    self_hosted_runners = parse_self_hosted_runners(policy, problems) if policy is not None else None
    problems.extend(_renames_clash(groups, "group"))
    problems.extend(_renames_clash([r for g in groups for r in g.hosted_runners or ()], "hosted runner"))
    if enterprise is not None:
        problems.extend(_renames_clash(enterprise.groups, "enterprise group"))
    if problems:
        raise SpecError(f"{source}: " + "; ".join(problems) + ".")
    return OrgSpec(
        org=org,
        groups=tuple(groups),
        enterprise=enterprise,
        network_configurations=network_configurations,
        self_hosted_runners=self_hosted_runners,
    )


def _parse_enterprise(section: Any, problems: list[str]) -> EnterpriseSpec | None:
    """`enterprise: {slug: SLUG, groups: {NAME: {...}}}`; `slug` defaults to github-runner-groups:enterprise."""
    example = "'enterprise: {slug: acme-corp, groups: {shared: {visibility: selected, organizations: [acme]}}}'"
    if not isinstance(section, Mapping):
        problems.append(f"enterprise must be a mapping with 'slug' and 'groups', e.g. {example}")
        return None
    keys = ("slug", "groups", "network_configurations")
    for key in section:
        if key not in keys:
            problems.append(f"enterprise: unknown key {key!r}{_suggest(str(key), keys)}")
    slug = section.get("slug")
    if slug is not None and enterprise_problem(slug) is not None:
        problems.append(f"enterprise: {str(enterprise_problem(slug)).rstrip('.')}")
    raw_groups = section.get("groups")
    if not isinstance(raw_groups, Mapping) or not raw_groups:
        problems.append(f"enterprise: groups must be a mapping of group name to settings, e.g. {example}")
        return None
    groups = _parse_groups(raw_groups, "enterprise group", _ENTERPRISE_GROUP, problems)
    problems.extend(_hosted_names_repeated(groups))
    networks = section.get("network_configurations")
    where = "enterprise: network_configurations: "
    network_configurations = parse_network_configurations(networks, where, problems) if networks is not None else ()
    return EnterpriseSpec(enterprise=slug, groups=tuple(groups), network_configurations=network_configurations)


def _parse_groups(
    raw_groups: Mapping[Any, Any], noun: str, kind: _GroupKind[AnyGroupSpec], problems: list[str]
) -> list[AnyGroupSpec]:
    groups: list[AnyGroupSpec] = []
    seen: dict[str, str] = {}
    for name, settings in raw_groups.items():
        where = f"{noun} {name!r}"
        folded = str(name).lower()
        if folded in seen:
            problems.append(f"{where}: the same name as {noun} {seen[folded]!r} (GitHub ignores case)")
            continue
        seen[folded] = str(name)
        group = _parse_group(name, settings, where, problems, kind)
        if group is not None:
            groups.append(group)
    return groups


def _hosted_names_repeated(groups: Sequence[GroupSpec | EnterpriseGroupSpec]) -> list[str]:
    """Hosted runner names are unique in an org or enterprise (GitHub ignores case), across its groups."""
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

    document: dict[str, Any] = {"org": spec.org} if spec.org else {}
    others = spec.enterprise is not None or spec.network_configurations or spec.self_hosted_runners is not None
    if spec.groups or not others:
        document["groups"] = _dumped_groups(spec.groups, _ORG_GROUP)
    if spec.enterprise is not None:
        section: dict[str, Any] = {"slug": spec.enterprise.enterprise} if spec.enterprise.enterprise else {}
        section["groups"] = _dumped_groups(spec.enterprise.groups, _ENTERPRISE_GROUP)
        if spec.enterprise.network_configurations:
            section["network_configurations"] = dumped_network_configurations(spec.enterprise.network_configurations)
        document["enterprise"] = section
    if spec.network_configurations:
        document["network_configurations"] = dumped_network_configurations(spec.network_configurations)
    if spec.self_hosted_runners is not None:
        document["self_hosted_runners"] = dumped_self_hosted_runners(spec.self_hosted_runners)
    return str(yaml.dump(document, Dumper=SpecDumper, sort_keys=False, default_flow_style=False))


def _dumped_groups(groups: Sequence[AnyGroupSpec], kind: _GroupKind[AnyGroupSpec]) -> dict[str, dict[str, Any]]:
    defaults = kind.spec_type(name="")
    dumped: dict[str, dict[str, Any]] = {}
    for group in groups:
        entry: dict[str, Any] = {}
        for key in kind.keys:
            value = getattr(group, key)
            if value != getattr(defaults, key):
                entry[key] = _dumped(value)
        dumped[group.name] = entry
    return dumped


def _dumped(value: Any) -> Any:
    """A spec value as YAML holds it: lists for tuples, hosted runners as a mapping of name to settings."""
    if isinstance(value, tuple) and value and isinstance(value[0], HostedRunnerSpec):
        return {
            runner.name: {
                key: _dumped(getattr(runner, key))
                for key in (*_HOSTED_FIELDS, "renamed_from")
                if getattr(runner, key) is not None
            }
            for runner in value
        }
    return list(value) if isinstance(value, tuple) else value


def _parse_group(
    name: Any, settings: Any, where: str, problems: list[str], kind: _GroupKind[AnyGroupSpec]
) -> AnyGroupSpec | None:
    before = len(problems)
    problems.extend(f"{where}: {reason.rstrip('.')}" for _, reason in check_name("name", name))
    if settings is None:
        settings = {}
    if not isinstance(settings, Mapping):
        problems.append(f"{where}: settings must be a mapping, got {settings!r}")
        return None
    for key in settings:
        if key not in kind.keys:
            problems.append(f"{where}: unknown field {key!r}{_suggest(str(key), kind.keys)}")
    values: dict[str, Any] = {}
    settable = kind.settings
    for key, described in settable.items():
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
    for key in kind.lists:
        if key in settings:
            values[key] = _list_of(where, key, settings[key], (str, int), problems)
    if settings.get("renamed_from") is not None:
        values["renamed_from"] = _renamed_from(where, name, settings["renamed_from"], problems)
    # Without adopt, unset settings get their defaults: check the rules on what `pulumi up` will send.
    defaults = {key: f.default for key, f in settable.items() if f.default is not None}
    effective = values if values.get("adopt") else {**defaults, **values}
    for rule in kind.rules:
        problems.extend(f"{where}: {reason.rstrip('.')}" for _, reason in rule(effective))
    if "hosted_runners" in kind.keys and "hosted_runners" in settings:
        values["hosted_runners"] = _hosted_runners(where, settings["hosted_runners"], problems)
    if len(problems) > before:
        return None
    return kind.spec_type(name=name, **values)


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
            if key not in (*_HOSTED_FIELDS, "renamed_from"):
                problems.append(f"{at}: unknown field {key!r}{_suggest(str(key), (*_HOSTED_FIELDS, 'renamed_from'))}")
        renamed = None
        if settings.get("renamed_from") is not None:
            renamed = _renamed_from(at, name, settings["renamed_from"], problems, check_hosted_name)
        for key, described in _HOSTED_FIELDS.items():
            given = settings.get(key)
            if given is None and described.required:
                problems.append(f"{at}: {key} is required: {described.required.rstrip('.')}")
            elif given is not None and described.validate is not None:
                problems.extend(f"{at}: {reason.rstrip('.')}" for _, reason in described.validate(key, given))
        if len(problems) == before:
            known = {key: settings[key] for key in _HOSTED_FIELDS if settings.get(key) is not None}
            runners.append(HostedRunnerSpec(name=str(name), **known, renamed_from=renamed))
    return tuple(runners)


def _renamed_from(where: str, name: Any, value: Any, problems: list[str], check: Any = check_name) -> tuple[str, ...]:
    """`renamed_from: OLD` or `[OLD, OLDER]`: earlier keys, each a name the spec would accept, none the key itself."""
    olds = [value] if isinstance(value, str) else value
    if not isinstance(olds, list) or not olds or not all(isinstance(old, str) for old in olds):
        problems.append(f"{where}: renamed_from must be the earlier key (text) or a list of them, got {shown(value)}")
        return ()
    for old in olds:
        problems.extend(f"{where}: renamed_from {old!r}: {reason.rstrip('.')}" for _, reason in check("name", old))
        if old == name:
            problems.append(f"{where}: renamed_from {old!r} is the key itself; remove renamed_from")
    if len(set(olds)) != len(olds):
        problems.append(f"{where}: renamed_from lists a key twice; list each once")
    return tuple(olds)


def _renames_clash(groups: Sequence[GroupSpec | EnterpriseGroupSpec | HostedRunnerSpec], noun: str) -> list[str]:
    """An earlier key is one resource's old name: it cannot also be another group's key or another's earlier key
    (Pulumi would give one state entry to two resources)."""
    problems: list[str] = []
    keys = {group.name: group.name for group in groups}
    claimed: dict[str, str] = {}
    for group in groups:
        for old in group.renamed_from or ():
            if old in keys:
                problems.append(
                    f"{noun} {group.name!r}: renamed_from {old!r} is the key of another {noun} of this spec; a key "
                    "that is still in use cannot be an earlier name (to swap two names, see "
                    "docs/renames-and-ownership.md: two steps)"
                )
            elif claimed.setdefault(old, group.name) != group.name:
                problems.append(
                    f"{noun} {group.name!r}: renamed_from {old!r} is also claimed by {noun} {claimed[old]!r}"
                )
    return problems


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
