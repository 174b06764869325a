"""One GitHub budget per token, shared by every process: several provider processes on one token against the
loopback emulator enforcing GitHub's secondary limits, time-compressed (scale.py), and the pacer's CPU.

Scenarios (each prints limit answers, the smallest gap between two writes' arrivals, wall and wall/floor):

- `two-stacks`: two stacks (two provider processes, one shared ledger) on one token each create `--stack-groups`
  groups, then destroy them, at the same time; floor = all writes x the write spacing; compressed less
  (`--stack-compression`), as the processes' start is a fixed cost.
- `after-limit`: another client on the token (outside the ledger) spends the window's whole points budget, then
  a refresh of `--groups` unchanged groups; target: within the pause (the window) + 1.25x the same refresh alone.
- `back-to-back`: a refresh right after another process's refresh (0 limit answers).
- `parallel-refresh`: a refresh of `--groups` unchanged groups at `--latency-ms` (not compressed: reads are
  latency-bound); compare with the same run on an untouched copy of the code (docs/pacing.md records both). On a
  machine that kept the stack's read-ahead hints (as any up or refresh there leaves them), and on one without
  (a fresh CI runner: the SDK's server then runs 4 Reads at a time); also the same groups owning no lists (one
  request a Read); and where the wall goes. With `--server-workers N`, the runs without hints again with the
  SDK's provider server running N Reads at once instead of 4 (a measurement only, through
  `server_workers/sitecustomize.py`: the providers cannot change the SDK's server).
- `cpu`: the share of a no-op refresh's CPU spent in the pacer and the ledger (cProfile, one thread, 304s only).

    python benchmarks/bench_budget.py [--scenario all] [--groups 200] [--compression 10] [--markdown]

Traffic goes to 127.0.0.1 only and every loop is bounded. Times are compressed seconds on a shared, loaded
2-core machine: figures vary between runs by 10-20%.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime
import math
import os
import platform
import pstats
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "provider"), str(ROOT / "tests" / "engine"), str(ROOT / "benchmarks")]

from bench_runner_groups import ORG, TOKEN, WORKERS, new_engine, table, write_between  # noqa: E402
from emulator_process import EmulatorProcess  # noqa: E402
from github_runner_groups.client import PacingSettings  # noqa: E402
from github_runner_groups.component import runner_group_args  # noqa: E402
from github_runner_groups.resources._read_ahead import HINTS_SUFFIX  # noqa: E402
from github_runner_groups.resources.runner_group import RunnerGroupProvider  # noqa: E402
from github_runner_groups.spec import GroupSpec  # noqa: E402
from github_runner_groups.testing import FakeGitHub, SecondaryLimits  # noqa: E402
from harness import Engine, Res  # noqa: E402
from scale import WRITE_METHODS, Compression, group_spec, registered, seed  # noqa: E402

SCENARIOS = ("two-stacks", "after-limit", "back-to-back", "parallel-refresh", "cpu")
DOCS_START = "<!-- budget benchmark output: start -->"
DOCS_END = "<!-- budget benchmark output: end -->"


@dataclass(frozen=True)
class Traffic:
    """What the emulator saw during one step."""

    writes: int
    points: int
    hits: int
    write_arrivals: tuple[float, ...]
    arrivals: tuple[float, ...]  # every request's (time.monotonic: one clock for both processes)

    @property
    def write_span(self) -> float | None:
        """From the first write's arrival to the last's: the wall without the processes' start and the reads."""
        return max(self.write_arrivals) - min(self.write_arrivals) if len(self.write_arrivals) > 1 else None

    @property
    def smallest_gap(self) -> float | None:
        gaps = [later - earlier for earlier, later in pairwise(sorted(self.write_arrivals))]
        return min(gaps) if gaps else None


class Emulator(EmulatorProcess):
    """The emulator in a process of its own; commands: reset, count, latency, spend."""

    def __init__(self, groups: int, limits: SecondaryLimits | None) -> None:
        arrivals: list[float] = []  # every request's time.monotonic (one clock for both processes)
        writes: list[float] = []

        def make() -> FakeGitHub:
            fake = FakeGitHub(tokens={TOKEN: ("admin:org", "repo")}, secondary_limits=limits)
            fake.add_org(ORG)
            seed(fake, ORG, groups)
            handle = fake.handle

            def timed(method: str, *args: Any, **kwargs: Any) -> Any:
                arrivals.append(time.monotonic())
                if method.upper() in WRITE_METHODS:
                    writes.append(arrivals[-1])
                return handle(method, *args, **kwargs)

            fake.handle = timed  # type: ignore[method-assign]
            return fake

        def reset(fake: FakeGitHub, _argument: Any) -> None:
            fake.reset_log()
            arrivals.clear()
            writes.clear()

        def latency(fake: FakeGitHub, seconds: float) -> None:
            fake.latency_seconds = seconds

        def count(fake: FakeGitHub, _argument: Any) -> Traffic:
            usage = fake.secondary_usage
            written = sum(fake.count(method=m) for m in WRITE_METHODS)
            return Traffic(written, usage.points, usage.hits, tuple(writes), tuple(arrivals))

        super().__init__(make, {"reset": reset, "latency": latency, "spend": _spend, "count": count})

    def measured(self, step: Callable[[], Any]) -> tuple[Traffic, float]:
        self.ask("reset")
        started = time.perf_counter()
        step()
        wall = time.perf_counter() - started
        traffic: Traffic = self.ask("count")
        return traffic, wall


