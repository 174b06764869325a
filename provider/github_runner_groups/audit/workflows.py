"""Who actually uses which runner (`audit --workflows`): the jobs of the org's workflows joined with who can reach
which runners.

Reads `.github/workflows/*.yml` of every repository that runs Actions through the contents API (one listing per
repository, one read per file), in parallel within the client's pacer and budget, through its ETag cache, and at
most `max_requests` requests (the repositories left unread are said). Reports the jobs that target each group or
label set; jobs whose `runs-on` no reachable runner serves; jobs triggered by `pull_request_target`, or by a
fork's `pull_request`, that run on persistent self-hosted runners; and groups admitting repositories that never
use them, with the smaller list to apply. A `runs-on` with an expression is not judged.
"""

from __future__ import annotations

import re
import threading
import time
from collections import Counter
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import yaml

from .. import api
from ..client import GitHubClient
from ..errors import GitHubAuthError, GitHubNotFound
from .findings import Finding
from .model import Repository, Runner
from .rules import SEVERITIES

if TYPE_CHECKING:
    from . import Report

UNTRUSTED_TRIGGER = "untrusted-trigger-persistent-runner"
RUNS_ON_UNSERVED = "runs-on-unserved"
GROUP_ACCESS_UNUSED = "group-access-unused"
# GitHub's standard hosted images (ubuntu-latest, windows-2022, macos-14, ubuntu-24.04-arm...): served by GitHub.
STANDARD_HOSTED = re.compile(r"^(ubuntu|windows|macos)-[\w.-]+$", re.IGNORECASE)
FORK_TRIGGERS = ("pull_request_target", "pull_request")
MAX_REQUESTS = 2000
MAX_FILE_BYTES = 512 * 1024  # a larger file is not parsed (it is listed as skipped)


@dataclass(frozen=True)
class Job:
    repository_id: int
    workflow: str  # the file's path
    job: str
    group: str | None  # runs-on: {group: ...}
    labels: tuple[str, ...]
    triggers: frozenset[str]
    dynamic: bool = False  # runs-on holds an expression: not judged

    @property
    def target(self) -> str:
        """What the job asks for, in words."""
        wanted = [f"group {self.group}"] if self.group else []
        wanted += [f"[{', '.join(self.labels)}]"] if self.labels else []
        return " + ".join(wanted) or "(nothing)"


@dataclass(frozen=True)
class WorkflowUsage:
    jobs: tuple[Job, ...]
    read_repositories: frozenset[int]  # every workflow file of these was read
    unread_repositories: int  # left out, or read in part (the request cap, a file that could not be read)
    files: int
    requests: int
    seconds: float
    unparsed: tuple[str, ...] = ()  # repository/path of files not read or not workflows


def read_workflows(client: GitHubClient, report: Report, *, max_requests: int = MAX_REQUESTS) -> WorkflowUsage:
    """The jobs of every repository of `report` that runs Actions (see the module docstring)."""
    from .read import _parallel

    snapshot = report.snapshot
    candidates = [r for r in snapshot.repositories if snapshot.runs_actions(r)]
    budget = threading.Semaphore(max(1, max_requests))
    spent = Counter[str]()
    lock = threading.Lock()
    started = time.monotonic()

    def take() -> bool:
        if not budget.acquire(blocking=False):
            return False
        with lock:
            spent["requests"] += 1
        return True

    def read(repository: Repository) -> tuple[int, list[Job], int, list[str], bool] | None:
        """The repository's jobs, files read, files skipped, and whether every file was read."""
        if not take():
            return None
        try:
            paths = api.list_workflow_files(client, snapshot.org, repository.name)
        except GitHubAuthError:
            return repository.id, [], 0, [f"{repository.name}/{api.WORKFLOWS_DIRECTORY}"], False
        jobs: list[Job] = []
        unparsed: list[str] = []
        read_files = 0
        complete = True
        for path in paths:
            if not take():
                complete = False
                break
            try:
                text = api.get_file_text(client, snapshot.org, repository.name, path)
            except (GitHubAuthError, GitHubNotFound, api.UnexpectedAnswer):  # gone, hidden, over 1 MB (no content)
                unparsed.append(f"{repository.name}/{path}")
                complete = False
                continue
            read_files += 1
            parsed = parse_workflow(repository.id, path, text)
            if parsed is None:
                unparsed.append(f"{repository.name}/{path}")
            else:
                jobs += parsed
        return repository.id, jobs, read_files, unparsed, complete

    answers = [a for a in _parallel(client, read, candidates) if a is not None]
    complete = frozenset(i for i, _j, _n, _u, done in answers if done)
    return WorkflowUsage(
        jobs=tuple(job for _i, jobs, _n, _u, _d in answers for job in jobs),
        read_repositories=complete,
        unread_repositories=len(candidates) - len(complete),
        files=sum(n for _i, _j, n, _u, _d in answers),
        requests=spent["requests"],
        seconds=time.monotonic() - started,
        unparsed=tuple(u for _i, _j, _n, unparsed, _d in answers for u in unparsed),
    )


