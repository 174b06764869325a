"""What the exposure audit costs on a large org: reads, limit answers, wall time and memory.

Two parts, each against the loopback emulator in a process of its own (its threads do not compete with the
audit's for one GIL, and its memory is not the audit's):

1. Reads in parallel (issue 19, part 4): an org of 1,000 repositories and 200 groups, 100 ms added to every
   answer, GitHub's secondary limits (900 points a minute) enforced; the audit with one request at a time
   (`maxInFlight` 1, as before it read in parallel) and with the default 16: requests, limit answers, wall, ratio.
2. Scale (issue 23, part 6): 10,000 repositories, 500 groups, 2,000 runners, in a fresh process so its peak RSS
   is the audit's alone: requests, limit answers, wall, peak RSS (getrusage maxrss), and the sizes of the
   Markdown (GitHub refuses comments over 65,536 characters) and the Mermaid graph. Time is compressed
   (`--compression`, see scale.py: the limit window and the latency divided, every count kept), since its reads
   spend several minutes of GitHub's budget.

3. `--workflows` (issue 23, part 5) on part 1's org with 2 workflow files per repository, time-compressed:
   the requests and wall it adds to the audit.

    python benchmarks/bench_audit.py [--part 1|2|3] [--latency-ms 100] [--compression 20]

Numbers only; nothing is asserted here (tests/unit/test_audit_bench.py runs a small org through the same code).
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "provider")]

from emulator_process import EmulatorProcess  # noqa: E402
from github_runner_groups.audit import Report, audit_org  # noqa: E402
from github_runner_groups.audit.render import mermaid, render  # noqa: E402
from github_runner_groups.client import ClientSettings, GitHubClient, PacingSettings  # noqa: E402
from github_runner_groups.testing import DEMO_TOKEN, FakeGitHub, SecondaryLimits  # noqa: E402

ORG = "bench"
WORKFLOWS = (
    "on: [push, pull_request]\njobs:\n  build:\n    runs-on: [self-hosted, linux]\n"
    "  lint:\n    runs-on: ubuntu-latest\n",
    "on: push\njobs:\n  deploy:\n    runs-on:\n      group: group-0002\n",
)


@dataclass(frozen=True)
class Shape:
    """An org: `repositories` (1 in 10 public, 2 in 10 internal, the rest private), `groups` (a quarter visible
    to all, a quarter private-only, half selected with `listed` repositories each; 1 in 10 allows public
    repositories), `runners` spread over the groups, and one own runner on 1 public repository in 5."""

    repositories: int
    groups: int
    runners: int
    listed: int = 5
    workflow_files: int = 0  # per repository, for --workflows (part 3)


@dataclass(frozen=True)
class Spent:
    requests: int
    limit_answers: int  # secondary-limit refusals, and any 403/429 the gateway gave


def build(fake: FakeGitHub, shape: Shape) -> None:
    """`shape` seeded straight into the emulator's state (no HTTP)."""
    fake.add_org(ORG)
    ids = []
    for index in range(shape.repositories):
        visibility = "public" if index % 10 == 0 else "internal" if index % 10 in (1, 2) else "private"
        ids.append(int(fake.add_repo(ORG, f"repo-{index:05d}", visibility=visibility)["id"]))
        for number in range(shape.workflow_files):
            fake.add_workflow_file(ORG, f"repo-{index:05d}", f"wf-{number}.yml", WORKFLOWS[number % len(WORKFLOWS)])
        if index % 50 == 0:
            fake.add_repository_runner(ORG, f"repo-{index:05d}", f"own-{index:05d}", ephemeral=index % 100 == 0)
    group_ids = []
    for index in range(shape.groups):
        visibility = ("all", "private", "selected", "selected")[index % 4]
        group = fake.add_group(
            ORG, f"group-{index:04d}", visibility=visibility, allows_public_repositories=index % 10 == 0
        )
        group_ids.append(int(group["id"]))
        if visibility == "selected":
            start = (index * shape.listed) % len(ids)
            fake.set_group_repository_ids(ORG, group_ids[-1], set(ids[start : start + shape.listed]))
    for index in range(shape.runners):
        fake.add_runner(
            ORG,
            f"runner-{index:05d}",
            group_id=group_ids[index % len(group_ids)],
            labels=("self-hosted", "linux", "gpu" if index % 7 == 0 else "x64"),
            status="online" if index % 9 else "offline",
        )


class Emulator(EmulatorProcess):
    """The emulator, seeded with `shape`, in a process of its own: what was sent so far."""

    def __init__(self, shape: Shape, latency: float, limits: SecondaryLimits) -> None:
        def make() -> FakeGitHub:
            fake = FakeGitHub(secondary_limits=limits, rate_limit=10**6)
            build(fake, shape)
            fake.latency_seconds = latency
            return fake

        super().__init__(make, {"count": _spent})

    def spent(self) -> Spent:
        spent: Spent = self.ask("count")
        return spent


def _spent(fake: FakeGitHub, _argument: Any) -> Spent:
    refused = fake.count(status=403) + fake.count(status=429)
    return Spent(len(fake.requests), max(fake.secondary_usage.hits, refused))