def _spend(fake: FakeGitHub, points: int) -> int:
    """Another client on the token, outside the ledger, spends `points` points."""
    spender = fake._gateway.secondary
    with fake.lock:
        return sum(spender.admit(TOKEN, "GET", time.time(), 0.0) is None for _ in range(points))


def stack(first: int, groups: int, spec: Callable[[int], GroupSpec] = group_spec, name: str = "bench/dev") -> list[Res]:
    """Groups `first` .. `first + groups - 1`, each with its lists inline, as OrgRunnerGroups registers them in
    the stack `name`."""
    return [
        Res(f"group-{index}", registered(RunnerGroupProvider(), name), runner_group_args(ORG, spec(index)))
        for index in range(first, first + groups)
    ]


def engine_for(url: str, compression: Compression, ledger_dir: str, **extra: Any) -> Engine:
    return new_engine(url, {**compression.pacing(), "github-runner-groups:ledgerDir": ledger_dir, **extra})


def made(
    url: str, compression: Compression, ledgers: str, groups: int, spec: Callable[[int], GroupSpec] = group_spec
) -> Engine:
    """An engine whose stack of `groups` groups was made with writes unspaced (setup, not measured)."""
    engine = engine_for(url, compression, ledgers, **{"github:writeDelayMs": 0})
    engine.up(stack(0, groups, spec))
    engine.config["github:writeDelayMs"] = compression.pacing()["github:writeDelayMs"]
    return engine


Row = tuple[str, str, Traffic, float, float | None]  # scenario, step, traffic, wall, floor


def two_stacks(args: argparse.Namespace, ledgers: str) -> list[Row]:
    """At `--stack-compression` (2: writes 0.5 s apart), so that the processes' start, a fixed second or two on
    this machine, does not weigh ten times what it would on github.com."""
    compression = Compression(args.stack_compression)
    per_stack = args.stack_groups
    latency = args.latency_ms / 1000 / compression.factor
    rows: list[Row] = []
    with Emulator(2 * per_stack, compression.limits()) as emulator:
        emulator.ask("latency", latency)
        engines = [engine_for(emulator.url, compression, ledgers) for _ in range(2)]
        stacks = [stack(0, per_stack, name="bench/a"), stack(per_stack, per_stack, name="bench/b")]
        for step in ("up", "destroy"):

            def both(step: str = step) -> None:
                errors: list[BaseException] = []

                def run(engine: Engine, resources: list[Res]) -> None:
                    try:
                        engine.up(resources) if step == "up" else engine.destroy()
                    except BaseException as exc:  # reported below, after both finished
                        errors.append(exc)

                threads = [threading.Thread(target=run, args=pair) for pair in zip(engines, stacks, strict=True)]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join(timeout=600)
                if errors:
                    raise errors[0]

            traffic, wall = emulator.measured(both)
            floor = traffic.writes * compression.write_spacing_seconds
            rows.append((f"two stacks, one token ({args.stack_compression:g}x)", step, traffic, wall, floor))
        for engine in engines:
            engine.close()
    return rows


def refreshes(args: argparse.Namespace, compression: Compression, ledgers: str) -> list[Row]:
    """`after-limit` and `back-to-back`, on one stack made once."""
    latency = args.latency_ms / 1000 / compression.factor
    rows: list[Row] = []
    with Emulator(args.groups, compression.limits()) as emulator:
        engine = made(emulator.url, compression, ledgers, args.groups)
        emulator.ask("latency", latency)
        time.sleep(compression.window_seconds)
        engine.refresh()  # ETags in state: every later refresh is 304s
        time.sleep(compression.window_seconds)
        normal, normal_wall = emulator.measured(engine.refresh)
        rows.append(("refresh alone", "refresh", normal, normal_wall, None))
        if "back-to-back" in args.scenarios:
            traffic, wall = emulator.measured(engine.refresh)
            rows.append(("right after another process's refresh", "refresh", traffic, wall, None))
        if "after-limit" in args.scenarios:
            time.sleep(compression.window_seconds)
            budget = compression.limits().points_per_window
            emulator.ask("reset")
            emulator.ask("spend", budget)
            started = time.perf_counter()
            engine.refresh()
            wall = time.perf_counter() - started
            traffic = emulator.ask("count")
            target = compression.window_seconds + 1.25 * normal_wall
            rows.append((f"after another client spent {budget} points", "refresh", traffic, wall, target))
        engine.close()
    return rows


