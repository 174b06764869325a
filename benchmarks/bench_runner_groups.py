"""How many GitHub API calls each operation costs, and how long 200 groups take, against the emulator.

Runs the providers through the engine-protocol harness (tests/engine/harness.py: the SDK's own provider server,
one process per run, 4 steps in parallel like `pulumi up`) against the loopback emulator, and prints:

1. API calls per operation for one RunnerGroup with repository access and membership (create, no-op up, update,
   refresh of unchanged resources, destroy), next to the targets of issue #6;
2. wall time of up / refresh / destroy of N groups (default 200), each with repository access and membership,
   with an injected latency per request (default 50 ms), next to the ideal: calls x latency / 4 workers.

    python benchmarks/bench_runner_groups.py [--groups 200] [--latency-ms 50] [--repos 250]

Numbers only; nothing is asserted here (the tests assert behaviour; this measures it).
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "provider"), str(ROOT / "tests" / "engine")]

from github_runner_groups.resources.membership import RunnerGroupMembershipProvider  # noqa: E402
from github_runner_groups.resources.repository_access import RunnerGroupRepositoryAccessProvider  # noqa: E402
from github_runner_groups.resources.runner_group import RunnerGroupProvider  # noqa: E402
from github_runner_groups.testing import FakeGitHub, serve  # noqa: E402
from harness import Engine, Ref, Res  # noqa: E402

ORG = "bench"
TOKEN = "ghp_benchmarkToken0000000000000000000000"
WORKERS = 4
WRITE_METHODS = ("POST", "PATCH", "PUT", "DELETE")


@dataclass
class Calls:
    """API requests of one step, split the way the targets are stated."""

    writes: int
    full_reads: int
    not_modified: int
    listings: int

    @property
    def total(self) -> int:
        return self.writes + self.full_reads + self.not_modified

    def show(self) -> str:
        return f"{self.writes} writes, {self.full_reads} full GETs, {self.not_modified} 304s"


def counted(fake: FakeGitHub, step: Callable[[], Any]) -> tuple[Calls, float]:
    """Run `step` and return the API calls it made and its wall time."""
    fake.reset_log()
    started = time.perf_counter()
    step()
    seconds = time.perf_counter() - started
    writes = sum(fake.count(method=m) for m in WRITE_METHODS)
    not_modified = fake.count(method="GET", status=304)
    full_reads = fake.count(method="GET") - not_modified
    listings = fake.count(method="GET", path=r"/orgs/[^/]+/(repos|actions/runners)$")
    return Calls(writes, full_reads, not_modified, listings), seconds


def new_fake(repos: int, runners: int) -> FakeGitHub:
    fake = FakeGitHub(tokens={TOKEN: ("admin:org", "repo")})
    fake.add_org(ORG)
    for index in range(repos):
        fake.add_repo(ORG, f"repo-{index:04d}")
    for index in range(runners):
        fake.add_runner(ORG, f"runner-{index:04d}")
    return fake


def program(groups: int, visibility: str = "selected") -> list[Res]:
    """Per group: a RunnerGroup, access for two repositories (by name) and membership of one runner (by name)."""
    resources: list[Res] = []
    for index in range(groups):
        group = Res(f"group-{index}", RunnerGroupProvider(), {"name": f"group-{index:04d}", "visibility": visibility})
        resources += [
            group,
            Res(
                f"access-{index}",
                RunnerGroupRepositoryAccessProvider(),
                {"runner_group_id": Ref(group), "repositories": [f"repo-{2 * index:04d}", f"repo-{2 * index + 1:04d}"]},
            ),
            Res(
                f"members-{index}",
                RunnerGroupMembershipProvider(),
                {"runner_group_id": Ref(group), "runners": [f"runner-{index:04d}"]},
            ),
        ]
    return resources


def new_engine(url: str) -> Engine:
    env = {key: value for key, value in os.environ.items() if not key.startswith("GITHUB_")}
    config = {"github:token": TOKEN, "github:owner": ORG, "github:baseUrl": url}
    return Engine(config, secret_keys={"github:token"}, env=env, parallel=WORKERS)


def per_operation() -> None:
    """Part 1: one group with access and membership, no latency."""
    fake = new_fake(repos=10, runners=4)
    with serve(fake) as server, new_engine(server.url) as engine:
        created = program(1)
        changed = program(1, visibility="selected")
        changed[0].inputs["allows_public_repositories"] = True
        rows = [
            ("create (group + access + membership)", lambda: engine.up(created), "3 writes (1 per resource)"),
            ("no-op up", lambda: engine.up(created), "0 writes"),
            ("update (1 group field)", lambda: engine.up(changed), "1 write"),
            ("refresh, first after the writes", engine.refresh, "0 writes (PUTs return no ETag: 1 GET each)"),
            ("refresh, nothing changed", engine.refresh, "0 writes, 0 full GETs (304s only)"),
            ("destroy", engine.destroy, "3 writes (1 per resource)"),
        ]
        print("API calls per operation (1 group with 2 repositories and 1 runner):")
        print(f"  {'operation':40} {'calls':>5}  {'detail':45} target")
        for label, step, target in rows:
            calls, _ = counted(fake, step)
            print(f"  {label:40} {calls.total:>5}  {calls.show():45} {target}")


def at_scale(groups: int, latency: float, repos: int) -> None:
    """Part 2: `groups` groups with access and membership, `latency` seconds per request."""
    fake = new_fake(repos=max(repos, 2 * groups), runners=groups)
    fake.latency_seconds = latency
    resources = program(groups)
    listing_target = math.ceil(max(repos, 2 * groups) / 100) + math.ceil(groups / 100)
    print(f"\n{groups} groups, each with access (2 repositories) and membership (1 runner), {latency * 1000:g} ms per")
    print(f"request, {WORKERS} parallel steps; ideal = calls x latency / {WORKERS}. Name-resolution target: <= ")
    print(f"{listing_target} listing calls per run (ceil(N/100) per org and kind).")
    print(f"  {'step':9} {'wall s':>7} {'ideal s':>8} {'ratio':>6} {'calls':>6} {'listings':>8}  detail")
    with serve(fake) as server, new_engine(server.url) as engine:
        for label, step in (
            ("up", lambda: engine.up(resources)),
            ("no-op up", lambda: engine.up(resources)),
            ("refresh", engine.refresh),
            ("refresh 2", engine.refresh),
            ("destroy", engine.destroy),
        ):
            calls, seconds = counted(fake, step)
            ideal = calls.total * latency / WORKERS
            ratio = f"{seconds / ideal:6.2f}" if ideal else "     -"
            print(f"  {label:9} {seconds:7.2f} {ideal:8.2f} {ratio} {calls.total:6} {calls.listings:8}  {calls.show()}")
        print(f"  provider server start-up per run (s): {[round(s, 2) for s in engine.startup_seconds]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--groups", type=int, default=200)
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--repos", type=int, default=450, help="repositories in the org (listing pages = N/100)")
    args = parser.parse_args()
    per_operation()
    at_scale(args.groups, args.latency_ms / 1000, args.repos)


if __name__ == "__main__":
    main()