def run_audit(url: str, pacing: PacingSettings) -> tuple[Report, float]:
    client = GitHubClient(ClientSettings(base_url=url, token=DEMO_TOKEN, pacing=pacing))
    started = time.perf_counter()
    report = audit_org(client, ORG)
    return report, time.perf_counter() - started


def part_1(latency_ms: float) -> None:
    shape = Shape(repositories=1000, groups=200, runners=400)
    print(f"Part 1: {shape.repositories} repositories, {shape.groups} groups, {shape.runners} runners, ")
    print(f"{latency_ms:g} ms latency, GitHub's secondary limits (900 points a minute)")
    print(f"{'audit':<28} {'requests':>8} {'limit answers':>13} {'wall s':>8}")
    walls = {}
    for name, in_flight in (("sequential (1 in flight)", 1), ("concurrent (16 in flight)", 16)):
        # A fresh emulator each: the second run must not meet the first one's points in the limit window.
        with Emulator(shape, latency_ms / 1000, SecondaryLimits()) as emulator:
            _report, wall = run_audit(emulator.url, PacingSettings(write_delay_seconds=0, max_in_flight=in_flight))
            spent = emulator.spent()
        walls[in_flight] = wall
        print(f"{name:<28} {spent.requests:>8} {spent.limit_answers:>13} {wall:>8.1f}", flush=True)
    print(f"ratio concurrent / sequential: {walls[16] / walls[1]:.3f} (target <= 0.25)")


def part_2(latency_ms: float, compression: float) -> None:
    shape = Shape(repositories=10_000, groups=500, runners=2_000, listed=20)
    window = 60.0 / compression
    limits = SecondaryLimits(window_seconds=window)
    pacing = PacingSettings(write_delay_seconds=0, points_window_seconds=window)
    with Emulator(shape, latency_ms / 1000 / compression, limits) as emulator:
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        report, wall = run_audit(emulator.url, pacing)
        markdown, graph = render(report, "markdown"), mermaid(report)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        spent = emulator.spent()
    edges = sum(1 for line in graph.splitlines() if "-->" in line or ".->" in line)
    print(f"Part 2: {shape.repositories} repositories, {shape.groups} groups, {shape.runners} runners")
    print(f"time compressed {compression:g}x ({latency_ms:g} ms latency and a 60 s window at github.com's scale)")
    print(f"requests {spent.requests}, limit answers {spent.limit_answers}")
    print(f"wall {wall:.1f} s here, about {wall * compression:.0f} s at github.com's scale")
    print(f"peak RSS {peak / 1024:.0f} MB (after imports, before the audit: {before / 1024:.0f} MB; target 250 MB)")
    print(f"findings {len(report.findings)}; Markdown {len(markdown)} characters (< 60,000); Mermaid {edges} edges")


def part_3(latency_ms: float, compression: float) -> None:
    from github_runner_groups.audit import read_workflows

    shape = Shape(repositories=1000, groups=200, runners=400, workflow_files=2)
    window = 60.0 / compression
    pacing = PacingSettings(write_delay_seconds=0, points_window_seconds=window)
    with Emulator(shape, latency_ms / 1000 / compression, SecondaryLimits(window_seconds=window)) as emulator:
        # One client for both, as the CLI has: one pacer knows every point the run spent.
        client = GitHubClient(ClientSettings(base_url=emulator.url, token=DEMO_TOKEN, pacing=pacing))
        started = time.perf_counter()
        report = audit_org(client, ORG)
        audit_wall = time.perf_counter() - started
        audit_requests = emulator.spent().requests
        started = time.perf_counter()
        usage = read_workflows(client, report, max_requests=10_000)
        wall = time.perf_counter() - started
        spent = emulator.spent()
    print(f"Part 3: --workflows on part 1's org with {shape.workflow_files} workflow files per repository")
    print(f"time compressed {compression:g}x ({latency_ms:g} ms latency and a 60 s window at github.com's scale)")
    print(f"audit: {audit_requests} requests, {audit_wall:.1f} s here")
    print(
        f"--workflows: {usage.requests} requests ({usage.files} files, {len(usage.jobs)} jobs), {wall:.1f} s here, "
        f"about {wall * compression:.0f} s at github.com's scale; limit answers {spent.limit_answers}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--part", choices=("1", "2", "3"), help="one part only (default: 1 and 2)")
    parser.add_argument("--latency-ms", type=float, default=100.0)
    parser.add_argument("--compression", type=float, default=20.0, help="part 2's time compression")
    options = parser.parse_args()
    if options.part in (None, "1"):
        part_1(options.latency_ms)
    if options.part is None:  # part 2 in a fresh process: its peak RSS is its own
        print(flush=True)
        subprocess.run([sys.executable, __file__, "--part", "2", "--compression", str(options.compression)], check=True)
    elif options.part == "2":
        part_2(options.latency_ms, options.compression)
    elif options.part == "3":
        part_3(options.latency_ms, options.compression)


if __name__ == "__main__":
    main()
