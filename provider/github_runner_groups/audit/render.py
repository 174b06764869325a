"""The audit and a spec's delta as a terminal table (100 columns), Markdown (PR comments), JSON or Mermaid."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterable
from typing import Any

from . import Delta, Report
from .findings import Finding
from .model import Runner
from .reach import NOT_MODELLED, GroupReach
from .rules import SEVERITIES

WIDTH = 100
FORMATS = ("table", "markdown", "json", "mermaid")
LISTED_NAMES = 20  # repositories named per sentence of a delta (a PR comment holds at most 65,536 characters)
MERMAID_REPOSITORIES = 8  # per selected group; the rest are one "+N more" node
ICONS = {"high": "🔴", "medium": "🟠", "low": "🟡", "info": "⚪"}


def render(report: Report, output_format: str) -> str:
    renderers = {"table": _table, "markdown": _markdown, "json": _json, "mermaid": mermaid}
    return renderers[output_format](report)


def render_delta(delta: Delta, output_format: str, spec_name: str) -> str:
    if output_format == "json":
        return _delta_json(delta, spec_name)
    if output_format == "markdown":
        return _delta_markdown(delta, spec_name)
    return _delta_table(delta, spec_name)


def runner_label(runner: Runner) -> str:
    """`name [labels]`, leaving out the label every self-hosted runner has."""
    labels = [label for label in runner.labels if label.lower() != "self-hosted"]
    return f"{runner.name} [{', '.join(labels)}]" if labels else runner.name


def _summary(report: Report) -> str:
    snapshot = report.snapshot
    public = sum(1 for r in snapshot.repositories if r.public)
    counts = ", ".join(f"{len(report.findings_of(s))} {s}" for s in SEVERITIES if report.findings_of(s))
    return (
        f"{len(snapshot.groups)} groups, {len(snapshot.repositories)} repositories ({public} public), "
        f"{len(snapshot.runners)} self-hosted runners; findings: {counts or 'none'}"
    )


def _workflows(reach: GroupReach) -> str:
    return f"{len(reach.workflows)} listed" if reach.workflows else "any"


def _workflow_refs(reach: GroupReach) -> str:
    """`REPO/FILE@REF` per listed workflow (the org and `.github/workflows/` left out), or "any"."""
    shown = [w.split("/", 1)[-1].replace("/.github/workflows/", "/", 1) for w in reach.workflows]
    return ", ".join(f"`{_cell(w)}`" for w in shown) or "any"


def _runner_names(reach: GroupReach) -> str:
    names = sorted(r.name for r in reach.runners) + sorted(f"{n} (hosted)" for n in reach.group.hosted_runners)
    return ", ".join(names) or "(none)"


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."


# Terminal table


def _table(report: Report) -> str:
    lines = [*_wrapped("", f"Runner exposure of org '{report.org}': {_summary(report)}."), ""]
    columns = (("GROUP", 18), ("WHO MAY USE IT", 31), ("REPOS", 5), ("WORKFLOWS", 9))
    runners_width = WIDTH - sum(width + 2 for _, width in columns)
    lines.append("  ".join(title.ljust(width) for title, width in columns) + "  RUNNERS")
    for reach in report.reach:
        cells = (reach.group.name, reach.audience, str(len(reach.repository_ids)), _workflows(reach))
        row = "  ".join(
            _fit(cell, width).rjust(width) if title == "REPOS" else _fit(cell, width).ljust(width)
            for cell, (title, width) in zip(cells, columns, strict=True)
        )
        lines.append(f"{row}  {_fit(_runner_names(reach), runners_width)}")
    lines += ["", f"FINDINGS ({len(report.findings)})" if report.findings else "No findings."]
    for finding in report.findings:
        lines += _wrapped(f"{finding.severity:<7} ", finding.summary)
        lines += _wrapped(" " * 8 + "fix: ", finding.fix)
    lines += ["", "Not modelled (a finding may be a false positive or miss something there):"]
    for item in NOT_MODELLED:
        lines += _wrapped("  - ", item)
    return "\n".join(lines) + "\n"


def _wrapped(prefix: str, text: str) -> list[str]:
    return textwrap.wrap(text, WIDTH, initial_indent=prefix, subsequent_indent=" " * min(len(prefix), 13)) or [prefix]


# Markdown


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _markdown(report: Report) -> str:
    lines = [
        f"### Runner exposure of `{report.org}`",
        "",
        _summary(report) + ".",
        "",
        "| group | who may use it | repositories | workflows | runners |",
        "|---|---|---:|---|---|",
    ]
    for reach in report.reach:
        lines.append(
            f"| {_cell(reach.group.name)} | {reach.audience} | {len(reach.repository_ids)} | {_workflow_refs(reach)} "
            f"| {_cell(_runner_names(reach))} |"
        )
    lines.append("")
    if report.findings:
        lines += ["| severity | finding | fix |", "|---|---|---|"]
        lines += [
            f"| {ICONS[f.severity]} {f.severity} | {_cell(f.summary)} | {_cell(f.fix)} |" for f in report.findings
        ]
    else:
        lines.append("No findings.")
    lines += ["", "<details><summary>Not modelled</summary>", ""]
    lines += [f"- {item}" for item in NOT_MODELLED]
    lines += ["", "</details>"]
    return "\n".join(lines) + "\n"


# JSON


def _finding_json(finding: Finding) -> dict[str, Any]:
    return {
        "key": finding.key,
        "code": finding.code,
        "severity": finding.severity,
        "group": finding.group,
        "summary": finding.summary,
        "fix": finding.fix,
        "repositories": list(finding.repositories),
        "runners": list(finding.runners),
        "workflows": list(finding.workflows),
    }


def _json(report: Report) -> str:
    snapshot = report.snapshot
    names = {r.id: r.name for r in snapshot.repositories}
    groups_of: dict[int, list[str]] = {}
    for reach in report.reach:
        for repository_id in reach.repository_ids:
            groups_of.setdefault(repository_id, []).append(reach.group.name)
    document = {
        "org": report.org,
        "sensitive_labels": list(report.sensitive_labels),
        "groups": [
            {
                "id": reach.group.id,
                "name": reach.group.name,
                "visibility": reach.group.visibility,
                "default": reach.group.default,
                "inherited": reach.group.inherited,
                "allows_public_repositories": reach.group.allows_public_repositories,
                "audience": reach.audience,
                "workflows": list(reach.workflows),
                "repository_count": len(reach.repository_ids),
                # Listed only for `selected` groups: the others admit a whole class (see `audience`).
                "repositories": sorted((names[i] for i in reach.repository_ids), key=str.lower)
                if reach.group.visibility == "selected"
                else None,
                "runners": [
                    {"name": r.name, "os": r.os, "status": r.status, "labels": list(r.labels)} for r in reach.runners
                ],
                "hosted_runners": list(reach.group.hosted_runners),
            }
            for reach in report.reach
        ],
        "repositories": [
            {
                "name": r.name,
                "visibility": r.visibility,
                "actions_enabled": snapshot.actions.enabled(r),
                "groups": groups_of.get(r.id, []),
                "self_hosted_runner_count": len(report.runner_ids_by_repository.get(r.id, ())),
            }
            for r in snapshot.repositories
        ],
        "public_repositories_reaching_self_hosted": report.public_repositories_reaching_self_hosted(),
        "findings": [_finding_json(f) for f in report.findings],
        "actions_permissions": {
            "readable": snapshot.actions.readable,
            "enabled_repositories": snapshot.actions.enabled_repositories,
        },
        "not_modelled": list(NOT_MODELLED),
    }
    return json.dumps(document, indent=2) + "\n"


# Mermaid


def _label(text: str) -> str:
    return '"' + text.replace('"', "#quot;") + '"'


def _node(prefix: str, number: int) -> str:
    return f"{prefix}{number}" if number >= 0 else f"{prefix}_new{-number}"


def mermaid(report: Report) -> str:
    """groups -> repositories (who may use them) and groups -> runners, as GitHub renders it in comments."""
    names = {r.id: r for r in report.snapshot.repositories}
    lines = [
        "graph LR",
        "  classDef public fill:#fde2e1,stroke:#cf222e",
        "  classDef group fill:#ddf4ff,stroke:#0969da",
        "  classDef offline stroke-dasharray:4 4,color:#6e7781",
    ]
    audiences: set[str] = set()
    for reach in report.reach:
        group = reach.group
        group_node = _node("g", group.id)
        title = f"{group.name}<br/>{group.visibility}" + ("<br/>workflows only" if reach.workflows else "")
        lines.append(f"  {group_node}[{_label(title)}]:::group")
        if group.visibility == "selected":
            # Listed repositories the rules keep out (public, or without Actions) get a dotted "blocked" edge.
            listed = [i for i in group.repository_ids if i in names]
            shown = sorted(listed, key=lambda i: (i not in reach.repository_ids, names[i].name.lower()))
            for repository_id in shown[:MERMAID_REPOSITORIES]:
                repository = names[repository_id]
                style = ":::public" if repository.public else ""
                edge = "-->" if repository_id in reach.repository_ids else "-. blocked .->"
                lines.append(f"  {_node('r', repository_id)}[{_label(repository.name)}]{style} {edge} {group_node}")
            if len(shown) > MERMAID_REPOSITORIES:
                more = f"{group_node}_more"
                lines.append(f"  {more}[{_label(f'+{len(shown) - MERMAID_REPOSITORIES} more')}] --> {group_node}")
        elif reach.repository_ids:
            audience = f"{group.visibility}_{'public' if group.allows_public_repositories else 'nonpublic'}"
            if audience not in audiences:
                audiences.add(audience)
                style = ":::public" if group.allows_public_repositories else ""
                lines.append(f"  {audience}[{_label(f'{reach.audience} ({len(reach.repository_ids)})')}]{style}")
            lines.append(f"  {audience} --> {group_node}")
        for runner in reach.runners:
            style = "" if runner.online else ":::offline"
            lines.append(f"  {group_node} --> {_node('n', runner.id)}[{_label(runner_label(runner))}]{style}")
        for index, hosted in enumerate(reach.group.hosted_runners):
            lines.append(f"  {group_node} --> {group_node}_h{index}[{_label(f'{hosted} (GitHub-hosted)')}]")
    return "\n".join(lines) + "\n"


# A spec's delta


def _access_sentences(delta: Delta) -> Iterable[tuple[bool, str]]:
    """(gained, sentence) per group of repositories that gain or lose the same runners."""
    for change in delta.access_changes:
        count = len(change.repositories)
        runners = ", ".join(runner_label(r) for r in change.runners)
        repositories = ", ".join(change.repositories[:LISTED_NAMES])
        if count > LISTED_NAMES:
            repositories += f" and {count - LISTED_NAMES} more"
        if change.gained:
            yield (
                True,
                f"{count} more {'repository' if count == 1 else 'repositories'} can use {runners}: {repositories}",
            )
        else:
            yield (
                False,
                f"{count} {'repository' if count == 1 else 'repositories'} can no longer use {runners}: {repositories}",
            )


def _delta_table(delta: Delta, spec_name: str) -> str:
    if delta.empty:
        return f"Applying {spec_name} changes nothing in who can reach which runners of org '{delta.org}'.\n"
    lines = [f"Applying {spec_name} to org '{delta.org}' would change:"]
    sections: list[tuple[str, list[str]]] = [
        ("Groups", list(delta.group_changes)),
        ("Access", [sentence for _, sentence in _access_sentences(delta)]),
        ("Findings added", [f"{f.severity}: {f.summary}" for f in delta.added]),
        ("Findings resolved", [f"{f.severity}: {f.summary}" for f in delta.resolved]),
        ("`pulumi up` would fail", list(delta.notes)),
    ]
    for title, items in sections:
        if items:
            lines += ["", f"{title}:"]
            for item in items:
                lines += _wrapped("  - ", item)
    return "\n".join(lines) + "\n"


def _delta_markdown(delta: Delta, spec_name: str) -> str:
    lines = [f"### Runner exposure change: `{spec_name}` on `{delta.org}`", ""]
    if delta.empty:
        return "\n".join([*lines, "No change in who can reach which runners."]) + "\n"
    lines += [
        f"- {'**gained**' if gained else '**lost**'}: {sentence}" for gained, sentence in _access_sentences(delta)
    ]
    if delta.access_changes:
        lines.append("")
    if delta.added or delta.resolved:
        lines += ["| | severity | finding |", "|---|---|---|"]
        lines += [f"| added | {ICONS[f.severity]} {f.severity} | {_cell(f.summary)} |" for f in delta.added]
        lines += [f"| resolved | {ICONS[f.severity]} {f.severity} | {_cell(f.summary)} |" for f in delta.resolved]
        lines.append("")
    if delta.group_changes:
        lines += ["<details><summary>Group changes</summary>", ""]
        lines += [f"- {_cell(change)}" for change in delta.group_changes]
        lines += ["", "</details>", ""]
    if delta.notes:
        lines += ["**`pulumi up` would fail:**", ""]
        lines += [f"- {_cell(note)}" for note in delta.notes]
        lines.append("")
    return "\n".join(lines)


def _delta_json(delta: Delta, spec_name: str) -> str:
    document = {
        "org": delta.org,
        "spec": spec_name,
        "group_changes": list(delta.group_changes),
        "access_changes": [
            {
                "change": "gained" if change.gained else "lost",
                "repositories": list(change.repositories),
                "runners": [r.name for r in change.runners],
            }
            for change in delta.access_changes
        ],
        "findings_added": [_finding_json(f) for f in delta.added],
        "findings_resolved": [_finding_json(f) for f in delta.resolved],
        "would_fail": list(delta.notes),
    }
    return json.dumps(document, indent=2) + "\n"
