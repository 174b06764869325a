"""The bounded wait for a deleted GitHub-hosted runner, on a made-up clock: it polls until GitHub answers 404,
gives up with a clear error at its bound, and says where it stands in the log."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from github_runner_groups import api
from github_runner_groups.errors import GitHubNotFound
from github_runner_groups.resources import hosted_deletion


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def deleting_runner(gone_after: float, clock: Clock) -> Any:
    still = api.HostedRunner.from_json(
        {"id": 7, "name": "big", "status": "Deleting", "image_details": {}, "machine_size_details": {}}, "reading"
    )

    def get(_client: Any, _org: str, _id: int, *, location: str = "org") -> api.HostedRunner:
        if clock.now >= gone_after:
            raise GitHubNotFound("reading GitHub-hosted runner 7 failed: 404 Not Found")
        return still

    return get


def test_it_waits_until_github_answers_404(monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    clock = Clock()
    monkeypatch.setattr(api, "get_hosted_runner", deleting_runner(95.0, clock))
    with caplog.at_level(logging.INFO, logger=hosted_deletion.__name__):
        hosted_deletion.wait_until_gone(None, "acme", 7, clock=clock, sleep=clock.sleep)  # type: ignore[arg-type]
    assert clock.now >= 95.0
    lines = [r.getMessage() for r in caplog.records]
    assert any(
        "waiting for GitHub-hosted runner 7 in org 'acme' ('big', Deleting) to be gone" in line for line in lines
    )
    assert lines[-1].startswith("GitHub-hosted runner 7 in org 'acme' is gone after")


def test_it_gives_up_at_its_bound_with_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = Clock()
    monkeypatch.setattr(api, "get_hosted_runner", deleting_runner(10_000.0, clock))
    with pytest.raises(hosted_deletion.StillDeleting) as failure:
        hosted_deletion.wait_until_gone(None, "acme", 7, clock=clock, sleep=clock.sleep)  # type: ignore[arg-type]
    assert clock.now == pytest.approx(hosted_deletion.TIMEOUT_SECONDS)
    assert "still shows it 'Deleting' after 600 s" in str(failure.value) and "run the command again" in str(
        failure.value
    )
