"""One budget per token across processes: bounded waits on the ledger's lock, reservations made when a request is
sent, writes spaced across processes, one pause for every process, and long waits said once."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from github_runner_groups import api
from github_runner_groups.client import ClientSettings, GitHubClient, PacingSettings
from github_runner_groups.client.ledger import PAUSE, Ledger, Spending, ledger_name
from github_runner_groups.client.pacer import Pacer
from github_runner_groups.testing import DEMO_TOKEN, EmulatorServer, FakeGitHub, serve
from lock_holder import stopped_lock_holder

NAME = ledger_name("https://api.github.com", "t")


class Clock:
    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def directory(tmp_path: Path) -> Path:
    made = tmp_path / "ledgers"
    made.mkdir(mode=0o700)
    return made


def opened(directory: Path, wall: Any = time.time, lock_wait: float = 2.0) -> Ledger:
    ledger = Ledger(directory / NAME, 60.0, wall, lock_wait_seconds=lock_wait)
    ledger._reopen()
    return ledger


@pytest.fixture
def stopped_holder(directory: Path) -> Iterator[subprocess.Popen[bytes]]:
    """Another process of this user that took the ledger's lock and was stopped (Ctrl-Z, a debugger)."""
    with stopped_lock_holder(directory / NAME) as holder:
        yield holder


# Part 1: every wait on the lock is bounded, and never taken while holding the pacer's lock


def test_a_stopped_process_holding_the_lock_makes_the_provider_pace_alone_not_hang(
    directory: Path, stopped_holder: subprocess.Popen[bytes], caplog: pytest.LogCaptureFixture
) -> None:
    fake = FakeGitHub.seeded("demo")
    settings = ClientSettings(
        token=DEMO_TOKEN, pacing=PacingSettings(write_delay_seconds=0, ledger_directory=str(directory))
    )
    with serve(fake) as server, caplog.at_level(logging.WARNING, "github_runner_groups"):
        client = GitHubClient(ClientSettings(**{**settings.__dict__, "base_url": server.url}))
        name = ledger_name(server.url, DEMO_TOKEN)
        os.replace(directory / NAME, directory / name)  # the holder's lock is on the file, not its name
        done = threading.Event()

        def refresh() -> None:
            for _ in range(5):
                api.list_runner_groups(client, "acme")
            done.set()

        worker = threading.Thread(target=refresh, daemon=True)
        worker.start()
        worker.join(timeout=60)  # a guard only: the bounded wait is 2 s
        assert done.is_set()
    assert fake.count("GET") == 5
    assert caplog.text.count("another process has held its lock for over 2s") == 1  # said once
    assert "pacing counts this process's requests only" in caplog.text


def test_the_pacers_lock_is_free_while_a_thread_waits_for_the_files(
    directory: Path, stopped_holder: subprocess.Popen[bytes]
) -> None:
    pacer = Pacer(PacingSettings(write_delay_seconds=0), ledger=opened(directory, lock_wait=60.0))
    started = threading.Event()

    def request() -> None:
        with pacer.slot("GET"):
            started.set()

    waiting = threading.Thread(target=request, daemon=True)
    waiting.start()
    while not pacer._ledger._mutex.locked():  # type: ignore[union-attr]
        time.sleep(0.01)
    # Other threads can still end their requests and read the progress.
    assert pacer._condition.acquire(timeout=30)
    pacer._condition.release()
    assert pacer.progress().reads == 0
    assert not started.is_set()  # still waiting for the stopped process's lock
    stopped_holder.send_signal(signal.SIGKILL)
    waiting.join(timeout=30)
    assert started.is_set()


# Part 2: reservations when sent; writes of every process spaced


def test_a_request_is_in_the_ledger_from_when_it_is_sent(directory: Path) -> None:
    pacer = Pacer(PacingSettings(write_delay_seconds=0), ledger=opened(directory))
    other = opened(directory)
    with pacer.slot("POST"):  # sent, not answered yet
        assert [spending.points for spending in other.news()] == [5]
    with pacer.slot("GET"):
        assert [spending.points for spending in other.news()] == [1]


def test_two_processes_never_take_the_windows_last_points_both(directory: Path) -> None:
    """Each checks and reserves under the file's lock: of two processes asking for the last point, one waits."""
    settings = PacingSettings(write_delay_seconds=0, points_per_minute=3, points_window_seconds=60)
    first = Pacer(settings, ledger=opened(directory))
    second = Pacer(settings, ledger=opened(directory))
    for _ in range(2):
        with first.slot("GET"):
            pass
    with first.slot("GET"):
        with second._turn() as shared, second._condition:
            assert shared
            assert second.reserve(False, second._clock()) > 50  # the third point is reserved, though not answered


