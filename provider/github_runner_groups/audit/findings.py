"""Findings: what in the reachability a security or platform team should act on, each with its fix."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from .model import OrgSnapshot
from .reach import GroupReach

SEVERITIES = ("high", "medium", "low", "info")
FULL_SHA = re.compile(r"[0-9a-f]{40}")
SHOWN_NAMES = 5  # names listed in a finding's sentence; the objects hold them all


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str  # one of SEVERITIES
    group: str  # the group it is about ("" for org-wide findings)
    summary: str  # one sentence
    fix: str
    repositories: tuple[str, ...] = ()
    runners: tuple[str, ...] = ()
    workflows: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """Stable across runs, so a spec's delta can say which findings it adds or resolves."""
        return f"{self.code}:{self.group}"


PUBLIC_REACHES_SELF_HOSTED = "public-repository-reaches-self-hosted"
SENSITIVE_RUNNERS_OPEN = "sensitive-runners-open"
WORKFLOW_NOT_PINNED = "workflow-not-pinned-to-sha"
SELECTED_WITHOUT_REPOSITORIES = "selected-group-without-repositories"
GROUP_WITHOUT_RUNNERS = "group-without-runners"
OFFLINE_RUNNERS = "offline-runners"
RUNNERS_IN_DEFAULT = "runners-in-default-group"
ACTIONS_POLICY_UNREADABLE = "actions-policy-unreadable"


def find(snapshot: OrgSnapshot, reaches: tuple[GroupReach, ...], sensitive_labels: Iterable[str]) -> list[Finding]:
    """Every finding, most severe first, then by group name."""
    sensitive = {label.lower() for label in sensitive_labels}
    names = {r.id: r.name for r in snapshot.repositories}
    public = {r.id for r in snapshot.repositories if r.public}
    findings: list[Finding] = []
    for reach in reaches:
        group = reach.group
        runner_names = tuple(sorted(r.name for r in reach.runners))
        exposed_public = sorted(names[i] for i in reach.repository_ids & public)
        if exposed_public and reach.runners:
            restricted = " (only through its listed workflows)" if reach.workflows else ""
            findings.append(
                Finding(
                    PUBLIC_REACHES_SELF_HOSTED,
                    "medium" if reach.workflows else "high",
                    group.name,
                    f"{_count(exposed_public, 'public repository', 'public repositories')} can send jobs to "
                    f"{_count(runner_names, 'self-hosted runner', 'self-hosted runners')} of group "
                    f"'{group.name}'{restricted}: anyone who opens a pull request may run code on them.",
                    f"set allows_public_repositories: false on '{group.name}', or move its runners to a group "
                    "public repositories cannot use (GitHub advises never to let public repositories use "
                    "self-hosted runners).",
                    repositories=tuple(exposed_public),
                    runners=runner_names,
                    workflows=reach.workflows,
                )
            )
        flagged = sorted(r.name for r in reach.runners if sensitive & {label.lower() for label in r.labels})
        if flagged and group.visibility != "selected":
            findings.append(
                Finding(
                    SENSITIVE_RUNNERS_OPEN,
                    "high",
                    group.name,
                    f"group '{group.name}' is open to {reach.audience} ({len(reach.repository_ids)}) and holds "
                    f"{_count(flagged, 'runner', 'runners')} with a sensitive label "
                    f"({', '.join(sorted(sensitive))}).",
                    f"set visibility: selected on '{group.name}' and list the repositories that need these runners, "
                    "or move the runners to such a group.",
                    runners=tuple(flagged),
                )
            )
        unpinned = tuple(w for w in reach.workflows if not FULL_SHA.fullmatch(w.rpartition("@")[2]))
        if unpinned:
            findings.append(
                Finding(
                    WORKFLOW_NOT_PINNED,
                    "medium",
                    group.name,
                    f"group '{group.name}' admits {_count(unpinned, 'workflow', 'workflows')} by branch or tag, "
                    "not by commit: whoever can push to that ref chooses what runs.",
                    "pin each to a full commit SHA (OWNER/REPO/.github/workflows/FILE.yml@<40-hex SHA>).",
                    workflows=unpinned,
                )
            )
        if group.visibility == "selected" and not reach.repository_ids:
            findings.append(_unusable(snapshot, reach, runner_names))
        elif reach.repository_ids and not reach.runners and not group.hosted_runners and not group.default:
            findings.append(
                Finding(
                    GROUP_WITHOUT_RUNNERS,
                    "medium",
                    group.name,
                    f"group '{group.name}' admits {len(reach.repository_ids)} repositories but has no runner: their "
                    "jobs for it wait in the queue until they time out (24 h).",
                    f"add runners to '{group.name}' (runners: [...]) or delete it.",
                )
            )
        offline = tuple(sorted(r.name for r in reach.runners if not r.online))
        if offline:
            findings.append(
                Finding(
                    OFFLINE_RUNNERS,
                    "low",
                    group.name,
                    f"{_count(offline, 'runner', 'runners')} of group '{group.name}' offline.",
                    "start them again, or remove them (GitHub removes a self-hosted runner 14 days after it "
                    "last connected).",
                    runners=offline,
                )
            )
        if group.default and reach.runners:
            findings.append(
                Finding(
                    RUNNERS_IN_DEFAULT,
                    "medium" if group.visibility != "selected" else "low",
                    group.name,
                    f"{_count(runner_names, 'runner', 'runners')} left in the Default group, which admits "
                    f"{reach.audience} ({len(reach.repository_ids)}).",
                    "move them to a group with visibility: selected (the group's runners: [...] in the spec).",
                    runners=runner_names,
                )
            )
    if not snapshot.actions.readable:
        findings.append(
            Finding(
                ACTIONS_POLICY_UNREADABLE,
                "info",
                "",
                "the org's Actions permissions could not be read, so every repository is assumed to run Actions.",
                "use a token with admin:org (or the 'Administration' organization permission) to read them.",
            )
        )
    return sorted(findings, key=lambda f: (SEVERITIES.index(f.severity), f.group.lower(), f.code))


