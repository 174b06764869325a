"""A GitHub-hosted runner's end: DELETE answers 202 and the runner shows `Deleting` (its name still taken, its
static IP still counted) until GitHub has torn it down, then it is gone (404).

How long that takes is not documented (the Terraform provider waits up to 10 minutes); the emulator keeps a
deleted runner for `EmulatorState.hosted_deletion_seconds` of its clock (0, the default: gone at once), so a test
can compress the wait to a second or so. The runner is dropped lazily, when a request for its org arrives.
"""

from __future__ import annotations

from typing import Any

from .state import Enterprise, Org

DELETING = "Deleting"
_UNTIL = "deleting_until"


def start_deleting(org: Org | Enterprise, hosted: dict[str, Any], now: float, seconds: float) -> dict[str, Any]:
    """Mark the runner `Deleting` (a second DELETE keeps its first deadline); gone at once when `seconds` <= 0."""
    hosted["status"] = DELETING
    hosted.setdefault(_UNTIL, now + seconds)
    sweep(org, now)
    return hosted


def sweep(org: Org | Enterprise, now: float) -> None:
    """Drop the runners whose teardown is over."""
    for hosted_id, hosted in list(org.hosted_runners.items()):
        until = hosted.get(_UNTIL)
        if until is not None and until <= now:
            del org.hosted_runners[hosted_id]
