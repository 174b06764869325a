"""The pacing ledger: processes on one credential count each other's spending, through a file they share.

Each Ledger here stands for one process (its own random process id); times are given by an injected wall clock.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from github_runner_groups import api
from github_runner_groups.client import ClientSettings, GitHubClient, PacingSettings
from github_runner_groups.client import ledger as ledger_module
from github_runner_groups.client.ledger import HORIZON_SECONDS, Ledger, Spending, ledger_name
from github_runner_groups.client.pacer import HourlyWritesUsed, Pacer
from github_runner_groups.errors import GitHubConnectionError, GitHubRateLimited
from github_runner_groups.settings import SETTING_NAMES, resolve_settings
from github_runner_groups.testing import DEMO_TOKEN, EmulatorServer, FakeGitHub, FaultRule, serve

NOW = 1_800_000_000.0


class Wall:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> float:
        return self.now


def process(path: Path, wall: Wall, keep_reads_seconds: float = 60.0) -> Ledger:
    """A Ledger as one process opens it (what Ledger.open does after its checks)."""
    opened = Ledger(path, keep_reads_seconds, wall)
    opened._reopen()
    return opened


def reserve(ledger: Ledger, points: int) -> None:
    """One request sent, as the pacer reserves it: in the ledger's turn."""
    with ledger.turn():
        ledger.record(points)


@pytest.fixture
def directory(tmp_path: Path) -> Path:
    made = tmp_path / "ledgers"
    made.mkdir(mode=0o700)
    return made


def test_a_process_sees_what_the_others_spent_once_and_never_its_own(directory: Path) -> None:
    wall = Wall()
    first, second = process(directory / "a.ledger", wall), process(directory / "a.ledger", wall)
    for points in (1, 1, 5):
        first.record(points)
    wall.now += 2.0
    assert second.news() == [Spending(2.0, 1), Spending(2.0, 1), Spending(2.0, 5)]
    assert second.news() == []  # counted once
    assert first.news() == []  # its own requests the pacer already counts
    reserve(second, 5)
    assert first.news() == [Spending(0.0, 5)]


def test_a_process_started_later_counts_the_last_hour_only(directory: Path) -> None:
    wall = Wall()
    earlier = process(directory / "a.ledger", wall)
    reserve(earlier, 5)
    wall.now += HORIZON_SECONDS - 1
    reserve(earlier, 1)
    wall.now += 2
    assert process(directory / "a.ledger", wall).news() == [Spending(2.0, 1)]  # the write is over an hour old


def test_damaged_lines_are_skipped_and_a_line_being_written_waits(directory: Path) -> None:
    wall = Wall()
    path = directory / "a.ledger"
    reader = process(path, wall)
    damaged = [
        b"garbage",
        b"p 1 notatime 5",
        b"p 2 nan 5",
        f"p 3 {NOW + 3600} 5".encode(),  # an hour in the future: would block every write for two
        f"p 4 {NOW} 5000".encode(),  # points no request costs
        f"p 0 {NOW} 5".encode(),
        "\u00e9 5 1 5".encode(),
        f"p 6 {NOW} 5 extra".encode(),
    ]
    path.write_bytes(b"\n".join(damaged) + b"\n" + f"q 1 {NOW} 1\nq 2 {NOW}".encode())
    assert reader.news() == [Spending(0.0, 1)]
    with path.open("ab") as appended:
        appended.write(b" 5\n")
    assert reader.news() == [Spending(0.0, 5)]


def test_the_file_is_rewritten_with_what_still_counts_and_readers_follow_it(
    directory: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ledger_module, "_REWRITE_AT_BYTES", 2000)
    wall = Wall()
    path = directory / "a.ledger"
    writer, reader = process(path, wall, keep_reads_seconds=60), process(path, wall)
    reserve(writer, 5)
    for _ in range(10):
        reserve(writer, 1)
    assert len(reader.news()) == 11
    wall.now += 120  # the reads have left their window; the write counts for the hour
    for _ in range(60):
        reserve(writer, 1)
    lines = [line for line in path.read_bytes().splitlines() if line]
    assert len(lines) == 61  # rewritten: the 10 old reads are gone, the write kept
    seen = reader.news()
    assert sum(s.points for s in seen) == 60  # only the new reads: nothing counted twice after the rewrite
    fresh = process(path, wall).news()
    assert Spending(120.0, 5) in fresh
    assert all(s.age_seconds < 60 for s in fresh if s.points == 1)


