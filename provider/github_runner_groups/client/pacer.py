"""The pacer: keeps every thread of one process inside GitHub's secondary rate limits, together.

GitHub documents: at most 100 concurrent requests, 900 points a minute (a read costs 1, a write 5), and asks
for writes one at a time, at least a second apart. So: writes run one at a time and start at least
`write_delay_seconds` apart (start to start: latency below the spacing costs nothing); every request spends
points from a one-minute window (shorter only when a benchmark compresses time); at most `max_in_flight`
requests run at once; reads never wait for the write spacing. A secondary-limit answer on any thread pauses
every thread (and, through the ledger, every process on the credential) once, until its retry-after; however
many threads see it, and afterwards the budget is what it was (a slowdown that compounds with each thread that
sees the answer, and never recovers for reads, made a refresh after a limit take minutes). A request's points
leave the window one window after its answer, not its start: GitHub counts them from when the request arrives,
later than it starts here, so a read started at the window's edge would otherwise be refused. Writes are also
counted against GitHub's 80 a minute and 500 an hour; a wait for the hour that would take longer than the client
waits for a rate limit fails at once, saying when to run again, instead of asking GitHub and risking the
integration being blocked.

Other processes on the same credential spend from the same budgets: with a `Ledger` (ledger.py), each request is
reserved in the shared file when it is let go, under the file's lock (never while holding this pacer's lock), so
what the others reserved counts here too and their writes are spaced from like ours. A wait longer than
SAY_AFTER_SECONDS is said once (`say`), with its reason and how many other processes share the token.

Hand-written because the rate-limit libraries on PyPI (`limits`, `pyrate-limiter`) answer "may I, now?" for
one budget; none blocks threads fairly, runs writes one at a time, or pauses everyone on a server's signal.
"""

from __future__ import annotations

import bisect
import contextlib
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass

from .config import WRITE_COST_POINTS, PacingSettings
from .ledger import PAUSE, Ledger

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
READ_POINTS = 1
WRITE_POINTS = WRITE_COST_POINTS
WINDOW_SECONDS = PacingSettings().points_window_seconds  # GitHub's: a minute
_RECHECK_SECONDS = 1.0
# Another process's write is sent a scheduling delay after its reservation (more on a loaded machine): it is
# spaced from by this share of the spacing more, so that writes still arrive at least 0.9 spacings apart.
OTHERS_SPACING_MARGIN = 0.1
SAY_AFTER_SECONDS = 5.0  # a longer wait is said, once
SECONDARY_LIMIT = "GitHub's secondary rate limit (retry-after)"
UNTIL_A_REQUEST_ENDS = float("inf")
WINDOWS_PER_HOUR = 60  # the hour of the writes budget, in windows: compressed with them

# Blocks the calling thread for up to the given seconds, releasing the condition's lock meanwhile.
Wait = Callable[[threading.Condition, float], object]


def wait_on_condition(condition: threading.Condition, seconds: float) -> object:
    return condition.wait(seconds)


def _say_nothing(_message: str) -> None:
    pass


