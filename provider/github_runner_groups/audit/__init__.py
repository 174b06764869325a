"""Runner exposure audit: which repositories, through which workflows, can send jobs to which runners.

`audit_org` reads an org (see `model.read_org` for the calls) and returns a `Report`: per group, who may use it
and its runners (`reach`), and the findings with severity, objects and fix (`findings`). `spec_delta` compares
the report with the org as a spec would leave it. `render` turns either into a terminal table, Markdown, JSON
or a Mermaid graph. What the audit does not model is listed in `NOT_MODELLED`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from ..client import GitHubClient
from ..spec import OrgSpec
from .findings import PUBLIC_REACHES_SELF_HOSTED, Finding, find
from .model import ActionsPolicy, Group, OrgSnapshot, Repository, Runner
from .reach import NOT_MODELLED, GroupReach, ReachByRepository, reachability, runners_by_repository
from .read import read_enterprise_runners, read_org
from .rules import SEVERITIES
from .spec_delta import AccessChange, Delta, Worse, apply_spec
from .workflows import WorkflowUsage, read_workflows, with_usage

__all__ = [
    "NOT_MODELLED",
    "PUBLIC_REACHES_SELF_HOSTED",
    "SEVERITIES",
    "AccessChange",
    "ActionsPolicy",
    "Delta",
    "Finding",
    "Group",
    "GroupReach",
    "OrgSnapshot",
    "Report",
    "Repository",
    "Runner",
    "WorkflowUsage",
    "Worse",
    "audit_org",
    "audit_snapshot",
    "read_enterprise_runners",
    "read_org",
    "read_workflows",
    "spec_delta",
    "with_usage",
]


@dataclass(frozen=True)
class Report:
    snapshot: OrgSnapshot
    reach: tuple[GroupReach, ...]
    findings: tuple[Finding, ...]
    sensitive_labels: tuple[str, ...] = ()
    usage: WorkflowUsage | None = None  # the workflows' jobs, with --workflows

    @property
    def org(self) -> str:
        return self.snapshot.org

    def runners_reachable_by(self, repository: str) -> list[str]:
        """Names of the self-hosted runners `repository` can send jobs to (through any group)."""
        by_name = {r.name.lower(): r.id for r in self.snapshot.repositories}
        owner, _, name = repository.rpartition("/")
        repository_id = by_name.get(name.lower()) if owner.lower() in ("", self.org.lower()) else None
        if repository_id is None:
            raise KeyError(f"no repository {repository!r} in org '{self.org}'")
        reached = self.runner_ids_by_repository.get(repository_id, frozenset())
        return sorted(r.name for r in self.snapshot.runners if r.id in reached)

    @cached_property
    def runner_ids_by_repository(self) -> ReachByRepository:
        """Repository id -> ids of the self-hosted runners it can reach (only repositories that reach any)."""
        return runners_by_repository(self.snapshot, self.reach)

    def public_repositories_reaching_self_hosted(self) -> list[str]:
        """The policy most orgs want empty: GitHub advises never to let public repositories use self-hosted runners."""
        return sorted({name for f in self.findings if f.code == PUBLIC_REACHES_SELF_HOSTED for name in f.repositories})

    def findings_of(self, severity: str) -> list[Finding]:
        return [f for f in self.findings if f.severity == severity]


def audit_snapshot(snapshot: OrgSnapshot, sensitive_labels: Iterable[str] = ()) -> Report:
    labels = tuple(sorted({label.strip() for label in sensitive_labels if label.strip()}))
    reach = reachability(snapshot)
    return Report(snapshot, reach, tuple(find(snapshot, reach, labels)), labels)


def audit_org(
    client: GitHubClient, org: str, sensitive_labels: Iterable[str] = (), *, repository_runners: str = "public"
) -> Report:
    """Read `org` (read-only) and audit it; `repository_runners`: whose own runners to read (public or all)."""
    return audit_snapshot(read_org(client, org, repository_runners=repository_runners), sensitive_labels)


def spec_delta(
    report: Report, spec: OrgSpec, *, complete: bool = False, enterprise_runners: tuple[Runner, ...] = ()
) -> Delta:
    """What applying `spec` to the org of `report` would change: access gained or lost, findings added or resolved.

    `complete`: the spec manages every group of the org, so a group it does not list would be deleted.
    `enterprise_runners`: the enterprise's runners (`read.read_enterprise_runners`), for a group the spec shares.
    """
    projected, group_changes, notes = apply_spec(
        report.snapshot, spec, complete=complete, enterprise_runners=enterprise_runners
    )
    after = audit_snapshot(projected, report.sensitive_labels)
    if report.usage is not None:  # the same jobs, judged against the org as the spec leaves it
        after = with_usage(after, report.usage)
    before_reach = report.runner_ids_by_repository
    after_reach = after.runner_ids_by_repository
    runners = {r.id: r for r in (*report.snapshot.runners, *projected.runners)}
    names = {r.id: r.name for r in (*projected.repositories, *report.snapshot.repositories)}
    changes: dict[tuple[bool, frozenset[int]], list[str]] = {}

    def shown(repository_id: int) -> str:
        return names.get(repository_id, f"#{repository_id} (not visible to this token)")

    for repository_id in sorted(set(before_reach) | set(after_reach), key=lambda i: shown(i).lower()):
        old, new = before_reach.get(repository_id, frozenset()), after_reach.get(repository_id, frozenset())
        for gained, difference in ((True, new - old), (False, old - new)):
            if difference:
                changes.setdefault((gained, difference), []).append(shown(repository_id))
    access = tuple(
        AccessChange(gained, tuple(repositories), tuple(sorted((runners[i] for i in ids), key=lambda r: r.name)))
        for (gained, ids), repositories in sorted(changes.items(), key=lambda item: (not item[0][0], -len(item[1])))
    )
    before = {f.key: f for f in report.findings}
    after_keys = {f.key for f in after.findings}
    return Delta(
        org=report.org,
        group_changes=tuple(group_changes),
        access_changes=access,
        added=tuple(f for f in after.findings if f.key not in before),
        resolved=tuple(f for f in report.findings if f.key not in after_keys),
        notes=tuple(notes),
        worse=tuple(w for f in after.findings if f.key in before for w in _worse(before[f.key], f)),
        unseen=projected.unseen,
        after=after.findings,
    )


def _worse(before: Finding, after: Finding) -> list[Worse]:
    """The finding, kept by the spec, when it got worse: severity up, or more repositories or runners in it."""
    why = []
    if SEVERITIES.index(after.severity) < SEVERITIES.index(before.severity):
        why.append(f"severity {before.severity} -> {after.severity}")
    for noun, old, new in (
        ("repositories", before.repositories, after.repositories),
        ("runners", before.runners, after.runners),
    ):
        more = sorted(set(new) - set(old))
        if more:
            why.append(f"{len(more)} more {noun}: {', '.join(more[:20])}")
    return [Worse(before, after, tuple(why))] if why else []
