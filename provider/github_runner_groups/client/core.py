"""GitHubClient: one short request loop that asks the small parts (transport, failure classification,
rate-limit bookkeeping, ETag cache, installation tokens) what to do, plus Link pagination.

The provider server runs four worker threads that share one client (`get_client`): every part that keeps
state does so behind its own lock. No message or log record ever contains the token, the JWT, an
installation token or the App key; every error leaving the client is scrubbed of them.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlencode, urlsplit

import requests
from requests.utils import parse_header_links

from ..errors import GitHubError, GitHubOutcomeUnknown, GitHubRateLimited, GitHubServerError
from ..redaction import logger, remember, scrub
from . import failures
from .config import DEFAULT_BASE_URL, ClientSettings, is_loopback
from .etags import CachedGet, EtagCache
from .ledger import Ledger, ledger_name
from .pacer import SECONDARY_LIMIT, HourlyWritesUsed, Pacer, Wait, wait_on_condition
from .ratelimit import LimitWait, PrimaryLimit, limit_wait, when
from .response import ApiResponse, Conditional
from .transport import Transport, log, new_session

# Long waits (on the budget, for a limit's reset) are said here: the providers pass them to Pulumi's log, the
# CLI to stderr.
waits_log = logger("github_runner_groups.waits")

if TYPE_CHECKING:
    from .app_auth import InstallationTokens

PER_PAGE = 100
# PATCH is listed because every PATCH this package sends carries the full desired state.
_REPEATABLE_METHODS = frozenset({"GET", "HEAD", "PUT", "PATCH", "DELETE"})
_BACKOFF_CAP_SECONDS = 30.0
_PRIMARY_LIMIT = "GitHub's primary rate limit to reset (x-ratelimit-reset)"


@dataclass(frozen=True)
class _Call:
    """One logical request and what its failures should say."""

    method: str
    url: str
    action: str
    json_body: Any = None
    credential: str | None = None
    repeatable: bool = False
    hints: Mapping[int, str] | None = None
    if_none_match: str | None = None
    required_keys: tuple[str, ...] = ()

    @property
    def may_repeat(self) -> bool:
        """Whether sending it twice is harmless, so a lost answer can be retried."""
        return self.repeatable or self.method in _REPEATABLE_METHODS


class _Attempts:
    """Retries and rate-limit waits spent on one call, against the settings' budgets."""

    def __init__(self) -> None:
        self.retries = 0
        self.waited = 0.0
        self.reauthenticated = False


