"""Refresh read-ahead: a refresh's group Reads sent before the engine asks for them.

The SDK's provider server runs at most four Reads at a time (`pulumi/dynamic/__main__.py`:
`ThreadPoolExecutor(max_workers=4)`), so a refresh of N groups is at least N/4 round trips however the provider
sends them. This module lets a refresh of many groups read ahead, within the same pacer (in-flight cap, points
budget), so that the Reads the server runs later find their answers already there.

What to read ahead comes from hints this machine kept for the stack: the group ids its resources last read,
created or updated in an org (or enterprise), each with the ETags its state held, so that an unchanged group
still costs 304s (free against GitHub's primary rate limit). The hints sit in `<hash>.hints` beside the ownership
journal (same directory, same rules: 0600, exact name, bounded lock). A machine without them (a fresh CI runner)
reads as before, four Reads at a time.

An answer read ahead is used only when it is exactly what the Read would have got:
- the Read's own ETags equal those it was sent with where GitHub answered 304 (a 200 is the current object);
- it owns the same lists;
- it was sent within `_FRESH_SECONDS`, and this process sent no write since;
- nothing failed (a failure is left to the Read, which asks again and says what went wrong).
Otherwise the Read asks GitHub itself. Read-ahead starts only when Reads of one stack's groups in one org come
in a burst (a refresh), never for a lone Read (`pulumi import`, `RunnerGroup.get`).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from ..client import GitHubClient
from . import _journal

# The group's ETag, then each list the resource owns, in order: (its field, its ETag).
Etags = tuple[str | None, tuple[tuple[str, str | None], ...]]
# What a Read gets: each list's answer (futures, all done), then the group's (`_together.alongside`).
Parts = tuple[list[Future[Any]], Any]
Fetch = Callable[[int, Etags], Parts]

HINTS_SUFFIX = ".hints"
# Advisory: a lock held longer than a flush takes means another process stopped holding it; then the hints are
# off for this process (a refresh reads four groups at a time) rather than make a Read wait.
HINTS = _journal.Use(HINTS_SUFFIX, "refresh read-ahead hints", "refreshes read four groups at a time", 0.5)
_BURST_READS = 4  # Reads begun within _BURST_SECONDS that make a refresh (the server runs four at once)
_BURST_SECONDS = 2.0
_FRESH_SECONDS = 60.0  # an answer read ahead longer ago than this is asked again
_IDLE_SECONDS = 120.0  # a stack's reads idle this long: a later burst reads ahead again
_HINT_DAYS = 14  # a hint no Read, create or update confirmed for this long is dropped
_RENEW_SECONDS = 86400.0  # an unchanged hint's time is written again at most once a day
# As many groups at a time as the pacer's default in-flight cap: the pacer decides what is sent when.
_POOL = ThreadPoolExecutor(max_workers=16, thread_name_prefix="github-runner-groups-read-ahead")


@dataclass
class _Ahead:
    """One group read ahead: the ETags it was sent with, and when it was sent (time, this process's writes)."""

    sent: Etags
    future: Future[Parts] = field(default_factory=Future)
    sent_at: float = 0.0
    writes_before: int = -1


def usable(sent: Etags, wanted: Etags, parts: Parts) -> bool:
    """Whether answers sent with ETags `sent` are what a Read holding `wanted` would have got: the same lists,
    and a 304 only where both ETags agree."""
    if [name for name, _ in sent[1]] != [name for name, _ in wanted[1]]:
        return False
    futures, group = parts
    if any(future.exception() is not None for future in futures):
        return False
    answers = [(group, sent[0], wanted[0])]
    answers += [
        (future.result(), was, want) for future, (_, was), (_, want) in zip(futures, sent[1], wanted[1], strict=True)
    ]
    return all(not answer.unchanged or was == want for answer, was, want in answers)


class StackReads:
    """One stack's group Reads in one org or enterprise, in this process: its hints, and what was read ahead."""

    def __init__(self, client: GitHubClient, key: str) -> None:
        self.client = client
        self._key = key
        self._lock = threading.Lock()
        self._flushing = threading.Lock()
        self._hints: dict[int, tuple[Etags, float]] | None = None  # loaded at the first Read
        self._dirty: dict[int, tuple[Etags, float] | None] = {}
        self._begun: deque[float] = deque()
        self._read: set[int] = set()
        self._ahead: dict[int, _Ahead] = {}
        self._started = False
        self._last = 0.0
        self._off = False  # the hints file cannot be used (said once): nothing is read ahead or written

    def take(self, group_id: int, wanted: Etags, fetch: Fetch) -> Parts | None:
        """The answers read ahead for this Read, when usable; None: the Read asks GitHub itself. A Read that
        makes a burst starts the read-ahead of the stack's other hinted groups."""
        if self._off:
            return None
        now = time.monotonic()
        with self._lock:
            if now - self._last > _IDLE_SECONDS:  # a new refresh in a long-lived process
                self._read.clear()
                self._ahead.clear()
                self._started = False
            self._last = now
            self._read.add(group_id)
            self._begun.append(now)
            while self._begun and self._begun[0] < now - _BURST_SECONDS:
                self._begun.popleft()
            start = not self._started and len(self._begun) >= _BURST_READS
            self._started = self._started or start
            ahead = self._ahead.pop(group_id, None)
        if start:
            self._start(fetch)
        if ahead is None or ahead.future.cancel():
            return None  # not read ahead, or not sent yet: this Read sends its own
        if ahead.future.exception() is not None:
            return None
        parts = ahead.future.result()
        fresh = time.monotonic() - ahead.sent_at <= _FRESH_SECONDS and ahead.writes_before == self._writes()
        return parts if fresh and usable(ahead.sent, wanted, parts) else None

    def remember(self, group_id: int, etags: Etags) -> None:
        """What this stack's resource holds of the group now: read ahead with these ETags next time."""
        now = time.time()
        hints = self._loaded()
        if self._off:
            return
        known = hints.get(group_id)
        if known is not None and known[0] == etags and now - known[1] < _RENEW_SECONDS:
            return
        with self._lock:
            hints[group_id] = (etags, now)
            self._dirty[group_id] = (etags, now)
        self._flush()

    def forget(self, group_id: int) -> None:
        """The group is gone or no longer this stack's: never read it ahead again."""
        hints = self._loaded()
        if self._off:
            return
        with self._lock:
            hints.pop(group_id, None)
            self._dirty[group_id] = None
        self._flush()

    def _start(self, fetch: Fetch) -> None:
        hints = self._loaded()
        with self._lock:
            wanted = [(group_id, etags) for group_id, (etags, _) in hints.items() if group_id not in self._read]
            for group_id, etags in wanted:
                ahead = _Ahead(etags)
                self._ahead[group_id] = ahead
                _POOL.submit(self._read_ahead, group_id, ahead, fetch)

    def _read_ahead(self, group_id: int, ahead: _Ahead, fetch: Fetch) -> None:
        if not ahead.future.set_running_or_notify_cancel():
            return  # its Read came first and asked itself
        ahead.writes_before, ahead.sent_at = self._writes(), time.monotonic()
        try:
            ahead.future.set_result(fetch(group_id, ahead.sent))
        except BaseException as exc:
            ahead.future.set_exception(exc)

    def _writes(self) -> int:
        return self.client.pacer.progress().writes

    def _loaded(self) -> dict[int, tuple[Etags, float]]:
        with self._lock:
            if self._hints is not None:
                return self._hints
        with _journal.opened(self.client, use=HINTS) as entries:
            book = entries.get(self._key) if entries is not None else None
        self._off = self._off or entries is None
        hints = _decode(book, time.time() - _HINT_DAYS * 86400)
        with self._lock:
            if self._hints is None:
                self._hints = hints
            return self._hints

    def _flush(self) -> None:
        """Write what changed, merged into the file under its lock; one thread writes at a time, and it goes on
        until nothing is left, so no hint stays unwritten after the last Read returns."""
        while self._dirty and self._flushing.acquire(blocking=False):
            try:
                with self._lock:
                    batch, self._dirty = self._dirty, {}
                with _journal.opened(self.client, write=True, use=HINTS) as entries:
                    if entries is None:
                        self._off = True
                        return
                    # Every stack's hints, pruned of old ones (a stack no longer run leaves none for long).
                    books = {key: _decode(value, time.time() - _HINT_DAYS * 86400) for key, value in entries.items()}
                    book = books.setdefault(self._key, {})
                    for group_id, hint in batch.items():
                        book.pop(group_id, None)
                        if hint is not None:
                            book[group_id] = hint
                    entries.clear()
                    entries.update({key: _encode(hints) for key, hints in books.items() if hints})
            finally:
                self._flushing.release()


_stacks: dict[tuple[str, str], StackReads] = {}
_stacks_lock = threading.Lock()


def reads_for(client: GitHubClient, location: str, owner: str) -> StackReads | None:
    """The stack's group Reads in `owner` (an org, or an enterprise where `location` says so), or None when the
    stack is unknown (a provider not made by a Resource class) or no directory can hold the hints."""
    entry = _journal.held_entry("reads", location, owner.lower())
    path = _journal.journal_path(client, HINTS) if entry is not None else None
    if entry is None or path is None:
        return None
    with _stacks_lock:
        found = _stacks.get((path, entry))
        if found is None:
            found = _stacks[(path, entry)] = StackReads(client, entry)
        found.client = client  # the process's client for these settings now (its pacer counts the writes)
        return found


def _encode(book: dict[int, tuple[Etags, float]]) -> list[list[Any]]:
    return [
        [group_id, etags[0], [list(pair) for pair in etags[1]], round(at)] for group_id, (etags, at) in book.items()
    ]


def _decode(book: Any, oldest: float) -> dict[int, tuple[Etags, float]]:
    """The hints of one stack, in the order they were last written; anything malformed or older than `oldest`
    is left out (the file is advisory: a bad hint only costs a Read that asks GitHub itself)."""
    hints: dict[int, tuple[Etags, float]] = {}
    for item in book if isinstance(book, list) else ():
        try:
            group_id, etag, lists, at = item
            pairs: Sequence[tuple[str, str | None]] = tuple((str(name), value) for name, value in lists)
            if (
                isinstance(group_id, int)
                and float(at) >= oldest
                and all(_etag(v) for v in (etag, *dict(pairs).values()))
            ):
                hints[group_id] = ((etag, tuple(pairs)), float(at))
        except (TypeError, ValueError):
            continue
    return hints


def _etag(value: Any) -> bool:
    return value is None or (isinstance(value, str) and len(value) <= 200)
