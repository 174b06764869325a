"""How many GitHub API calls each operation costs, and how long 200 groups take, against the emulator.

Runs the providers through the engine-protocol rig (tests/engine/rig: the SDK's own provider server, one process
per run, 4 steps in parallel like `pulumi up`; `up` skips the preview the CLI runs first, so its figures are the
update's alone) against the loopback emulator, and prints:

1. API calls per operation for one RunnerGroup with repository access and membership (create, no-op up, update,
   refresh of unchanged resources, destroy), next to the targets in the README;
2. wall time of up / refresh / destroy of N groups (default 200), each with repository access and membership,
   with an injected latency per request (default 50 ms), next to the ideal: calls x latency / 4 workers.

    python benchmarks/bench_runner_groups.py [--groups 200] [--latency-ms 50] [--repos 250]

Numbers only; nothing is asserted here (the tests assert behaviour; this measures it).
"""

from __future__ import annotations

import argparse
import math
import multiprocessing
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
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


class Emulator:
    """The emulator in a process of its own, so its threads do not compete with the harness's for one GIL.

    Commands over a pipe: reset the request log, read the counts of the calls made since.
    """

    def __init__(self, repos: int, runners: int, latency: float) -> None:
        self._pipe, child = multiprocessing.Pipe()
        self._process = multiprocessing.get_context("fork").Process(
            target=_serve, args=(child, repos, runners, latency), daemon=True
        )
        self._process.start()
        self.url: str = self._pipe.recv()

    def counted(self, step: Callable[[], Any]) -> tuple[Calls, float]:
        """Run `step` and return the API calls it made and its wall time."""
        self._pipe.send("reset")
        self._pipe.recv()
        started = time.perf_counter()
        step()
        seconds = time.perf_counter() - started
        self._pipe.send("count")
        calls: Calls = self._pipe.recv()
        return calls, seconds

    def close(self) -> None:
        self._pipe.send("stop")
        self._process.join(timeout=5)

    def __enter__(self) -> Emulator:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def _serve(pipe: Connection, repos: int, runners: int, latency: float) -> None:
    fake = FakeGitHub(tokens={TOKEN: ("admin:org", "repo")})
    fake.add_org(ORG)
    for index in range(repos):
        fake.add_repo(ORG, f"repo-{index:04d}")
    for index in range(runners):
        fake.add_runner(ORG, f"runner-{index:04d}")
    fake.latency_seconds = latency
    with serve(fake) as server:
        pipe.send(server.url)
        while (command := pipe.recv()) != "stop":
            if command == "reset":
                fake.reset_log()
                pipe.send(None)
            else:
                writes = sum(fake.count(method=m) for m in WRITE_METHODS)
                not_modified = fake.count(method="GET", status=304)
                full_reads = fake.count(method="GET") - not_modified
                listings = fake.count(method="GET", path=r"/orgs/[^/]+/(repos|actions/runners)$")
                pipe.send(Calls(writes, full_reads, not_modified, listings))


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
    config = {"github:token": TOKEN, "github:owner": ORG, "github:baseUrl": url, "github:writeDelayMs": 0}
    # `up` without the preview the CLI runs first: the figures are those of the update alone.
    return Engine(
        config, secret_keys={"github:token"}, env=env, parallel=WORKERS, record=False, preview_before_up=False
    )


def per_operation() -> None:
    """Part 1: one group with access and membership, no latency."""
    with Emulator(repos=10, runners=4, latency=0.0) as emulator, new_engine(emulator.url) as engine:
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
            calls, _ = emulator.counted(step)
            print(f"  {label:40} {calls.total:>5}  {calls.show():45} {target}")


STEPS = ("up", "no-op up", "refresh", "refresh 2", "destroy")


def run_steps(groups: int, latency: float, repos: int) -> tuple[list[tuple[Calls, float]], list[float]]:
    """One stack through STEPS against an emulator answering after `latency` seconds."""
    resources = program(groups)
    with Emulator(max(repos, 2 * groups), groups, latency) as emulator, new_engine(emulator.url) as engine:
        steps = {
            "up": lambda: engine.up(resources),
            "no-op up": lambda: engine.up(resources),
            "refresh": engine.refresh,
            "refresh 2": engine.refresh,
            "destroy": engine.destroy,
        }
        measured = [emulator.counted(steps[label]) for label in STEPS]
        return measured, engine.startup_seconds


def at_scale(groups: int, latency: float, repos: int) -> None:
    """Part 2: `groups` groups with access and membership, `latency` seconds per request.

    The same steps also run with no latency: that wall time is the CPU the provider server, the harness and the
    emulator (three Python processes on this machine's cores) spend, which a remote GitHub would not add. The
    `net ratio` takes it out, leaving how well the run overlaps GitHub's latency.
    """
    listing_target = math.ceil(max(repos, 2 * groups) / 100) + math.ceil(groups / 100)
    baseline, _ = run_steps(groups, 0.0, repos)
    measured, startups = run_steps(groups, latency, repos)
    print(f"\n{groups} groups, each with access (2 repositories) and membership (1 runner), {latency * 1000:g} ms per")
    print(f"request, {WORKERS} parallel steps; ideal = calls x latency / {WORKERS}. Name resolution: at most")
    print(f"{listing_target} listing calls per run (ceil(N/100) per org and kind). 'cpu s' is the same step at 0 ms.")
    header = f"  {'step':9} {'wall s':>7} {'ideal s':>8} {'ratio':>6} {'cpu s':>6} {'net ratio':>9} {'calls':>6}"
    print(f"{header} {'listings':>8}  detail")
    for label, (calls, seconds), (_, cpu) in zip(STEPS, measured, baseline, strict=True):
        ideal = calls.total * latency / WORKERS
        ratio = f"{seconds / ideal:6.2f}" if ideal else "     -"
        net = f"{(seconds - cpu) / ideal:9.2f}" if ideal else "        -"
        print(
            f"  {label:9} {seconds:7.2f} {ideal:8.2f} {ratio} {cpu:6.2f} {net} {calls.total:6} {calls.listings:8}"
            f"  {calls.show()}"
        )
    print(f"  provider server start-up per run (s): {[round(s, 2) for s in startups]}")


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
