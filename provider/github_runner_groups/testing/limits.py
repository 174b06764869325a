"""GitHub's rate limits for REST: the primary hourly bucket per credential, and the secondary limits.

Secondary limits, as GitHub documents them: at most 100 concurrent requests; 900 points per minute (a read
costs 1, a write 5); 80 content-generating requests per minute and 500 per hour. Every write counts as content
generating here (GitHub does not say whether runner-group writes do; the strict reading is the safe one), and the
windows slide. They are off unless configured; `window_seconds` compresses time so a test or a benchmark can run
a "minute" in seconds with every ratio kept (the hour is always 60 windows).
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from .state import Credential

WRITE_METHODS = frozenset({"POST", "PATCH", "PUT", "DELETE"})
ANONYMOUS_RATE_LIMIT = 60  # GitHub's hourly limit for requests without valid credentials (per IP)


class PrimaryLimiter:
    """The hourly bucket of each credential (and one for requests without valid credentials)."""

    def __init__(self, rate_limit: int, clock: Callable[[], float]) -> None:
        self.rate_limit = rate_limit
        self.anonymous = Credential(frozenset())
        # GitHub answers a used-up primary limit with 403 or 429, x-ratelimit-remaining 0 and x-ratelimit-reset
        # (docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api#exceeding-the-primary-rate-limit).
        self.status = 403
        self._clock = clock

    def limit(self, bucket: Credential) -> int:
        """The bucket's limit, starting a new hour-long window when the last one is over."""
        now = self._clock()
        if bucket.reset_at <= now:
            bucket.used, bucket.reset_at = 0, now + 3600
        return ANONYMOUS_RATE_LIMIT if bucket is self.anonymous else self.rate_limit

    def exhausted(self, bucket: Credential) -> bool:
        limit = self.limit(bucket)  # first: it may start a new window
        return bucket.used >= limit

    def headers(self, bucket: Credential, *, count: bool) -> dict[str, str]:
        """GitHub's x-ratelimit-* headers; `count` spends one request (a 304 costs nothing)."""
        limit = self.limit(bucket)
        if count and bucket.used < limit:
            bucket.used += 1
        return {
            "x-ratelimit-limit": str(limit),
            "x-ratelimit-remaining": str(limit - bucket.used),
            "x-ratelimit-used": str(bucket.used),
            "x-ratelimit-reset": str(int(bucket.reset_at)),
            "x-ratelimit-resource": "core",
        }


@dataclass(frozen=True)
class SecondaryLimits:
    """GitHub's documented secondary limits (the defaults), or a time-compressed copy of them."""

    points_per_window: int = 900
    writes_per_window: int = 80
    writes_per_hour: int = 500
    concurrent_requests: int = 100
    window_seconds: float = 60.0
    read_points: int = 1
    write_points: int = 5

    def __post_init__(self) -> None:
        for name in ("points_per_window", "writes_per_window", "writes_per_hour", "concurrent_requests"):
            if getattr(self, name) < 1:
                raise ValueError(f"SecondaryLimits.{name} must be at least 1, not {getattr(self, name)}")
        if not self.window_seconds > 0:
            raise ValueError(f"SecondaryLimits.window_seconds must be positive, not {self.window_seconds}")

    @property
    def hour_seconds(self) -> float:
        return self.window_seconds * 60

    @classmethod
    def compressed(cls, factor: float) -> SecondaryLimits:
        """Time `factor` times faster: for 10, a 6 s window with a tenth of the budgets (concurrency unchanged)."""
        if not factor > 0:
            raise ValueError(f"the time compression factor must be positive, not {factor}")
        real = cls()
        return cls(
            points_per_window=max(1, round(real.points_per_window / factor)),
            writes_per_window=max(1, round(real.writes_per_window / factor)),
            writes_per_hour=max(1, round(real.writes_per_hour / factor)),
            window_seconds=real.window_seconds / factor,
        )

    def cost(self, method: str) -> int:
        return self.write_points if method in WRITE_METHODS else self.read_points


