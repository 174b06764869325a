"""The refresh read-ahead's rules (`resources/_read_ahead.py`): an answer read ahead is used only when it is what
the Read would have got; a lone Read reads nothing ahead; the hints survive the process, and a damaged or old hint
only costs a Read that asks GitHub itself."""

from __future__ import annotations

import json
import threading
import time
from concurrent.futures import Future
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from github_runner_groups.client import ClientSettings, Conditional, GitHubClient
from github_runner_groups.client.config import PacingSettings
from github_runner_groups.resources import _journal, _read_ahead
from github_runner_groups.resources._read_ahead import Etags, Parts, StackReads, usable
from lock_holder import stopped_lock_holder

TOKEN = "ghp_" + "r" * 36
SENT: Etags = ('W/"g1"', (("repositories", 'W/"r1"'), ("runners", 'W/"u1"')))


def done(value: Any) -> Future[Any]:
    future: Future[Any] = Future()
    future.set_result(value)
    return future


def failed(exc: Exception) -> Future[Any]:
    future: Future[Any] = Future()
    future.set_exception(exc)
    return future


def parts(group: Conditional[Any], *lists: Future[Any]) -> Parts:
    return list(lists), group


UNCHANGED = parts(Conditional(None, 'W/"g1"'), done(Conditional(None, 'W/"r1"')), done(Conditional(None, 'W/"u1"')))


def test_unchanged_answers_are_used_when_the_read_holds_the_etags_they_were_sent_with() -> None:
    assert usable(SENT, SENT, UNCHANGED)


@pytest.mark.parametrize("which", [0, 1, 2])
def test_an_unchanged_answer_is_not_used_by_a_read_holding_other_etags(which: int) -> None:
    etags = [SENT[0], *(etag for _, etag in SENT[1])]
    etags[which] = 'W/"older"'  # the state the Read holds is not the one the hint had
    wanted: Etags = (etags[0], (("repositories", etags[1]), ("runners", etags[2])))
    assert not usable(SENT, wanted, UNCHANGED)


def test_a_changed_answer_is_used_whatever_the_read_holds() -> None:
    changed = parts(Conditional({"id": 7}, 'W/"g2"'), done(Conditional([], 'W/"r2"')), done(Conditional([], 'W/"u2"')))
    assert usable(SENT, ("x", (("repositories", "y"), ("runners", None))), changed)


def test_answers_for_other_lists_or_with_a_failure_are_not_used() -> None:
    assert not usable(SENT, (SENT[0], SENT[1][:1]), UNCHANGED)  # the Read owns the repositories only now
    broken = parts(Conditional(None, 'W/"g1"'), failed(RuntimeError("502")), done(Conditional(None, 'W/"u1"')))
    assert not usable(SENT, SENT, broken)


class Pacer:
    def __init__(self) -> None:
        self.writes = 0

    def progress(self) -> Any:
        return type("Progress", (), {"writes": self.writes})()


def reads(tmp_path: Path) -> tuple[StackReads, Pacer]:
    pacing = replace(PacingSettings(), ledger_directory=str(tmp_path / "pacing"))
    client = GitHubClient(ClientSettings(base_url="https://api.github.com", token=TOKEN, pacing=pacing))
    pacer = Pacer()
    client.pacer = pacer  # type: ignore[assignment]
    return StackReads(client, "stack-key"), pacer


class Fetches:
    """A stand-in for GitHub: records what was asked, answers 304 for the ETags sent."""

    def __init__(self) -> None:
        self.asked: list[int] = []
        self.lock = threading.Lock()

    def __call__(self, group_id: int, etags: Etags) -> Parts:
        with self.lock:
            self.asked.append(group_id)
        return parts(Conditional(None, etags[0]), *(done(Conditional(None, etag)) for _, etag in etags[1]))


def hinted(stack: StackReads, ids: range) -> None:
    for group_id in ids:
        stack.remember(group_id, SENT)


def wait_for(fetches: Fetches, count: int) -> None:
    deadline = time.monotonic() + 10
    while len(fetches.asked) < count and time.monotonic() < deadline:
        time.sleep(0.005)


def test_a_burst_of_reads_reads_the_other_hinted_groups_ahead_once(tmp_path: Path) -> None:
    stack, _ = reads(tmp_path)
    hinted(stack, range(1, 11))
    fetches = Fetches()
    assert [stack.take(group_id, SENT, fetches) for group_id in (1, 2, 3)] == [None] * 3
    assert fetches.asked == []  # three Reads: no burst yet
    assert stack.take(4, SENT, fetches) is None
    wait_for(fetches, 6)
    assert sorted(fetches.asked) == list(range(5, 11))  # not the four being read
    assert all(stack.take(group_id, SENT, fetches) is not None for group_id in range(5, 11))
    assert stack.take(5, SENT, fetches) is None  # an answer serves one Read
    assert sorted(fetches.asked) == list(range(5, 11))


