"""Waiting for a deleted GitHub-hosted runner to be gone.

GitHub answers a hosted runner's DELETE with 202 and the runner stays `Deleting` (its name still taken) until it
is torn down. A delete that returned at once would let the next step fail: a `pulumi up` right after a destroy,
or a replacement created after the delete, that reuses the name. So delete waits until GitHub answers 404,
bounded (10 minutes by default, as the Terraform provider waits), with its progress in the log.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from .. import api
from ..client import GitHubClient
from ..errors import GitHubNotFound, GitHubRunnerGroupsError
from ..redaction import logger

DELETING = "Deleting"
TIMEOUT_SECONDS = 600.0
_FIRST_POLL_SECONDS = 0.5
_LONGEST_POLL_SECONDS = 10.0
_LOG_EVERY_SECONDS = 30.0
_LOG = logger(__name__)


class StillDeleting(GitHubRunnerGroupsError):
    """The runner was still there when the wait ran out."""


def wait_until_gone(
    client: GitHubClient,
    org: str,
    hosted_runner_id: int,
    *,
    location: str = "org",
    timeout: float = TIMEOUT_SECONDS,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """Poll the runner (ETag-cached reads: an unchanged one costs a 304) until GitHub answers 404."""
    what = f"GitHub-hosted runner {hosted_runner_id} in {location} '{org}'"
    start = clock()
    logged = start - _LOG_EVERY_SECONDS
    pause = _FIRST_POLL_SECONDS
    while True:
        try:
            runner = api.get_hosted_runner(client, org, hosted_runner_id, location=location)
        except GitHubNotFound:
            _LOG.info("%s is gone after %.0f s", what, clock() - start)
            return
        waited = clock() - start
        if waited >= timeout:
            raise StillDeleting(
                f"deleting {what} ('{runner.name}') did not finish: GitHub still shows it {runner.status!r} after "
                f"{waited:.0f} s (this provider waits at most {timeout:.0f} s). GitHub usually tears a hosted runner "
                "down within minutes: run the command again later (the DELETE is repeated and the wait resumes)."
            )
        if clock() - logged >= _LOG_EVERY_SECONDS:
            # A warning, as the client's rate-limit waits: shown without debug logging, so a slow destroy says why.
            _LOG.warning(
                "waiting for %s ('%s', %s) to be gone: %.0f s so far", what, runner.name, runner.status, waited
            )
            logged = clock()
        sleep(min(pause, timeout - waited))
        pause = min(pause * 2, _LONGEST_POLL_SECONDS)
