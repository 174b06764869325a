"""The pacer: keeps every thread of one process inside GitHub's secondary rate limits, together.

GitHub documents: at most 100 concurrent requests, 900 points a minute (a read costs 1, a write 5), and asks
for writes one at a time, at least a second apart. So: writes run one at a time and start at least
`write_delay_seconds` apart (start to start: latency below the spacing costs nothing); every request spends
points from a one-minute window (shorter only when a benchmark compresses time); at most `max_in_flight`
requests run at once; reads never wait for the write spacing. A secondary-limit answer on any thread pauses
every thread until its retry-after, then slows the pace (twice the spacing, half the budget), which recovers a
little with every write that passes. A request's points leave the window one window after its answer, not its
start: GitHub counts them from when the request arrives, later than it starts here, so a read started at the
window's edge would otherwise be refused. Writes are also counted against GitHub's 80 a minute and 500 an hour;
a wait for the hour that would take longer than the client waits for a rate limit fails at once, saying when to
run again, instead of asking GitHub and risking the integration being blocked.

Other processes on the same credential spend from the same budgets: with a `Ledger` (ledger.py), what they spent
counts here too, so a refresh right after another, or an update right after its preview, stays inside them.

Hand-written because the rate-limit libraries on PyPI (`limits`, `pyrate-limiter`) answer "may I, now?" for
one budget; none blocks threads fairly, runs writes one at a time, or pauses everyone on a server's signal.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from .config import WRITE_COST_POINTS, PacingSettings
from .ledger import Ledger

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
READ_POINTS = 1
WRITE_POINTS = WRITE_COST_POINTS
WINDOW_SECONDS = PacingSettings().points_window_seconds  # GitHub's: a minute
_MAX_SLOWDOWN = 16.0
_RECOVERY_PER_WRITE = 0.9
_RECHECK_SECONDS = 1.0
UNTIL_A_REQUEST_ENDS = float("inf")
WINDOWS_PER_HOUR = 60  # the hour of the writes budget, in windows: compressed with them

# Blocks the calling thread for up to the given seconds, releasing the condition's lock meanwhile.
Wait = Callable[[threading.Condition, float], object]


def wait_on_condition(condition: threading.Condition, seconds: float) -> object:
    return condition.wait(seconds)


@dataclass
class _Spent:
    """The points one request spent, and when it was answered (None while it runs: its points cannot leave yet)."""

    points: int
    answered: float | None = None


class HourlyWritesUsed(Exception):
    """The writes budget of the hour is spent, and its next write is further off than the client waits."""

    def __init__(self, wait_seconds: float, writes: int, progress: Progress) -> None:
        self.wait_seconds = wait_seconds
        self.writes = writes
        self.progress = progress
        super().__init__(f"{writes} writes in the last hour; the next one in {wait_seconds:.0f}s")


@dataclass(frozen=True)
class Progress:
    """What this process had sent when it stopped: for a message that says how far the run got."""

    writes: int
    reads: int

    def describe(self) -> str:
        return f"{self.writes} write(s) and {self.reads} read(s) had been sent before it"


class Pacer:
    """Shared by every thread of a client; `clock` and `wait` are injectable so tests need not sleep.

    `ledger`: where other processes' spending is read and this one's written; `longest_wait_seconds`: the longest
    wait for the hour's writes budget before HourlyWritesUsed is raised instead.
    """

    def __init__(
        self,
        pacing: PacingSettings,
        clock: Callable[[], float] = time.monotonic,
        wait: Wait = wait_on_condition,
        *,
        ledger: Ledger | None = None,
        longest_wait_seconds: float = float("inf"),
    ) -> None:
        self.pacing = pacing
        self._ledger = ledger
        self._longest_wait = longest_wait_seconds
        self._clock = clock
        self._wait = wait
        self._condition = threading.Condition()
        self._in_flight = 0
        self._writing = False
        self._next_write = float("-inf")
        self._paused_until = float("-inf")
        self._spent: deque[_Spent] = deque()
        self._slowdown = 1.0
        self._writes = 0
        self._reads = 0

    @contextmanager
    def slot(self, method: str) -> Iterator[None]:
        """Hold a place for one request: waits (never counted as a rate-limit wait) until it may start."""
        write = method.upper() not in READ_METHODS
        with self._condition:
            while (wait := self.reserve(write, self._clock())) > 0:
                if wait == UNTIL_A_REQUEST_ENDS:
                    self._condition.wait(_RECHECK_SECONDS)  # woken by `release`; not a time the clock must pass
                else:
                    self._wait(self._condition, wait)
        try:
            yield
        finally:
            self.release(write)

    def reserve(self, write: bool, now: float) -> float:
        """Take a place and return 0 if the request may start at `now`, else the seconds to wait first
        (UNTIL_A_REQUEST_ENDS: until another request ends, as only one write runs at a time and in-flight is capped).

        Call with the condition held (`slot` does); separate so that tests can drive the arithmetic.
        """
        if self.pacing.enabled:
            self._count_other_processes(now)
            self._forget_before(now)
            wait = max(self._paused_until - now, self._budget_wait(write, now))
            if write:
                wait = max(wait, self._next_write - now, self._writes_wait(now))
            if wait > 0:
                return wait
            if self._in_flight >= self.pacing.max_in_flight or (write and self._writing):
                return UNTIL_A_REQUEST_ENDS
            self._spent.append(_Spent(WRITE_POINTS if write else READ_POINTS))
        self._in_flight += 1
        if write:
            self._writes += 1
            self._writing = self.pacing.enabled
            self._next_write = now + self.pacing.write_delay_seconds * self._slowdown
        else:
            self._reads += 1
        return 0.0

    def release(self, write: bool) -> None:
        """A request that `reserve` let start has ended: a written one lets the pace recover a little."""
        with self._condition:
            self._in_flight -= 1
            points = WRITE_POINTS if write else READ_POINTS
            self._answered(points, self._clock())
            if self._ledger is not None and self.pacing.enabled:
                self._ledger.record(points)
            if write:
                self._writing = False
                self._slowdown = max(1.0, self._slowdown * _RECOVERY_PER_WRITE)
            self._condition.notify_all()

    def pause(self, seconds: float) -> None:
        """A secondary-limit answer: no thread starts a request for `seconds`; afterwards, a slower pace."""
        with self._condition:
            self._paused_until = max(self._paused_until, self._clock() + seconds)
            self._slowdown = min(_MAX_SLOWDOWN, self._slowdown * 2)
            self._condition.notify_all()

    def close(self) -> None:
        if self._ledger is not None:
            self._ledger.close()

    def progress(self) -> Progress:
        with self._condition:
            return Progress(self._writes, self._reads)

    def _answered(self, points: int, now: float) -> None:
        """Stamp the oldest running request of this kind as answered: requests of one kind spend the same points,
        so which of them ended first does not change when the points leave."""
        running = next((spent for spent in self._spent if spent.answered is None and spent.points == points), None)
        if running is not None:
            running.answered = now

    def _count_other_processes(self, now: float) -> None:
        """Add what other processes on this credential were answered since the last look: their points and
        writes count as ours, and a write of theirs is spaced from like one of ours."""
        if self._ledger is None:
            return
        for spending in self._ledger.news():
            answered = now - spending.age_seconds
            self._spent.append(_Spent(spending.points, answered))
            if spending.points == WRITE_POINTS:
                self._next_write = max(self._next_write, answered + self.pacing.write_delay_seconds)

    def _forget_before(self, now: float) -> None:
        """Drop what no longer counts: reads after the window, writes after the hour."""
        window = self.pacing.points_window_seconds
        hour = window * WINDOWS_PER_HOUR
        self._spent = deque(
            s for s in self._spent if _leaves(s, now) > now - (hour if s.points == WRITE_POINTS else window)
        )

    def _budget_wait(self, write: bool, now: float) -> float:
        """Seconds until the last window's points leave room for this request, at the current pace."""
        window = self.pacing.points_window_seconds
        budget = max(WRITE_POINTS, int(self.pacing.points_per_minute / self._slowdown))
        cost = WRITE_POINTS if write else READ_POINTS
        return _room_wait([(_leaves(s, now), s.points) for s in self._spent], budget, cost, window, now)

    def _writes_wait(self, now: float) -> float:
        """Seconds until one more write fits GitHub's writes a minute and an hour; raises HourlyWritesUsed when
        the hour's wait is longer than the client waits."""
        window = self.pacing.points_window_seconds
        writes = [(_leaves(s, now), 1) for s in self._spent if s.points == WRITE_POINTS]
        hour = window * WINDOWS_PER_HOUR
        hour_wait = _room_wait(writes, self.pacing.writes_per_hour, 1, hour, now)
        if hour_wait > self._longest_wait:
            raise HourlyWritesUsed(hour_wait, len(writes), Progress(self._writes, self._reads))
        return max(hour_wait, _room_wait(writes, self.pacing.writes_per_minute, 1, window, now))


def _leaves(spent: _Spent, now: float) -> float:
    """When a request's points start their last window: its answer, or now for one still running."""
    return now if spent.answered is None else spent.answered


def _room_wait(spent: list[tuple[float, int]], limit: int, cost: int, window: float, now: float) -> float:
    """Seconds until `cost` more fits within `limit` over the `window` before it, given when each of the `spent`
    amounts was answered (older ones have left)."""
    recent = sorted((at, amount) for at, amount in spent if at > now - window)
    excess = sum(amount for _, amount in recent) + cost - limit
    for answered, amount in recent:
        if excess <= 0:
            break
        excess -= amount
        if excess <= 0:
            return answered + window - now
    return 0.0 if excess <= 0 else window
