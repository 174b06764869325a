"""Findings: what in the reachability a security or platform team should act on, each with its rule and fix."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

from .model import OrgSnapshot, Repository, Unknown
from .reach import GroupReach, workflow_parts
from .rules import RULES_BY_ID, SEVERITIES

FULL_SHA = re.compile(r"[0-9a-fA-F]{40}")  # SHAs are case-insensitive: an upper-case one is a pin too
SHOWN_NAMES = 5  # names listed in a finding's sentence; the objects hold them all

PUBLIC_REACHES_SELF_HOSTED = "public-repository-reaches-self-hosted"
PUBLIC_OWN_RUNNER = "public-repository-own-runner"
PRIVATE_FORKS = "private-forks-reach-self-hosted"
SENSITIVE_RUNNERS_OPEN = "sensitive-runners-open"
WORKFLOW_NOT_PINNED = "workflow-not-pinned-to-sha"
WORKFLOW_OTHER_ORG = "workflow-in-another-org"
RESTRICTED_WITHOUT_WORKFLOWS = "restricted-without-workflows"
SELECTED_WITHOUT_REPOSITORIES = "selected-group-without-repositories"
GROUP_WITHOUT_RUNNERS = "group-without-runners"
OFFLINE_RUNNERS = "offline-runners"
RUNNERS_IN_DEFAULT = "runners-in-default-group"
POLICY_UNREADABLE = "policy-unreadable"
ACTIONS_POLICY_UNREADABLE = POLICY_UNREADABLE
REPOSITORIES_NOT_VISIBLE = "repositories-not-visible"
APPROVE_ALL = "all_external_contributors"


@dataclass(frozen=True)
class Finding:
    code: str  # the rule's id (rules.RULES)
    severity: str  # one of SEVERITIES
    group: str  # the group it is about ("" for org-wide or repository findings)
    summary: str  # one sentence
    fix: str
    repositories: tuple[str, ...] = ()
    runners: tuple[str, ...] = ()
    workflows: tuple[str, ...] = ()
    subject: str = ""  # what it is about when not a group (a repository, a policy)

    @property
    def key(self) -> str:
        """Rule and subject: the same finding across runs, however its details change."""
        return f"{self.code}:{self.group or self.subject}"

    @property
    def fingerprint(self) -> str:
        """A short stable hash of `key` (baselines and SARIF's partialFingerprints)."""
        return hashlib.sha256(self.key.encode()).hexdigest()[:16]


def find(snapshot: OrgSnapshot, reaches: tuple[GroupReach, ...], sensitive_labels: Iterable[str]) -> list[Finding]:
    """Every finding, most severe first, then by group name."""
    sensitive = {label.lower() for label in sensitive_labels}
    repositories = {r.id: r for r in snapshot.repositories}
    public = frozenset(r.id for r in snapshot.repositories if r.public)
    findings: list[Finding] = []
    for reach in reaches:
        findings += _group_findings(snapshot, reach, repositories, sensitive, public)
    findings += _repository_findings(snapshot, reaches, repositories)
    findings += _unread(snapshot)
    return sorted(findings, key=lambda f: (SEVERITIES.index(f.severity), f.group.lower(), f.code, f.subject))


def _public_exposure(snapshot: OrgSnapshot, reach: GroupReach, exposed: list[Repository]) -> Finding:
    group = reach.group
    runner_names = tuple(sorted(r.name for r in reach.runners))
    persistent = [r for r in reach.runners if not r.ephemeral]
    approvals = {snapshot.policies.approval_of(r) for r in exposed}
    all_approved = approvals == {APPROVE_ALL}
    severity = "high" if persistent and not reach.workflows and not all_approved else "medium"
    notes = []
    if reach.workflows:
        notes.append("only through its listed workflows")
    if not persistent:
        notes.append("every runner is ephemeral")
    if all_approved:
        notes.append("each requires approval for every outside contributor's run")
    unknown = sorted({str(a) for a in approvals if isinstance(a, Unknown)})
    unknown += [str(snapshot.policies.self_hosted)] if isinstance(snapshot.policies.self_hosted, Unknown) else []
    if unknown:
        notes.append("policies " + "; ".join(sorted(set(unknown))))
    said = f" ({'; '.join(notes)})" if notes else ""
    names = sorted(r.name for r in exposed)
    return Finding(
        PUBLIC_REACHES_SELF_HOSTED,
        severity,
        group.name,
        f"{_count(names, 'public repository', 'public repositories')} can send jobs to "
        f"{_count(runner_names, 'self-hosted runner', 'self-hosted runners')} of group '{group.name}'{said}: "
        "anyone who opens a pull request may run code on them.",
        f"set allows_public_repositories: false on '{group.name}', or move its runners to a group public "
        "repositories cannot use (GitHub advises never to let public repositories use self-hosted runners).",
        repositories=tuple(names),
        runners=runner_names,
        workflows=reach.workflows,
    )


def _group_findings(
    snapshot: OrgSnapshot,
    reach: GroupReach,
    repositories: dict[int, Repository],
    sensitive: set[str],
    public: frozenset[int],
) -> list[Finding]:
    group = reach.group
    found: list[Finding] = []
    runner_names = tuple(sorted(r.name for r in reach.runners))
    exposed = [repositories[i] for i in reach.self_hosted_ids & public]
    if exposed and reach.runners:
        found.append(_public_exposure(snapshot, reach, exposed))
    flagged = sorted(r.name for r in reach.runners if sensitive & {label.lower() for label in r.labels})
    if flagged and group.visibility != "selected" and reach.self_hosted_ids:
        found.append(
            Finding(
                SENSITIVE_RUNNERS_OPEN,
                "high",
                group.name,
                f"group '{group.name}' is open to {reach.audience} ({len(reach.self_hosted_ids)}) and holds "
                f"{_count(flagged, 'runner', 'runners')} with a sensitive label ({', '.join(sorted(sensitive))}).",
                f"set visibility: selected on '{group.name}' and list the repositories that need these runners, "
                "or move the runners to such a group.",
                runners=tuple(flagged),
            )
        )
    unpinned = tuple(w for w in reach.workflows if not FULL_SHA.fullmatch(w.rpartition("@")[2]))
    if unpinned:
        found.append(
            Finding(
                WORKFLOW_NOT_PINNED,
                "medium",
                group.name,
                f"group '{group.name}' admits {_count(unpinned, 'workflow', 'workflows')} by branch or tag, not by "
                "commit: whoever can push to that ref chooses what runs.",
                "pin each to a full commit SHA (OWNER/REPO/.github/workflows/FILE.yml@<40-hex SHA>).",
                workflows=unpinned,
            )
        )
    foreign = tuple(w for w in reach.workflows if workflow_parts(w)[0].lower() != snapshot.org.lower())
    if foreign:
        found.append(
            Finding(
                WORKFLOW_OTHER_ORG,
                "medium",
                group.name,
                f"group '{group.name}' admits {_count(foreign, 'workflow', 'workflows')} of another organization: "
                "who may change it, and whether public repositories may call it, is decided there.",
                f"list workflows of this org's repositories on '{group.name}', pinned to a SHA.",
                workflows=foreign,
            )
        )
    if reach.closed:
        found.append(
            Finding(
                RESTRICTED_WITHOUT_WORKFLOWS,
                "low",
                group.name,
                f"group '{group.name}' is restricted to an empty list of workflows: no job can use it.",
                f"list the workflows that may use '{group.name}', or set restricted_to_workflows: false.",
                runners=runner_names,
            )
        )
    elif group.visibility == "selected" and not reach.repository_ids:
        found.append(_unusable(snapshot, reach, runner_names))
    elif reach.repository_ids and not reach.runners and not group.hosted_runners and not group.default:
        count = len(reach.repository_ids)
        found.append(
            Finding(
                GROUP_WITHOUT_RUNNERS,
                "medium",
                group.name,
                f"group '{group.name}' admits {count} {'repository' if count == 1 else 'repositories'} but has "
                "no runner: their jobs for it wait in the queue until they time out (24 h).",
                f"add runners to '{group.name}' (runners: [...]) or delete it.",
            )
        )
    offline = tuple(sorted(r.name for r in reach.runners if not r.online))
    if offline:
        found.append(
            Finding(
                OFFLINE_RUNNERS,
                "low",
                group.name,
                f"{_count(offline, 'runner', 'runners')} of group '{group.name}' offline.",
                "start them again, or remove them (GitHub removes a self-hosted runner 14 days after it last "
                "connected).",
                runners=offline,
            )
        )
    if group.default and reach.runners:
        found.append(
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
    return found


def _repository_findings(
    snapshot: OrgSnapshot, reaches: tuple[GroupReach, ...], repositories: dict[int, Repository]
) -> list[Finding]:
    """A public repository's own runners; a private repository whose fork pull requests reach persistent
    self-hosted runners."""
    found: list[Finding] = []
    own: dict[int, list[str]] = {}
    ephemeral: dict[int, bool] = {}
    for runner in snapshot.repository_runners():
        repository = repositories.get(runner.repository_id or 0)
        if repository and repository.public and snapshot.runs_actions(repository):
            own.setdefault(repository.id, []).append(runner.name)
            ephemeral[repository.id] = ephemeral.get(repository.id, True) and runner.ephemeral
    for repository_id, own_names in own.items():
        repository = repositories[repository_id]
        names = sorted(own_names)
        runners = _count(names, "self-hosted runner", "self-hosted runners")
        all_ephemeral = " (all ephemeral)" if ephemeral[repository_id] else ""
        found.append(
            Finding(
                PUBLIC_OWN_RUNNER,
                "medium" if ephemeral[repository_id] else "high",
                "",
                f"public repository '{repository.name}' has {runners} of its own{all_ephemeral}: its fork pull "
                "requests run on them.",
                f"remove them from '{repository.name}', or forbid self-hosted runners for it in the org's policy.",
                repositories=(repository.name,),
                runners=tuple(names),
                subject=repository.name,
            )
        )
    # Only repositories whose fork pull requests may run: the names each reaches are shared by repositories in the
    # same groups (thousands of repositories in groups open to all would otherwise each hold their own set).
    forks_of = {
        r.id: forks for r in snapshot.repositories if not r.public and (forks := snapshot.policies.private_forks_of(r))
    }
    memberships: dict[int, list[int]] = {}
    persistent = [tuple(r.name for r in reach.runners if not r.ephemeral) for reach in reaches]
    for index, reach in enumerate(reaches):
        if persistent[index]:
            for repository_id in reach.self_hosted_ids & forks_of.keys():
                memberships.setdefault(repository_id, []).append(index)
    names_of: dict[tuple[int, ...], tuple[str, ...]] = {}
    for repository_id, indices in sorted(memberships.items()):
        repository = repositories[repository_id]
        forks = forks_of[repository_id]
        key = tuple(indices)
        if key not in names_of:
            names_of[key] = tuple(sorted({name for i in key for name in persistent[i]}))
        reached_names = names_of[key]
        said = f" ({forks})" if isinstance(forks, Unknown) else ""
        reached = _count(reached_names, "persistent self-hosted runner", "persistent self-hosted runners")
        found.append(
            Finding(
                PRIVATE_FORKS,
                "medium" if forks is True else "info",
                "",
                f"fork pull requests of {repository.visibility} repository '{repository.name}' may run workflows"
                f"{said}, and it reaches {reached}.",
                f"turn off 'Run workflows from fork pull requests' for '{repository.name}' or the org, or use "
                "ephemeral runners.",
                repositories=(repository.name,),
                runners=reached_names,
                subject=repository.name,
            )
        )
    return found


def _unread(snapshot: OrgSnapshot) -> list[Finding]:
    found = []
    if not snapshot.actions.readable:
        found.append(
            Finding(
                POLICY_UNREADABLE,
                "info",
                "",
                "the org's Actions permissions could not be read (unknown: needs admin:org), so every repository "
                "is assumed to run Actions.",
                "use a token with admin:org (or the 'Administration' organization permission) to read them.",
                subject="actions-permissions",
            )
        )
    for what, unknown in snapshot.policies.unknown():
        found.append(
            Finding(
                POLICY_UNREADABLE,
                "info",
                "",
                f"{what}: {unknown}; the audit assumes the policy allows it.",
                f"use a token with {unknown.needs}.",
                subject=what.partition(" (")[0],
            )
        )
    for note in snapshot.unseen:
        found.append(
            Finding(
                REPOSITORIES_NOT_VISIBLE,
                "info",
                "",
                note + ".",
                RULES_BY_ID[REPOSITORIES_NOT_VISIBLE].fix,
                subject="repositories",
            )
        )
    return found


def _unusable(snapshot: OrgSnapshot, reach: GroupReach, runner_names: tuple[str, ...]) -> Finding:
    """A `selected` group no repository can use: none listed, or every listed one is kept out."""
    group = reach.group
    listed = [r for r in snapshot.repositories if r.id in group.repository_ids]
    if not listed:
        summary = f"group '{group.name}' has visibility selected but no repository: no job can use it."
        fix = f"list the repositories that need it (repositories: [...]) or delete '{group.name}'."
    else:
        public = [r.name for r in listed if r.public and not group.allows_public_repositories]
        idle = [r.name for r in listed if not snapshot.runs_actions(r)]
        reasons = []
        if public:
            reasons.append(
                f"{_count(public, 'is public', 'are public')} and the group does not allow public repositories"
            )
        if idle:
            reasons.append(f"{_count(idle, 'runs', 'run')} no Actions (archived, or Actions turned off)")
        if not reasons:
            reasons.append("none may call the workflows the group is restricted to")
        summary = (
            f"group '{group.name}' lists {_plural(len(listed), 'repository')} but none can use it: "
            f"{'; '.join(reasons)}."
        )
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


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun if count == 1 else (noun[:-1] + 'ies' if noun.endswith('y') else noun + 's')}"


def _count(names: list[str] | tuple[str, ...], one: str, many: str) -> str:
    shown = ", ".join(names[:SHOWN_NAMES]) + (
        f", and {len(names) - SHOWN_NAMES} more" if len(names) > SHOWN_NAMES else ""
    )
    return f"{len(names)} {one if len(names) == 1 else many} ({shown})"