def test_a_directory_others_can_write_to_is_not_used(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    with caplog.at_level(logging.WARNING, "github_runner_groups"):
        assert Ledger.open(str(shared), "a.ledger", 60) is None
    assert "others can write to it (chmod 700 it); pacing counts this process's requests only" in caplog.text
    assert not list(shared.iterdir())


@pytest.mark.parametrize("where", ["/proc/1/nowhere", "with\x00nul", "/dev/null"])
def test_a_directory_that_cannot_be_used_leaves_pacing_per_process(
    where: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, "github_runner_groups"):
        assert Ledger.open(where, "a.ledger", 60) is None
    assert f"pacing ledger directory {where}: " in caplog.text


def test_an_io_error_mid_run_stops_sharing_and_the_run_goes_on(
    directory: Path, caplog: pytest.LogCaptureFixture
) -> None:
    wall = Wall()
    opened = process(directory / "a.ledger", wall)
    os.close(opened._fd)  # as if the file system went away under it
    with caplog.at_level(logging.WARNING, "github_runner_groups"):
        reserve(opened, 5)
        assert opened.news() == []
    assert "pacing counts this process's requests only" in caplog.text


def test_a_ledger_that_is_a_symlink_is_not_followed(directory: Path, tmp_path: Path) -> None:
    target = tmp_path / "elsewhere"
    target.write_bytes(b"")
    (directory / "a.ledger").symlink_to(target)
    assert Ledger.open(str(directory), "a.ledger", 60) is None
    assert target.read_bytes() == b""


OURS = ledger_name("https://api.github.com", "t")


def test_the_directory_is_made_closed_to_others_and_only_its_own_old_ledgers_are_removed(tmp_path: Path) -> None:
    """A user-given directory may hold anything: `ledger-cli`/`hledger` journals are `*.ledger` too. Only this code's
    own names (the 64-hex hash, its rewrite's temporary) are removed, and only when an hour old."""
    made = tmp_path / "fin"
    assert Ledger.open(str(made), OURS, 60) is not None
    assert made.stat().st_mode & 0o777 == 0o700
    two_hours_ago = time.time() - 2 * HORIZON_SECONDS
    old_ours = (ledger_name("https://x", "y"), ledger_name("https://x", "y") + ".rewrite-0123456789ab")
    foreign = ("books.ledger", ".rewrite-x1y2", "keep.txt", "0" * 32 + ".ledger", old_ours[0] + ".rewrite-x")
    for name in (*old_ours, *foreign):
        (made / name).write_bytes(b"2026-01-01 rent\n")
        os.utime(made / name, (two_hours_ago, two_hours_ago))
    Ledger.open(str(made), OURS, 60)
    assert sorted(path.name for path in made.iterdir()) == sorted((OURS, *foreign))
    assert (made / "books.ledger").read_bytes() == b"2026-01-01 rent\n"


def test_the_name_hides_server_and_credential_and_tells_them_apart() -> None:
    name = ledger_name("https://api.github.com", "ghp_secret")
    assert "secret" not in name and "github" not in name
    assert name != ledger_name("https://api.github.com", "ghp_other")
    assert name != ledger_name("https://ghe.example/api/v3", "ghp_secret")


# The pacer with a ledger: other processes' spending counts as its own


def test_points_another_process_spent_delay_this_one(directory: Path) -> None:
    wall = Wall()
    other = process(directory / "a.ledger", wall)
    for _ in range(20):
        reserve(other, 1)
    wall.now += 1.0
    paced = Pacer(
        PacingSettings(write_delay_seconds=0, points_per_minute=20, points_window_seconds=6),
        lambda: 100.0,
        ledger=process(directory / "a.ledger", wall),
    )
    # The other's reads leave 6 s after they were sent, plus a sixtieth of the window for their answer's latency.
    assert paced.reserve(False, now=100.0) == pytest.approx(5.1)
    assert paced.reserve(False, now=105.1) == 0


def test_a_write_of_another_process_is_spaced_from(directory: Path) -> None:
    wall = Wall()
    reserve(process(directory / "a.ledger", wall), 5)
    wall.now += 0.25
    paced = Pacer(PacingSettings(write_delay_seconds=1.0), lambda: 10.0, ledger=process(directory / "a.ledger", wall))
    assert paced.reserve(True, now=10.0) == pytest.approx(0.85)  # a tenth more: its send may come a moment later


def test_writes_a_minute_are_capped() -> None:
    paced = Pacer(PacingSettings(write_delay_seconds=0, writes_per_minute=2), lambda: 0.0)
    for _ in range(2):
        assert paced.reserve(True, now=0.0) == 0
        paced.release(write=True)
    assert paced.reserve(True, now=10.0) == pytest.approx(50.0)


def test_the_hours_writes_wait_when_short_and_fail_at_once_when_long() -> None:
    clock = [0.0]
    paced = Pacer(
        PacingSettings(write_delay_seconds=0, writes_per_hour=3, points_window_seconds=1),  # an "hour" of 60 s
        lambda: clock[0],
        longest_wait_seconds=30,
    )
    for second in range(3):
        clock[0] = float(second)
        assert paced.reserve(True, now=float(second)) == 0
        paced.release(write=True)
    with pytest.raises(HourlyWritesUsed) as used:
        paced.reserve(True, now=5.0)  # the first write leaves the hour at 60 s: 55 s away
    assert (used.value.writes, round(used.value.wait_seconds)) == (3, 55)
    assert used.value.progress.describe() == "3 write(s) and 0 read(s) had been sent before it"
    assert paced.reserve(True, now=40.0) == pytest.approx(20.0)  # within what the client waits: waited
    assert paced.reserve(False, now=40.0) == 0  # reads are not writes


# Through the client, on the loopback emulator


def paced_client(server: EmulatorServer, directory: Path, **pacing: Any) -> GitHubClient:
    pacing_settings = PacingSettings(**{"write_delay_seconds": 0, "ledger_directory": str(directory), **pacing})
    return GitHubClient(
        ClientSettings(
            base_url=server.url,
            token=DEMO_TOKEN,
            pacing=pacing_settings,
            max_rate_limit_wait_seconds=5,
            names=SETTING_NAMES,
        )
    )


def test_two_processes_on_one_credential_share_the_hours_writes(emulator: EmulatorServer, directory: Path) -> None:
    """The second "process" (a client of its own) refuses its write before sending it: the first spent the hour's
    budget. The message says what was refused, why, when it fits and that a re-run continues."""
    first = paced_client(emulator, directory, writes_per_hour=2, points_window_seconds=1)  # an "hour" of 60 s
    for name in ("one", "two"):
        api.create_runner_group(first, "acme", {"name": name, "visibility": "all"})
    second = paced_client(emulator, directory, writes_per_hour=2, points_window_seconds=1)
    before = len(emulator.fake.requests)
    with pytest.raises(GitHubRateLimited) as refused:
        api.create_runner_group(second, "acme", {"name": "three", "visibility": "all"})
    assert len(emulator.fake.requests) == before  # never sent
    message = str(refused.value)
    assert message.startswith("creating runner group 'three' in org 'acme' failed: no answer from GitHub (not sent:")
    for fragment in (
        "these credentials have made 2 writes in the last hour, GitHub's secondary limit "
        "(github-runner-groups:writesPerHour / GITHUB_RUNNER_GROUPS_WRITES_PER_HOUR)",
        "later than this client waits (5s); 0 write(s) and 0 read(s) had been sent before it",
        "run `pulumi up` again (every finished step is in the stack's state",
    ):
        assert fragment in message
    assert [g.name for g in api.list_runner_groups(second, "acme")].count("three") == 0
    for ledger_file in directory.iterdir():  # neither the token nor the server, in a name or in the contents
        assert DEMO_TOKEN not in ledger_file.name + ledger_file.read_text()
        assert "127.0.0.1" not in ledger_file.name + ledger_file.read_text()


def test_a_request_that_got_no_answer_still_counts_for_the_others(directory: Path) -> None:
    """GitHub may have counted a request whose answer was lost: its points are shared as spent, retries included."""
    fake = FakeGitHub.seeded()
    # Every answer dropped (a refused connection is no longer retried on loopback: nothing listens there).
    fake.add_fault(FaultRule(method="GET", drop=True, times=None))
    with serve(fake) as server:
        settings = ClientSettings(
            base_url=server.url,
            token=DEMO_TOKEN,
            pacing=PacingSettings(write_delay_seconds=0, ledger_directory=str(directory)),
            max_retries=2,
            retry_delay_seconds=0,
        )
        with pytest.raises(GitHubConnectionError):
            GitHubClient(settings).get("/orgs/acme", action="reading org 'acme'")
    (ledger_file,) = directory.iterdir()
    now = Wall()
    now.now = time.time()
    assert sum(s.points for s in process(ledger_file, now).news()) == 3  # the attempt and its 2 retries


def test_the_providers_share_a_ledger_in_a_directory_of_its_own_in_the_users_cache_unless_told_where(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    env = {"GITHUB_TOKEN": "t"}
    monkeypatch.setenv("XDG_CACHE_HOME", "/home/me/.cache")
    assert resolve_settings(None, env).client.pacing.ledger_directory == "/home/me/.cache/github-runner-groups/pacing"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", "/home/me")
    assert resolve_settings(None, env).client.pacing.ledger_directory == "/home/me/.cache/github-runner-groups/pacing"
    chosen = resolve_settings(lambda key: "/srv/ledgers" if key == "github-runner-groups:ledgerDir" else None, env)
    assert chosen.client.pacing.ledger_directory == "/srv/ledgers"
    assert PacingSettings().ledger_directory is None  # the client alone counts per process


@pytest.mark.parametrize(
    "environ",
    [
        {},  # HOME unset, and no passwd entry (docker run --user 12345)
        {"HOME": ""},
        {"HOME": "/"},
        {"HOME": "relative/home"},
        {"HOME": "", "XDG_CACHE_HOME": "cache"},  # a relative XDG_CACHE_HOME is ignored, as the XDG spec says
        {"XDG_CACHE_HOME": "", "HOME": "~"},
    ],
)
def test_without_an_absolute_home_nothing_is_made_anywhere_and_pacing_is_per_process(
    environ: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(ledger_module, "_passwd_home", lambda: "")
    monkeypatch.setattr(ledger_module, "_without_directory_said", threading.Event())
    monkeypatch.chdir(tmp_path)
    with caplog.at_level(logging.WARNING, "github_runner_groups"):
        assert ledger_module.default_directory(environ) is None
        assert ledger_module.default_directory(environ) is None
        for key in ("HOME", "XDG_CACHE_HOME"):
            monkeypatch.delenv(key, raising=False)
        monkeypatch.setenv("HOME", "") if "HOME" in environ else None
        settings = resolve_settings(None, {"GITHUB_TOKEN": "t"}).client
        assert settings.pacing.ledger_directory is None
        GitHubClient(settings).close()
    assert list(tmp_path.iterdir()) == []  # no `~`, no `.cache`, nothing relative to the current directory
    assert caplog.text.count("no absolute cache directory") == 1  # said once
    assert "pacing counts this process's requests only" in caplog.text


def test_a_relative_xdg_cache_home_is_ignored_for_the_home(monkeypatch: pytest.MonkeyPatch) -> None:
    directory = ledger_module.default_directory({"XDG_CACHE_HOME": "cache", "HOME": "/home/me"})
    assert directory == "/home/me/.cache/github-runner-groups/pacing"
    monkeypatch.setattr(ledger_module, "_passwd_home", lambda: "/home/pw")
    assert ledger_module.default_directory({}) == "/home/pw/.cache/github-runner-groups/pacing"


def test_a_relative_ledger_dir_is_refused_and_nothing_is_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.chdir(tmp_path)
    with caplog.at_level(logging.WARNING, "github_runner_groups"):
        assert Ledger.open("ledgers", OURS, 60) is None
    assert "it is not an absolute path" in caplog.text
    assert list(tmp_path.iterdir()) == []


def test_a_file_filled_with_junk_is_read_and_rewritten_within_bounds(
    directory: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another program writing megabytes without a newline, or far more than a ledger holds: memory stays bounded
    and the next line still counts."""
    monkeypatch.setattr(ledger_module, "_REWRITE_AT_BYTES", 4096)
    wall = Wall()
    path = directory / "a.ledger"
    reader, writer = process(path, wall), process(path, wall)
    path.write_bytes(b"x" * 3_000_000)
    assert reader.news() == []
    assert len(reader._partial) == 0
    reserve(writer, 5)  # over the size: rewritten from the file's tail only
    assert path.stat().st_size < 100
    assert process(path, wall).news() == [Spending(0.0, 5)]


def test_processes_appending_at_once_while_the_file_is_rewritten_lose_no_line(
    directory: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Four writers (as four processes) append 300 writes each while their appends keep triggering rewrites: a
    fifth process counts every write exactly once."""
    monkeypatch.setattr(ledger_module, "_REWRITE_AT_BYTES", 8192)
    wall = Wall()
    path = directory / "a.ledger"
    reader = process(path, wall)
    writers = [process(path, wall) for _ in range(4)]
    counted: list[Spending] = []

    def append_all(writer: Ledger) -> None:
        for _ in range(300):
            reserve(writer, 5)

    threads = [threading.Thread(target=append_all, args=(writer,)) for writer in writers]
    for thread in threads:
        thread.start()
    while any(thread.is_alive() for thread in threads):
        counted += reader.news()
    for thread in threads:
        thread.join()
    counted += reader.news()
    assert len(counted) == 1200
    assert path.stat().st_size > 1200 * 30  # every line still counts: kept, not rewritten away