def _unusable(snapshot: OrgSnapshot, reach: GroupReach, runner_names: tuple[str, ...]) -> Finding:
    """A `selected` group no repository can use: none listed, or every listed one is kept out."""
    group = reach.group
    listed = [r for r in snapshot.repositories if r.id in group.repository_ids]
    if not listed:
        summary = f"group '{group.name}' has visibility selected but no repository: no job can use it."
        fix = f"list the repositories that need it (repositories: [...]) or delete '{group.name}'."
    else:
        public = [r.name for r in listed if r.public and not group.allows_public_repositories]
        disabled = [r.name for r in listed if not snapshot.actions.enabled(r)]
        reasons = []
        if public:
            reasons.append(
                f"{_count(public, 'is public', 'are public')} and the group does not allow public repositories"
            )
        if disabled:
            reasons.append(f"{_count(disabled, 'may', 'may')} not run Actions (the org's Actions permissions)")
        summary = f"group '{group.name}' lists {len(listed)} repositories but none can use it: {'; '.join(reasons)}."
        fix = (
            "list repositories that may use it, or enable Actions for them; allowing public repositories on "
            "self-hosted runners is what GitHub advises against."
        )
    return Finding(
        SELECTED_WITHOUT_REPOSITORIES,
        "low",
        group.name,
        summary,
        fix,
        repositories=tuple(sorted(r.name for r in listed)),
        runners=runner_names,
    )


def _count(names: list[str] | tuple[str, ...], one: str, many: str) -> str:
    shown = ", ".join(names[:SHOWN_NAMES]) + (
        f", and {len(names) - SHOWN_NAMES} more" if len(names) > SHOWN_NAMES else ""
    )
    return f"{len(names)} {one if len(names) == 1 else many} ({shown})"
