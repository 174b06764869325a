"""What an org's runner groups cost to apply on GitHub: calls per operation, and a 200-group stack under GitHub's
secondary limits, time-compressed (see scale.py), through the paced providers.

Runs the providers through the engine-protocol rig (the SDK's own provider server, one process per run, 4 steps
in parallel like `pulumi up`; `up` skips the preview the CLI runs first, so its figures are the update's alone)
against the loopback emulator in a process of its own, and prints:

1. API calls per operation for one spec'd group with 2 repositories and 1 runner inline, limits off;
2. per step of the 200-group stack (as OrgRunnerGroups registers it: one RunnerGroup each, lists inline), at two
   latencies: writes, points, secondary-limit hits, wall, and the floor = max(writes x write spacing, points /
   points budget); the wall is the median of `--runs` runs;
3. the same up and destroy in two comparison rows at the same compression: the call pattern before inline lists
   (a RunnerGroup, an exclusive access and an exclusive membership per group) under the same pacer, and a
   Terraform-style transport (every request serialised, the spacing after each write).

    python benchmarks/bench_runner_groups.py [--groups 200] [--compression 10] [--runs 3] [--markdown]

Times are given at the compressed scale (seconds on this machine); x compression is what github.com would take.
Numbers only; nothing is asserted here (tests/engine/test_scale.py asserts the counts and the 0 hits).
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "provider"), str(ROOT / "tests" / "engine"), str(ROOT / "benchmarks")]

from emulator_process import EmulatorProcess, forget_requests  # noqa: E402
from github_runner_groups.testing import FakeGitHub, SecondaryLimits  # noqa: E402
from harness import Engine, Res  # noqa: E402
from scale import NAME_LISTINGS, WRITE_METHODS, Compression, inline_stack, seed, separate_stack  # noqa: E402

ORG = "bench"
TOKEN = "ghp_benchmarkToken0000000000000000000000"
WORKERS = 4
LATENCIES_MS = (50.0, 300.0)  # at github.com's scale
DOCS = ROOT / "docs" / "pacing.md"  # where `--readme` writes the report (the README links it)
README_START = "<!-- benchmark output: start -->"
README_END = "<!-- benchmark output: end -->"


@dataclass(frozen=True)
class Usage:
    """What one step sent, as the emulator counted it."""

    writes: int
    points: int
    hits: int
    not_modified: int
    full_reads: int
    name_listings: int

    @property
    def calls(self) -> int:
        return self.writes + self.not_modified + self.full_reads


class Emulator(EmulatorProcess):
    """The emulator in a process of its own: reset the request log, read what was sent since."""

    def __init__(self, groups: int, latency: float, limits: SecondaryLimits | None) -> None:
        def make() -> FakeGitHub:
            fake = FakeGitHub(tokens={TOKEN: ("admin:org", "repo")}, secondary_limits=limits)
            fake.add_org(ORG)
            seed(fake, ORG, groups)
            fake.latency_seconds = latency
            return fake

        super().__init__(make, {"reset": forget_requests, "count": _usage})

    def measured(self, step: Callable[[], Any]) -> tuple[Usage, float]:
        """Run `step`; what it sent and its wall time."""
        self.ask("reset")
        started = time.perf_counter()
        step()
        seconds = time.perf_counter() - started
        usage: Usage = self.ask("count")
        return usage, seconds


def _usage(fake: FakeGitHub, _argument: Any) -> Usage:
    not_modified = fake.count(method="GET", status=304)
    spent = fake.secondary_usage
    return Usage(
        writes=sum(fake.count(method=m) for m in WRITE_METHODS),
        points=spent.points,
        hits=spent.hits,
        not_modified=not_modified,
        full_reads=fake.count(method="GET") - not_modified,
        name_listings=fake.count(method="GET", path=NAME_LISTINGS),
    )


def new_engine(url: str, pacing: dict[str, Any], parallel: int = WORKERS) -> Engine:
    env = {key: value for key, value in os.environ.items() if not key.startswith("GITHUB_")}
    config = {"github:token": TOKEN, "github:owner": ORG, "github:baseUrl": url, **pacing}
    return Engine(
        config, secret_keys={"github:token"}, env=env, parallel=parallel, record=False, preview_before_up=False
    )


# Part 1


def per_operation(markdown: bool) -> list[str]:
    """One spec'd group with its lists inline, no latency, no limits, writes unpaced."""
    with Emulator(groups=2, latency=0.0, limits=None) as emulator:
        engine = new_engine(emulator.url, {"github:writeDelayMs": 0})
        created = inline_stack(ORG, 1)
        field_changed = inline_stack(ORG, 1)
        field_changed[0].inputs.allows_public_repositories = True
        list_changed = inline_stack(ORG, 1)
        list_changed[0].inputs.allows_public_repositories = True
        list_changed[0].inputs.runners = ["runner-0001"]
        steps: list[tuple[str, Callable[[], Any], str]] = [
            ("create", lambda: engine.up(created), "1 write"),
            ("no-op up", lambda: engine.up(created), "0 calls"),
            ("update (1 group field)", lambda: engine.up(field_changed), "1 write"),
            ("update (the runner list)", lambda: engine.up(list_changed), "1 write"),
            ("refresh, first after the writes", engine.refresh, "0 writes"),
            ("refresh, nothing changed", engine.refresh, "304s only"),
            ("destroy", engine.destroy, "1 write"),
        ]
        rows = []
        for label, step, target in steps:
            usage, _ = emulator.measured(step)
            counts = (usage.calls, usage.writes, usage.full_reads, usage.not_modified)
            rows.append((label, *map(str, counts), target))
        engine.close()
    title = "API calls per operation: 1 group, visibility selected, 2 repositories and 1 runner inline (by name)"
    return [title, "", *table(("operation", "calls", "writes", "full GETs", "304s", "target"), rows, markdown)]


