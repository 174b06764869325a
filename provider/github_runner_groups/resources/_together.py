"""Reads of one resource sent together: a refresh is latency-bound, and a group's own reads (the group, its
repositories, its runners) do not depend on each other. The pacer still decides when each is sent (in-flight
cap, points budget), and each keeps its ETag, so an unchanged object costs a 304.

One pool for the process (the provider server's worker threads share it), sized like the pacer's default
in-flight cap; its threads are made once, not per request.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from typing import TypeVar

T = TypeVar("T")
F = TypeVar("F")
_POOL = ThreadPoolExecutor(max_workers=16, thread_name_prefix="github-runner-groups-read")


def alongside(calls: Sequence[Callable[[], T]], first: Callable[[], F]) -> tuple[list[Future[T]], F]:
    """Start `calls` in the pool, run `first` in this thread meanwhile, and return when all have ended (none
    left running after the step returns): the calls' futures, and `first`'s result (or its exception, raised
    once the others ended)."""
    futures = [_POOL.submit(call) for call in calls]
    try:
        result = first()
    finally:
        wait(futures)
    return futures, result
