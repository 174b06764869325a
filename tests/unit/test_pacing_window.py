"""The pacer's points window, shortened only to compress time (the benchmark): the budget leaves with it."""

from __future__ import annotations

import pytest
from github_runner_groups.client import PacingSettings
from github_runner_groups.client.pacer import Pacer
from github_runner_groups.errors import ConfigError
from github_runner_groups.settings import resolve_settings


def test_a_compressed_window_frees_the_budget_as_soon_as_it_passes() -> None:
    paced = Pacer(PacingSettings(write_delay_seconds=0, points_per_minute=10, points_window_seconds=6), lambda: 0.0)
    for _ in range(10):
        assert paced.reserve(False, now=0.0) == 0
        paced.release(write=False)
    assert paced.reserve(False, now=1.0) == pytest.approx(5.0)  # the first reads leave at 6 s, not 60
    assert paced.reserve(False, now=6.0) == 0


def test_the_window_is_a_setting_with_a_checked_range() -> None:
    settings = resolve_settings(None, {"GITHUB_TOKEN": "t", "GITHUB_RUNNER_GROUPS_POINTS_WINDOW_SECONDS": "6"})
    assert settings.client.pacing.points_window_seconds == 6
    assert resolve_settings(None, {"GITHUB_TOKEN": "t"}).client.pacing.points_window_seconds == 60
    bad = resolve_settings(None, {"GITHUB_TOKEN": "ghp_" + "a" * 36, "GITHUB_RUNNER_GROUPS_POINTS_WINDOW_SECONDS": "0"})
    with pytest.raises(ConfigError, match="POINTS_WINDOW_SECONDS is 0: give a number of seconds above 0"):
        bad.client.validate()


def test_points_leave_one_window_after_the_answer_not_the_start() -> None:
    """GitHub counts a request's points from its arrival, later than its start here: reads started at 0 s and
    answered at 2 s still count at 61 s, and a read that runs keeps its points however long it takes."""
    clock = [0.0]
    paced = Pacer(PacingSettings(write_delay_seconds=0, points_per_minute=10), lambda: clock[0])
    paced._probing = False  # past its first answer
    for _ in range(10):
        assert paced.reserve(False, now=0.0) == 0
    assert paced.reserve(False, now=100.0) == pytest.approx(60.0)  # still running: not one point has left
    clock[0] = 2.0
    for _ in range(10):
        paced.release(write=False)
    assert paced.reserve(False, now=61.0) == pytest.approx(1.0)  # counted from the answers at 2 s
    assert paced.reserve(False, now=62.0) == 0