def parse_workflow(repository_id: int, path: str, text: str) -> list[Job] | None:
    """The jobs of one workflow file; None when it is not a YAML mapping with jobs (or is over MAX_FILE_BYTES)."""
    if len(text) > MAX_FILE_BYTES:
        return None
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError:
        return None
    if not isinstance(document, dict) or not isinstance(document.get("jobs"), dict):
        return None
    triggers = _triggers(document.get("on", document.get(True)))  # YAML 1.1 reads a bare `on` as true
    jobs = []
    for name, job in document["jobs"].items():
        if not isinstance(job, dict) or "runs-on" not in job:
            continue  # a call to a reusable workflow: its own jobs say where they run
        group, labels, dynamic = _runs_on(job["runs-on"])
        jobs.append(Job(repository_id, path, str(name), group, labels, triggers, dynamic))
    return jobs


def _triggers(on: Any) -> frozenset[str]:
    if isinstance(on, str):
        return frozenset({on})
    if isinstance(on, (list, dict)):
        return frozenset(event for event in on if isinstance(event, str))
    return frozenset()


def _runs_on(value: Any) -> tuple[str | None, tuple[str, ...], bool]:
    group: str | None = None
    labels: Any = value
    if isinstance(value, dict):
        group = value["group"] if isinstance(value.get("group"), str) else None
        labels = value.get("labels", ())
    if isinstance(labels, str):
        labels = (labels,)
    # Text only: a crafted file's aliases (a "billion laughs") are never expanded into strings.
    names = tuple(label for label in labels if isinstance(label, str)) if isinstance(labels, (list, tuple)) else ()
    dynamic = any("${{" in text for text in (*names, group or "")) or (bool(labels) and not names)
    return group, names, dynamic


def _serves(runner: Runner, labels: tuple[str, ...]) -> bool:
    """`labels` (lower case) all carried by `runner` (a runner's name counts as a label)."""
    carried = {label.lower() for label in runner.labels} | {runner.name.lower()}
    return all(label in carried for label in labels)


