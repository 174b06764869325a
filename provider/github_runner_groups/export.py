"""Existing runner groups -> a spec (YAML) or a Pulumi program, with `adopt` set, to bring them under management.

The first `pulumi up` of the output takes every group over without recreating it: groups are adopted by name
(no write when the settings match), and access and membership resources set the lists they already have.
Inherited groups (managed by the enterprise) and the Default group (which cannot be created or deleted) are
listed as comments, not exported.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from . import api
from .client import GitHubClient
from .resources.fields import RUNNER_GROUP_FIELDS, Role, on_ghes
from .resources.values import require_org
from .spec import GroupSpec, OrgSpec, dump_spec

# Every setting a group has (not what GitHub computes); `adopt` is written as True for every group.
EXPORTED = tuple(f for f in RUNNER_GROUP_FIELDS if f.in_spec and f.role is Role.SETTING)


@dataclass(frozen=True)
class Export:
    spec: OrgSpec
    skipped: tuple[str, ...]  # why each group left out was left out


def export_org(client: GitHubClient, org: str) -> Export:
    """Read the org's groups with every setting they have, their repositories (for `selected` groups) and runners."""
    require_org(org)
    groups: list[GroupSpec] = []
    skipped: list[str] = []
    ghes = on_ghes(client.settings.base_url)
    for group in api.list_runner_groups(client, org):
        if group.default:
            skipped.append(
                f"{group.name}: the Default group cannot be created or deleted; its settings are not exported"
            )
            continue
        if group.inherited:
            skipped.append(f"{group.name}: inherited from the enterprise, managed there")
            continue
        settings = {f.name: _spec_value(f.from_model(group)) for f in EXPORTED if f.on_ghes or not ghes}
        repositories = None
        if group.visibility == "selected":
            repositories = _sorted_names(api.list_group_repositories(client, org, group.id))
        runners = _sorted_names(api.list_group_runners(client, org, group.id))
        groups.append(
            GroupSpec(name=group.name, **settings, repositories=repositories, runners=runners or None, adopt=True)
        )
    return Export(OrgSpec(org=org, groups=tuple(groups)), tuple(skipped))


def _spec_value(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def _sorted_names(members: Iterable[api.Named]) -> tuple[str, ...]:
    return tuple(sorted((m.name for m in members), key=str.lower))


def to_yaml(exported: Export) -> str:
    header = [
        f"# Runner groups of org '{exported.spec.org}', exported by `github-runner-groups export`.",
        "# adopt: true takes each group over as it is on the first `pulumi up` (nothing is recreated).",
        *(f"# Not exported: {reason}." for reason in exported.skipped),
    ]
    return "\n".join(header) + "\n" + dump_spec(exported.spec)


def to_python(exported: Export) -> str:
    """A Pulumi program using the resources directly; each group's `id` feeds its access and membership."""
    org = exported.spec.org
    lines = [
        f'"""Runner groups of org {org!r}, exported by `github-runner-groups export --format python`.',
        "",
        "adopt=True takes each group over as it is on the first `pulumi up` (nothing is recreated).",
        *(f"Not exported: {reason}." for reason in exported.skipped),
        '"""',
        "",
        "import github_runner_groups as rg",
        "",
    ]
    used: set[str] = set()
    for group in exported.spec.groups:
        variable = _identifier(group.name, used)
        arguments = [f"name={group.name!r}", f"org={org!r}"]
        for field in EXPORTED:
            value = getattr(group, field.name)
            if value is not None:
                arguments.append(f"{field.name}={list(value) if isinstance(value, tuple) else value!r}")
        arguments.append("adopt=True")
        lines.append(f"{variable} = rg.RunnerGroup({group.name!r}, {', '.join(arguments)})")
        if group.repositories is not None:
            lines.append(
                f"rg.RunnerGroupRepositoryAccess({group.name + '-repositories'!r}, runner_group_id={variable}.id, "
                f"org={org!r}, repositories={list(group.repositories)!r})"
            )
        if group.runners is not None:
            lines.append(
                f"rg.RunnerGroupMembership({group.name + '-runners'!r}, runner_group_id={variable}.id, "
                f"org={org!r}, runners={list(group.runners)!r})"
            )
        lines.append("")
    return "\n".join(lines)


def _identifier(name: str, used: set[str]) -> str:
    base = re.sub(r"\W+", "_", name).strip("_").lower() or "group"
    if base[0].isdigit() or keyword.iskeyword(base):
        base = f"group_{base}"
    candidate, number = base, 2
    while candidate in used:
        candidate, number = f"{base}_{number}", number + 1
    used.add(candidate)
    return candidate