def bare_group(index: int) -> GroupSpec:
    """Group `index` owning no lists: its Read is one request, the least an org-level listing could leave."""
    return GroupSpec(name=f"group-{index:04d}", visibility="all")


def parallel_refresh(args: argparse.Namespace, compression: Compression, ledgers: str) -> tuple[list[Row], list[str]]:
    """A refresh of unchanged groups with the latency not compressed: latency-bound, as on github.com. Run for
    groups owning their lists (3 requests a Read) and owning none (1 request a Read), on a machine that kept the
    stack's read-ahead hints (as after any up or refresh there) and on one that did not (a fresh CI runner); each
    with where its wall went."""
    latency = args.latency_ms / 1000
    rows: list[Row] = []
    notes: list[str] = []
    variants = [(group_spec, WORKERS, True), (group_spec, WORKERS, False), (bare_group, WORKERS, True)]
    variants += [(spec, args.server_workers, False) for spec in (group_spec, bare_group) if args.server_workers]
    for spec, workers, hinted in variants:
        with Emulator(args.groups, compression.limits()) as emulator, tempfile.TemporaryDirectory() as own_ledgers:
            engine = made(emulator.url, compression, own_ledgers, args.groups, spec)
            if workers != WORKERS:
                engine.env.update(
                    PYTHONPATH=str(ROOT / "benchmarks" / "server_workers"), BENCH_SERVER_WORKERS=str(workers)
                )
                engine.parallel = workers
            engine.refresh()
            if not hinted:
                for hints in Path(own_ledgers).glob(f"*{HINTS_SUFFIX}"):
                    hints.unlink()
            emulator.ask("latency", latency)
            time.sleep(compression.window_seconds)
            emulator.ask("reset")
            began = time.monotonic()
            engine.refresh()
            wall = time.monotonic() - began
            traffic: Traffic = emulator.ask("count")
            engine.close()
        scenario = f"refresh, {args.latency_ms:g} ms latency (not compressed)"
        scenario += ", groups owning no lists (1 request a Read)" if spec is bare_group else ""
        scenario += "" if hinted else ", no read-ahead hints (a fresh machine)"
        scenario += f", provider server running {workers} Reads at once" if workers != WORKERS else ""
        rows.append((scenario, "refresh", traffic, wall, None))
        notes.append(f"{scenario}: {where_the_wall_went(traffic, began, wall, latency)}")
    return rows, notes


def where_the_wall_went(traffic: Traffic, began: float, wall: float, latency: float) -> str:
    """The process's start (to the first request), the first request alone (after a start one goes alone until
    answered), then the rest: at most `maxInFlight` requests at once, and without read-ahead at most the server's
    4 Reads at a time (their requests sent together)."""
    arrivals = sorted(traffic.arrivals)
    first, second, rest = arrivals[0] - began, arrivals[1] - arrivals[0], arrivals[-1] - arrivals[1]
    cap = PacingSettings().max_in_flight
    return (
        f"first request {first:.2f} s after the refresh began (process start, Configure, the provider's imports), "
        f"alone for {second:.2f} s, then {len(arrivals) - 1} requests in {rest:.2f} s, "
        f"{(len(arrivals) - 1) * latency / (rest + latency):.1f} at a time on average (at most {cap} in flight; "
        f"latency {latency:g} s), {wall - (arrivals[-1] - began):.2f} s after the last request; at {cap} in flight "
        f"the requests alone need at least {math.ceil(len(arrivals) / cap) * latency:.2f} s"
    )