# Parts 2 and 3


@dataclass(frozen=True)
class Pattern:
    """A way of applying the stack: which resources, how many steps at once, what spacing between writes."""

    label: str
    stack: Callable[[str, int], list[Res]]
    steps: tuple[str, ...]
    parallel: int = WORKERS
    # Terraform-style: the spacing follows each write's answer; with one request at a time that is a start-to-start
    # spacing of latency + spacing.
    spacing_after_write: bool = False
    hourly_limit: bool = True


INLINE = Pattern("inline lists (OrgRunnerGroups)", inline_stack, ("up", "no-op up", "refresh", "refresh 2", "destroy"))
SEPARATE = Pattern(
    "separate resources, same pacer", separate_stack, ("up", "destroy"), hourly_limit=False
)  # 600 writes an up: over GitHub's 500 writes an hour, so that limit is lifted for this row to finish
TERRAFORM = Pattern("Terraform-style transport", inline_stack, ("up", "destroy"), parallel=1, spacing_after_write=True)


@dataclass(frozen=True)
class StepResult:
    usage: Usage
    walls: tuple[float, ...]

    @property
    def wall(self) -> float:
        return statistics.median(self.walls)


def run_pattern(
    pattern: Pattern, groups: int, latency_ms: float, compression: Compression
) -> dict[str, tuple[Usage, float]]:
    """One stack through the pattern's steps on a fresh emulator; (usage, wall) by step."""
    latency = latency_ms / 1000 / compression.factor
    spacing = compression.write_spacing_seconds + (latency if pattern.spacing_after_write else 0.0)
    resources = pattern.stack(ORG, groups)
    limits = compression.limits(hourly=pattern.hourly_limit)
    measured: dict[str, tuple[Usage, float]] = {}
    with Emulator(groups, latency, limits) as emulator:
        pacing = compression.pacing(spacing, hourly=pattern.hourly_limit)
        engine = new_engine(emulator.url, pacing, pattern.parallel)
        actions: dict[str, Callable[[], Any]] = {
            "up": lambda: engine.up(resources),
            "no-op up": lambda: engine.up(resources),
            "refresh": engine.refresh,
            "refresh 2": engine.refresh,
            "destroy": engine.destroy,
        }
        for step in pattern.steps:
            measured[step] = emulator.measured(actions[step])
        engine.close()
    return measured


def measure(
    pattern: Pattern, groups: int, latency_ms: float, compression: Compression, runs: int
) -> dict[str, StepResult]:
    results = [run_pattern(pattern, groups, latency_ms, compression) for _ in range(runs)]
    return {
        step: StepResult(results[0][step][0], tuple(result[step][1] for result in results)) for step in pattern.steps
    }


