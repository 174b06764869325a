"""The emulator's secondary rate limits: each of GitHub's documented limits, its 403 and retry-after, and that a
refused request changes nothing. Driven in-process with a clock the test moves, so no test sleeps.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import pytest
from github_runner_groups.testing import DEMO_TOKEN, FakeGitHub, FakeResponse, SecondaryLimits, SecondaryUsage

AUTH = {"Authorization": f"Bearer {DEMO_TOKEN}"}
GROUPS = "/orgs/acme/actions/runner-groups"
SECONDARY = "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."
SECONDARY_DOCS = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"


@dataclass
class Clock:
    now: float = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


def limited(clock: Clock, **limits: Any) -> FakeGitHub:
    fake = FakeGitHub(clock=clock, secondary_limits=SecondaryLimits(**limits))
    fake.add_org("acme")
    return fake


def send(fake: FakeGitHub, method: str = "GET", path: str = GROUPS, payload: Any = None) -> FakeResponse:
    body = json.dumps(payload).encode() if payload is not None else None
    outcome = fake.handle(method, path, "", AUTH, body)
    assert isinstance(outcome, FakeResponse)
    return outcome


def create(fake: FakeGitHub, name: str) -> FakeResponse:
    return send(fake, "POST", GROUPS, {"name": name})


def assert_secondary_hit(answer: FakeResponse, retry_after: str) -> None:
    body = json.loads(answer.body)
    assert answer.status == 403 and answer.headers["retry-after"] == retry_after
    assert body["message"].startswith(SECONDARY)
    assert f"please include the request ID {answer.headers['x-github-request-id']}." in body["message"]
    assert body["documentation_url"] == SECONDARY_DOCS


def test_points_per_window(clock: Clock) -> None:
    fake = limited(clock, points_per_window=10, window_seconds=60)
    start = clock.now
    for _ in range(10):
        assert send(fake).status == 200
        clock.now += 1
    assert_secondary_hit(send(fake), retry_after="50")  # the first read leaves the window 60 s after it was made
    clock.now = start + 60
    assert send(fake).status == 200
    assert fake.secondary_usage == SecondaryUsage(points=11, writes=0, hits=1)


def test_a_write_costs_five_points_and_a_refused_write_is_not_applied(clock: Clock) -> None:
    fake = limited(clock, points_per_window=12)
    assert [create(fake, name).status for name in ("one", "two")] == [201, 201]
    assert_secondary_hit(create(fake, "three"), retry_after="60")
    assert "three" not in [g["name"] for g in fake.groups("acme")]
    assert send(fake).status == 200  # a read still fits: 11 of 12 points
    assert fake.secondary_usage == SecondaryUsage(points=11, writes=2, hits=1)
    assert fake.secondary_limit_hits == 1


def test_writes_per_window(clock: Clock) -> None:
    fake = limited(clock, writes_per_window=2, window_seconds=10)
    assert [create(fake, name).status for name in ("one", "two")] == [201, 201]
    clock.now += 4
    assert_secondary_hit(send(fake, "DELETE", f"{GROUPS}/2"), retry_after="6")
    assert fake.group("acme", 2) is not None
    assert send(fake).status == 200  # reads are not writes
    clock.now += 6
    assert send(fake, "DELETE", f"{GROUPS}/2").status == 204


def test_writes_per_hour_span_sixty_windows(clock: Clock) -> None:
    fake = limited(clock, writes_per_window=10, writes_per_hour=3, window_seconds=1)  # an "hour" of 60 s
    start = clock.now
    for name in ("one", "two", "three"):
        assert create(fake, name).status == 201
        clock.now += 2
    assert_secondary_hit(create(fake, "four"), retry_after="54")
    clock.now = start + 60
    assert create(fake, "four").status == 201


def test_concurrent_requests_are_those_whose_answer_is_still_due(clock: Clock) -> None:
    fake = limited(clock, concurrent_requests=2)
    fake.latency_seconds = 1.5
    assert [send(fake).status for _ in range(2)] == [200, 200]
    assert_secondary_hit(send(fake), retry_after="2")
    clock.now += 1.5
    assert send(fake).status == 200


def test_limits_are_kept_per_token(clock: Clock) -> None:
    fake = FakeGitHub(
        clock=clock, tokens={DEMO_TOKEN: ["admin:org"], "other": ["admin:org"]}, secondary_limits=SecondaryLimits(2)
    )
    fake.add_org("acme")
    assert [send(fake).status for _ in range(3)] == [200, 200, 403]
    other = fake.handle("GET", GROUPS, "", {"Authorization": "Bearer other"}, None)
    assert isinstance(other, FakeResponse) and other.status == 200


def test_off_by_default_but_usage_is_counted(clock: Clock) -> None:
    fake = FakeGitHub(clock=clock)
    fake.add_org("acme")
    assert fake.secondary_limits is None
    assert {send(fake).status for _ in range(901)} == {200}  # one more than GitHub's 900 points a minute
    assert create(fake, "ci").status == 201
    assert fake.secondary_usage == SecondaryUsage(points=906, writes=1, hits=0)


def test_reset_log_clears_the_usage_but_not_the_window(clock: Clock) -> None:
    fake = limited(clock, points_per_window=1)
    assert [send(fake).status for _ in range(2)] == [200, 403]
    fake.reset_log()
    assert fake.secondary_usage == SecondaryUsage() and fake.requests == []
    assert send(fake).status == 403


def test_turned_on_and_off_at_run_time(clock: Clock) -> None:
    fake = FakeGitHub(clock=clock)
    fake.add_org("acme")
    fake.secondary_limits = SecondaryLimits(points_per_window=1)
    assert [send(fake).status for _ in range(2)] == [200, 403]
    fake.secondary_limits = None
    assert send(fake).status == 200


def test_time_compression_keeps_the_ratios() -> None:
    compressed = SecondaryLimits.compressed(10)
    assert compressed == SecondaryLimits(
        points_per_window=90, writes_per_window=8, writes_per_hour=50, concurrent_requests=100, window_seconds=6.0
    )
    assert compressed.hour_seconds == 360


@pytest.mark.parametrize(
    ("make", "fragment"),
    [
        (lambda: SecondaryLimits(points_per_window=0), "points_per_window must be at least 1, not 0"),
        (lambda: SecondaryLimits(window_seconds=-1), "window_seconds must be positive, not -1"),
        (lambda: SecondaryLimits.compressed(0), "factor must be positive, not 0"),
    ],
)
def test_bad_limits_are_refused(make: Any, fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        make()


def test_concurrency_over_the_loopback_server() -> None:
    """Three requests at once, while answers take 0.5 s: the third is over a limit of two in flight."""
    import requests
    from github_runner_groups.testing import serve

    fake = FakeGitHub(secondary_limits=SecondaryLimits(concurrent_requests=2))
    fake.add_org("acme")
    fake.latency_seconds = 0.5
    with serve(fake) as server, ThreadPoolExecutor(3) as pool:
        answers = list(pool.map(lambda _: requests.get(server.url + GROUPS, headers=AUTH, timeout=5), range(3)))
    assert sorted(a.status_code for a in answers) == [200, 200, 403]
    assert fake.secondary_limit_hits == 1