class _Servers:
    """Which runners can serve a job, from an index of the groups each repository may use: repositories in the
    same groups share one entry, and jobs asking the same of the same groups one answer (an org of 10,000
    repositories has tens of thousands of jobs)."""

    def __init__(self, report: Report) -> None:
        self._reaches = report.reach
        admitted: dict[int, list[int]] = {}
        self_hosted: dict[int, list[int]] = {}
        for index, reach in enumerate(report.reach):
            for repository_id in reach.repository_ids:
                admitted.setdefault(repository_id, []).append(index)
            for repository_id in reach.self_hosted_ids:
                self_hosted.setdefault(repository_id, []).append(index)
        shared: dict[tuple[int, ...], tuple[int, ...]] = {}
        self._admitted = {i: shared.setdefault(tuple(v), tuple(v)) for i, v in admitted.items()}
        self._self_hosted = {i: shared.setdefault(tuple(v), tuple(v)) for i, v in self_hosted.items()}
        self._own: dict[int, list[Runner]] = {}
        for runner in report.snapshot.repository_runners():
            self._own.setdefault(runner.repository_id or 0, []).append(runner)
        self._answers: dict[tuple[object, ...], tuple[tuple[Runner, ...], bool, frozenset[int]]] = {}

    def of(self, job: Job) -> tuple[list[Runner], bool, frozenset[int]]:
        """The self-hosted runners that can serve `job`, whether a GitHub-hosted one can, and the ids of the
        groups it uses (named, or holding a runner that serves it)."""
        group = job.group.lower() if job.group else None
        labels = tuple(label.lower() for label in job.labels)
        admitted = self._admitted.get(job.repository_id, ())
        self_hosted = self._self_hosted.get(job.repository_id, ())
        key = (id(admitted), id(self_hosted), group, labels)  # the tuples are shared: their ids name them
        if key not in self._answers:
            self._answers[key] = self._answer(admitted, self_hosted, group, labels)
        runners, hosted, used = self._answers[key]
        own = [r for r in self._own.get(job.repository_id, ()) if not group and _serves(r, labels)]
        return [*runners, *own], hosted, used

    def _answer(
        self, admitted: tuple[int, ...], self_hosted: tuple[int, ...], group: str | None, labels: tuple[str, ...]
    ) -> tuple[tuple[Runner, ...], bool, frozenset[int]]:
        def wanted(index: int) -> bool:
            return group is None or self._reaches[index].group.name.lower() == group

        runners = tuple(
            runner
            for index in self_hosted
            if wanted(index)
            for runner in self._reaches[index].runners
            if _serves(runner, labels)
        )
        hosted = any(
            len(labels) <= 1 and (not labels or labels[0] in {h.lower() for h in self._reaches[i].group.hosted_runners})
            for i in admitted
            if wanted(i) and self._reaches[i].group.hosted_runners
        )
        standard = group is None and len(labels) == 1 and bool(STANDARD_HOSTED.match(labels[0]))
        used = {self._reaches[i].group.id for i in admitted if group is not None and wanted(i)}
        used |= {r.group_id for r in runners if r.group_id is not None}
        return runners, hosted or standard, frozenset(used)


def usage_findings(report: Report, usage: WorkflowUsage) -> list[Finding]:
    repositories = {r.id: r for r in report.snapshot.repositories}
    found: list[Finding] = []
    users: dict[int, set[int]] = {}  # group id -> repositories with a job its runners (or its name) serve
    servers = _Servers(report)
    for job in usage.jobs:
        if job.dynamic:
            continue
        repository = repositories[job.repository_id]
        runners, hosted, used = servers.of(job)
        where = f"{repository.name}/{job.workflow}#{job.job}"
        for group_id in used:
            users.setdefault(group_id, set()).add(job.repository_id)
        if not runners and not hosted:
            found.append(
                Finding(
                    RUNS_ON_UNSERVED,
                    "medium",
                    "",  # about a job (the subject), not a group
                    f"job '{job.job}' of {repository.name}/{job.workflow} asks for {job.target}, which no runner "
                    f"'{repository.name}' can reach serves: it waits until it times out.",
                    f"give '{repository.name}' a group whose runners carry those labels, or fix the job's runs-on.",
                    repositories=(repository.name,),
                    workflows=(job.workflow,),
                    subject=where,
                )
            )
        untrusted = "pull_request_target" in job.triggers or (
            "pull_request" in job.triggers
            and (repository.public or report.snapshot.policies.private_forks_of(repository) is not False)
        )
        persistent = sorted({r.name for r in runners if not r.ephemeral}) if untrusted else []
        if persistent:
            trigger = next(t for t in FORK_TRIGGERS if t in job.triggers)
            found.append(
                Finding(
                    UNTRUSTED_TRIGGER,
                    "high" if repository.public else "medium",
                    "",  # about a job (the subject), not a group
                    f"job '{job.job}' of {repository.visibility} repository {repository.name} ({job.workflow}) runs "
                    f"on `{trigger}` and can run on {len(persistent)} persistent self-hosted "
                    f"runner{'' if len(persistent) == 1 else 's'} ({', '.join(persistent[:10])}).",
                    "run it on GitHub-hosted or ephemeral runners, or drop the trigger.",
                    repositories=(repository.name,),
                    runners=tuple(persistent),
                    workflows=(job.workflow,),
                    subject=where,
                )
            )
    found += _unused_access(report, usage, users, repositories)
    return found


