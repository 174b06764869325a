"""Existing runner groups -> a spec (YAML) or a Pulumi program, with `adopt` set, to bring them under management.

The first `pulumi up` of the output takes every group over without recreating it: groups are adopted by name
(no write when the settings match), and access and membership resources set the lists they already have.
Inherited groups (managed by the enterprise) and the Default group (which cannot be created or deleted) are
listed as comments, not exported.
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass

from . import api
from .client import GitHubClient
from .resources._common import require_org_login
from .spec import GroupSpec, OrgSpec, dump_spec


@dataclass(frozen=True)
class Export:
    spec: OrgSpec
    skipped: tuple[str, ...]  # why each group left out was left out


def export_org(client: GitHubClient, org: str) -> Export:
    """Read the org's groups with their repositories (for `selected` groups) and runners, by name."""
    require_org_login(org)
    groups: list[GroupSpec] = []
    skipped: list[str] = []
    for group in api.list_runner_groups(client, org):
        name = str(group["name"])
        if group.get("default"):
            skipped.append(f"{name}: the Default group cannot be created or deleted; its settings are not exported")
            continue
        if group.get("inherited"):
            skipped.append(f"{name}: inherited from the enterprise, managed there")
            continue
        group_id = int(group["id"])
        selected = group.get("visibility") == "selected"
        repositories = [r["name"] for r in api.list_group_repositories(client, org, group_id)] if selected else None
        runners = [r["name"] for r in api.list_group_runners(client, org, group_id)]
        groups.append(
            GroupSpec(
                name=name,
                visibility=str(group.get("visibility", "all")),
                allows_public_repositories=bool(group.get("allows_public_repositories")),
                restricted_to_workflows=bool(group.get("restricted_to_workflows")),
                selected_workflows=tuple(group.get("selected_workflows") or ()),
                repositories=tuple(sorted(repositories, key=lambda n: str(n).lower()))
                if repositories is not None
                else None,
                runners=tuple(sorted(runners, key=lambda n: str(n).lower())) or None,
                adopt=True,
            )
        )
    return Export(OrgSpec(org=org, groups=tuple(groups)), tuple(skipped))


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
        arguments = [f"name={group.name!r}", f"org={org!r}", f"visibility={group.visibility!r}"]
        if group.allows_public_repositories:
            arguments.append("allows_public_repositories=True")
        if group.restricted_to_workflows:
            arguments.append("restricted_to_workflows=True")
        if group.selected_workflows:
            arguments.append(f"selected_workflows={list(group.selected_workflows)!r}")
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