def pacer_cpu(args: argparse.Namespace, ledgers: str) -> str:
    """cProfile of a no-op refresh's reads in this process (one thread, 304s only): the pacer's and ledger's share."""
    from github_runner_groups.client import ClientSettings, GitHubClient

    with Emulator(args.groups, None) as emulator:
        settings = ClientSettings(
            base_url=emulator.url, token=TOKEN, pacing=PacingSettings(write_delay_seconds=0, ledger_directory=ledgers)
        )
        client = GitHubClient(settings)
        paths = [f"/orgs/{ORG}/actions/runner-groups?per_page=100"] + [
            f"/orgs/{ORG}/actions/runners?per_page=100&page={page}" for page in range(1, 3)
        ]
        etags = {path: client.get_if_changed(path, action="warming", etag=None).etag for path in paths}
        profile = cProfile.Profile(time.process_time)  # CPU time, not wall: waits on the network do not count
        calls = 3 * args.groups
        profile.enable()
        for index in range(calls):
            path = paths[index % len(paths)]
            client.get_if_changed(path, action="refreshing", etag=etags[path])
        profile.disable()
        client.close()
    stats = pstats.Stats(profile)
    total = sum(row[2] for row in stats.stats.values())  # type: ignore[attr-defined]
    own = sum(
        row[2]
        for (filename, _, _), row in stats.stats.items()  # type: ignore[attr-defined]
        if filename.endswith(("client/pacer.py", "client/ledger.py"))
    )
    timers = sum(
        row[3]
        for (filename, _, name), row in stats.stats.items()  # type: ignore[attr-defined]
        if filename.endswith("threading.py") and name in ("start", "cancel")
    )
    return (
        f"pacer + ledger: {100 * own / total:.1f}% of the CPU of {calls} conditional GETs (304s) in one thread; "
        f"threads started and stopped per request: {100 * timers / total:.1f}%; target < 5%"
    )


def report(rows: Sequence[Row], markdown: bool) -> list[str]:
    header = (
        "scenario",
        "step",
        "writes",
        "points",
        "limit answers",
        "smallest write gap s",
        "first to last write s",
        "wall s",
        "floor s",
        "wall/floor",
    )
    lines = []
    for scenario, step, traffic, wall, floor in rows:
        gap = traffic.smallest_gap
        lines.append(
            (
                scenario,
                step,
                str(traffic.writes),
                str(traffic.points),
                str(traffic.hits),
                f"{gap:.3f}" if gap is not None else "-",
                f"{traffic.write_span:.2f}" if traffic.write_span is not None else "-",
                f"{wall:.2f}",
                f"{floor:.2f}" if floor else "-",
                f"{wall / floor:.2f}" if floor else "-",
            )
        )
    return table(header, lines, markdown)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--scenario", action="append", choices=(*SCENARIOS, "all"), dest="chosen")
    parser.add_argument("--groups", type=int, default=200)
    parser.add_argument("--stack-groups", type=int, default=20)
    parser.add_argument("--stack-compression", type=float, default=2.0, help="the two-stacks scenario's compression")
    parser.add_argument("--compression", type=float, default=10.0, help="time runs this many times faster")
    parser.add_argument("--latency-ms", type=float, default=100.0, help="at github.com's scale")
    parser.add_argument(
        "--server-workers", type=int, default=0, help="parallel-refresh also with the provider server running N Reads"
    )
    parser.add_argument("--markdown", action="store_true")
    parser.add_argument("--docs", action="store_true", help="write the report into docs/pacing.md, as Markdown")
    args = parser.parse_args()
    args.scenarios = SCENARIOS if not args.chosen or "all" in args.chosen else tuple(args.chosen)
    compression = Compression(args.compression)
    rows: list[Row] = []
    notes: list[str] = []
    with tempfile.TemporaryDirectory(prefix="bench-ledgers-") as ledgers:
        os.chmod(ledgers, 0o700)
        if "two-stacks" in args.scenarios:
            rows += two_stacks(args, ledgers)
        if {"after-limit", "back-to-back"} & set(args.scenarios):
            rows += refreshes(args, compression, ledgers)
        if "parallel-refresh" in args.scenarios:
            refreshed, said = parallel_refresh(args, compression, ledgers)
            rows += refreshed
            notes += said
        if "cpu" in args.scenarios:
            notes.append(pacer_cpu(args, ledgers))
    lines = [
        f"Measured {datetime.date.today().isoformat()} on {platform.machine()} with {os.cpu_count()} cores, by "
        f"`python benchmarks/bench_budget.py {' '.join(sys.argv[1:])}`: time compressed {args.compression:g}x (window "
        f"{compression.window_seconds:g} s, writes {compression.write_spacing_seconds * 1000:g} ms apart, latency "
        f"{args.latency_ms:g} ms / {args.compression:g} unless said); walls in compressed seconds on a shared, loaded "
        "machine.",
        "",
        *report(rows, args.markdown or args.docs),
        "",
        *notes,
    ]
    print("\n".join(lines))
    if args.docs:
        write_between(lines, DOCS_START, DOCS_END)


if __name__ == "__main__":
    main()
