"""A refresh reads a group's own objects (the group, its repositories, its runners) together, each with its ETag:
the refresh is latency-bound, and an unchanged group still costs only 304s."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from github_runner_groups.client import reset_clients
from github_runner_groups.resources.runner_group import RunnerGroupProvider
from github_runner_groups.settings import resolve_settings
from github_runner_groups.testing import DEMO_TOKEN, EmulatorServer, FakeGitHub


@pytest.fixture
def provider(emulator: EmulatorServer) -> Iterator[RunnerGroupProvider]:
    reset_clients()
    made = RunnerGroupProvider()
    made._settings = resolve_settings(
        None,
        {
            "GITHUB_TOKEN": DEMO_TOKEN,
            "GITHUB_OWNER": "acme",
            "GITHUB_BASE_URL": emulator.url,
            "GITHUB_WRITE_DELAY_MS": "0",
        },
    )
    yield made
    reset_clients()


@pytest.fixture
def in_flight(fake: FakeGitHub, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many requests the emulator was answering at once, as each arrived (answers take 0.2 s)."""
    fake.latency_seconds = 0.2
    seen: list[int] = []
    running = [0]
    lock = threading.Lock()
    handle = fake.handle

    def counted(*args: Any, **kwargs: Any) -> Any:
        with lock:
            running[0] += 1
            seen.append(running[0])
        try:
            answer = handle(*args, **kwargs)
            time.sleep(answer.delay_seconds)  # the server would wait after: here, while counted as running
            answer.delay_seconds = 0.0
            return answer
        finally:
            with lock:
                running[0] -= 1

    monkeypatch.setattr(fake, "handle", counted)
    return seen


def made_group(provider: RunnerGroupProvider) -> dict[str, Any]:
    checked = provider.check(
        {}, {"__provider": "p", "name": "ci", "visibility": "selected", "repositories": ["api"], "runners": []}
    )
    assert checked.failures == []
    result = provider.create(dict(checked.inputs))
    return {"id": result.id, **(result.outs or {})}


def test_a_groups_three_reads_go_together_and_unchanged_ones_cost_304s(
    provider: RunnerGroupProvider, fake: FakeGitHub, in_flight: list[int]
) -> None:
    group = made_group(provider)
    first = provider.read(group["id"], group)
    assert first.id is not None and first.outs is not None
    in_flight.clear()
    fake.reset_log()
    again = provider.read(first.id, dict(first.outs))
    assert max(in_flight) == 3  # the group, its repositories and its runners, at once
    assert fake.count("GET") == 3 and fake.count("GET", status=304) == 3
    assert again.outs == first.outs


def test_a_group_gone_is_dropped_though_its_lists_were_read_alongside(
    provider: RunnerGroupProvider, fake: FakeGitHub
) -> None:
    group = made_group(provider)
    fake.delete_group("acme", int(group["id"]))
    assert provider.read(group["id"], group).id == ""
