"""Existing runner groups -> a spec (YAML) or a Pulumi program, with `adopt` set, to bring them under management.

The first `pulumi up` of the output takes every group over without recreating it and writes nothing: groups are
adopted by name (no write when the settings match) with their lists inline (an org group's repositories and
runners, an enterprise group's organizations and runners), each read once and written only if it differs, and
each GitHub-hosted runner is adopted in its group. Inherited groups (managed by the enterprise) and the Default
group (which cannot be created or deleted) are listed as comments, not exported. An enterprise's groups
(`--enterprise SLUG`, a token with manage_runners:enterprise) go into the spec's `enterprise:` section.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any

from . import api, pyformat
from . import export_surface as surface
from .client import GitHubClient
from .errors import ConfigError, GitHubNotFound
from .redaction import scrub
from .resources.enterprise_runner_group import ENTERPRISE_GROUPS
from .resources.fields import HOSTED_RUNNER_FIELDS, Field, Role, on_ghes
from .resources.runner_group import ORG_GROUPS, GroupScope
from .resources.values import enterprise_problem, require_org, shown
from .spec import (
    AnyGroupSpec,
    EnterpriseGroupSpec,
    EnterpriseSpec,
    GroupSpec,
    HostedRunnerSpec,
    OrgSpec,
    SpecError,
    dump_spec,
    load_spec_text,
)

# Every setting of a hosted runner but its group, which the spec says by where it lists the runner.
EXPORTED_HOSTED = tuple(f for f in HOSTED_RUNNER_FIELDS if f.in_spec)


@dataclass(frozen=True)
class Export:
    spec: OrgSpec
    skipped: tuple[str, ...]  # why each group left out was left out


def export_org(client: GitHubClient, org: str) -> Export:
    """Read the org's groups with every setting they have, their repositories (for `selected` groups) and runners."""
    require_org(org)
    skipped: list[str] = []
    ghes = on_ghes(client.settings.base_url)
    hosted = _hosted_runners_by_group(client, org, skipped) if not ghes else {}

    def left_out(group: api.RunnerGroup) -> list[str]:
        if not (group.default or group.inherited):
            return []
        return [
            f"{group.name}: the Default group cannot be created or deleted; its settings are not exported"
            if group.default
            else f"{group.name}: inherited from the enterprise, managed there (export it with --enterprise)",
            *(
                f"hosted runner {r.name}: in group {group.name}, which is not exported; move it to an exported "
                "group to manage it"
                for r in hosted.get(group.id, ())
            ),
        ]

    groups = [
        GroupSpec(
            name=group.name,
            **values,
            hosted_runners=tuple(_hosted_spec(r) for r in hosted.get(group.id, ())) or None,
            adopt=True,
        )
        for group, values in _exported_groups(client, ORG_GROUPS, org, ghes, left_out, skipped)
    ]
    networks = surface.network_configurations(client, "org", org, skipped) if not ghes else ()
    policy = surface.self_hosted_runners(client, org, skipped)
    spec = OrgSpec(
        org=org, groups=_loadable(org, groups, skipped), network_configurations=networks, self_hosted_runners=policy
    )
    return Export(spec, tuple(skipped))


def _exported_groups(
    client: GitHubClient,
    scope: GroupScope,
    owner: str,
    ghes: bool,
    left_out: Callable[[api.RunnerGroup], list[str]],
    skipped: list[str],
) -> list[tuple[api.RunnerGroup, dict[str, Any]]]:
    """Each group of the org or enterprise but those `left_out` gives reasons for (added to `skipped`), with its
    settings and its lists as a spec group holds them."""
    exported: list[tuple[api.RunnerGroup, dict[str, Any]]] = []
    for group in scope.list_groups(client, owner):
        reasons = left_out(group)
        skipped.extend(reasons)
        if not reasons:
            exported.append((group, {**_settings(scope, group, ghes), **_lists(client, scope, owner, group)}))
    return exported