def read_ahead_after_a_burst(tmp_path: Path, hinted_ids: range) -> tuple[StackReads, Pacer, Fetches]:
    """Reads of groups 1-4 (a burst), with `hinted_ids` hinted: the others are read ahead."""
    stack, pacer = reads(tmp_path)
    hinted(stack, hinted_ids)
    fetches = Fetches()
    for group_id in range(1, 5):
        stack.take(group_id, SENT, fetches)
    wait_for(fetches, len(hinted_ids) - 4)
    return stack, pacer, fetches


def test_an_answer_read_ahead_before_a_write_of_this_process_is_not_used(tmp_path: Path) -> None:
    stack, pacer, fetches = read_ahead_after_a_burst(tmp_path, range(1, 7))
    assert stack.take(5, SENT, fetches) is not None
    pacer.writes += 1
    assert stack.take(6, SENT, fetches) is None


def test_an_old_answer_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stack, _, fetches = read_ahead_after_a_burst(tmp_path, range(1, 6))
    monkeypatch.setattr(_read_ahead, "_FRESH_SECONDS", -1.0)
    assert stack.take(5, SENT, fetches) is None


def test_hints_outlive_the_process_and_bad_or_old_ones_are_left_out(tmp_path: Path) -> None:
    stack, _ = reads(tmp_path)
    hinted(stack, range(1, 4))
    stack.forget(2)
    (hints,) = (tmp_path / "pacing").glob("*.hints")
    book = json.loads(hints.read_text())
    assert [entry[0] for entry in book["stack-key"]] == [1, 3]
    book["stack-key"] += [["7", None, [], 0], [8, None, [], 0], [9, 5, [], time.time()], "junk"]
    book["a stack not run for weeks"] = [[20, None, [], time.time() - 15 * 86400]]
    book["another stack"] = [[21, None, [], time.time()]]
    hints.write_text(json.dumps(book))

    again, _ = reads(tmp_path)
    fetches = Fetches()
    for group_id in (11, 12, 13, 14):
        again.take(group_id, SENT, fetches)
    wait_for(fetches, 2)
    time.sleep(0.05)
    assert sorted(fetches.asked) == [1, 3]  # a string id, a hint 0 s after the epoch, a numeric ETag: left out

    again.remember(11, SENT)  # a write of the file drops every stack's old hints, and keeps the others'
    assert set(json.loads(hints.read_text())) == {"stack-key", "another stack"}


def test_a_hints_lock_held_by_a_stopped_process_turns_the_hints_off_with_one_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    stack, _ = reads(tmp_path)
    hinted(stack, range(1, 3))
    (hints,) = (tmp_path / "pacing").glob("*.hints")
    with stopped_lock_holder(hints):
        again, _ = reads(tmp_path)
        fetches = Fetches()
        began = time.monotonic()
        for group_id in range(10, 20):
            assert again.take(group_id, SENT, fetches) is None
            again.remember(group_id, SENT)
        took = time.monotonic() - began
    assert took < 2.0  # one bounded wait (0.5 s), then no more
    assert fetches.asked == []
    warned = [record.getMessage() for record in caplog.records if "read-ahead hints" in record.getMessage()]
    assert len(warned) == 1 and "held its lock too long" in warned[0] and "four groups at a time" in warned[0]


def test_a_read_ahead_that_failed_leaves_the_read_to_ask_itself(tmp_path: Path) -> None:
    stack, _ = reads(tmp_path)
    hinted(stack, range(1, 7))
    asked: list[int] = []

    def failing(group_id: int, etags: Etags) -> Parts:
        asked.append(group_id)
        raise ConnectionError("the answer was lost")

    for group_id in range(1, 5):
        stack.take(group_id, SENT, failing)
    deadline = time.monotonic() + 10
    while len(asked) < 2 and time.monotonic() < deadline:
        time.sleep(0.005)
    assert sorted(asked) == [5, 6]
    assert stack.take(5, SENT, failing) is None  # the Read asks GitHub itself and says what went wrong


def test_a_hints_name_that_is_a_symlink_is_never_written_through(tmp_path: Path) -> None:
    stack, _ = reads(tmp_path)
    path = _journal.journal_path(stack.client, _read_ahead.HINTS)
    assert path is not None
    Path(path).parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    victim = tmp_path / "victim"
    victim.write_text("someone else's file\n")
    Path(path).symlink_to(victim)

    hinted(stack, range(1, 3))

    assert victim.read_text() == "someone else's file\n"
    assert stack.take(1, SENT, Fetches()) is None