def report(
    rows: Sequence[tuple[Pattern, float, dict[str, StepResult]]], compression: Compression, markdown: bool
) -> list[str]:
    header = ("pattern", "latency", "step", "writes", "points", "hits", "304s", "wall s", "floor s", "wall/floor")
    lines = []
    for pattern, latency_ms, steps in rows:
        for step, result in steps.items():
            usage = result.usage
            floor = compression.floor(usage.writes, usage.points)
            lines.append(
                (
                    pattern.label,
                    f"{latency_ms:g} ms",
                    step,
                    str(usage.writes),
                    str(usage.points),
                    str(usage.hits),
                    str(usage.not_modified),
                    f"{result.wall:.2f}",
                    f"{floor:.2f}" if floor else "-",
                    f"{result.wall / floor:.2f}" if floor else "-",
                )
            )
    return table(header, lines, markdown)


def speedups(rows: Sequence[tuple[Pattern, float, dict[str, StepResult]]]) -> list[str]:
    by_key = {(pattern.label, latency): steps for pattern, latency, steps in rows}
    lines = []
    for pattern, latency, steps in rows:
        if pattern is not INLINE:
            continue
        for other in (SEPARATE, TERRAFORM):
            theirs = by_key.get((other.label, latency), {})
            for step in ("up", "destroy") if theirs else ():
                lines.append(
                    f"- {latency:g} ms, {step}: inline lists are {theirs[step].wall / steps[step].wall:.2f}x as fast "
                    f"as the {other.label}"
                )
    return lines


def table(header: Sequence[str], rows: Sequence[Sequence[str]], markdown: bool) -> list[str]:
    """Markdown, or aligned text (the first three columns to the left, numbers to the right)."""
    if markdown:
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        return lines + ["| " + " | ".join(row) + " |" for row in rows]
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]
    return [
        "  "
        + "  ".join(
            cell.rjust(w) if i > 2 else cell.ljust(w) for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        )
        for row in (header, *rows)
    ]


def write_between(lines: Sequence[str], start_marker: str = README_START, end_marker: str = README_END) -> None:
    """Replace what lies between docs/pacing.md's two markers with `lines`."""
    before, start, rest = DOCS.read_text().partition(start_marker)
    _, end, after = rest.partition(end_marker)
    if not (start and end):
        raise SystemExit(f"{DOCS.relative_to(ROOT)} has no {start_marker} ... {end_marker} section to write into")
    DOCS.write_text(before + start + "\n" + "\n".join(lines) + "\n" + end + after)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--groups", type=int, default=200)
    parser.add_argument("--compression", type=float, default=10.0, help="time runs this many times faster")
    parser.add_argument("--runs", type=int, default=3, help="walls are the median of this many runs")
    parser.add_argument("--readme", action="store_true", help="write the report into docs/pacing.md, as Markdown")
    args = parser.parse_args()
    compression = Compression(args.compression)
    lines = [
        f"Measured {datetime.date.today().isoformat()} on {platform.machine()} with {os.cpu_count()} cores "
        f"({platform.python_implementation()} {platform.python_version()}), by `python "
        f"benchmarks/bench_runner_groups.py --groups {args.groups} --compression {args.compression:g} --runs "
        f"{args.runs}`.",
        "",
        *per_operation(args.readme),
        "",
        f"{args.groups} groups (2 repositories, 1 runner each), time compressed {args.compression:g}x: limit window "
        f"{compression.window_seconds:g} s with GitHub's budgets, writes {compression.write_spacing_seconds * 1000:g} "
        f"ms apart, latency (given at github.com's scale) divided by {args.compression:g}. Walls are medians of "
        f"{args.runs} runs, in compressed seconds (x{args.compression:g} for github.com); floor = max(writes x "
        f"write spacing, points / points budget); hits = secondary-limit answers.",
        "",
    ]
    rows = []
    for pattern in (INLINE, SEPARATE, TERRAFORM):
        for latency_ms in LATENCIES_MS:
            rows.append((pattern, latency_ms, measure(pattern, args.groups, latency_ms, compression, args.runs)))
    lines += [*report(rows, compression, args.readme), "", *speedups(rows)]
    print("\n".join(lines))
    if args.readme:
        write_between(lines)


if __name__ == "__main__":
    main()
