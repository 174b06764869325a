"""The benchmark's properties, small: a spec'd stack on an emulator enforcing GitHub's secondary limits (time
compressed, as the benchmark runs them) through the paced providers. Counts and limit hits, never timings."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from github_runner_groups.testing import FakeGitHub
from harness import Engine
from scale import NAME_LISTINGS, WRITE_METHODS, Compression, inline_stack, seed

MakeEngine = Callable[..., Engine]
GROUPS = 6
COMPRESSION = Compression(20)  # a 3 s limit window, writes 50 ms apart


@pytest.fixture
def fake() -> FakeGitHub:
    """The demo org with the benchmark's repositories and runners, GitHub's secondary limits enforced."""
    made = FakeGitHub.seeded("demo", secondary_limits=COMPRESSION.limits())
    seed(made, "acme", GROUPS)
    return made


def writes(fake: FakeGitHub) -> list[str]:
    return [r.method for r in fake.requests if r.method in WRITE_METHODS]


def test_a_specd_stack_costs_one_write_per_group_each_way_with_no_limit_hit(
    engine: MakeEngine, fake: FakeGitHub
) -> None:
    stack, program = engine(COMPRESSION.pacing(), parallel=4), inline_stack("acme", GROUPS)
    stack.up(program)
    assert writes(fake) == ["POST"] * GROUPS
    assert fake.count("GET", NAME_LISTINGS) == 2  # one repository and one runner listing resolve every name
    assert fake.count("GET", r"/actions/runner-groups$") == 1
    assert fake.secondary_usage.hits == 0

    fake.reset_log()
    assert stack.up(program).summary == {"same": GROUPS}
    assert fake.count() == 0

    stack.refresh()  # records the lists' ETags (a POST answer has the group's only)
    fake.reset_log()
    assert stack.refresh().summary == {"same": GROUPS}
    assert fake.count() == fake.count(status=304) == 3 * GROUPS

    fake.reset_log()
    stack.destroy()
    assert writes(fake) == ["DELETE"] * GROUPS
    assert fake.secondary_usage.hits == 0
