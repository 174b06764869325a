"""Rate-limit bookkeeping: reading GitHub's limit headers, remembering a used-up primary limit.

Header values come from the server and are never trusted: anything that is not a finite number (or an HTTP
date) counts as absent, so a hostile `retry-after: inf` becomes a documented default, never an overflow.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

# GitHub's guidance when a secondary limit gives no retry-after: wait at least one minute.
SECONDARY_LIMIT_WAIT_SECONDS = 60.0
# Past this a point in time is not worth printing as a date (and datetime could not hold it).
_PRINTABLE_SECONDS = 10 * 365 * 24 * 3600.0
_SECONDARY_MARKERS = ("secondary rate limit", "abuse detection")


@dataclass(frozen=True)
class LimitWait:
    """How long a 403/429 asks to wait; `secondary` is GitHub's too-fast limit (shared by every thread)."""

    seconds: float
    secondary: bool


def finite_number(value: str | None) -> float | None:
    try:
        number = float(value) if value is not None else None
    except ValueError:
        return None
    return number if number is not None and math.isfinite(number) else None


def retry_after_seconds(value: str | None, now: float) -> float | None:
    """`retry-after` as seconds (a number or an HTTP date); None when absent or not a finite time."""
    seconds = finite_number(value)
    if seconds is not None or value is None:
        return seconds
    try:
        return parsedate_to_datetime(value).timestamp() - now
    except (TypeError, ValueError, OverflowError):
        return None


def limit_wait(status: int, headers: Mapping[str, str], message: str | None, now: float) -> LimitWait | None:
    """Seconds to wait before retrying a 403/429, in GitHub's documented order; None: not a rate limit."""
    if status not in (403, 429):
        return None
    secondary = any(marker in (message or "").lower() for marker in _SECONDARY_MARKERS)
    retry_after = retry_after_seconds(headers.get("retry-after"), now)
    if retry_after is not None:
        return LimitWait(
            max(1.0, retry_after), secondary or status == 429 or headers.get("x-ratelimit-remaining") != "0"
        )
    if headers.get("x-ratelimit-remaining") == "0":
        reset = finite_number(headers.get("x-ratelimit-reset"))
        return LimitWait(max(1.0, reset - now + 1) if reset is not None else SECONDARY_LIMIT_WAIT_SECONDS, False)
    if secondary or status == 429:
        return LimitWait(SECONDARY_LIMIT_WAIT_SECONDS, True)
    return None


def when(now: float, seconds: float) -> str:
    """'at 2027-01-15 09:00:01 UTC', or a phrase for a time too far off to be a date."""
    if seconds > _PRINTABLE_SECONDS:
        return f"in more than {_PRINTABLE_SECONDS / (365 * 24 * 3600):g} years"
    return "at " + datetime.fromtimestamp(now + seconds, tz=timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


class PrimaryLimit:
    """Remembers a used-up primary limit so that the next request, from any thread, waits for the reset."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._reset: float | None = None

    def note(self, headers: Mapping[str, str]) -> None:
        remaining = headers.get("x-ratelimit-remaining")
        reset = finite_number(headers.get("x-ratelimit-reset"))
        with self._lock:
            if remaining == "0" and reset is not None:
                self._reset = reset
            elif remaining is not None:
                self._reset = None

    def wait_before_next(self, now: float) -> float:
        """Seconds until the remembered reset (plus one, for clock skew); 0 when there is none."""
        with self._lock:
            reset = self._reset
        return max(0.0, reset - now + 1) if reset is not None else 0.0
