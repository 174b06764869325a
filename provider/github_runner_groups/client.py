"""Layer 1: the one way this package talks to GitHub's REST API.

Everything that is about HTTP rather than about runner groups lives here, so that api.py stays a list of
operations: base URL and TLS, authentication (token, or GitHub App JWT -> installation token), GitHub's
headers, Link pagination, retries, rate limits, the ETag cache and turning answers into errors.py types.

The provider server runs four worker threads that share one client (`get_client`): the token, the ETag cache
and the rate-limit state sit behind locks, and the requests Session has a connection pool big enough for all.
No message or log record ever contains the token, the JWT or the Authorization header.
"""

from __future__ import annotations

import base64
import functools
import ipaddress
import json
import logging
import os
import random
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlencode, urlsplit

import requests
from requests.adapters import HTTPAdapter
from requests.auth import AuthBase
from requests.structures import CaseInsensitiveDict
from requests.utils import parse_header_links
from urllib3.exceptions import ConnectTimeoutError

from . import __version__
from .errors import (
    ConfigError,
    GitHubAuthError,
    GitHubConnectionError,
    GitHubError,
    GitHubNotFound,
    GitHubOutcomeUnknown,
    GitHubRateLimited,
    GitHubServerError,
    GitHubValidationError,
)

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

DEFAULT_BASE_URL = "https://api.github.com"
API_VERSION = "2022-11-28"
USER_AGENT = f"github-runner-groups/{__version__}"
PER_PAGE = 100

_log = logging.getLogger("github_runner_groups.http")

# PATCH is listed because every PATCH this package sends carries the full desired state.
_REPEATABLE_METHODS = frozenset({"GET", "HEAD", "PUT", "PATCH", "DELETE"})
_TOKEN_REFRESH_MARGIN_SECONDS = 300.0
_INSTALLATION_TOKEN_LIFETIME_SECONDS = 3600.0
_ETAG_CACHE_ENTRIES = 2048
# GitHub's guidance when a secondary limit gives no retry-after: wait at least one minute.
_SECONDARY_LIMIT_WAIT_SECONDS = 60.0
_BACKOFF_BASE_SECONDS = 1.0
_BACKOFF_CAP_SECONDS = 30.0
_POOL_SIZE = 16

_BASE_URL_SETTING = "github:baseUrl / GITHUB_BASE_URL"
_TOKEN_SETTING = "github:token / GITHUB_TOKEN"
_APP_SETTINGS = (
    "github:appAuth (id, installationId, pemFile) / GITHUB_APP_ID, GITHUB_APP_INSTALLATION_ID, GITHUB_APP_PEM_FILE"
)
_PEM_SETTING = "github:appAuth.pemFile / GITHUB_APP_PEM_FILE"
_CA_BUNDLE_SETTING = "github-runner-groups:caBundle / GITHUB_CA_BUNDLE"
_PERMISSION_HINT = (
    "a classic personal access token needs the admin:org scope; a fine-grained token or GitHub App needs the "
    'organization permission "Self-hosted runners" (read and write).'
)
_OUTCOME_UNKNOWN_HINT = (
    "The request was sent but no answer came, so it may have taken effect: look at the current state before "
    "repeating it (repeating a create could make a duplicate)."
)


@dataclass(frozen=True)
class AppCredentials:
    """GitHub App authentication: the client mints the installation token and keeps it to itself."""

    app_id: str
    installation_id: str
    private_key_pem: str = field(repr=False)