_GITHUB = SecondaryLimits()


@dataclass
class _Ledger:
    """One credential's recent traffic: (time, points) in the window, write times in the hour, answers pending."""

    points: deque[tuple[float, int]] = field(default_factory=deque)
    writes: deque[float] = field(default_factory=deque)
    answers_due: list[float] = field(default_factory=list)


@dataclass
class SecondaryUsage:
    """What a run spent, whether or not limits are enforced: for a benchmark to print."""

    points: int = 0
    writes: int = 0
    hits: int = 0


class SecondaryLimiter:
    """Admits or refuses each authenticated request; a refused one is not applied and spends nothing."""

    def __init__(self, limits: SecondaryLimits | None = None) -> None:
        self.limits = limits
        self.usage = SecondaryUsage()
        self._ledgers: dict[str, _Ledger] = {}

    def admit(self, credential: str, method: str, now: float, answer_delay: float) -> float | None:
        """None when admitted (and recorded); else the seconds until the request would fit (for retry-after).

        A request is in flight from its arrival until its answer is due (`answer_delay` later): that is what
        the concurrency limit counts, so concurrency exists only where answers take time (`latency_seconds`).
        """
        limits = self.limits
        if limits is None:
            self._spend(method, _GITHUB.cost(method))
            return None
        ledger = self._ledgers.setdefault(credential, _Ledger())
        self._forget_before(ledger, limits, now)
        cost = limits.cost(method)
        waits = [
            _concurrency_wait(ledger, limits, now),
            _points_wait(ledger, limits, now, cost),
        ]
        if method in WRITE_METHODS:
            waits.append(_count_wait(ledger.writes, limits.writes_per_window, now - limits.window_seconds))
            waits.append(_count_wait(ledger.writes, limits.writes_per_hour, now - limits.hour_seconds))
        wait = max(waits)
        if wait > 0:
            self.usage.hits += 1
            return wait
        ledger.points.append((now, cost))
        if method in WRITE_METHODS:
            ledger.writes.append(now)
        ledger.answers_due.append(now + answer_delay)
        self._spend(method, cost)
        return None

    def _spend(self, method: str, cost: int) -> None:
        self.usage.points += cost
        self.usage.writes += method in WRITE_METHODS

    @staticmethod
    def _forget_before(ledger: _Ledger, limits: SecondaryLimits, now: float) -> None:
        while ledger.points and ledger.points[0][0] <= now - limits.window_seconds:
            ledger.points.popleft()
        while ledger.writes and ledger.writes[0] <= now - limits.hour_seconds:
            ledger.writes.popleft()
        ledger.answers_due = [due for due in ledger.answers_due if due > now]


def retry_after(wait: float) -> str:
    """GitHub sends whole seconds, at least 1."""
    return str(max(1, math.ceil(wait)))


def _concurrency_wait(ledger: _Ledger, limits: SecondaryLimits, now: float) -> float:
    if len(ledger.answers_due) < limits.concurrent_requests:
        return 0.0
    return min(ledger.answers_due) - now


def _points_wait(ledger: _Ledger, limits: SecondaryLimits, now: float, cost: int) -> float:
    """The wait until enough of the window's points have expired for `cost` more to fit."""
    excess = sum(points for _, points in ledger.points) + cost - limits.points_per_window
    if excess <= 0:
        return 0.0
    for at, points in ledger.points:
        excess -= points
        if excess <= 0:
            return at + limits.window_seconds - now
    return limits.window_seconds  # a cost above the whole budget


def _count_wait(times: deque[float], limit: int, since: float) -> float:
    """The wait until one more fits among the `times` after `since` (the start of a sliding window)."""
    recent = [t for t in times if t > since]
    if len(recent) < limit:
        return 0.0
    return recent[len(recent) - limit] - since
