"""The pacer: writes one at a time and spaced, a points budget, an in-flight cap, and one pause for all threads.

The arithmetic is driven with explicit times (no sleeping); the threaded behaviour is measured from the time
each request reached the emulator, on the loopback server, with spacings of a tenth of a second.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from github_runner_groups import api
from github_runner_groups.client import ClientSettings, GitHubClient, PacingSettings
from github_runner_groups.client.pacer import UNTIL_A_REQUEST_ENDS, WINDOW_SECONDS, Pacer
from github_runner_groups.errors import GitHubRateLimited
from github_runner_groups.settings import SETTING_NAMES
from github_runner_groups.testing import DEMO_TOKEN, EmulatorServer, FakeGitHub, FaultRule, serve

SECONDARY = "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."


def pacer(**pacing: Any) -> Pacer:
    """A pacer past its first answer (until then one request goes alone: see the probe's own test)."""
    made = Pacer(PacingSettings(**{"write_delay_seconds": 1.0, **pacing}), clock=lambda: 0.0)
    made._probing = False
    return made


# Arithmetic, with explicit times


def test_writes_start_write_delay_apart_start_to_start() -> None:
    paced = pacer()
    assert paced.reserve(True, now=0.0) == 0
    paced.release(write=True)
    assert paced.reserve(True, now=0.3) == pytest.approx(0.7)  # latency already spent counts towards the spacing
    assert paced.reserve(True, now=1.0) == 0


def test_writes_run_one_at_a_time_and_reads_never_queue_behind_them() -> None:
    paced = pacer()
    assert paced.reserve(True, now=0.0) == 0
    assert paced.reserve(True, now=5.0) > 0  # the first write is still in flight
    assert paced.reserve(False, now=0.1) == 0  # a read during the write and its spacing
    assert paced.reserve(False, now=0.2) == 0


def test_the_points_budget_counts_reads_1_and_writes_5_per_minute() -> None:
    clock = [0.0]  # each request is answered the moment it starts: its points leave a window later
    paced = Pacer(PacingSettings(points_per_minute=20, write_delay_seconds=0), clock=lambda: clock[0])
    assert paced.reserve(True, now=0.0) == 0  # 5
    paced.release(write=True)
    for second in range(1, 16):  # 15 reads: 20 points
        clock[0] = float(second)
        assert paced.reserve(False, now=float(second)) == 0
        paced.release(write=False)
    assert paced.reserve(False, now=30.0) == pytest.approx(WINDOW_SECONDS - 30.0)  # the write's 5 points leave at 60
    assert paced.reserve(False, now=60.0) == 0
    assert paced.reserve(True, now=60.5) == pytest.approx(0.5)  # 16 spent + 5 = 21: the read of second 1 must leave


def test_requests_in_flight_are_capped() -> None:
    paced = pacer(max_in_flight=2)
    assert paced.reserve(False, now=0.0) == 0
    assert paced.reserve(False, now=0.0) == 0
    assert paced.reserve(False, now=0.0) > 0
    paced.release(write=False)
    assert paced.reserve(False, now=0.0) == 0


def test_a_secondary_limit_pauses_everything_then_the_pace_is_as_before() -> None:
    paced = Pacer(PacingSettings(write_delay_seconds=1.0, points_per_minute=900), clock=lambda: 100.0)
    paced.pause(30.0)
    assert paced.reserve(False, now=100.0) == pytest.approx(30.0)
    assert paced.reserve(True, now=129.0) == pytest.approx(1.0)
    assert paced.reserve(True, now=130.0) == 0
    paced.release(write=True)
    assert paced.reserve(True, now=131.0) == 0  # the spacing as set: a limit answer slows nothing down for good


def test_one_request_goes_alone_at_the_start_and_after_a_pause_until_answered_without_a_limit() -> None:
    """Were the budget spent by a client outside the ledger, one request meets the limit, not every thread's."""
    clock = [0.0]
    paced = Pacer(PacingSettings(write_delay_seconds=0), lambda: clock[0])
    assert paced.reserve(False, now=0.0) == 0
    assert paced.reserve(False, now=0.0) == UNTIL_A_REQUEST_ENDS  # the first is not answered yet
    paced.pause(10.0)  # it met a secondary limit (the client pauses before giving its place back)
    paced.release(write=False)
    clock[0] = 10.0
    assert paced.reserve(False, now=10.0) == 0  # the probe after the pause
    assert paced.reserve(False, now=10.0) == UNTIL_A_REQUEST_ENDS
    paced.release(write=False)  # answered without a limit
    for _ in range(5):
        assert paced.reserve(False, now=10.0) == 0  # every thread again


def test_pacing_off_never_waits() -> None:
    paced = pacer(enabled=False, points_per_minute=1, max_in_flight=1)
    for second in range(50):
        assert paced.reserve(second % 2 == 0, now=second / 100) == 0


# Threads against the loopback emulator, timed where the requests arrive

Arrival = tuple[float, str, str]


@pytest.fixture
def arrivals(fake: FakeGitHub, monkeypatch: pytest.MonkeyPatch) -> list[Arrival]:
    """(monotonic time, method, path) of every request, taken as the emulator receives it."""
    seen: list[Arrival] = []
    handle = fake.handle

    def timed(method: str, path: str, *args: Any, **kwargs: Any) -> Any:
        seen.append((time.monotonic(), method.upper(), path))
        return handle(method, path, *args, **kwargs)

    monkeypatch.setattr(fake, "handle", timed)
    return seen


@pytest.fixture
def server(fake: FakeGitHub) -> Iterator[EmulatorServer]:
    fake.latency_seconds = 0.02
    with serve(fake) as running:
        yield running


def paced_client(server: EmulatorServer, **pacing: Any) -> GitHubClient:
    settings = ClientSettings(
        base_url=server.url, token=DEMO_TOKEN, pacing=PacingSettings(**pacing), names=SETTING_NAMES
    )
    return GitHubClient(settings)


def run_threads(*targets: Any) -> None:
    errors: list[BaseException] = []

    def guarded(target: Any) -> None:
        try:
            target()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=guarded, args=(target,)) for target in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []


def read_until(client: GitHubClient, done: threading.Event) -> None:
    while not done.is_set():
        api.list_runner_groups(client, "acme")


def test_threads_share_one_write_spacing_while_reads_flow(
    server: EmulatorServer, arrivals: list[Arrival], monkeypatch: pytest.MonkeyPatch
) -> None:
    client = paced_client(server, write_delay_seconds=0.1)
    writers_done = threading.Event()

    def writer(prefix: str) -> None:
        for index in range(3):
            api.create_runner_group(client, "acme", {"name": f"{prefix}-{index}"})

    def writers() -> None:
        try:
            run_threads(*(lambda p=prefix: writer(p) for prefix in ("a", "b", "c")))
        finally:
            writers_done.set()

    starts: list[float] = []
    ends: list[float] = []
    send = client._transport.send

    def recorded(method: str, *args: Any) -> Any:
        if method != "POST":
            return send(method, *args)
        starts.append(time.monotonic())
        try:
            return send(method, *args)
        finally:
            ends.append(time.monotonic())

    monkeypatch.setattr(client._transport, "send", recorded)
    run_threads(writers, lambda: read_until(client, writers_done))
    # 0.1 s start to start on the pacer's clock; these starts are taken a moment after the pacer let them go.
    assert min(later - earlier for earlier, later in itertools.pairwise(starts)) >= 0.095
    assert all(start >= end for start, end in zip(starts[1:], ends, strict=False))  # one write at a time
    writes = [at for at, method, _ in arrivals if method == "POST"]
    reads = [at for at, method, _ in arrivals if method == "GET" and writes[0] < at < writes[-1]]
    assert len(writes) == 9
    assert len(reads) > len(writes)  # reads went on during the spacing


def test_a_secondary_limit_on_one_thread_pauses_every_thread(
    server: EmulatorServer, fake: FakeGitHub, arrivals: list[Arrival]
) -> None:
    client = paced_client(server, write_delay_seconds=0)
    fake.add_fault(FaultRule(method="POST", status=403, message=SECONDARY, headers={"retry-after": "1"}))
    writer_done = threading.Event()

    def writer() -> None:
        try:
            time.sleep(0.2)  # the readers are busy by now
            api.create_runner_group(client, "acme", {"name": "paced"})
        finally:
            writer_done.set()

    run_threads(writer, lambda: read_until(client, writer_done), lambda: read_until(client, writer_done))
    # The 403 leaves the emulator 20 ms (its latency) after the POST arrived; requests already sent by then
    # may still arrive for a few ms more. From then until the retry-after, nothing may start.
    answered_at = next(at for at, method, _ in arrivals if method == "POST") + fake.latency_seconds
    during = [path for at, _, path in arrivals if answered_at + 0.03 < at < answered_at + 0.95]
    after = [method for at, method, _ in arrivals if at >= answered_at + 0.95]
    assert during == [], during
    assert "POST" in after and fake.count("POST", status=201) == 1


def test_a_limit_longer_than_the_budget_says_how_far_the_run_got(server: EmulatorServer, fake: FakeGitHub) -> None:
    client = paced_client(server, write_delay_seconds=0)
    api.list_runner_groups(client, "acme")
    api.list_org_repositories(client, "acme")
    fake.add_fault(FaultRule(method="POST", status=403, message=SECONDARY, headers={"retry-after": "3600"}))
    with pytest.raises(GitHubRateLimited) as failed:
        api.create_runner_group(client, "acme", {"name": "late"})
    message = str(failed.value)
    assert "1 write(s) and 2 read(s) had been sent before it" in message
    assert "run `pulumi up` again" in message and "continues where this stopped" in message


def test_pacer_waits_do_not_count_against_the_rate_limit_wait_budget(server: EmulatorServer) -> None:
    now = [1000.0]

    def sleep(seconds: float) -> None:
        now[0] += seconds

    settings = ClientSettings(
        base_url=server.url,
        token=DEMO_TOKEN,
        max_rate_limit_wait_seconds=1,
        pacing=PacingSettings(write_delay_seconds=0, points_per_minute=10),
    )
    client = GitHubClient(settings, sleep=sleep, clock=lambda: now[0])
    for _ in range(12):
        api.list_runner_groups(client, "acme")
    assert now[0] >= 1060.0  # the pacer waited for the window, a minute, and nothing failed


def test_no_thread_is_started_per_request(server: EmulatorServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """The deadline watchdog is one thread for the process (a Timer per request was a fifth of a no-op refresh)."""
    client = paced_client(server, write_delay_seconds=0)
    api.list_runner_groups(client, "acme")  # the watchdog, if not running yet, starts here
    started: list[str] = []
    start = threading.Thread.start

    def counted(thread: threading.Thread) -> None:
        if threading.current_thread() is threading.main_thread():  # not the emulator's threads
            started.append(thread.name)
        start(thread)

    monkeypatch.setattr(threading.Thread, "start", counted)
    for _ in range(20):
        api.list_runner_groups(client, "acme")
    assert started == []
