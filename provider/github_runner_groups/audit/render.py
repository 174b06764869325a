"""The audit and a spec's delta as a terminal table (100 columns), Markdown (PR comments), JSON, SARIF or Mermaid.

Every name, label and message from the server goes through `escape` for where it is shown. Markdown stays under
`MARKDOWN_BUDGET` characters however big the org (GitHub refuses a comment over 65,536) and starts with
`MARKER`, a hidden comment by which the example workflow finds and updates its earlier comment; Mermaid stays
under `MERMAID_EDGES` edges (the rest collapsed into counts).
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterable
from typing import Any

from . import Delta, Report
from . import escape as esc
from .findings import Finding
from .model import Runner
from .reach import GroupReach
from .rules import SEVERITIES
from .workflows import not_modelled, usage_json, usage_lines

WIDTH = 100
FORMATS = ("table", "markdown", "json", "sarif", "mermaid")
SCHEMA_VERSION = 2  # of --format json (audit/audit-report.schema.json); 1 had no schema_version
LISTED_NAMES = 20  # repositories named per sentence of a delta
CELL_NAMES = 10  # runner names per table cell
MERMAID_REPOSITORIES = 8  # per selected group; the rest are one "+N more" node
MERMAID_EDGES = 450  # GitHub's Mermaid refuses more than 500 edges
MARKDOWN_BUDGET = 60_000
MARKER = "<!-- github-runner-groups:runner-exposure -->"
ICONS = {"high": "🔴", "medium": "🟠", "low": "🟡", "info": "⚪"}


def render(report: Report, output_format: str) -> str:
    if output_format == "sarif":
        from .sarif import sarif

        return sarif(report.org, report.findings)
    renderers = {"table": _table, "markdown": _markdown, "json": _json, "mermaid": mermaid}
    return renderers[output_format](report)


def render_delta(delta: Delta, output_format: str, spec_name: str) -> str:
    if output_format == "json":
        return _delta_json(delta, spec_name)
    if output_format == "markdown":
        return _delta_markdown(delta, spec_name)
    return _delta_table(delta, spec_name)


def plural(count: int, noun: str) -> str:
    """`1 repository`, `2 repositories`, `1 group`, `3 groups`."""
    many = noun[:-1] + "ies" if noun.endswith("y") and noun[-2:] != "ey" else noun + "s"
    return f"{count} {noun if count == 1 else many}"


def runner_label(runner: Runner) -> str:
    """`name [labels]`, leaving out the label every self-hosted runner has (raw: escape where shown)."""
    labels = [label for label in runner.labels if label.lower() != "self-hosted"]
    return f"{runner.name} [{', '.join(labels)}]" if labels else runner.name


def _summary(report: Report) -> str:
    snapshot = report.snapshot
    public = sum(1 for r in snapshot.repositories if r.public)
    counts = ", ".join(f"{len(report.findings_of(s))} {s}" for s in SEVERITIES if report.findings_of(s))
    return (
        f"{plural(len(snapshot.groups), 'group')}, {plural(len(snapshot.repositories), 'repository')} "
        f"({public} public), {plural(len(snapshot.runners), 'self-hosted runner')}; findings: {counts or 'none'}"
    )


def _workflows(reach: GroupReach) -> str:
    if reach.closed:
        return "none"
    return f"{len(reach.workflows)} listed" if reach.workflows else "any"


def _shown(names: list[str], limit: int) -> list[str]:
    return names[:limit] + ([f"and {len(names) - limit} more"] if len(names) > limit else [])


def _runner_names(reach: GroupReach) -> list[str]:
    names = sorted(r.name for r in reach.runners) + sorted(f"{n} (hosted)" for n in reach.group.hosted_runners)
    return _shown(names, CELL_NAMES) or ["(none)"]


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."


# Terminal table


def _table(report: Report) -> str:
    lines = [*_wrapped("", f"Runner exposure of org '{report.org}': {_summary(report)}."), ""]
    columns = (("GROUP", 18), ("WHO MAY USE IT", 31), ("REPOS", 5), ("WORKFLOWS", 9))
    runners_width = WIDTH - sum(width + 2 for _, width in columns)
    lines.append("  ".join(title.ljust(width) for title, width in columns) + "  RUNNERS")
    for reach in report.reach:
        cells = (esc.terminal(reach.group.name), reach.audience, str(len(reach.repository_ids)), _workflows(reach))
        row = "  ".join(
            _fit(cell, width).rjust(width) if title == "REPOS" else _fit(cell, width).ljust(width)
            for cell, (title, width) in zip(cells, columns, strict=True)
        )
        runners = esc.terminal(", ".join(_runner_names(reach)))
        lines.append(f"{row}  {_fit(runners, runners_width)}")
    lines += ["", f"FINDINGS ({len(report.findings)})" if report.findings else "No findings."]
    for finding in report.findings:
        lines += _wrapped(f"{finding.severity:<7} ", esc.terminal(finding.summary))
        lines += _wrapped(" " * 8 + "fix: ", esc.terminal(finding.fix))
    if report.usage is not None:
        lines += ["", *(esc.terminal(line) for line in usage_lines(report, report.usage))]
    lines += ["", "Not modelled (a finding may be a false positive or miss something there):"]
    for item in not_modelled(report):
        lines += _wrapped("  - ", item)
    return "\n".join(lines) + "\n"


def _wrapped(prefix: str, text: str) -> list[str]:
    """Wrapped at spaces only: a name with a hyphen is never cut in two."""
    return textwrap.wrap(
        text,
        WIDTH,
        initial_indent=prefix,
        subsequent_indent=" " * min(len(prefix), 13),
        break_on_hyphens=False,
        break_long_words=len(text) > 4 * WIDTH,  # only a monster word is cut (the 100 columns hold)
    ) or [prefix]


# Markdown


def _cell(text: str) -> str:
    return esc.markdown(text)


def _bounded(sections: list[tuple[list[str], str]], budget: int) -> list[str]:
    """Each section's lines while they fit in `budget` characters; a section cut short ends with its note (with
    `{n}`: how many lines were left out)."""
    out: list[str] = []
    used = 0
    for lines, note in sections:
        for index, line in enumerate(lines):
            if used + len(line) + 1 > budget - 200:
                left = len(lines) - index
                out.append(note.format(n=left))
                used += len(out[-1]) + 1
                break
            out.append(line)
            used += len(line) + 1
    return out


def _workflow_refs(reach: GroupReach) -> str:
    """`REPO/FILE@REF` per listed workflow (the org and `.github/workflows/` left out), or "any"/"none"."""
    if reach.closed:
        return "none"
    shown = [w.split("/", 1)[-1].replace("/.github/workflows/", "/", 1) for w in reach.workflows]
    return ", ".join(_cell(w) for w in _shown(shown, CELL_NAMES)) or "any"


def _markdown(report: Report) -> str:
    head = [
        MARKER,
        f"### Runner exposure of `{report.org}`",
        "",
        _summary(report) + ".",
        "",
    ]
    findings_rows = [
        f"| {ICONS[f.severity]} {f.severity} | {_cell(f.summary)} | {_cell(f.fix)} | `{f.fingerprint}` |"
        for f in report.findings
    ]
    findings = (
        ["| severity | finding | fix | fingerprint |", "|---|---|---|---|", *findings_rows]
        if report.findings
        else ["No findings."]
    )
    groups = ["", "| group | who may use it | repositories | workflows | runners |", "|---|---|---:|---|---|"]
    groups += [
        f"| {_cell(reach.group.name)} | {_cell(reach.audience)} | {len(reach.repository_ids)} | "
        f"{_workflow_refs(reach)} | {', '.join(_cell(n) for n in _runner_names(reach))} |"
        for reach in report.reach
    ]
    tail = []
    if report.usage is not None:
        usage = usage_lines(report, report.usage)
        tail += ["", _cell(usage[0]), "", *(f"- {_cell(line.strip())}" for line in usage[1:])]
    tail += ["", "<details><summary>Not modelled</summary>", "", *(f"- {item}" for item in not_modelled(report))]
    tail += ["", "</details>"]
    cut = "\n_… and {n} more rows: `--format json` lists them all._"
    body = _bounded([(head, ""), (findings, cut), (groups, cut), (tail, "")], MARKDOWN_BUDGET)
    return "\n".join(body) + "\n"


# JSON


def _finding_json(finding: Finding) -> dict[str, Any]:
    return {
        "key": finding.key,
        "fingerprint": finding.fingerprint,
        "code": finding.code,
        "severity": finding.severity,
        "group": finding.group,
        "subject": finding.subject,
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
    own_runners: dict[int, list[str]] = {}
    for runner in snapshot.repository_runners():
        own_runners.setdefault(runner.repository_id or 0, []).append(runner.name)
    document = {
        "schema_version": SCHEMA_VERSION,
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
                "restricted_to_workflows": reach.group.restricted_to_workflows,
                "workflows": list(reach.workflows),
                "repository_count": len(reach.repository_ids),
                # Listed only for `selected` groups: the others admit a whole class (see `audience`).
                "repositories": sorted((names[i] for i in reach.repository_ids), key=str.lower)
                if reach.group.visibility == "selected"
                else None,
                "runners": [
                    {
                        "name": r.name,
                        "os": r.os,
                        "status": r.status,
                        "labels": list(r.labels),
                        "ephemeral": r.ephemeral,
                        "enterprise": r.enterprise,
                    }
                    for r in reach.runners
                ],
                "hosted_runners": list(reach.group.hosted_runners),
            }
            for reach in report.reach
        ],
        "repositories": [
            {
                "name": r.name,
                "visibility": r.visibility,
                "archived": r.archived,
                "actions_enabled": snapshot.runs_actions(r),
                "groups": groups_of.get(r.id, []),
                "own_runners": sorted(own_runners.get(r.id, ())),
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
        "policies": {
            "self_hosted_runners": str(snapshot.policies.self_hosted),
            "fork_pr_approval": str(snapshot.policies.approval),
            "fork_pr_workflows_private_repos": str(snapshot.policies.private_forks).lower(),
        },
        "not_modelled": not_modelled(report),
    }
    if report.usage is not None:
        document["workflow_usage"] = usage_json(report.usage)
    return json.dumps(document, indent=2) + "\n"


# Mermaid


def _label(text: str) -> str:
    return '"' + text + '"'


def _node(prefix: str, number: int) -> str:
    return f"{prefix}{number}" if number >= 0 else f"{prefix}_new{-number}"


def mermaid(report: Report) -> str:
    """groups -> repositories (who may use them) and groups -> runners, as GitHub renders it in comments; past
    `MERMAID_EDGES` edges, a group's repositories and runners are drawn as counts."""
    names = {r.id: r for r in report.snapshot.repositories}
    lines = [
        "graph LR",
        "  classDef public fill:#fde2e1,stroke:#cf222e",
        "  classDef group fill:#ddf4ff,stroke:#0969da",
        "  classDef offline stroke-dasharray:4 4,color:#6e7781",
    ]
    audiences: set[str] = set()
    edges = 0
    left_out = 0
    for reach in report.reach:
        group = reach.group
        group_node = _node("g", group.id)
        if edges + MERMAID_REPOSITORIES + len(reach.runners) + len(group.hosted_runners) + 2 > MERMAID_EDGES:
            left_out += 1  # drawn as one count at the end
            continue
        title = f"{esc.mermaid(group.name)}<br/>{group.visibility}" + ("<br/>workflows only" if reach.workflows else "")
        lines.append(f"  {group_node}[{_label(title)}]:::group")
        if group.visibility == "selected":
            # Listed repositories the rules keep out (public, or without Actions) get a dotted "blocked" edge.
            listed = [i for i in group.repository_ids if i in names]
            shown = sorted(listed, key=lambda i: (i not in reach.repository_ids, names[i].name.lower()))
            for repository_id in shown[:MERMAID_REPOSITORIES]:
                repository = names[repository_id]
                style = ":::public" if repository.public else ""
                edge = "-->" if repository_id in reach.repository_ids else "-. blocked .->"
                node = f"{_node('r', repository_id)}[{_label(esc.mermaid(repository.name))}]"
                lines.append(f"  {node}{style} {edge} {group_node}")
                edges += 1
            if len(shown) > MERMAID_REPOSITORIES:
                more = f"{group_node}_more"
                lines.append(f"  {more}[{_label(f'+{len(shown) - MERMAID_REPOSITORIES} more')}] --> {group_node}")
                edges += 1
        elif reach.repository_ids:
            audience = f"{group.visibility}_{'public' if group.allows_public_repositories else 'nonpublic'}"
            if audience not in audiences:
                audiences.add(audience)
                style = ":::public" if group.allows_public_repositories else ""
                lines.append(f"  {audience}[{_label(f'{reach.audience} ({len(reach.repository_ids)})')}]{style}")
            lines.append(f"  {audience} --> {group_node}")
            edges += 1
        for runner in reach.runners:
            style = "" if runner.online else ":::offline"
            label = _label(esc.mermaid(runner_label(runner)))
            lines.append(f"  {group_node} --> {_node('n', runner.id)}[{label}]{style}")
            edges += 1
        for index, hosted in enumerate(reach.group.hosted_runners):
            label = _label(esc.mermaid(f"{hosted} (GitHub-hosted)"))
            lines.append(f"  {group_node} --> {group_node}_h{index}[{label}]")
            edges += 1
    if left_out:
        more = f"+{plural(left_out, 'group')} more (see --format json)"
        lines.append(f"  more_groups[{_label(more)}]")
    return "\n".join(lines) + "\n"