class GitHubClient:
    """Thread-safe GitHub REST client; `sleep` and `clock` are injectable so tests do not wait."""

    def __init__(
        self,
        settings: ClientSettings,
        *,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
    ) -> None:
        settings.validate()
        self.settings = settings
        self._names = settings.names
        self._base = settings.base_url.rstrip("/")
        parts = urlsplit(self._base)
        self._origin = (parts.scheme, parts.netloc)
        self._base_path = parts.path
        self._owns_session = session is None
        self._transport = Transport(
            session if session is not None else new_session(),
            settings.ca_bundle or True,
            settings.timeout_seconds,
            settings.max_body_bytes,
        )
        self._sleep = sleep
        self._clock = clock
        self._random = random.Random()  # noqa: S311 - backoff jitter, not cryptography
        self._etags = EtagCache()
        self.pacer = _pacer(settings, sleep, clock, waits_log.warning)
        self._primary = PrimaryLimit()
        # Made here, not on first use: threads starting together would each mint a token of their own.
        self._tokens = self._installation_tokens() if settings.app is not None and not settings.token else None

    def request(
        self,
        method: str,
        path: str,
        *,
        action: str,
        json_body: Any = None,
        params: Mapping[str, str | int] | None = None,
        required_keys: tuple[str, ...] = (),
    ) -> ApiResponse:
        """One request to `path` (relative to the base URL, already quoted); `action` opens every error.

        `required_keys`: what a successful answer must hold (a create without the new object's id is not one).
        """
        method = method.upper()
        call = _Call(method, self._url(path, params), action, json_body, required_keys=required_keys)
        return self._call(call)

    def get(self, path: str, *, action: str, params: Mapping[str, str | int] | None = None) -> Any:
        """GET and return the parsed body; a 304 from the ETag cache costs no rate limit."""
        return self.request("GET", path, action=action, params=params).body

    def get_if_changed(self, path: str, *, action: str, etag: str | None) -> Conditional[Any]:
        """GET unless unchanged since `etag` (which a caller may keep across processes: then a refresh costs a 304)."""
        response = self._call(_Call("GET", self._url(path, None), action, if_none_match=etag))
        if response.status == 304:
            return Conditional(None, etag)
        return Conditional(response.body, response.headers.get("ETag"))

    def paginate(
        self, path: str, *, action: str, item_key: str | None, params: Mapping[str, str | int] | None = None
    ) -> list[Any]:
        """Every item of a listing, following Link rel="next"; `item_key` names the list in a wrapper."""
        return cast(list[Any], self.paginate_if_changed(path, action=action, item_key=item_key, params=params).body)

    def paginate_if_changed(
        self,
        path: str,
        *,
        action: str,
        item_key: str | None,
        etag: str | None = None,
        params: Mapping[str, str | int] | None = None,
    ) -> Conditional[Any]:
        """Like `paginate`, but a 304 to `etag` means unchanged; only a one-page listing gets an ETag back.

        A later page can change while the first stays the same, so a multi-page listing is always read whole.
        No URL is fetched twice and at most `max_pages` pages are read: a server's links cannot loop us.
        """
        url: str | None = self._url(path, {"per_page": PER_PAGE, **(params or {})})
        items: list[Any] = []
        read: list[str] = []
        first_etag: str | None = None
        while url is not None:
            response = self._call(_Call("GET", url, action, if_none_match=etag if not read else None))
            if response.status == 304:
                return Conditional(None, etag)
            first_etag = response.headers.get("ETag") if not read else first_etag
            read.append(url)
            items.extend(_page_items(response, item_key, action))
            url = self._next_page(response, action, read)
        return Conditional(items, first_etag if len(read) == 1 else None)

    def close(self) -> None:
        self.pacer.close()
        if self._owns_session:
            self._transport.session.close()

    # The request loop

    def _call(self, call: _Call) -> ApiResponse:
        """Send until there is an answer to return or an error to raise; every error leaves scrubbed."""
        try:
            return self._attempt_until_done(call, _Attempts())
        except GitHubError as error:
            raise error.redacted(scrub) from None

    def _attempt_until_done(self, call: _Call, attempts: _Attempts) -> ApiResponse:
        """A POST is retried only when it certainly never reached GitHub (no connection, a rate-limit refusal):
        a 5xx to a POST raises GitHubOutcomeUnknown, since GitHub has been seen to create and still answer 5xx.
        A GET sends the ETag of this process's cached copy, else `if_none_match` (whose 304 returns no body)."""
        while True:
            self._wait_for_primary_reset(call, attempts)
            cached = self._etags.get(call.url) if call.method == "GET" else None
            credential = call.credential or self._authorization()
            etag = cached.etag if cached is not None else call.if_none_match if call.method == "GET" else None
            try:
                with self.pacer.slot(call.method, call.action):
                    response = self._transport.send(call.method, call.url, call.json_body, credential, etag)
                    self._pause_for_secondary_limit(call, attempts, response)
            except HourlyWritesUsed as used:
                raise self._hourly_writes_used(call, used) from None
            except requests.RequestException as exc:
                self._after_no_answer(call, attempts, exc)
                continue
            self._primary.note(response.headers)
            answer = self._answer(call, attempts, response, cached)
            if answer is not None:
                return answer

    def _after_no_answer(self, call: _Call, attempts: _Attempts, exc: requests.RequestException) -> None:
        """Back off for a retry, or raise: outcome unknown for a sent write, no answer for the rest."""
        failure = failures.classify_exception(exc, self.settings.timeout_seconds, self._names)
        if failure.sent and not call.may_repeat:
            raise GitHubOutcomeUnknown(
                call.action, github_message=failure.description, hint=failures.OUTCOME_UNKNOWN_HINT
            )
        if failure.nothing_there and attempts.retries == 0:
            if is_loopback(urlsplit(self._base).hostname or ""):  # nothing will start listening by itself
                raise failures.connection_error(call.action, failure, self._nothing_there_hint())
            log.warning("%s: %s; retrying. %s", self._origin[1], failure.description, self._nothing_there_hint())
        if not (failure.transient and attempts.retries < self.settings.max_retries):
            raise failures.connection_error(call.action, failure, self._no_answer_hint(attempts.retries))
        self._back_off(attempts, call, failure.description)

    def _answer(
        self, call: _Call, attempts: _Attempts, response: requests.Response, cached: CachedGet | None
    ) -> ApiResponse | None:
        """The answer to return, or None to send again (after a wait, a backoff or a new token); else raise."""
        status = response.status_code
        if response.history and self._origin_of(response.url) != self._origin:
            raise failures.redirected_away(call.action, response, self._names)
        if status == 304 and cached is not None:
            return cached.answer(response)
        if status == 304 and call.if_none_match is not None:
            return ApiResponse(304, None, response.headers)
        wait = limit_wait(status, response.headers, failures.github_message(response), self._clock())
        if wait is not None:
            self._wait_or_raise(call, attempts, response, wait)
            return None
        if status >= 500:
            self._after_server_error(call, attempts, response)
            return None
        if status == 401 and self._tokens is not None and call.credential is None and not attempts.reauthenticated:
            self._tokens.forget()  # revoked before its expiry: mint a new one, once
            attempts.reauthenticated = True
            return None
        if status == 304:
            raise failures.unasked_not_modified(call.action, response)
        if 300 <= status < 400:
            raise failures.not_followed(call.action, response, self._names, write=call.method != "GET")
        if status >= 400:
            raise self._http_error(call, response)
        return self._success(call, response)

    def _after_server_error(self, call: _Call, attempts: _Attempts, response: requests.Response) -> None:
        if not call.may_repeat:
            raise failures.error_from(GitHubOutcomeUnknown, call.action, response, failures.OUTCOME_UNKNOWN_HINT)
        if attempts.retries >= self.settings.max_retries:
            raise failures.error_from(GitHubServerError, call.action, response, self._server_error_hint(attempts))
        self._back_off(attempts, call, f"status {response.status_code}")

    def _success(self, call: _Call, response: requests.Response) -> ApiResponse:
        """The parsed answer; one that is not what was asked for is unknown outcome for a write (it may have
        taken effect), a server error for a read."""
        kind = GitHubServerError if call.may_repeat else GitHubOutcomeUnknown
        hint = failures.OUTCOME_UNKNOWN_HINT if kind is GitHubOutcomeUnknown else None
        try:
            body = response.json() if response.content else None
        except ValueError:
            raise failures.not_json(kind, call.action, response, self._names, hint) from None
        missing = [key for key in call.required_keys if not isinstance(body, dict) or body.get(key) is None]
        if missing:
            message = f"the answer lacks the created object's {', '.join(missing)}"
            raise failures.error_from(kind, call.action, response, hint, message=message)
        if call.method == "GET":
            self._etags.keep(call.url, response)
        return ApiResponse(response.status_code, body, response.headers)

    def _back_off(self, attempts: _Attempts, call: _Call, reason: str) -> None:
        """Exponential backoff with jitter (50-100% of the step) so that threads do not retry in lockstep."""
        attempts.retries += 1
        step = min(_BACKOFF_CAP_SECONDS, self.settings.retry_delay_seconds * 2 ** (attempts.retries - 1))
        delay = step * self._random.uniform(0.5, 1.0)
        log.debug("%s %s: %s, retry %d in %.2fs", call.method, call.url, reason, attempts.retries, delay)
        self._sleep(delay)

    # Rate limits

    def _wait_for_primary_reset(self, call: _Call, attempts: _Attempts) -> None:
        """Wait for a reset an earlier answer announced, if within budget; else send and let GitHub answer."""
        wait = self._primary.wait_before_next(self._clock())
        if wait <= 0 or attempts.waited + wait > self.settings.max_rate_limit_wait_seconds:
            return
        log.debug("GitHub rate limit used up: waiting %.0fs for it to reset", wait)
        self.pacer.announce(wait, _PRIMARY_LIMIT, call.action)
        self._sleep(wait)
        attempts.waited += wait

    def _pause_for_secondary_limit(self, call: _Call, attempts: _Attempts, response: requests.Response) -> None:
        """Pause every thread before this request's place is given back (then `_wait_or_raise` waits or raises)."""
        if not self.settings.pacing.enabled or response.status_code not in (403, 429):
            return
        wait = limit_wait(response.status_code, response.headers, failures.github_message(response), self._clock())
        if wait is not None and wait.secondary:
            if attempts.waited + wait.seconds <= self.settings.max_rate_limit_wait_seconds:
                self.pacer.pause(wait.seconds, call.action)

    def _wait_or_raise(self, call: _Call, attempts: _Attempts, response: requests.Response, wait: LimitWait) -> None:
        """Sleep if the per-call budget allows (each wait is >= 1 s, so loops end); else raise."""
        budget = self.settings.max_rate_limit_wait_seconds
        if attempts.waited + wait.seconds > budget:
            until = when(self._clock(), wait.seconds)
            if not wait.secondary:
                hint = (
                    f"The API rate limit of these credentials resets {until}, later than this client waits "
                    f"({budget:g}s). Run again after that; a GitHub App installation gets a higher limit than a "
                    "personal access token."
                )
            else:
                hint = (
                    f"GitHub's secondary rate limit (too many requests too quickly) asks to retry {until}, "
                    f"later than this client waits ({budget:g}s); {self.pacer.progress().describe()}. "
                    f"After that, {self._names.rerun}."
                )
            raise failures.error_from(GitHubRateLimited, call.action, response, hint)
        log.debug("GitHub rate limit (status %d): waiting %.0fs before retrying", response.status_code, wait.seconds)
        attempts.waited += wait.seconds
        if wait.secondary and self.settings.pacing.enabled:
            self.pacer.pause(wait.seconds, call.action)  # every thread (and process) waits before its next request
        else:
            self.pacer.announce(wait.seconds, SECONDARY_LIMIT if wait.secondary else _PRIMARY_LIMIT, call.action)
            self._sleep(wait.seconds)

    def _hourly_writes_used(self, call: _Call, used: HourlyWritesUsed) -> GitHubRateLimited:
        """Refused here, before GitHub refuses it: repeated secondary-limit hits can get an integration blocked."""
        return GitHubRateLimited(
            call.action,
            github_message=(
                f"not sent: these credentials have made {used.writes} writes in the last hour, GitHub's secondary "
                f"limit ({self._names.writes_per_hour})"
            ),
            hint=(
                f"The next write fits {when(self._clock(), used.wait_seconds)}, later than this client waits "
                f"({self.settings.max_rate_limit_wait_seconds:g}s); {used.progress.describe()}. "
                f"After that, {self._names.rerun}."
            ),
        )

    # Authentication

    def _authorization(self) -> str:
        if self._tokens is None:
            assert self.settings.token  # validate() requires a token or App credentials
            return self.settings.token
        return self._tokens.current()

    def _installation_tokens(self) -> InstallationTokens:
        from .app_auth import InstallationTokens

        app = self.settings.app
        assert app is not None  # only called with App credentials

        def exchange(jwt: str, action: str, hints: dict[int, str]) -> ApiResponse:
            url = f"{self._base}/app/installations/{app.installation_id}/access_tokens"
            # A second exchange is harmless, so a lost answer may be repeated.
            return self._attempt_until_done(
                _Call("POST", url, action, credential=jwt, repeatable=True, hints=hints), _Attempts()
            )

        return InstallationTokens(app, self._names, self._clock, exchange, remember)

    # Errors and pages

    def _http_error(self, call: _Call, response: requests.Response) -> GitHubError:
        status = response.status_code
        api_path = urlsplit(call.url).path[len(self._base_path) :]
        hint = (call.hints or {}).get(status) or failures.default_hint(
            status, api_path, response, bool(self.settings.token), self._names
        )
        return failures.error_from(failures.error_type(status), call.action, response, hint)

    def _server_error_hint(self, attempts: _Attempts) -> str:
        where = "https://www.githubstatus.com" if self._base == DEFAULT_BASE_URL else "your GitHub server's health"
        return f"GitHub kept failing after {attempts.retries + 1} attempts: check {where} and try again."

    def _nothing_there_hint(self) -> str:
        return (
            f"Check {self._names.base_url} ({self._base}): is the server running there (for the emulator: "
            "`github-runner-groups emulator --port PORT`), and is that its address?"
        )

    def _no_answer_hint(self, retries: int) -> str:
        return (
            f"No answer from {self._origin[1]} after {retries + 1} attempts: check the network or proxy, "
            f"and that {self._names.base_url} ({self._base}) is right."
        )

    def _next_page(self, response: ApiResponse, action: str, read: list[str]) -> str | None:
        """The rel="next" URL: never one leaving the base URL's host (the token never goes elsewhere), never one
        already read, never past `max_pages`."""
        links = parse_header_links(response.headers.get("Link", ""))
        url = next((link.get("url") for link in links if link.get("rel") == "next"), None)
        if not url:
            return None
        problem = None
        if self._origin_of(url) != self._origin:
            problem = f"its next-page link leaves {self._base}"
        elif url in read:
            problem = f"page {len(read)} links back to a page already read"
        elif len(read) >= self.settings.max_pages:
            problem = f"the listing goes on for more than {self.settings.max_pages} pages"
        if problem is None:
            return url
        raise GitHubServerError(
            action,
            status=response.status,
            github_message=problem,
            hint=f"Check that {self._names.base_url} is the address GitHub answers as; nothing was written.",
        )

    @staticmethod
    def _origin_of(url: str | None) -> tuple[str, str]:
        parts = urlsplit(url or "")
        return parts.scheme, parts.netloc

    def _url(self, path: str, params: Mapping[str, str | int] | None) -> str:
        url = self._base + (path if path.startswith("/") else f"/{path}")
        return f"{url}?{urlencode(params)}" if params else url


