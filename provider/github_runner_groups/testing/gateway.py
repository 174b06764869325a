"""What stands between a request and its handler, in GitHub's order: faults (injected), credentials, the primary
and secondary rate limits, the route and its OAuth scope; then ETags and 304s, rate-limit headers, the log.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from .flavours import API_VERSIONS
from .handlers import Reply, Request
from .limits import PrimaryLimiter, SecondaryLimiter, SecondaryLimits, retry_after
from .rendering import (
    API_VERSIONS_DOCS,
    DOCS,
    ENTERPRISE_GROUP_DOCS,
    HttpError,
    Page,
    error_body,
    fault_answer,
    secondary_limit_exceeded,
)
from .routes import Route, find_route
from .state import ADMIN_SCOPE, INCLUDED_IN, MANAGE_RUNNERS_ENTERPRISE, MANAGE_RUNNERS_ORG, Credential, EmulatorState
from .wire import DropConnection, FakeResponse, FaultRule, RecordedRequest


class Gateway:
    """Turns one HTTP request into one answer (with the delay to apply before it), under the state's lock."""

    def __init__(
        self,
        state: EmulatorState,
        *,
        clock: Callable[[], float],
        rate_limit: int,
        secondary_limits: SecondaryLimits | None,
    ) -> None:
        self.state = state
        self.clock = clock
        self.latency_seconds = 0.0
        self.primary = PrimaryLimiter(rate_limit, clock)
        self.secondary = SecondaryLimiter(secondary_limits)
        self.faults: list[FaultRule] = []
        self.requests: list[RecordedRequest] = []
        self._request_ids = itertools.count(1)

    def handle(
        self, method: str, path: str, query: str, headers: Mapping[str, str], body: bytes | None, base_url: str
    ) -> FakeResponse | DropConnection:
        method = method.upper()
        lowered = {k.lower(): v for k, v in headers.items()}
        payload = _parse_json(body)
        with self.state.lock:
            fault = self._take_fault(method, path)
            delay = self.latency_seconds + (fault.delay_seconds if fault else 0.0)
            request_id = f"EMU:{next(self._request_ids):06d}"
            outcome: FakeResponse | DropConnection
            if fault is not None and not fault.after_handling and (fault.drop or fault.status):
                outcome = _fault_outcome(fault, request_id, delay)
            else:
                outcome = self._answer(_Exchange(method, path, query, lowered, payload, base_url, request_id, delay))
                if fault is not None and (fault.drop or fault.status):
                    outcome = _fault_outcome(fault, request_id, delay)
            shown = {k: ("<redacted>" if k == "authorization" else v) for k, v in lowered.items()}
            status = outcome.status if isinstance(outcome, FakeResponse) else None
            logged = None if isinstance(payload, _Unparseable) else payload
            self.requests.append(RecordedRequest(method, path, query, shown, logged, status))
            return outcome

    def _take_fault(self, method: str, path: str) -> FaultRule | None:
        for rule in self.faults:
            if rule.matches(method, path) and (rule.times is None or rule.times > 0):
                if rule.times is not None:
                    rule.times -= 1
                return rule
        return None

    def _answer(self, exchange: _Exchange) -> FakeResponse:
        try:
            status, body = self._dispatch(exchange)
        except HttpError as error:
            status, body = error.status, error_body(error)
            exchange.answer_headers.update(error.headers)
        return self._render(exchange, status, body)

    def _dispatch(self, exchange: _Exchange) -> Reply:
        _check_api_version(exchange.headers.get("x-github-api-version"))
        found = find_route(exchange.method, exchange.path, self.state.flavour)
        if found is None or found[0].scope is not None:
            self._admit(exchange)  # like GitHub, credentials first: a bad token gets 401 even on an unknown route
        if found is None:
            raise HttpError(404)  # an unknown route or method gets 404 on GitHub too
        route, params = found
        if route.scope is not None:
            accepted = (route.scope, *INCLUDED_IN.get(route.scope, ()))
            exchange.answer_headers["x-accepted-oauth-scopes"] = ", ".join(accepted)
            enforced = route.scope in (ADMIN_SCOPE, MANAGE_RUNNERS_ENTERPRISE, MANAGE_RUNNERS_ORG)
            if enforced and exchange.bucket and not exchange.bucket.scopes & set(accepted):
                raise HttpError(403, "Resource not accessible by personal access token", documentation_url=_docs(route))
        if isinstance(exchange.payload, _Unparseable):
            raise HttpError(400, "Problems parsing JSON")
        request = Request(
            state=self.state,
            method=exchange.method,
            path=exchange.path,
            params=params,
            query=dict(parse_qsl(exchange.query)),
            payload=exchange.payload,
            base_url=exchange.base_url,
            credential=exchange.credential,
            now=self.clock(),
        )
        return route.handler(request)

    def _admit(self, exchange: _Exchange) -> None:
        """Credentials, then the primary and the secondary rate limits."""
        token = self.state.tokens.get(exchange.credential or "")
        if token is None or (token.expires_at is not None and token.expires_at <= self.clock()):
            raise HttpError(401, "Bad credentials")
        exchange.bucket = token
        exchange.answer_headers["x-oauth-scopes"] = ", ".join(sorted(token.scopes))
        if self.primary.exhausted(token):
            raise HttpError(
                self.primary.status, f"API rate limit exceeded for token. Wait until {int(token.reset_at)}."
            )
        wait = self.secondary.admit(exchange.credential or "", exchange.method, self.clock(), exchange.delay)
        if wait is not None:
            raise secondary_limit_exceeded(exchange.request_id, retry_after(wait))

    def _render(self, exchange: _Exchange, status: int, body: Any) -> FakeResponse:
        """The body as JSON, the Link header of a page, the ETag (or a 304), the rate-limit headers and, as GitHub
        Enterprise Server sends on every answer, its release."""
        headers = exchange.answer_headers
        if self.state.flavour.ghes_version is not None:
            headers["x-github-enterprise-version"] = f"{self.state.flavour.ghes_version}.0"
        if isinstance(body, Page):
            headers["link"] = body.link
            body = body.content
        content = json.dumps(body, separators=(",", ":")).encode() if body is not None else b""
        bucket = exchange.bucket if exchange.bucket is not None or status != 401 else self.primary.anonymous
        if status in (200, 201):
            # Like GitHub (Rack::ETag), every 200/201 JSON answer carries an ETag, so one from a POST or PATCH
            # matches the next GET of an unchanged object.
            etag = 'W/"' + hashlib.sha256(content).hexdigest()[:40] + '"'
            headers["etag"] = etag
            if exchange.method == "GET" and _etag_matches(exchange.headers.get("if-none-match"), etag):
                # A 304 costs nothing against the primary rate limit, as on GitHub.
                rate = self.primary.headers(bucket, count=False) if bucket else {}
                return FakeResponse(304, {**headers, **rate}, b"", exchange.delay)
        if bucket is not None:
            headers.update(self.primary.headers(bucket, count=True))
        return FakeResponse(status, headers, content, exchange.delay)


