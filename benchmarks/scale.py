"""The benchmark's stack and GitHub's secondary limits with time compressed: shared by the benchmark and by its
small variant in the test suite (tests/engine/test_scale.py), which keeps the counts and the 0 limit hits.

Compressing time by a factor k divides every duration by k and keeps every count: the emulator's limit window
is 60/k s (its "hour" 60 windows) with GitHub's budgets unchanged (900 points, 80 writes, 500 writes an hour),
the pacer spaces writes 1000/k ms apart and counts its 900 points over the same compressed window. A run then
takes 1/k of the time it would take on github.com, with the same number of requests per window. Latency is
given at github.com's scale and divided by k too. The settings take whole milliseconds and seconds, so k divides
both 1000 and 60 (10 or 20, say).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from github_runner_groups.component import runner_group_args
from github_runner_groups.resources._common import GitHubProvider
from github_runner_groups.resources.membership import RunnerGroupMembershipProvider
from github_runner_groups.resources.repository_access import RunnerGroupRepositoryAccessProvider
from github_runner_groups.resources.runner_group import RunnerGroupProvider
from github_runner_groups.spec import GroupSpec
from github_runner_groups.testing import FakeGitHub, SecondaryLimits
from harness import Ref, Res

P = TypeVar("P", bound=GitHubProvider)
GITHUB = SecondaryLimits()  # GitHub's documented budgets per real minute and hour
WRITE_METHODS = ("POST", "PATCH", "PUT", "DELETE")
NAME_LISTINGS = r"/orgs/[^/]+/(repos|actions/runners)$"


def seed(fake: FakeGitHub, org: str, groups: int) -> None:
    """Two repositories and one runner per group, named as `group_spec` lists them."""
    for index in range(2 * groups):
        fake.add_repo(org, f"repo-{index:04d}")
    for index in range(groups):
        fake.add_runner(org, f"runner-{index:04d}")


def group_spec(index: int) -> GroupSpec:
    """Group `index`: visibility selected, two repositories and one runner, all by name."""
    return GroupSpec(
        name=f"group-{index:04d}",
        visibility="selected",
        repositories=(f"repo-{2 * index:04d}", f"repo-{2 * index + 1:04d}"),
        runners=(f"runner-{index:04d}",),
    )


def registered(provider: P, stack: str = "bench/dev") -> P:
    """The provider as a Resource class registers it, naming the program's `project/stack`
    (`_common.of_this_stack`): the ownership journal and the refresh read-ahead key what a stack holds by it."""
    provider.stack = stack
    return provider


def inline_stack(org: str, groups: int) -> list[Res]:
    """What OrgRunnerGroups registers for a spec of `groups` exclusive groups: one RunnerGroup each, lists inline."""
    return [
        Res(f"group-{index}", registered(RunnerGroupProvider()), runner_group_args(org, group_spec(index)))
        for index in range(groups)
    ]


def separate_stack(org: str, groups: int) -> list[Res]:
    """The same groups the way they were made before inline lists: a RunnerGroup, an exclusive access and an
    exclusive membership each (3 writes per group to create, 3 to destroy)."""
    resources: list[Res] = []
    for index in range(groups):
        spec = group_spec(index)
        group = Res(
            f"group-{index}",
            registered(RunnerGroupProvider()),
            {"name": spec.name, "visibility": "selected", "org": org},
        )
        resources += [
            group,
            Res(
                f"access-{index}",
                registered(RunnerGroupRepositoryAccessProvider()),
                {"runner_group_id": Ref(group), "repositories": list(spec.repositories or ()), "org": org},
            ),
            Res(
                f"members-{index}",
                registered(RunnerGroupMembershipProvider()),
                {"runner_group_id": Ref(group), "runners": list(spec.runners or ()), "org": org},
            ),
        ]
    return resources


@dataclass(frozen=True)
class Compression:
    """Time `factor` times faster than github.com, every count kept."""

    factor: float

    @property
    def window_seconds(self) -> float:
        return GITHUB.window_seconds / self.factor

    @property
    def write_spacing_seconds(self) -> float:
        """GitHub's guidance (and pulumi-github's default): 1 s between writes."""
        return 1.0 / self.factor

    def limits(self, *, hourly: bool = True) -> SecondaryLimits:
        """GitHub's budgets in a compressed window; `hourly=False` lifts the 500 writes an hour."""
        return SecondaryLimits(
            window_seconds=self.window_seconds, writes_per_hour=GITHUB.writes_per_hour if hourly else 10**9
        )

    def pacing(self, write_spacing_seconds: float | None = None, *, hourly: bool = True) -> dict[str, Any]:
        """The stack config that paces the providers for this compression; `hourly=False` as for `limits`."""
        spacing = self.write_spacing_seconds if write_spacing_seconds is None else write_spacing_seconds
        return {
            "github:writeDelayMs": round(spacing * 1000, 3),
            "github-runner-groups:pointsPerMinute": GITHUB.points_per_window,
            "github-runner-groups:pointsWindowSeconds": self.window_seconds,
            "github-runner-groups:writesPerHour": GITHUB.writes_per_hour if hourly else 1_000_000,
        }

    def floor(self, writes: int, points: int) -> float:
        """The least time GitHub's guidance allows: writes one spacing apart, points within the budget."""
        return max(writes * self.write_spacing_seconds, points / GITHUB.points_per_window * self.window_seconds)