@dataclass(frozen=True)
class ClientSettings:
    """Which GitHub, which credentials, which limits; hashable, so it keys the per-process clients."""

    base_url: str = DEFAULT_BASE_URL
    token: str | None = field(default=None, repr=False)
    app: AppCredentials | None = None
    ca_bundle: str | None = None
    timeout_seconds: float = 30.0
    max_retries: int = 4
    max_rate_limit_wait_seconds: float = 120.0

    def validate(self) -> None:
        """Raise ConfigError naming the setting, the bad value (never a secret) and the fix."""
        _check_base_url(self.base_url)
        if self.token:
            if not (self.token.isascii() and self.token.isprintable()) or any(c.isspace() for c in self.token):
                raise ConfigError(
                    f"The token in {_TOKEN_SETTING} contains whitespace or control characters (often a "
                    "trailing newline copied from a file): set it again without them."
                )
        elif self.app is not None:
            _check_app(self.app)
        else:
            raise ConfigError(
                f"No GitHub credentials: set a token in {_TOKEN_SETTING} (`pulumi config set --secret "
                f"github:token ...`), or GitHub App authentication in {_APP_SETTINGS}."
            )
        if self.ca_bundle is not None and not os.path.exists(self.ca_bundle):
            raise ConfigError(
                f"{_CA_BUNDLE_SETTING} is {self.ca_bundle!r}, which does not exist: give the path of a PEM "
                "file (or directory) with the CA certificates that sign your GitHub server's certificate."
            )
        if self.timeout_seconds <= 0 or self.max_retries < 0 or self.max_rate_limit_wait_seconds < 0:
            raise ConfigError(
                f"Client limits must be positive: timeout_seconds={self.timeout_seconds}, max_retries="
                f"{self.max_retries}, max_rate_limit_wait_seconds={self.max_rate_limit_wait_seconds}."
            )


@dataclass(frozen=True)
class ApiResponse:
    """One answer. A 304 is returned as the cached 200 (status and body) with `from_cache=True`."""

    status: int
    body: Any
    headers: Mapping[str, str]
    from_cache: bool = False


@dataclass(frozen=True)
class Conditional:
    """A read made with an ETag from an earlier run: `body` is None when GitHub answered 304 Not Modified."""

    body: Any
    etag: str | None

    @property
    def unchanged(self) -> bool:
        return self.body is None


@dataclass(frozen=True)
class _CachedGet:
    etag: str
    status: int
    content: bytes
    headers: CaseInsensitiveDict[str]


@dataclass(frozen=True)
class _TransportFailure:
    """What a requests exception means for retrying: could GitHub have received it, may it pass next time?"""

    description: str
    sent: bool
    transient: bool = True
    hint: str | None = None