def _lists(client: GitHubClient, scope: GroupScope, owner: str, group: api.RunnerGroup) -> dict[str, Any]:
    """A list GitHub keeps only for `selected` groups (repositories, organizations) is exported whenever the group
    has it, even empty, so that it stays closed; a runner list only when it holds runners (unset, the group leaves
    new runners to whoever registers them)."""
    lists: dict[str, Any] = {}
    for field, facet in scope.lists.items():
        if facet.refused_means_no_list and group.visibility != "selected":
            lists[field] = None
            continue
        names = _sorted_names(facet.list_members(client, owner, group.id, None).body or ())
        lists[field] = names if facet.refused_means_no_list else names or None
    return lists


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


def export_enterprise(client: GitHubClient, enterprise: str) -> Export:
    """The enterprise's groups (but Default) with every setting, their organizations (for `selected` groups) and
    runners, as the `enterprise:` section of a spec."""
    problem = enterprise_problem(enterprise)
    if problem is not None:
        raise ConfigError(problem)
    skipped: list[str] = []

    def left_out(group: api.RunnerGroup) -> list[str]:
        return (
            [f"enterprise group {group.name}: the Default group cannot be created or deleted"] if group.default else []
        )

    ghes = on_ghes(client.settings.base_url)
    hosted = surface.enterprise_hosted_runners(client, enterprise, skipped) if not ghes else {}
    groups = [
        EnterpriseGroupSpec(name=group.name, **values, hosted_runners=hosted.get(group.id), adopt=True)
        for group, values in _exported_groups(client, ENTERPRISE_GROUPS, enterprise, ghes, left_out, skipped)
    ]
    loadable = _loadable(None, groups, skipped, enterprise)
    networks = surface.network_configurations(client, "enterprise", enterprise, skipped) if not ghes else ()
    section = EnterpriseSpec(enterprise, loadable, network_configurations=networks)
    return Export(OrgSpec(org=None, enterprise=section), tuple(skipped))


def _loadable(
    org: str | None, groups: list[AnyGroupSpec], skipped: list[str], enterprise: str | None = None
) -> tuple[AnyGroupSpec, ...]:
    """The groups a spec can hold: each is written and read back alone, and one the loader refuses (a name GitHub
    allowed, such as one with a newline) is left out, with the loader's reason, instead of making the file fail."""
    kept: list[AnyGroupSpec] = []
    for group in groups:
        alone = (
            OrgSpec(org=org, groups=(group,))
            if isinstance(group, GroupSpec)
            else OrgSpec(org=None, enterprise=EnterpriseSpec(enterprise, (group,)))
        )
        text = dump_spec(alone)
        if scrub(text) != text:  # written masked, the spec would name what does not exist
            skipped.append(
                f"group {shown(group.name)}: a name in it is shaped like a GitHub token, which is never written out; "
                "rename it on GitHub"
            )
            continue
        try:
            load_spec_text(text, "the exported spec")
        except SpecError as refused:
            skipped.append(f"group {shown(group.name)}: a spec cannot hold it ({refused}); rename it on GitHub")
            continue
        kept.append(group)
    return tuple(kept)


def _one_line(text: str) -> str:
    """`text` for a comment or docstring line: control characters escaped, so a name cannot end the comment."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def _docstring_line(text: str) -> str:
    """`_one_line` with backslashes and quotes escaped too, so a name cannot end the program's docstring."""
    return _one_line(text).replace("\\", "\\\\").replace('"', '\\"')


def merged(org_export: Export, enterprise_export: Export) -> Export:
    """One spec of an org's groups and an enterprise's."""
    return Export(
        replace(org_export.spec, enterprise=enterprise_export.spec.enterprise),
        org_export.skipped + enterprise_export.skipped,
    )


def _settings(scope: GroupScope, group: api.RunnerGroup, ghes: bool) -> dict[str, Any]:
    """Every setting the group has, as a spec holds it (GitHub Enterprise Server has not all of them)."""
    return {f.name: _spec_value(f.from_model(group)) for f in _exported(scope) if f.on_ghes or not ghes}


def _exported(scope: GroupScope) -> tuple[Field, ...]:
    """Every setting a group has (not what GitHub computes); `adopt` is written as True for every group."""
    return tuple(f for f in scope.table if f.in_spec and f.role is Role.SETTING)