class _Answered:
    """When requests of one kind were answered, oldest first, and how many still run (their points cannot leave
    yet): kept in order so that counting the window is a length, not a scan."""

    def __init__(self) -> None:
        self.times: deque[float] = deque()
        self.running = 0

    def add(self, at: float) -> None:
        if not self.times or at >= self.times[-1]:
            self.times.append(at)
        else:  # another process's, sent a moment before one of ours was answered
            bisect.insort(self.times, at)

    def forget_before(self, since: float) -> None:
        times = self.times
        while times and times[0] <= since:
            times.popleft()

    def count(self) -> int:
        return self.running + len(self.times)


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

    `ledger`: where every process on the credential reserves its requests; `longest_wait_seconds`: the longest
    wait for the hour's writes budget before HourlyWritesUsed is raised instead; `say`: where a long wait is said.
    """

    def __init__(
        self,
        pacing: PacingSettings,
        clock: Callable[[], float] = time.monotonic,
        wait: Wait = wait_on_condition,
        *,
        ledger: Ledger | None = None,
        longest_wait_seconds: float = float("inf"),
        say: Callable[[str], None] = _say_nothing,
    ) -> None:
        self.pacing = pacing
        self._ledger = ledger
        self._longest_wait = longest_wait_seconds
        self._clock = clock
        self._wait = wait
        self._say = say
        self._condition = threading.Condition()
        self._in_flight = 0
        self._writing = False
        self._next_write = float("-inf")
        self._paused_until = float("-inf")
        self._said_until = float("-inf")
        self._reads_window = _Answered()  # reads answered in the last window
        self._writes_window = _Answered()  # writes answered in the last window
        self._writes_hour = _Answered()  # writes answered in the last hour (60 windows)
        self._releases = 0  # how many requests ended: a waiter that saw none end since its check may sleep
        # At the start and after a pause, one request goes alone until it is answered without a limit: were the
        # budget spent by a client outside the ledger, one request meets the limit, not every thread's.
        self._probing = True
        self._why = ""
        self._writes = 0
        self._reads = 0

    @contextmanager
    def slot(self, method: str, action: str = "") -> Iterator[None]:
        """Hold a place for one request: waits (never counted as a rate-limit wait) until it may start, then
        reserves it in the ledger. `action` names what the request is for, in a long wait's message."""
        write = method.upper() not in READ_METHODS
        while True:
            with self._turn() as shared, self._condition:
                wait = self.reserve(write, self._clock())
                if wait <= 0:
                    if shared:
                        assert self._ledger is not None  # a turn is only taken on a ledger
                        self._ledger.record(WRITE_POINTS if write else READ_POINTS)
                    break
                releases, why = self._releases, self._why
            with self._condition:
                if self._releases != releases:
                    continue  # a request ended meanwhile: look again
                if wait == UNTIL_A_REQUEST_ENDS:
                    self._condition.wait(_RECHECK_SECONDS)  # woken by `release`; not a time the clock must pass
                else:
                    self._announce(wait, why, action)
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
            waits = [(self._paused_until - now, SECONDARY_LIMIT), self._budget_wait(write, now)]
            if write:
                waits += [(self._next_write - now, self._spacing()), self._writes_wait(now)]
            wait, self._why = max(waits)
            if wait > 0:
                return wait
            if (
                self._in_flight >= self.pacing.max_in_flight
                or (write and self._writing)
                or (self._probing and self._in_flight > 0)
            ):
                return UNTIL_A_REQUEST_ENDS
            for answered in (self._writes_window, self._writes_hour) if write else (self._reads_window,):
                answered.running += 1
        self._in_flight += 1
        if write:
            self._writes += 1
            self._writing = self.pacing.enabled
            self._next_write = now + self.pacing.write_delay_seconds
        else:
            self._reads += 1
        return 0.0

    def release(self, write: bool) -> None:
        """A request that `reserve` let start has ended (answered, or given up on; a limit answer calls `pause`
        first, so that a probe that met the limit keeps the others waiting)."""
        with self._condition:
            self._in_flight -= 1
            self._releases += 1
            if self.pacing.enabled:
                now = self._clock()
                self._probing = self._probing and now < self._paused_until
                for answered in (self._writes_window, self._writes_hour) if write else (self._reads_window,):
                    answered.running -= 1
                    answered.add(now)
            if write:
                self._writing = False
            self._condition.notify_all()

    def pause(self, seconds: float, action: str = "") -> None:
        """A secondary-limit answer: no thread (nor, through the ledger, process) starts a request for `seconds`.
        Every thread that saw the same answer pauses the same once; the budget afterwards is unchanged."""
        with self._condition:
            until = self._clock() + seconds
            new = until > self._paused_until + 1.0
            self._paused_until = max(self._paused_until, until)
            self._probing = True
            if new:
                self._announce(seconds, SECONDARY_LIMIT, action)
            self._condition.notify_all()
        if new and self._ledger is not None:
            with self._turn() as shared:
                if shared:
                    self._ledger.record(PAUSE, at=self._ledger.wall() + seconds)

    def announce(self, seconds: float, reason: str, action: str = "") -> None:
        """Say a wait outside the pacer (a primary rate limit's reset), once, if it is long."""
        with self._condition:
            self._announce(seconds, reason, action)

    def close(self) -> None:
        if self._ledger is not None:
            self._ledger.close()

    def progress(self) -> Progress:
        with self._condition:
            return Progress(self._writes, self._reads)

    def _turn(self) -> contextlib.AbstractContextManager[bool]:
        """The ledger's turn (bounded wait; taken before, never while holding, the condition), or none."""
        if self._ledger is None or not self.pacing.enabled or not self._ledger.usable:
            return nullcontext(False)
        return self._ledger.turn()

    def _announce(self, seconds: float, reason: str, action: str) -> None:
        """Say a wait longer than SAY_AFTER_SECONDS, once: not again for threads waiting for the same end."""
        now = self._clock()
        if seconds <= SAY_AFTER_SECONDS or now + seconds <= self._said_until + 1.0:
            return
        self._said_until = now + seconds
        others = self._ledger.others(self.pacing.points_window_seconds) if self._ledger is not None else 0
        shared = f", shared with {others} other process{'es' if others > 1 else ''} on this token" if others else ""
        self._say(f"{action + ': ' if action else ''}waiting {seconds:.0f} s for {reason}{shared}")

    def _spacing(self) -> str:
        return f"the {self.pacing.write_delay_seconds:g} s spacing between writes (github:writeDelayMs)"

    def _count_other_processes(self, now: float) -> None:
        """Add what other processes on this credential reserved since the last look: their points and writes
        count as ours (leaving a window after they were sent, plus an allowance for their answer's latency), a
        write of theirs is spaced from like one of ours (with a margin), a pause of theirs pauses this process too."""
        if self._ledger is None:
            return
        allowance = self.pacing.points_window_seconds / 60
        for spending in self._ledger.news():
            sent = now - spending.age_seconds
            if spending.points == PAUSE:
                self._paused_until = max(self._paused_until, sent)
                self._probing = True
                continue
            if spending.points == WRITE_POINTS:
                self._writes_window.add(sent + allowance)
                self._writes_hour.add(sent + allowance)
                spacing = self.pacing.write_delay_seconds * (1 + OTHERS_SPACING_MARGIN)
                self._next_write = max(self._next_write, sent + spacing)
            else:
                self._reads_window.add(sent + allowance)

    def _forget_before(self, now: float) -> None:
        """Drop what no longer counts: reads and writes after the window, writes after the hour."""
        window = self.pacing.points_window_seconds
        self._reads_window.forget_before(now - window)
        self._writes_window.forget_before(now - window)
        self._writes_hour.forget_before(now - window * WINDOWS_PER_HOUR)

    def _budget_wait(self, write: bool, now: float) -> tuple[float, str]:
        """Seconds until the last window's points leave room for this request."""
        budget = self.pacing.points_per_minute
        reads, writes = self._reads_window, self._writes_window
        spent = reads.count() * READ_POINTS + writes.count() * WRITE_POINTS
        wait = 0.0
        if spent + (WRITE_POINTS if write else READ_POINTS) > budget:
            answered = sorted([(at, READ_POINTS) for at in reads.times] + [(at, WRITE_POINTS) for at in writes.times])
            running = reads.running * READ_POINTS + writes.running * WRITE_POINTS
            wait = _room_wait(answered, running, budget, WRITE_POINTS if write else READ_POINTS, self._window, now)
        return wait, f"the points budget of GitHub's secondary rate limit ({budget} a minute)"

    def _writes_wait(self, now: float) -> tuple[float, str]:
        """Seconds until one more write fits GitHub's writes a minute and an hour; raises HourlyWritesUsed when
        the hour's wait is longer than the client waits."""
        hour, minute = self._writes_hour, self._writes_window
        hour_wait = (
            _room_wait(
                [(at, 1) for at in hour.times],
                hour.running,
                self.pacing.writes_per_hour,
                1,
                self._window * WINDOWS_PER_HOUR,
                now,
            )
            if hour.count() >= self.pacing.writes_per_hour
            else 0.0
        )
        if hour_wait > self._longest_wait:
            raise HourlyWritesUsed(hour_wait, hour.count(), Progress(self._writes, self._reads))
        minute_wait = 0.0
        if minute.count() >= self.pacing.writes_per_minute:
            minute_wait = _room_wait(
                [(at, 1) for at in minute.times], minute.running, self.pacing.writes_per_minute, 1, self._window, now
            )
        if hour_wait >= minute_wait:
            return hour_wait, f"GitHub's limit of {self.pacing.writes_per_hour} writes an hour"
        return minute_wait, f"GitHub's limit of {self.pacing.writes_per_minute} writes a minute"

    @property
    def _window(self) -> float:
        return self.pacing.points_window_seconds


def _room_wait(
    answered: list[tuple[float, int]], running: int, limit: int, cost: int, window: float, now: float
) -> float:
    """Seconds until `cost` more fits within `limit` over the `window`, given the `answered` amounts (oldest first:
    they leave a window after their answer) and the `running` amount (it leaves only after its answer)."""
    excess = sum(amount for _, amount in answered) + running + cost - limit
    for at, amount in answered:
        if excess <= 0:
            break
        excess -= amount
        if excess <= 0:
            return max(0.0, at + window - now)
    return 0.0 if excess <= 0 else window