class _BearerAuth(AuthBase):
    """Sets Authorization per request; passing any `auth` also stops requests applying ~/.netrc over it."""

    def __init__(self, credential: str) -> None:
        self._credential = credential

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self._credential}"
        return request

    def __repr__(self) -> str:
        return "_BearerAuth(<redacted>)"


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
        self._base = settings.base_url.rstrip("/")
        parts = urlsplit(self._base)
        self._origin = (parts.scheme, parts.netloc)
        self._base_path = parts.path
        self._owns_session = session is None
        self._session = session if session is not None else _new_session()
        self._verify: bool | str = settings.ca_bundle or True
        self._sleep = sleep
        self._clock = clock
        self._random = random.Random()  # noqa: S311 - backoff jitter, not cryptography
        self._lock = threading.Lock()  # guards the ETag cache and the rate-limit state
        self._etags: OrderedDict[str, _CachedGet] = OrderedDict()
        self._rate_limit_reset: float | None = None
        self._token_lock = threading.Lock()  # held while minting, so threads share one installation token
        self._installation_token: tuple[str, float] | None = None

    def request(
        self,
        method: str,
        path: str,
        *,
        action: str,
        json_body: Any = None,
        params: Mapping[str, str | int] | None = None,
    ) -> ApiResponse:
        """One request to `path` (relative to the base URL, already quoted); `action` opens every error."""
        return self._call(method.upper(), self._url(path, params), action=action, json_body=json_body)

    def get(self, path: str, *, action: str, params: Mapping[str, str | int] | None = None) -> Any:
        """GET and return the parsed body; a 304 from the ETag cache costs no rate limit."""
        return self.request("GET", path, action=action, params=params).body

    def get_if_changed(self, path: str, *, action: str, etag: str | None) -> Conditional:
        """GET unless unchanged since `etag` (kept in Pulumi state, so refresh in a new process costs a 304)."""
        response = self._call("GET", self._url(path, None), action=action, if_none_match=etag)
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
    ) -> Conditional:
        """Like `paginate`, but a 304 to `etag` means unchanged; only a one-page listing gets an ETag back.

        A later page can change while the first stays the same, so a multi-page listing is always read whole.
        """
        url: str | None = self._url(path, {"per_page": PER_PAGE, **(params or {})})
        items: list[Any] = []
        pages = 0
        first_etag: str | None = None
        while url is not None:
            response = self._call("GET", url, action=action, if_none_match=etag if pages == 0 else None)
            if response.status == 304:
                return Conditional(None, etag)
            if pages == 0:
                first_etag = response.headers.get("ETag")
            pages += 1
            items.extend(_page_items(response, item_key, action))
            url = self._next_page(response, action)
        return Conditional(items, first_etag if pages == 1 else None)

    def close(self) -> None:
        if self._owns_session:
            self._session.close()

    # The request loop

    def _call(
        self,
        method: str,
        url: str,
        *,
        action: str,
        json_body: Any = None,
        credential: str | None = None,
        repeatable: bool | None = None,
        hints: Mapping[int, str] | None = None,
        if_none_match: str | None = None,
    ) -> ApiResponse:
        """Send until there is an answer to return or raise: retries, rate-limit waits and App re-auth.

        A request that is not repeatable (POST) is retried only when it certainly never reached GitHub (no
        connection, or a rate-limit refusal). A 5xx to a POST, 500 included, raises GitHubOutcomeUnknown:
        GitHub has been seen to create the object and still answer 5xx, so only a look can tell.
        A GET sends the ETag of this process's cached copy, else `if_none_match`; a 304 to the latter is
        returned as status 304 with no body.
        """
        if repeatable is None:
            repeatable = method in _REPEATABLE_METHODS
        retries = 0
        waited = 0.0
        reauthenticated = False
        while True:
            waited += self._wait_for_primary_reset(waited)
            cached = self._cached(url) if method == "GET" else None
            auth = credential if credential is not None else self._authorization()
            try:
                etag = cached.etag if cached is not None else if_none_match if method == "GET" else None
                response = self._send(method, url, json_body, auth, etag)
            except requests.RequestException as exc:
                failure = _describe_failure(exc, self.settings.timeout_seconds)
                if failure.sent and not repeatable:
                    raise GitHubOutcomeUnknown(
                        action, github_message=failure.description, hint=_OUTCOME_UNKNOWN_HINT
                    ) from None
                if failure.transient and retries < self.settings.max_retries:
                    retries += 1
                    self._back_off(retries, method, url, failure.description)
                    continue
                raise GitHubConnectionError(
                    action,
                    github_message=failure.description,
                    hint=failure.hint or self._no_answer_hint(retries),
                ) from None
            self._note_rate_limit(response)
            status = response.status_code
            if status == 304 and cached is not None:
                return _from_cache(cached, response)
            if status == 304 and if_none_match is not None:
                return ApiResponse(304, None, response.headers)
            if status in (403, 429):
                wait = self._rate_limit_wait(response)
                if wait is not None:
                    waited = self._wait_or_raise(action, response, wait, waited)
                    continue
            if status >= 500:
                if not repeatable:
                    raise _error(GitHubOutcomeUnknown, action, response, _OUTCOME_UNKNOWN_HINT)
                if retries < self.settings.max_retries:
                    retries += 1
                    self._back_off(retries, method, url, f"status {status}")
                    continue
                raise _error(GitHubServerError, action, response, self._server_error_hint(retries))
            if status == 401 and credential is None and not self.settings.token and not reauthenticated:
                # The installation token may have been revoked before its expiry: mint a new one, once.
                self._forget_installation_token()
                reauthenticated = True
                continue
            if status >= 400:
                raise self._http_error(action, url, response, hints or {})
            return self._success(method, url, response, action)

    def _send(self, method: str, url: str, json_body: Any, credential: str, etag: str | None) -> requests.Response:
        headers = {
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": API_VERSION,
            "User-Agent": USER_AGENT,
        }
        if etag is not None:
            headers["If-None-Match"] = etag
        started = time.perf_counter()
        outcome = "no answer"
        try:
            response = self._session.request(
                method,
                url,
                headers=headers,
                json=json_body,
                auth=_BearerAuth(credential),
                timeout=self.settings.timeout_seconds,
                verify=self._verify,
            )
            outcome = str(response.status_code)
            return response
        finally:
            _log.debug(
                "%s %s -> %s in %.3fs, headers %s",
                method,
                url,
                outcome,
                time.perf_counter() - started,
                {**headers, "Authorization": "<redacted>"},
            )

    def _success(self, method: str, url: str, response: requests.Response, action: str) -> ApiResponse:
        body = _parse_body(response, action)
        etag = response.headers.get("ETag")
        if method == "GET" and etag:
            entry = _CachedGet(etag, response.status_code, response.content, CaseInsensitiveDict(response.headers))
            with self._lock:
                self._etags[url] = entry
                self._etags.move_to_end(url)
                while len(self._etags) > _ETAG_CACHE_ENTRIES:
                    self._etags.popitem(last=False)
        return ApiResponse(response.status_code, body, response.headers)

    def _cached(self, url: str) -> _CachedGet | None:
        with self._lock:
            entry = self._etags.get(url)
            if entry is not None:
                self._etags.move_to_end(url)
            return entry

    def _back_off(self, attempt: int, method: str, url: str, reason: str) -> None:
        """Exponential backoff with jitter (50-100% of the step) so that threads do not retry in lockstep."""
        step = min(_BACKOFF_CAP_SECONDS, _BACKOFF_BASE_SECONDS * 2 ** (attempt - 1))
        delay = step * self._random.uniform(0.5, 1.0)
        _log.debug("%s %s: %s, retry %d in %.2fs", method, url, reason, attempt, delay)
        self._sleep(delay)

    # Rate limits

    def _note_rate_limit(self, response: requests.Response) -> None:
        """Remember a used-up primary limit so that the next request, from any thread, waits for the reset."""
        remaining = response.headers.get("x-ratelimit-remaining")
        reset = _number(response.headers.get("x-ratelimit-reset"))
        with self._lock:
            if remaining == "0" and reset is not None:
                self._rate_limit_reset = reset
            elif remaining is not None:
                self._rate_limit_reset = None

    def _wait_for_primary_reset(self, waited: float) -> float:
        """Wait for a reset an earlier answer announced, if within budget; else send and let GitHub answer."""
        with self._lock:
            reset = self._rate_limit_reset
        if reset is None:
            return 0.0
        wait = reset - self._clock() + 1
        if wait <= 0 or waited + wait > self.settings.max_rate_limit_wait_seconds:
            return 0.0
        _log.warning("GitHub rate limit used up: waiting %.0fs for it to reset", wait)
        self._sleep(wait)
        return wait

    def _rate_limit_wait(self, response: requests.Response) -> float | None:
        """Seconds to wait before retrying a 403/429, in GitHub's documented order; None: no rate limit."""
        headers = response.headers
        retry_after = _retry_after_seconds(headers.get("retry-after"), self._clock())
        if retry_after is not None:
            return max(1.0, retry_after)
        if headers.get("x-ratelimit-remaining") == "0":
            reset = _number(headers.get("x-ratelimit-reset"))
            return max(1.0, reset - self._clock() + 1) if reset is not None else _SECONDARY_LIMIT_WAIT_SECONDS
        message = (_github_message(response) or "").lower()
        if "secondary rate limit" in message or "abuse detection" in message:
            return _SECONDARY_LIMIT_WAIT_SECONDS
        return None

    def _wait_or_raise(self, action: str, response: requests.Response, wait: float, waited: float) -> float:
        """Sleep `wait` if the per-request budget allows (each wait is >= 1 s, so loops end); else raise."""
        budget = self.settings.max_rate_limit_wait_seconds
        if waited + wait > budget:
            until = datetime.fromtimestamp(self._clock() + wait, tz=timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
            if response.headers.get("x-ratelimit-remaining") == "0" and "retry-after" not in response.headers:
                hint = (
                    f"The API rate limit of these credentials resets at {until}, later than this client "
                    f"waits ({budget:g}s). Run again after that; a GitHub App installation gets a higher "
                    "limit than a personal access token."
                )
            else:
                hint = (
                    f"GitHub's secondary rate limit (too many requests too quickly) asks to wait until "
                    f"{until}, later than this client waits ({budget:g}s). Run again after that, or with "
                    "fewer operations in parallel (e.g. `pulumi up --parallel 2`)."
                )
            raise _error(GitHubRateLimited, action, response, hint)
        _log.warning("GitHub rate limit (status %d): waiting %.0fs before retrying", response.status_code, wait)
        self._sleep(wait)
        return waited + wait

    # Authentication

    def _authorization(self) -> str:
        if self.settings.token:
            return self.settings.token
        app = self.settings.app
        assert app is not None  # validate() requires a token or App credentials
        with self._token_lock:
            cached = self._installation_token
            if cached is None or cached[1] - _TOKEN_REFRESH_MARGIN_SECONDS <= self._clock():
                cached = self._installation_token = self._mint_installation_token(app)
            return cached[0]

    def _forget_installation_token(self) -> None:
        with self._token_lock:
            self._installation_token = None

    def _mint_installation_token(self, app: AppCredentials) -> tuple[str, float]:
        """Exchange a fresh App JWT for an installation token; a second exchange is harmless: may repeat."""
        now = self._clock()
        action = f"getting an installation token for GitHub App {app.app_id} (installation {app.installation_id})"
        response = self._call(
            "POST",
            f"{self._base}/app/installations/{app.installation_id}/access_tokens",
            action=action,
            credential=_app_jwt(app, now),
            repeatable=True,
            hints={
                401: (
                    "GitHub refused the App's JWT: check that the App id and the private key in "
                    f"{_APP_SETTINGS} belong to the same App, and that this machine's clock is right."
                ),
                404: (
                    f"No installation {app.installation_id} of App {app.app_id}: check the installation id "
                    f"in {_APP_SETTINGS} (the number at the end of the installation's settings URL)."
                ),
            },
        )
        body = response.body if isinstance(response.body, dict) else {}
        token = body.get("token")
        if not isinstance(token, str) or not token:
            raise GitHubServerError(action, status=response.status, github_message="the answer carries no token")
        return token, _expiry(body.get("expires_at"), now)

    # Errors and pages

    def _http_error(self, action: str, url: str, response: requests.Response, hints: Mapping[int, str]) -> GitHubError:
        status = response.status_code
        error_type: type[GitHubError] = {
            400: GitHubValidationError,
            401: GitHubAuthError,
            403: GitHubAuthError,
            404: GitHubNotFound,
            409: GitHubValidationError,
            422: GitHubValidationError,
        }.get(status, GitHubError)
        return _error(error_type, action, response, hints.get(status) or self._default_hint(status, url, response))

    def _default_hint(self, status: int, url: str, response: requests.Response) -> str | None:
        if status == 401:
            if self.settings.token:
                return f"The token is invalid, expired or revoked: set a valid one in {_TOKEN_SETTING}."
            return (
                f"GitHub refused the App's installation token: check that the App is still installed ({_APP_SETTINGS})."
            )
        if status not in (403, 404):
            return None
        path = urlsplit(url).path[len(self._base_path) :]
        if status == 403:
            hint = f"The credentials are not allowed to do this: {_PERMISSION_HINT}"
        elif path.startswith("/orgs/"):
            hint = "The organization or object may not exist, or the credentials cannot see it: "
            hint += _PERMISSION_HINT
        else:
            hint = "The object may not exist, or the credentials cannot see it."
        granted = response.headers.get("x-oauth-scopes")
        accepted = response.headers.get("x-accepted-oauth-scopes") or response.headers.get(
            "x-accepted-github-permissions"
        )
        if granted is not None or accepted:
            hint += f" (token scopes: {granted or 'none'}; this endpoint accepts: {accepted or 'unknown'})"
        return hint

    def _server_error_hint(self, retries: int) -> str:
        where = "https://www.githubstatus.com" if self._base == DEFAULT_BASE_URL else "your GitHub server's health"
        return f"GitHub kept failing after {retries + 1} attempts: check {where} and try again."

    def _no_answer_hint(self, retries: int) -> str:
        return (
            f"No answer from {self._origin[1]} after {retries + 1} attempts: check the network or proxy, "
            f"and that {_BASE_URL_SETTING} ({self._base}) is right."
        )

    def _next_page(self, response: ApiResponse, action: str) -> str | None:
        """The rel="next" URL; one leaving the base URL's host is refused: the token never goes elsewhere."""
        links = parse_header_links(response.headers.get("Link", ""))
        url = next((link.get("url") for link in links if link.get("rel") == "next"), None)
        if not url:
            return None
        if tuple(urlsplit(url)[:2]) != self._origin:
            raise GitHubServerError(
                action,
                status=response.status,
                github_message=f"its next-page link leaves {self._base}",
                hint=f"Check that {_BASE_URL_SETTING} is the address GitHub answers as.",
            )
        return url

    def _url(self, path: str, params: Mapping[str, str | int] | None) -> str:
        url = self._base + (path if path.startswith("/") else f"/{path}")
        return f"{url}?{urlencode(params)}" if params else url


# Module-level helpers


def _new_session() -> requests.Session:
    session = requests.Session()
    adapter = HTTPAdapter(pool_connections=4, pool_maxsize=_POOL_SIZE)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


def _check_base_url(base_url: str) -> None:
    parts = urlsplit(base_url)
    # Whatever sits before "@" may be a credential: never echo it.
    shown = parts._replace(netloc=f"***@{parts.netloc.rsplit('@', 1)[1]}").geturl() if "@" in parts.netloc else base_url
    fix = (
        "Use https://api.github.com for github.com or https://HOST/api/v3 for GitHub Enterprise Server; "
        "plain http is allowed only for loopback hosts (127.0.0.1, ::1, localhost), e.g. the emulator."
    )
    if parts.scheme not in ("http", "https") or not parts.hostname:
        problem = "not an http(s) URL with a host"
    elif parts.username or parts.password:
        problem = "credentials do not belong in the URL (set them in the token or App settings)"
    elif parts.query or parts.fragment:
        problem = "a base URL has no query or fragment"
    elif parts.scheme == "http" and not _is_loopback(parts.hostname):
        problem = "plain http would send the token unencrypted"
    else:
        return
    raise ConfigError(f"{_BASE_URL_SETTING} is {shown!r}: {problem}. {fix}")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _check_app(app: AppCredentials) -> None:
    if not app.app_id:
        raise ConfigError(f"The GitHub App id in {_APP_SETTINGS} is empty: set the App's id (or client id).")
    if not app.installation_id.isdigit():
        raise ConfigError(
            f"The GitHub App installation id in {_APP_SETTINGS} is {app.installation_id!r}: it must be the "
            "number at the end of the installation's settings URL."
        )
    _load_private_key(app.private_key_pem)


@functools.lru_cache(maxsize=8)
def _load_private_key(pem: str) -> RSAPrivateKey:
    """Load once per key: check validates the settings of every resource, and parsing RSA keys is not free."""
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    try:
        key = load_pem_private_key(pem.encode(), password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        key = None
    if not isinstance(key, RSAPrivateKey):
        raise ConfigError(
            f"The GitHub App private key in {_PEM_SETTING} does not load as an unencrypted RSA private key "
            "in PEM form: generate a key on the App's settings page and pass the whole .pem file, BEGIN/END "
            "lines included."
        )
    return key


def _app_jwt(app: AppCredentials, now: float) -> str:
    """The RS256 JWT GitHub wants: issued a minute back (clock drift), valid 9 of the allowed 10 minutes."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    issued = int(now)
    claims = {
        "iat": issued - 60,
        "exp": issued + 540,
        "iss": int(app.app_id) if app.app_id.isdigit() else app.app_id,
    }
    signing_input = f"{_b64url_json({'alg': 'RS256', 'typ': 'JWT'})}.{_b64url_json(claims)}"
    signature = _load_private_key(app.private_key_pem).sign(
        signing_input.encode("ascii"), padding.PKCS1v15(), hashes.SHA256()
    )
    return f"{signing_input}.{_b64url(signature)}"


def _b64url_json(value: Mapping[str, Any]) -> str:
    return _b64url(json.dumps(value, separators=(",", ":")).encode())


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _expiry(expires_at: Any, now: float) -> float:
    """`expires_at` is ISO 8601 ("2024-01-01T12:00:00Z"); without one, assume the documented one hour."""
    try:
        return datetime.fromisoformat(str(expires_at).replace("Z", "+00:00")).timestamp()
    except ValueError:
        return now + _INSTALLATION_TOKEN_LIFETIME_SECONDS


def _describe_failure(exc: requests.RequestException, timeout: float) -> _TransportFailure:
    """Classify a requests exception in our own words: its text can carry proxy URLs, never worth showing."""
    if isinstance(exc, requests.exceptions.SSLError):
        return _TransportFailure(
            "TLS handshake failed",
            sent=False,
            transient=False,
            hint=(
                "The server's certificate could not be verified: if it is signed by a private CA, point "
                f"{_CA_BUNDLE_SETTING} at that CA's PEM bundle (verification is never turned off)."
            ),
        )
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return _TransportFailure(f"could not connect within {timeout:g}s", sent=False)
    reason = exc.args[0] if exc.args else None
    if isinstance(getattr(reason, "reason", reason), ConnectTimeoutError):
        return _TransportFailure("could not connect (refused, unreachable or unknown host)", sent=False)
    if isinstance(exc, requests.exceptions.ReadTimeout):
        return _TransportFailure(f"no answer within {timeout:g}s", sent=True)
    if isinstance(exc, (requests.ConnectionError, requests.exceptions.ChunkedEncodingError)):
        return _TransportFailure("the connection broke before the answer was complete", sent=True)
    return _TransportFailure(f"the request failed ({type(exc).__name__})", sent=True, transient=False)


def _retry_after_seconds(value: str | None, now: float) -> float | None:
    if value is None:
        return None
    seconds = _number(value)
    if seconds is not None:
        return seconds
    try:
        return parsedate_to_datetime(value).timestamp() - now
    except (TypeError, ValueError):
        return None


def _number(value: str | None) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def _json(response: requests.Response) -> Any:
    try:
        return response.json() if response.content else None
    except ValueError:
        return None


def _github_message(response: requests.Response) -> str | None:
    payload = _json(response)
    message = payload.get("message") if isinstance(payload, dict) else None
    return str(message) if message is not None else None


def _error(error_type: type[GitHubError], action: str, response: requests.Response, hint: str | None) -> GitHubError:
    payload = _json(response)
    errors = payload.get("errors") if isinstance(payload, dict) else None
    return error_type(
        action,
        status=response.status_code,
        github_message=_github_message(response),
        hint=hint,
        errors=errors if isinstance(errors, list) else None,
        request_id=response.headers.get("x-github-request-id"),
    )


def _parse_body(response: requests.Response, action: str) -> Any:
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        raise GitHubServerError(
            action,
            status=response.status_code,
            github_message=f"the answer is not JSON (Content-Type {response.headers.get('Content-Type')})",
            hint=(
                f"Check that {_BASE_URL_SETTING} is the REST API root (https://HOST/api/v3 for GitHub "
                "Enterprise Server)."
            ),
            request_id=response.headers.get("x-github-request-id"),
        ) from None


def _from_cache(cached: _CachedGet, response: requests.Response) -> ApiResponse:
    headers = CaseInsensitiveDict(cached.headers)
    headers.update(response.headers)
    return ApiResponse(cached.status, json.loads(cached.content), headers, from_cache=True)


def _page_items(response: ApiResponse, item_key: str | None, action: str) -> list[Any]:
    body = response.body
    if item_key is not None:
        body = body.get(item_key) if isinstance(body, dict) else None
    items = body
    if not isinstance(items, list):
        expected = f"an object with a {item_key!r} list" if item_key else "a list"
        raise GitHubServerError(action, status=response.status, github_message=f"expected {expected} in the answer")
    return items


# One client per settings per process


_clients: dict[ClientSettings, GitHubClient] = {}
_clients_lock = threading.Lock()


def get_client(settings: ClientSettings) -> GitHubClient:
    """The process's client for these settings, created on first use so caches and tokens are shared."""
    with _clients_lock:
        client = _clients.get(settings)
        if client is None:
            client = _clients[settings] = GitHubClient(settings)
        return client


def reset_clients() -> None:
    """Tests only: forget (and close) every shared client."""
    with _clients_lock:
        clients = list(_clients.values())
        _clients.clear()
    for client in clients:
        client.close()