# A spec's delta


def _access_sentences(delta: Delta, escape: Any) -> Iterable[tuple[bool, str]]:
    """(gained, sentence) per group of repositories that gain or lose the same runners."""
    for change in delta.access_changes:
        count = len(change.repositories)
        runners = ", ".join(escape(runner_label(r)) for r in change.runners[:LISTED_NAMES])
        if len(change.runners) > LISTED_NAMES:
            runners += f" and {len(change.runners) - LISTED_NAMES} more"
        repositories = ", ".join(escape(n) for n in change.repositories[:LISTED_NAMES])
        if count > LISTED_NAMES:
            repositories += f" and {count - LISTED_NAMES} more"
        if change.gained:
            yield (
                True,
                f"{count} more {'repository' if count == 1 else 'repositories'} can use {runners}: {repositories}",
            )
        else:
            yield False, f"{plural(count, 'repository')} can no longer use {runners}: {repositories}"


def _worse(delta: Delta) -> list[str]:
    return [f"{change.before.severity} -> {change.after.severity}: {change.after.summary}" for change in delta.worse]


def _delta_table(delta: Delta, spec_name: str) -> str:
    if delta.empty:
        return f"Applying {spec_name} changes nothing in who can reach which runners of org '{delta.org}'.\n"
    lines = [f"Applying {spec_name} to org '{delta.org}' would change:"]
    sections: list[tuple[str, list[str]]] = [
        ("Groups", list(delta.group_changes)),
        ("Access", [sentence for _, sentence in _access_sentences(delta, esc.terminal)]),
        ("Findings added", [f"{f.severity}: {f.summary}" for f in delta.added]),
        ("Findings made worse", _worse(delta)),
        ("Findings resolved", [f"{f.severity}: {f.summary}" for f in delta.resolved]),
        ("`pulumi up` would fail", list(delta.notes)),
    ]
    for title, items in sections:
        if items:
            lines += ["", f"{title}:"]
            for item in items:
                lines += _wrapped("  - ", esc.terminal(item))
    return "\n".join(lines) + "\n"


