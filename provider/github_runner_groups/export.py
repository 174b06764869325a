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
from .errors import GitHubNotFound
from .resources.fields import HOSTED_RUNNER_FIELDS, RUNNER_GROUP_FIELDS, Role, on_ghes
from .resources.values import require_org
from .spec import GroupSpec, HostedRunnerSpec, OrgSpec, dump_spec

# Every setting a group has (not what GitHub computes); `adopt` is written as True for every group.
EXPORTED = tuple(f for f in RUNNER_GROUP_FIELDS if f.in_spec and f.role is Role.SETTING)
# Every setting of a hosted runner but its group, which the spec says by where it lists the runner.
EXPORTED_HOSTED = tuple(f for f in HOSTED_RUNNER_FIELDS if f.in_spec)


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
    listed = api.list_runner_groups(client, org)
    hosted = _hosted_runners_by_group(client, org, skipped) if not ghes else {}
    for group in listed:
        if group.default or group.inherited:
            skipped.append(
                f"{group.name}: the Default group cannot be created or deleted; its settings are not exported"
                if group.default
                else f"{group.name}: inherited from the enterprise, managed there"
            )
            skipped.extend(
                f"hosted runner {r.name}: in group {group.name}, which is not exported; move it to an exported "
                "group to manage it"
                for r in hosted.get(group.id, ())
            )
            continue
        settings = {f.name: _spec_value(f.from_model(group)) for f in EXPORTED if f.on_ghes or not ghes}
        repositories = None
        if group.visibility == "selected":
            repositories = _sorted_names(api.list_group_repositories(client, org, group.id))
        runners = _sorted_names(api.list_group_runners(client, org, group.id))
        groups.append(
            GroupSpec(
                name=group.name,
                **settings,
                repositories=repositories,
                runners=runners or None,
                hosted_runners=tuple(_hosted_spec(r) for r in hosted.get(group.id, ())) or None,
                adopt=True,
            )
        )
    return Export(OrgSpec(org=org, groups=tuple(groups)), tuple(skipped))


def _hosted_runners_by_group(client: GitHubClient, org: str, skipped: list[str]) -> dict[int, list[api.HostedRunner]]:
    """The org's GitHub-hosted runners by group, sorted by name; none (with the reason) where the org has no
    access to them."""
    try:
        runners = api.list_hosted_runners(client, org)
    except GitHubNotFound:
        skipped.append("hosted runners: GitHub answered 404 to their listing (the org's plan has none)")
        return {}
    by_group: dict[int, list[api.HostedRunner]] = {}
    for runner in sorted(runners, key=lambda r: r.name.lower()):
        by_group.setdefault(runner.runner_group_id or 0, []).append(runner)
    return by_group


def _hosted_spec(runner: api.HostedRunner) -> HostedRunnerSpec:
    return HostedRunnerSpec(name=runner.name, **{f.name: f.from_model(runner) for f in EXPORTED_HOSTED})


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
        for hosted in group.hosted_runners or ():
            settings = "".join(
                f", {f.name}={getattr(hosted, f.name)!r}"
                for f in EXPORTED_HOSTED
                if getattr(hosted, f.name) is not None
            )
            lines.append(
                f"rg.HostedRunner({hosted.name!r}, name={hosted.name!r}, runner_group_id={variable}.id, org={org!r}"
                f"{settings}, adopt=True)"
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