def _pacer(
    settings: ClientSettings, sleep: Callable[[float], None], clock: Callable[[], float], say: Callable[[str], None]
) -> Pacer:
    """On the real clock the pacer measures with the monotonic one; tests that inject a clock with the `sleep`
    that advances it get the pacer's waits through that sleep too."""
    pacing = settings.pacing
    ledger = None
    if pacing.enabled and pacing.ledger_directory is not None:
        credential = settings.token or (
            f"app {settings.app.app_id} {settings.app.installation_id}" if settings.app else ""
        )
        name = ledger_name(settings.base_url.rstrip("/"), credential)
        ledger = Ledger.open(pacing.ledger_directory, name, keep_reads_seconds=pacing.points_window_seconds)
    longest = settings.max_rate_limit_wait_seconds
    if clock is time.time:
        return Pacer(pacing, time.monotonic, wait_on_condition, ledger=ledger, longest_wait_seconds=longest, say=say)
    return Pacer(pacing, clock, _waiting_by(sleep), ledger=ledger, longest_wait_seconds=longest, say=say)


def _waiting_by(sleep: Callable[[float], None]) -> Wait:

    def wait(condition: threading.Condition, seconds: float) -> None:
        condition.release()  # as Condition.wait does, so that other threads can end their requests meanwhile
        try:
            sleep(seconds)
        finally:
            condition.acquire()

    return wait


def _page_items(response: ApiResponse, item_key: str | None, action: str) -> list[Any]:
    body = response.body
    if item_key is not None:
        body = body.get(item_key) if isinstance(body, dict) else None
    if not isinstance(body, list):
        expected = f"an object with a {item_key!r} list" if item_key else "a list"
        raise GitHubServerError(action, status=response.status, github_message=f"expected {expected} in the answer")
    return body