def _delta_markdown(delta: Delta, spec_name: str) -> str:
    head = [MARKER, f"### Runner exposure change: {esc.markdown(spec_name)} on `{delta.org}`", ""]
    if delta.empty:
        return "\n".join([*head, "No change in who can reach which runners."]) + "\n"
    access = [
        f"- {'**gained**' if gained else '**lost**'}: {sentence}"
        for gained, sentence in _access_sentences(delta, esc.markdown)
    ]
    rows = [f"| added | {ICONS[f.severity]} {f.severity} | {_cell(f.summary)} |" for f in delta.added]
    rows += [
        f"| worse | {ICONS[c.after.severity]} {c.before.severity} → {c.after.severity} | {_cell(c.after.summary)} |"
        for c in delta.worse
    ]
    rows += [f"| resolved | {ICONS[f.severity]} {f.severity} | {_cell(f.summary)} |" for f in delta.resolved]
    findings = ["", "| | severity | finding |", "|---|---|---|", *rows] if rows else []
    groups = ["", "<details><summary>Group changes</summary>", ""] if delta.group_changes else []
    group_lines = [f"- {_cell(change)}" for change in delta.group_changes]
    groups_end = ["", "</details>"] if delta.group_changes else []
    notes = (
        ["", "**`pulumi up` would fail:**", "", *(f"- {_cell(note)}" for note in delta.notes)] if delta.notes else []
    )
    cut = "\n_… and {n} more: `--format json` lists them all._"
    body = _bounded(
        [(head, ""), (notes, cut), (findings, cut), (access, cut), (groups, ""), (group_lines, cut), (groups_end, "")],
        MARKDOWN_BUDGET,
    )
    return "\n".join(body) + "\n"


def _delta_json(delta: Delta, spec_name: str) -> str:
    document = {
        "schema_version": SCHEMA_VERSION,
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
        "findings_worse": [
            {"before": _finding_json(c.before), "after": _finding_json(c.after), "why": list(c.why)}
            for c in delta.worse
        ],
        "findings_resolved": [_finding_json(f) for f in delta.resolved],
        "would_fail": list(delta.notes),
    }
    return json.dumps(document, indent=2) + "\n"
