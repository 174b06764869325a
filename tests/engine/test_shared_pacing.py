"""Provider processes one after another on one credential share GitHub's secondary-limit budget (client/ledger.py).

A refresh followed at once by another (or an update right after its preview) is two provider processes; alone,
each would spend the whole window's points again. Time is compressed: a 2 s window of 30 points (long enough
that the next process starts inside it on a loaded machine too), on an emulator enforcing the same. Counts and
limit answers, never timings.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from github_runner_groups.testing import FakeGitHub, SecondaryLimits
from harness import Engine
from lock_holder import stopped_lock_holder
from scale import inline_stack, seed

MakeEngine = Callable[..., Engine]
GROUPS = 6  # a refresh reads each group and its two lists: 18 points; two in a row, 36 of the window's 30
POINTS, WINDOW = 30, 2.0
PACING = {
    "github:writeDelayMs": 0,
    "github-runner-groups:pointsPerMinute": POINTS,
    "github-runner-groups:pointsWindowSeconds": WINDOW,
}


@pytest.fixture
def fake() -> FakeGitHub:
    made = FakeGitHub.seeded("demo", secondary_limits=SecondaryLimits(points_per_window=POINTS, window_seconds=WINDOW))
    seed(made, "acme", GROUPS)
    return made


def test_back_to_back_refreshes_in_two_processes_stay_inside_the_window(engine: MakeEngine, fake: FakeGitHub) -> None:
    stack = engine(PACING)
    stack.up(inline_stack("acme", GROUPS))
    stack.refresh()
    stack.refresh()
    assert fake.secondary_usage.points > POINTS  # more than one window's budget was spent, yet never refused
    assert fake.secondary_usage.hits == 0


def test_processes_that_do_not_share_a_ledger_meet_the_limit(
    engine: MakeEngine, fake: FakeGitHub, tmp_path: Path
) -> None:
    """The control: the same steps with a ledger each, as every process had before, get limit answers."""
    stack = engine(PACING)
    stack.up(inline_stack("acme", GROUPS))
    for name in ("first", "second"):
        stack.config["github-runner-groups:ledgerDir"] = str(tmp_path / name)
        stack.refresh()
    assert fake.secondary_usage.hits > 0


def test_a_stopped_process_holding_the_ledger_does_not_hang_the_provider(
    engine: MakeEngine, fake: FakeGitHub, tmp_path: Path
) -> None:
    """Another process of this user took the ledger's lock and was stopped (Ctrl-Z, a debugger): the provider
    waits a bounded time for it, then paces alone, and the refresh completes."""
    ledgers = tmp_path / "ledgers"
    stack = engine({**PACING, "github-runner-groups:ledgerDir": str(ledgers)})
    stack.up(inline_stack("acme", GROUPS))
    (ledger_file,) = ledgers.glob("*.ledger")  # beside it the ownership journal and the read-ahead hints
    with stopped_lock_holder(ledger_file):
        fake.reset_log()
        result = stack.refresh()  # the rig's own timeout (60 s) would fail it, were it to hang
        assert len(result.ops) == GROUPS and "delete" not in result.ops.values()
        assert fake.count("GET") >= 3 * GROUPS