@pytest.fixture
def emulator() -> Iterator[tuple[FakeGitHub, EmulatorServer, list[float]]]:
    fake = FakeGitHub.seeded("demo")
    fake.latency_seconds = 0.02
    arrivals: list[float] = []
    handle = fake.handle

    def timed(method: str, *args: Any, **kwargs: Any) -> Any:
        if method.upper() == "POST":
            arrivals.append(time.monotonic())
        return handle(method, *args, **kwargs)

    fake.handle = timed  # type: ignore[method-assign]
    with serve(fake) as server:
        yield fake, server, arrivals


def test_writes_of_two_processes_on_one_token_keep_the_write_delay_apart(
    emulator: tuple[FakeGitHub, EmulatorServer, list[float]], directory: Path
) -> None:
    """Two clients (as two processes: a pacer and a ledger view each) write at once with two threads each."""
    fake, server, arrivals = emulator
    pacing = PacingSettings(write_delay_seconds=0.1, ledger_directory=str(directory))
    clients = [GitHubClient(ClientSettings(base_url=server.url, token=DEMO_TOKEN, pacing=pacing)) for _ in range(2)]
    errors: list[BaseException] = []

    def create(client: GitHubClient, prefix: str) -> None:
        try:
            for index in range(4):
                api.create_runner_group(client, "acme", {"name": f"{prefix}-{index}", "visibility": "all"})
        except BaseException as exc:
            errors.append(exc)

    threads = [
        threading.Thread(target=create, args=(client, f"{n}-{t}")) for n, client in enumerate(clients) for t in "ab"
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert len(arrivals) == 16 and fake.count("POST", status=201) == 16
    # When each write was let go, as the ledger recorded it (to the millisecond): 0.1 s apart whichever process
    # sent it. (Arrivals come a scheduling delay later on a loaded machine: the benchmark measures those.)
    (ledger_file,) = directory.iterdir()
    sent = sorted(float(line.split()[2]) for line in ledger_file.read_text().split("\n") if line.endswith(" 5"))
    assert len(sent) == 16
    assert min(later - earlier for earlier, later in pairwise(sent)) >= 0.099


# Part 3: one pause, for every process, and then the budget as before


def test_a_limit_seen_by_every_thread_pauses_once_and_the_budget_is_then_what_it_was() -> None:
    clock = Clock(100.0)
    said: list[str] = []
    pacer = Pacer(PacingSettings(write_delay_seconds=1.0, points_per_minute=10), clock, say=said.append)
    for _ in range(4):  # four workers met the same answer
        pacer.pause(30.0, "reading group 7")
    assert said == ["reading group 7: waiting 30 s for GitHub's secondary rate limit (retry-after)"]
    assert pacer.reserve(False, now=100.0) == pytest.approx(30.0)
    assert pacer.reserve(True, now=130.0) == 0
    pacer.release(write=True)
    assert pacer._next_write == pytest.approx(131.0)  # the spacing as set: no slowdown
    for _ in range(5):  # the whole budget: 5 of the write + 5 reads
        assert pacer.reserve(False, now=131.0) == 0
        pacer.release(write=False)
    assert pacer.reserve(False, now=131.0) > 0


def test_a_pause_is_kept_by_every_process_on_the_token(directory: Path) -> None:
    wall = Clock(1_800_000_000.0)
    first = Pacer(PacingSettings(write_delay_seconds=0), lambda: 5.0, ledger=opened(directory, wall))
    second = Pacer(PacingSettings(write_delay_seconds=0), lambda: 70.0, ledger=opened(directory, wall))
    first.pause(20.0)
    wall.now += 4.0
    assert second.reserve(False, now=70.0) == pytest.approx(16.0)
    assert opened(directory, wall).news() == [Spending(-16.0, PAUSE)]


# Part 6: say why it waits


def test_a_long_wait_is_said_once_with_how_many_processes_share_the_token(directory: Path) -> None:
    wall = Clock(1_800_000_000.0)
    other = opened(directory, wall)
    with other.turn():
        for _ in range(10):
            other.record(1)
    said: list[str] = []
    pacing = PacingSettings(write_delay_seconds=0, points_per_minute=10, points_window_seconds=60)
    pacer = Pacer(pacing, lambda: 500.0, ledger=opened(directory, wall), say=said.append)
    assert pacer.reserve(False, now=500.0) == pytest.approx(61.0)
    pacer._announce(61.0, pacer._why, "reading org 'acme'")
    pacer._announce(60.5, pacer._why, "reading org 'acme'")  # another thread, the same wait
    pacer._announce(4.0, "anything", "reading org 'acme'")  # short: not said
    assert said == [
        "reading org 'acme': waiting 61 s for the points budget of GitHub's secondary rate limit (10 a minute), "
        "shared with 1 other process on this token"
    ]