@dataclass
class _Exchange:
    """One request on its way through the gateway, and what its answer collects on the way."""

    method: str
    path: str
    query: str
    headers: Mapping[str, str]
    payload: Any
    base_url: str
    request_id: str
    delay: float
    answer_headers: dict[str, str] = field(default_factory=dict)
    bucket: Credential | None = None  # the primary rate-limit bucket, once the credentials are known

    def __post_init__(self) -> None:
        self.answer_headers.update({"x-github-request-id": self.request_id, "content-type": "application/json"})

    @property
    def credential(self) -> str | None:
        return _bearer(self.headers)


def _check_api_version(version: str | None) -> None:
    """GitHub: "If you specify an API version that is no longer supported, you will receive a 400 error" (its body
    is not documented: assumed). No header means 2022-11-28."""
    if version is not None and version.strip() not in API_VERSIONS:
        raise HttpError(
            400,
            f"Unsupported 'X-GitHub-Api-Version' header value: '{version[:40]}'. Supported versions: "
            f"{', '.join(API_VERSIONS)}.",
            documentation_url=API_VERSIONS_DOCS,
        )


def _docs(route: Route) -> str:
    """The REST reference page of the route's operations: it names the scope a classic token needs."""
    if route.template.startswith("/enterprises/"):
        return ENTERPRISE_GROUP_DOCS
    return DOCS


def _parse_json(body: bytes | None) -> Any:
    if not body:
        return None
    try:
        return json.loads(body)
    except ValueError:
        return _Unparseable()


class _Unparseable:
    """A body that is not JSON: GitHub answers 400 "Problems parsing JSON" when it is used."""


def _bearer(headers: Mapping[str, str]) -> str | None:
    value = headers.get("authorization", "")
    scheme, _, credential = value.partition(" ")
    return credential.strip() if scheme.lower() in ("bearer", "token") and credential.strip() else None


def _etag_matches(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    # Weak comparison, as RFC 9110 prescribes for If-None-Match.
    return any(tag.strip().removeprefix("W/") == etag.removeprefix("W/") for tag in if_none_match.split(","))


def _fault_outcome(fault: FaultRule, request_id: str, delay: float) -> FakeResponse | DropConnection:
    return DropConnection(delay) if fault.drop else fault_answer(fault, request_id, delay)