def _unused_access(
    report: Report, usage: WorkflowUsage, users: dict[int, set[int]], repositories: dict[int, Repository]
) -> list[Finding]:
    """Groups with runners whose read repositories include some that never use them (only when every admitted
    repository's workflows were read: otherwise the smaller list could leave a user out)."""
    found = []
    for reach in report.reach:
        admitted = reach.repository_ids
        if not reach.runners or reach.group.default or not admitted or not admitted <= usage.read_repositories:
            continue
        using = users.get(reach.group.id, set())
        idle = admitted - using
        if not idle:
            continue
        names = sorted(repositories[i].name for i in using)
        found.append(
            Finding(
                GROUP_ACCESS_UNUSED,
                "low",
                reach.group.name,
                f"group '{reach.group.name}' admits {len(admitted)} repositories, of which {len(idle)} have no job "
                f"its runners serve; {len(using)} use it ({', '.join(names[:10]) or 'none'}).",
                f"set visibility: selected on '{reach.group.name}' with repositories: [{', '.join(names)}]"
                if names
                else f"no workflow uses '{reach.group.name}': delete it, or keep it for jobs to come.",
                repositories=tuple(names),
            )
        )
    return found


def with_usage(report: Report, usage: WorkflowUsage) -> Report:
    """`report` with the usage findings added (most severe first) and the usage kept for the outputs."""
    findings = sorted(
        (*report.findings, *usage_findings(report, usage)),
        key=lambda f: (SEVERITIES.index(f.severity), f.group.lower(), f.code, f.subject),
    )
    return replace(report, findings=tuple(findings), usage=usage)


def usage_lines(report: Report, usage: WorkflowUsage, limit: int = 20) -> list[str]:
    """Jobs per target (group, labels), most used first; and what reading cost."""
    targets = Counter(job.target for job in usage.jobs)
    lines = [
        f"Workflow usage: {len(usage.jobs)} jobs in {usage.files} workflow files of "
        f"{len(usage.read_repositories)} repositories; cost {usage.requests} requests, {usage.seconds:.1f} s"
        + (f"; {usage.unread_repositories} repositories unread or read in part" if usage.unread_repositories else "")
    ]
    lines += [f"  {count:>5}  {target}" for target, count in targets.most_common(limit)]
    if len(targets) > limit:
        lines.append(f"  ... and {len(targets) - limit} more targets (--format json lists them)")
    lines += [f"  not a workflow (skipped): {name}" for name in usage.unparsed[:5]]
    return lines


# What is left of NOT_MODELLED's items when `--workflows` ran (by position in it).
LEFT_WITH_WORKFLOWS = {
    0: "`workflow_run` triggers, which run a fork's changes with the base repository's rights",
    2: "which actions may run (the allowed-actions policy), and a `runs-on` given by an expression",
}


def not_modelled(report: Report) -> list[str]:
    """The audit's NOT_MODELLED, less what `--workflows` modelled when it ran."""
    from .reach import NOT_MODELLED

    if report.usage is None:
        return list(NOT_MODELLED)
    return [LEFT_WITH_WORKFLOWS.get(index, item) for index, item in enumerate(NOT_MODELLED)]


def usage_json(usage: WorkflowUsage) -> dict[str, Any]:
    return {
        "jobs_by_target": dict(Counter(job.target for job in usage.jobs).most_common()),
        "repositories_read": len(usage.read_repositories),
        "repositories_unread": usage.unread_repositories,
        "files": usage.files,
        "requests": usage.requests,
        "unparsed": list(usage.unparsed),
    }