def _spec_value(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def _sorted_names(members: Iterable[api.Named]) -> tuple[str, ...]:
    return tuple(sorted((m.name for m in members), key=str.lower))


def describe_source(spec: OrgSpec) -> str:
    """`org 'acme'`, `enterprise 'acme-corp'` or both."""
    parts = [f"org '{spec.org}'"] if spec.org else []
    if spec.enterprise is not None:
        parts.append(f"enterprise '{spec.enterprise.enterprise}'")
    return " and ".join(parts)


def to_yaml(exported: Export) -> str:
    header = [
        f"# Runner groups of {describe_source(exported.spec)}, exported by `github-runner-groups export`.",
        "# adopt: true takes each group over as it is on the first `pulumi up` (nothing is recreated).",
        *(f"# Not exported: {_one_line(reason)}." for reason in exported.skipped),
    ]
    return "\n".join(header) + "\n" + dump_spec(exported.spec)


def to_python(exported: Export) -> str:
    """A Pulumi program using the resources directly: each group with its lists inline (as the spec's exclusive
    groups)."""
    org = exported.spec.org
    lines = [
        f'"""Runner groups of {describe_source(exported.spec)}, exported by '
        "`github-runner-groups export --format python`.",
        "",
        "adopt=True takes each group over as it is on the first `pulumi up` (nothing is recreated).",
        *(f"Not exported: {_docstring_line(reason)}." for reason in exported.skipped),
        '"""',
        "",
        "import github_runner_groups as rg",
        "",
    ]
    used: set[str] = set()
    lines += surface.network_program(exported.spec.network_configurations, "org", org, "network-")
    for group in exported.spec.groups:
        lines += _group_program(group, ORG_GROUPS, "", org, used)
    lines += surface.policy_program(exported.spec.self_hosted_runners, org)
    if exported.spec.enterprise is not None:
        slug = exported.spec.enterprise.enterprise
        lines += surface.network_program(
            exported.spec.enterprise.network_configurations, "enterprise", slug, "network-"
        )
        for shared in exported.spec.enterprise.groups:
            lines += _group_program(shared, ENTERPRISE_GROUPS, "enterprise-", slug, used)
    return "\n".join(lines)


def _group_program(
    group: GroupSpec | EnterpriseGroupSpec, scope: GroupScope, prefix: str, location: str | None, used: set[str]
) -> list[str]:
    """The group's resource (named `prefix` + its name) with every setting it has and its lists inline."""
    name = prefix + group.name
    variable = _identifier(name, used)
    arguments: list[tuple[str, pyformat.Value]] = [("name", group.name), (scope.location, location)]
    for setting in (*(field.name for field in _exported(scope)), *scope.lists):
        value = getattr(group, setting)
        if value is not None:
            arguments.append((setting, list(value) if isinstance(value, tuple) else value))
    arguments.append(("adopt", True))
    lines = pyformat.call_statement(variable, f"rg.{scope.group_type}", [name], arguments)
    if isinstance(group, GroupSpec):
        lines += _hosted_program(group, variable, location)
    else:
        lines += surface.enterprise_hosted_program(group.hosted_runners, variable, location)
    return [*lines, ""]


def _hosted_program(group: GroupSpec, variable: str, org: str | None) -> list[str]:
    """A HostedRunner per hosted runner of the group, in the group the variable holds."""
    lines = []
    for hosted in group.hosted_runners or ():
        arguments: list[tuple[str, pyformat.Value]] = [
            ("name", hosted.name),
            ("runner_group_id", pyformat.Reference(f"{variable}.id")),
            ("org", org),
        ]
        arguments += [(f.name, getattr(hosted, f.name)) for f in EXPORTED_HOSTED if getattr(hosted, f.name) is not None]
        lines += pyformat.call_statement(None, "rg.HostedRunner", [hosted.name], [*arguments, ("adopt", True)])
    return lines


def _identifier(name: str, used: set[str]) -> str:
    base = re.sub(r"\W+", "_", name).strip("_").lower() or "group"
    if base[0].isdigit() or keyword.iskeyword(base):
        base = f"group_{base}"
    candidate, number = base, 2
    while candidate in used:
        candidate, number = f"{base}_{number}", number + 1
    used.add(candidate)
    return candidate
