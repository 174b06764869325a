"""Each field of a resource described once; Args checks, diff, request bodies, outputs, the spec, the exporter,
the component and the lookups all read these tables instead of repeating the facts.

A Field says what it is called (program/state, GitHub JSON, spec), its default, how two values compare, how a
value is validated, who sets it (the program, the provider, or GitHub) and whether GitHub Enterprise Server has
it. A list of references (names or ids in the program and the spec, verified ids in state) is one more Field:
its `validate` accepts names and ids, and a computed Field next to it holds the resolved ids.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from enum import Enum
from typing import Any

from .values import is_unknown, shown

# (field path, what is wrong with it and how to fix it); the path names a list item as `field[index]`.
Problem = tuple[str, str]
Validator = Callable[[str, Any], list[Problem]]
# A rule over several fields of one resource (its inputs, or with adopt GitHub's values merged in).
Rule = Callable[[Mapping[str, Any]], list[Problem]]


class Role(Enum):
    SETTING = "setting"  # the program sets it and GitHub stores it: compared, sent, exported
    LOCATION = "location"  # where the object lives (`org`): changing it replaces the resource
    STEERING = "steering"  # steers the provider only (`adopt`): never sent, never a change
    MEMBERS = "members"  # a list the group owns when given (names or ids): inline in the create POST, else one PUT
    COMPUTED = "computed"  # GitHub (or the provider) sets it: an output only


def _same(value: Any) -> Any:
    return value


@dataclass(frozen=True)
class Field:
    name: str
    role: Role
    default: Any = None
    required: str | None = None  # when the program must set it: what it is, for the error
    compare: Callable[[Any], Any] = _same  # values that compare equal after this are the same to GitHub
    validate: Validator | None = None
    json_name: str | None = None  # attribute of the api model (= GitHub's JSON key); None: not in GitHub's object
    in_spec: bool = False  # a key of a group in the YAML spec, and written by the exporter
    on_ghes: bool = True  # GitHub Enterprise Server has it

    def to_json(self, value: Any) -> Any:
        """The value as a request body carries it (lists keep the program's order)."""
        return list(value) if isinstance(value, (list, tuple)) else self.compare(value)

    def from_model(self, model: object) -> Any:
        """The value in GitHub's object (`api.RunnerGroup`, `api.HostedRunner`, `api.NetworkConfiguration`...)."""
        value = getattr(model, self.json_name) if self.json_name else None
        return list(value) if isinstance(value, tuple) else value


# Validators: each returns what is wrong, naming the field, the value and the fix.

VISIBILITIES = ("all", "selected", "private")
ENTERPRISE_VISIBILITIES = ("all", "selected")  # an enterprise group is shared with organizations, not repositories
MAX_NAME_LENGTH = 64
# OWNER/REPO/.github/workflows/FILE.yml@REF: GitHub requires the ref (branch, tag or full SHA). OWNER is a login
# (single hyphens, none at either end), REPO is not `.` or `..`; REF is checked by git's rules below.
_WORKFLOW_REF = re.compile(
    r"(?P<owner>[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38})/(?P<repo>[A-Za-z0-9._-]{1,100})"
    r"/\.github/workflows/[^/@\s]+\.ya?ml@(?P<ref>[^\s@]+)"
)
# What `git check-ref-format` refuses: `..`, control characters, space ~ ^ : ? * [ \, `@{`, an empty component
# (`//`, or a leading or trailing `/`), a component starting with `.` or ending with `.lock`, a trailing `.`.
_BAD_REF = re.compile(r"\.\.|[\x00-\x20\x7f ~^:?*\[\\]|@\{|//|^/|/$|(?:^|/)\.|\.lock(?:/|$)|\.$")
_WORKFLOW_FORM = (
    "a workflow reference has the form OWNER/REPO/.github/workflows/FILE.yml@REF, where REF is a branch, a tag or "
    "a full commit SHA (e.g. acme/deploy/.github/workflows/release.yml@main)"
)


def invisible_characters(text: str) -> list[str]:
    """Control and format characters (NUL, newline, zero-width and direction marks) as U+XXXX."""
    return [f"U+{ord(c):04X}" for c in text if unicodedata.category(c) in ("Cc", "Cf")]


def check_name(path: str, value: Any) -> list[Problem]:
    if not isinstance(value, str):
        return [
            (path, f"{path} must be text of 1-64 characters, got {shown(value)}; quote it if it looks like a number.")
        ]
    hidden = invisible_characters(value)
    if hidden:
        return [
            (
                path,
                f"{path} {shown(value)} contains control or format characters ({', '.join(dict.fromkeys(hidden))}), "
                "which workflows cannot write in `runs-on: group:`; use visible characters only.",
            )
        ]
    if not value.strip():
        return [(path, f"{path} must not be empty.")]
    if value != value.strip():
        return [(path, f"{path} {shown(value)} has leading or trailing spaces; use {value.strip()!r}.")]
    if len(value) > MAX_NAME_LENGTH:
        return [(path, f"{path} is {len(value)} characters long; use at most {MAX_NAME_LENGTH}.")]
    return []


def check_flag(path: str, value: Any) -> list[Problem]:
    return [] if isinstance(value, bool) else [(path, f"{path} must be true or false, got {shown(value)}.")]


def check_choice(choices: tuple[str, ...]) -> Validator:
    def check(path: str, value: Any) -> list[Problem]:
        if value in choices:
            return []
        options = ", ".join(repr(v) for v in choices)
        return [(path, f"{path} must be one of {options}, got {shown(value)}.")]

    return check


def check_workflows(path: str, value: Any) -> list[Problem]:
    if not isinstance(value, (list, tuple)):
        return [(path, f"{path} must be a list of workflow references, got {shown(value)}.")]
    problems: list[Problem] = []
    seen: set[str] = set()
    for index, workflow in enumerate(value):
        item = f"{path}[{index}]"
        if is_unknown(workflow):
            continue
        problem = _workflow_problem(workflow)
        if problem is not None:
            problems.append((item, f"{item} is {shown(workflow)}: {problem}; {_WORKFLOW_FORM}."))
        elif workflow in seen:
            problems.append((item, f"{item} repeats {workflow!r}; list each workflow once."))
        else:
            seen.add(workflow)
    return problems


def _workflow_problem(workflow: Any) -> str | None:
    """What is wrong with a workflow reference (None: nothing); `..` is refused wherever it is."""
    matched = _WORKFLOW_REF.fullmatch(workflow) if isinstance(workflow, str) else None
    if matched is None or invisible_characters(workflow):
        owner = workflow.partition("/")[0] if isinstance(workflow, str) else ""
        if owner and not _WORKFLOW_REF.match(f"{owner}/r/.github/workflows/w.yml@m"):
            return f"the owner {shown(owner)} is not a GitHub login (letters, digits and single hyphens, not at an end)"
        return "not a workflow reference"
    if matched["repo"] in (".", "..") or "/../" in workflow or "/./" in workflow:
        return "a `.` or `..` path segment is not a repository or a directory GitHub reads workflows from"
    if _BAD_REF.search(matched["ref"]) or matched["ref"] == "@":
        return f"the ref {matched['ref']!r} is not one git accepts (see `git check-ref-format`)"
    return None


def check_network_configuration(path: str, value: Any) -> list[Problem]:
    if isinstance(value, str) and value.strip() == value and value and not invisible_characters(value):
        return []
    return [
        (
            path,
            f"{path} must be the id (text) of a hosted compute network configuration, got {shown(value)}; leave it "
            "unset for self-hosted runners.",
        )
    ]


def list_needs_selected(field: str, list_noun: str) -> Rule:
    """GitHub keeps a group's repository list (an enterprise group's organization list) only for `selected`
    groups: elsewhere it refuses or drops it."""

    def rule(values: Mapping[str, Any]) -> list[Problem]:
        if values.get(field) is None or values.get("visibility") == "selected":
            return []
        visibility = values.get("visibility")
        stated = "not set" if visibility is None else repr(visibility)
        return [
            (
                field,
                f"{field} are listed but visibility is {stated}; GitHub keeps {list_noun} only for groups with "
                "visibility 'selected': set visibility='selected' (in a spec: 'visibility: selected'), or leave "
                f"{field} unset.",
            )
        ]

    return rule


def workflows_need_restriction(values: Mapping[str, Any]) -> list[Problem]:
    """GitHub ignores a workflow list unless the group is restricted to workflows."""
    if values.get("selected_workflows") and values.get("restricted_to_workflows") is False:
        return [
            (
                "selected_workflows",
                "selected_workflows is set but restricted_to_workflows is false, so GitHub would ignore the list: "
                "set restricted_to_workflows=True (in a spec: add 'restricted_to_workflows: true'), or remove "
                "selected_workflows.",
            )
        ]
    return []


def folded(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


def sorted_list(value: Any) -> Any:
    return sorted(value or [])


def truthy(value: Any) -> Any:
    return bool(value)


def _text_or_none(value: Any) -> Any:
    return value or None


def members_fields(list_field: str, ids_field: str, names_field: str) -> tuple[Field, ...]:
    """A list a group owns exclusively when given (even []; omitted, the group does not own it), then its resolved
    members (ids and names, as last written or read) and the ETag of its last listing."""
    return (
        Field(list_field, Role.MEMBERS),
        Field(ids_field, Role.COMPUTED),
        Field(names_field, Role.COMPUTED),
        Field(f"{list_field}_etag", Role.COMPUTED),
    )


RUNNER_GROUP_FIELDS = (
    Field("org", Role.LOCATION, compare=folded),  # checked by Checker.org, as for every resource
    Field("adopt", Role.STEERING, default=False, validate=check_flag, in_spec=True),
    Field(
        "name",
        Role.SETTING,
        required="the runner group's name as workflows use it (runs-on: group:).",
        validate=check_name,
        json_name="name",
    ),
    Field(
        "visibility",
        Role.SETTING,
        default="all",
        validate=check_choice(VISIBILITIES),
        json_name="visibility",
        in_spec=True,
    ),
    Field(
        "allows_public_repositories",
        Role.SETTING,
        default=False,
        compare=truthy,
        validate=check_flag,
        json_name="allows_public_repositories",
        in_spec=True,
    ),
    Field(
        "restricted_to_workflows",
        Role.SETTING,
        default=False,
        compare=truthy,
        validate=check_flag,
        json_name="restricted_to_workflows",
        in_spec=True,
    ),
    Field(
        "selected_workflows",
        Role.SETTING,
        default=(),
        compare=sorted_list,
        validate=check_workflows,
        json_name="selected_workflows",
        in_spec=True,
    ),
    Field(
        "network_configuration_id",
        Role.SETTING,
        compare=_text_or_none,
        validate=check_network_configuration,
        json_name="network_configuration_id",
        in_spec=True,
        on_ghes=False,
    ),
    *members_fields("repositories", "repository_ids", "repository_names"),
    *members_fields("runners", "runner_ids", "runner_names"),
    Field("group_id", Role.COMPUTED, json_name="id"),
    Field("default", Role.COMPUTED, json_name="default"),
    Field("inherited", Role.COMPUTED, json_name="inherited"),
    Field("inherited_allows_public_repositories", Role.COMPUTED, json_name="inherited_allows_public_repositories"),
    Field("workflow_restrictions_read_only", Role.COMPUTED, json_name="workflow_restrictions_read_only"),
    Field("runners_url", Role.COMPUTED, json_name="runners_url"),
    Field("selected_repositories_url", Role.COMPUTED, json_name="selected_repositories_url"),
    Field("hosted_runners_url", Role.COMPUTED, json_name="hosted_runners_url"),
    Field("etag", Role.COMPUTED),  # of the last full read: the next refresh sends it back
)
RUNNER_GROUP_RULES: tuple[Rule, ...] = (
    workflows_need_restriction,
    list_needs_selected("repositories", "a repository list"),
)

# An enterprise group has the org group's settings (visibility without `private`), lives in an enterprise, and
# has no `inherited` flags; it owns (inline, when given) which organizations may use it and its runners.
_ORG_FIELD = {f.name: f for f in RUNNER_GROUP_FIELDS}
ENTERPRISE_RUNNER_GROUP_FIELDS = (
    Field("enterprise", Role.LOCATION, compare=folded),  # checked by Checker.enterprise
    _ORG_FIELD["adopt"],
    _ORG_FIELD["name"],
    replace(_ORG_FIELD["visibility"], validate=check_choice(ENTERPRISE_VISIBILITIES)),
    *(
        _ORG_FIELD[name]
        for name in (
            "allows_public_repositories",
            "restricted_to_workflows",
            "selected_workflows",
            "network_configuration_id",
        )
    ),
    *members_fields("organizations", "organization_ids", "organization_logins"),
    *(_ORG_FIELD[name] for name in ("runners", "runner_ids", "runner_names", "runners_etag")),
    *(_ORG_FIELD[name] for name in ("group_id", "default", "workflow_restrictions_read_only", "runners_url")),
    Field("selected_organizations_url", Role.COMPUTED, json_name="selected_organizations_url"),
    _ORG_FIELD["hosted_runners_url"],
    _ORG_FIELD["etag"],
)
ENTERPRISE_RUNNER_GROUP_RULES: tuple[Rule, ...] = (
    workflows_need_restriction,
    list_needs_selected("organizations", "an organization list"),
)


# GitHub-hosted runners (github.com and GHEC only)

HOSTED_NAME_FORM = "1-64 characters of letters, digits, '.', '-' and '_'"
_HOSTED_NAME = re.compile(r"[A-Za-z0-9._-]{1,64}")
IMAGE_SOURCES = ("github", "partner", "custom")
MAXIMUM_RUNNERS_CAP = 1000  # the largest concurrency GitHub lets one hosted runner have


def check_hosted_name(path: str, value: Any) -> list[Problem]:
    if isinstance(value, str) and _HOSTED_NAME.fullmatch(value):
        return []
    if isinstance(value, str) and value and len(value) > MAX_NAME_LENGTH and _HOSTED_NAME.fullmatch(value[:64]):
        return [(path, f"{path} is {len(value)} characters long; use at most {MAX_NAME_LENGTH}.")]
    fix = "; e.g. 'linux-x64-4core'" if isinstance(value, str) else "; quote it if it looks like a number"
    hidden = invisible_characters(value) if isinstance(value, str) else []
    seen = f" (it contains {', '.join(dict.fromkeys(hidden))})" if hidden else ""
    return [(path, f"{path} must be {HOSTED_NAME_FORM}, got {shown(value)}{seen}{fix}.")]


def check_catalog_text(path: str, value: Any) -> list[Problem]:
    """An image id or a machine size: plain visible text; whether the org offers it is checked before the write."""
    if isinstance(value, str) and value and value == value.strip() and not invisible_characters(value):
        return []
    hint = "the lookups get_hosted_runner_sizes() and get_hosted_runner_images() list what the org offers"
    return [(path, f"{path} must be non-empty visible text without surrounding spaces, got {shown(value)}; {hint}.")]


def check_image_source(path: str, value: Any) -> list[Problem]:
    if value in IMAGE_SOURCES:
        return []
    return [(path, f"{path} must be one of {', '.join(map(repr, IMAGE_SOURCES))}, got {shown(value)}.")]


def check_image_version(path: str, value: Any) -> list[Problem]:
    if isinstance(value, str) and value and value == value.strip() and not invisible_characters(value):
        return []
    return [(path, f"{path} must be an image version such as 'latest' or '1.0.0', got {shown(value)}.")]


def check_maximum_runners(path: str, value: Any) -> list[Problem]:
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAXIMUM_RUNNERS_CAP:
        return []
    if isinstance(value, float) and value.is_integer() and 1 <= value <= MAXIMUM_RUNNERS_CAP:
        return []  # numbers come back from state as floats
    return [(path, f"{path} must be a whole number from 1 to {MAXIMUM_RUNNERS_CAP}, got {shown(value)}.")]


def _whole_or_text(value: Any) -> Any:
    """Ids and counts compare as numbers whether they come as int, float (state) or digits (a resource's id)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return int(value)
    return value


HOSTED_RUNNER_FIELDS = (
    Field("org", Role.LOCATION, compare=folded),
    Field("adopt", Role.STEERING, default=False, validate=check_flag),  # in a spec: the group's `adopt`
    Field(
        "name",
        Role.SETTING,
        required=f"the hosted runner's name ({HOSTED_NAME_FORM}).",
        validate=check_hosted_name,
        json_name="name",
    ),
    Field(
        "runner_group_id",
        Role.SETTING,
        required="the id of the runner group the runner serves, e.g. runner_group_id=group.id.",
        compare=_whole_or_text,
        json_name="runner_group_id",
    ),
    Field(
        "image_id",
        Role.SETTING,
        required="the image to build the runner from, e.g. 'ubuntu-24.04' (see get_hosted_runner_images()).",
        validate=check_catalog_text,
        json_name="image_id",
        in_spec=True,
    ),
    Field(
        "image_source",
        Role.SETTING,
        default="github",
        validate=check_image_source,
        json_name="image_source",
        in_spec=True,
    ),
    Field(
        "image_version",
        Role.SETTING,
        compare=_text_or_none,
        validate=check_image_version,
        json_name="image_version",
        in_spec=True,
    ),
    Field(
        "size",
        Role.SETTING,
        required="the machine size, e.g. '4-core' (see get_hosted_runner_sizes()).",
        validate=check_catalog_text,
        json_name="size",
        in_spec=True,
    ),
    Field(
        "maximum_runners",
        Role.SETTING,
        default=10,
        compare=_whole_or_text,
        validate=check_maximum_runners,
        json_name="maximum_runners",
        in_spec=True,
    ),
    Field(
        "enable_static_ip",
        Role.SETTING,
        default=False,
        compare=truthy,
        validate=check_flag,
        json_name="public_ip_enabled",
        in_spec=True,
    ),
    Field(
        "image_gen",
        Role.SETTING,
        default=False,
        compare=truthy,
        validate=check_flag,
        json_name="image_gen",
        in_spec=True,
    ),
    # Only what changes with the settings: the volatile `status` and `last_active_on` would make every refresh
    # report drift; get_org_hosted_runners() reads them live.
    Field("hosted_runner_id", Role.COMPUTED, json_name="id"),
    Field("platform", Role.COMPUTED, json_name="platform"),
    Field("machine_size_details", Role.COMPUTED, json_name="machine_size_details"),
    Field("public_ips", Role.COMPUTED, json_name="public_ips"),
)


def named(table: Sequence[Field], *roles: Role) -> tuple[str, ...]:
    return tuple(f.name for f in table if f.role in roles)


# The lists a RunnerGroup owns inline when given: the spec's exclusive groups carry them so.
INLINE_LISTS = named(RUNNER_GROUP_FIELDS, Role.MEMBERS)
ENTERPRISE_INLINE_LISTS = named(ENTERPRISE_RUNNER_GROUP_FIELDS, Role.MEMBERS)


def on_ghes(base_url: str) -> bool:
    """GitHub Enterprise Server serves its REST API under /api/v3; github.com (and the emulator) at the root."""
    return base_url.rstrip("/").endswith("/api/v3")
