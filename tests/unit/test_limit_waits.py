"""Waiting for GitHub's limits, through the client: the primary limit answered 403 or 429 (waited for within the
client's budget, else a clear error saying when it resets), a secondary-limit answer, and each long wait said once
on the `github_runner_groups.waits` logger (which the providers pass to Pulumi's log and the CLI to stderr)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import responses
from github_runner_groups import api
from github_runner_groups.errors import GitHubRateLimited
from github_runner_groups.testing import DEMO_TOKEN, FakeGitHub, FaultRule, add_to_responses
from test_client import BASE, SECONDARY, Clock, clock, make_client

__all__ = ["clock"]  # the imported fixture, which pytest finds by name


@pytest.fixture
def fake(clock: Clock) -> Iterator[FakeGitHub]:
    seeded = FakeGitHub.seeded("demo")
    seeded._clock = clock  # the emulator's rate-limit windows follow the test's time
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        add_to_responses(seeded, mock, BASE)
        yield seeded


@pytest.mark.parametrize("status", [403, 429])
def test_a_used_up_primary_limit_is_answered_as_github_does(fake: FakeGitHub, clock: Clock, status: int) -> None:
    fake.set_rate_limit(DEMO_TOKEN, remaining=0, reset_in_seconds=30, status=status)
    answer = fake.handle("GET", "/orgs/acme/actions/runner-groups", "", {"Authorization": f"Bearer {DEMO_TOKEN}"}, None)
    assert not isinstance(answer, type(None))
    assert answer.status == status  # type: ignore[union-attr]
    headers = answer.headers  # type: ignore[union-attr]
    assert headers["x-ratelimit-remaining"] == "0"
    assert headers["x-ratelimit-reset"] == str(int(clock.now + 30))
    assert "API rate limit exceeded" in answer.body.decode()  # type: ignore[union-attr]


@pytest.mark.parametrize("status", [403, 429])
def test_the_client_waits_for_the_primary_reset_and_says_so_once(
    fake: FakeGitHub, clock: Clock, status: int, caplog: pytest.LogCaptureFixture
) -> None:
    fake.set_rate_limit(DEMO_TOKEN, remaining=0, reset_in_seconds=30, status=status)
    with caplog.at_level("WARNING", "github_runner_groups.waits"):
        assert len(api.list_runner_groups(make_client(clock), "acme")) == 3
    assert clock.sleeps == [31.0]
    said = [r.getMessage() for r in caplog.records if r.name == "github_runner_groups.waits"]
    assert said == [
        "listing runner groups of org 'acme': waiting 31 s for GitHub's primary rate limit to reset (x-ratelimit-reset)"
    ]


@pytest.mark.parametrize("status", [403, 429])
def test_a_primary_reset_later_than_the_client_waits_fails_saying_when(
    fake: FakeGitHub, clock: Clock, status: int
) -> None:
    fake.set_rate_limit(DEMO_TOKEN, remaining=0, reset_in_seconds=600, status=status)
    with pytest.raises(GitHubRateLimited) as failed:
        api.list_runner_groups(make_client(clock, max_rate_limit_wait_seconds=120), "acme")
    message = str(failed.value)
    assert "The API rate limit of these credentials resets at 2027-01-15 08:10:01 UTC" in message
    assert "later than this client waits (120s)" in message
    assert clock.sleeps == []


def test_a_secondary_limit_wait_is_said_once_and_short_waits_are_not(
    fake: FakeGitHub, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    fake.add_fault(FaultRule(status=403, message=SECONDARY, headers={"retry-after": "42"}, times=1))
    fake.add_fault(FaultRule(status=403, message=SECONDARY, headers={"retry-after": "3"}, times=1))
    client = make_client(clock)
    with caplog.at_level("WARNING", "github_runner_groups.waits"):
        api.list_runner_groups(client, "acme")
        api.list_runner_groups(client, "acme")
    said = [r.getMessage() for r in caplog.records if r.name == "github_runner_groups.waits"]
    assert said == ["listing runner groups of org 'acme': waiting 42 s for GitHub's secondary rate limit (retry-after)"]
    assert sum(clock.sleeps) >= 45  # both were waited for
