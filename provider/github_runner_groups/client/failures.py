"""Failure classification: what a requests exception or an HTTP status means, in our own words.

Nothing here decides whether to retry; it says what happened (could GitHub have received the request? may
it pass next time?) and builds the typed error, so the request loop only has to ask.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass
from typing import Any

import requests
from urllib3.exceptions import ConnectTimeoutError

from ..errors import (
    GitHubAuthError,
    GitHubConnectionError,
    GitHubError,
    GitHubNotFound,
    GitHubServerError,
    GitHubValidationError,
)
from ..redaction import scrub
from .config import SettingNames, shown_url

PERMISSION_HINT = (
    "a classic personal access token needs the admin:org scope; a fine-grained token or GitHub App needs the "
    'organization permission "Self-hosted runners" (read and write).'
)
OUTCOME_UNKNOWN_HINT = (
    "The request was sent but no clear answer came, so it may have taken effect: look at the current state "
    "before repeating it (repeating a create could make a duplicate)."
)
_ERROR_TYPES: dict[int, type[GitHubError]] = {
    400: GitHubValidationError,
    401: GitHubAuthError,
    403: GitHubAuthError,
    404: GitHubNotFound,
    409: GitHubValidationError,
    422: GitHubValidationError,
}
# Longer than any message GitHub writes; a server's page of HTML is cut, never shown whole.
_MAX_MESSAGE_CHARS = 500


class DeadlineExceeded(requests.RequestException):
    """The whole answer did not arrive within the request's overall deadline."""


class BodyTooLarge(requests.RequestException):
    """The answer is larger than any answer GitHub gives to this client's requests."""


@dataclass(frozen=True)
class TransportFailure:
    """What a requests exception means for retrying: could GitHub have received it, may it pass next time?"""

    description: str
    sent: bool
    transient: bool = True
    hint: str | None = None
    nothing_there: bool = False  # refused or no such host: worth saying at once, before any retry


def classify_exception(exc: requests.RequestException, timeout: float, names: SettingNames) -> TransportFailure:
    """Our own words: an exception's text can carry proxy URLs or credentials, never worth showing."""
    if isinstance(exc, requests.exceptions.SSLError):
        return TransportFailure(
            "TLS handshake failed",
            sent=False,
            transient=False,
            hint=(
                "The server's certificate could not be verified: if it is signed by a private CA, point "
                f"{names.ca_bundle} at that CA's PEM bundle (verification is never turned off)."
            ),
        )
    if isinstance(exc, DeadlineExceeded):
        return TransportFailure(f"no complete answer within {timeout:g}s", sent=True)
    if isinstance(exc, BodyTooLarge):
        return TransportFailure(str(exc), sent=True, transient=False)
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return TransportFailure(f"could not connect within {timeout:g}s", sent=False)
    reason = exc.args[0] if exc.args else None
    inner = getattr(reason, "reason", reason)
    cause = getattr(inner, "__cause__", None) or getattr(inner, "__context__", None)
    if isinstance(cause, ConnectionRefusedError):
        return TransportFailure("connection refused: nothing listens there", sent=False, nothing_there=True)
    if isinstance(cause, socket.gaierror):
        return TransportFailure("the host name does not resolve", sent=False, nothing_there=True)
    if isinstance(inner, ConnectTimeoutError):
        return TransportFailure("could not connect (refused, unreachable or unknown host)", sent=False)
    if isinstance(exc, requests.exceptions.ReadTimeout):
        return TransportFailure(f"no answer within {timeout:g}s", sent=True)
    if isinstance(exc, requests.exceptions.TooManyRedirects):
        return TransportFailure("its answers redirect in a loop", sent=True, transient=False)
    if isinstance(exc, (requests.ConnectionError, requests.exceptions.ChunkedEncodingError)):
        return TransportFailure("the connection broke before the answer was complete", sent=True)
    return TransportFailure(f"the request failed ({type(exc).__name__})", sent=True, transient=False)


def connection_error(action: str, failure: TransportFailure, hint: str) -> GitHubConnectionError:
    return GitHubConnectionError(action, github_message=failure.description, hint=failure.hint or hint)


def error_type(status: int) -> type[GitHubError]:
    return _ERROR_TYPES.get(status, GitHubError)


def parse_json(response: requests.Response) -> Any:
    try:
        return response.json() if response.content else None
    except ValueError:
        return None


def github_message(response: requests.Response) -> str | None:
    payload = parse_json(response)
    message = payload.get("message") if isinstance(payload, dict) else None
    if message is None:
        return None
    text = scrub(str(message))  # before the cut: a cut secret would no longer be recognised
    return text if len(text) <= _MAX_MESSAGE_CHARS else text[:_MAX_MESSAGE_CHARS] + "... (cut)"


def error_from(
    kind: type[GitHubError], action: str, response: requests.Response, hint: str | None, message: str | None = None
) -> GitHubError:
    """`kind` built from an answer: its status, GitHub's message (or `message`), errors and request id."""
    payload = parse_json(response)
    errors = payload.get("errors") if isinstance(payload, dict) else None
    return kind(
        action,
        status=response.status_code,
        github_message=message if message is not None else github_message(response),
        hint=hint,
        errors=errors[:20] if isinstance(errors, list) else None,
        request_id=_request_id(response),
    )


def not_json(
    kind: type[GitHubError], action: str, response: requests.Response, names: SettingNames, hint: str | None
) -> GitHubError:
    content_type = scrub(response.headers.get("Content-Type") or "none")[:80]
    root = f"Check that {names.base_url} is the REST API root (https://HOST/api/v3 for GitHub Enterprise Server)."
    return kind(
        action,
        status=response.status_code,
        github_message=f"the answer is not JSON (Content-Type {content_type})",
        hint=f"{hint} {root}" if hint else root,
        request_id=_request_id(response),
    )


def unasked_not_modified(action: str, response: requests.Response) -> GitHubServerError:
    return GitHubServerError(
        action,
        status=304,
        github_message="Not Modified, to a request that sent no ETag of that answer",
        hint="The server (or a proxy in between) answers from a cache it should not use: try again, or bypass it.",
        request_id=_request_id(response),
    )


def redirected_away(action: str, response: requests.Response, names: SettingNames) -> GitHubServerError:
    """A read redirected to another host: its answer is not GitHub's (the credential was not sent there)."""
    return GitHubServerError(
        action,
        status=response.history[0].status_code,
        github_message=f"a redirect to {shown_url(response.url)}, another host; its answer is not used",
        hint=f"Check that {names.base_url} is the address GitHub answers as.",
        request_id=_request_id(response.history[0]),
    )


def not_followed(action: str, response: requests.Response, names: SettingNames, *, write: bool) -> GitHubError:
    """A 3xx left to us: for a write, replaying it elsewhere (or as a GET, as browsers do) could record the wrong
    thing, so no write is ever sent on; a read gets here only with a redirect requests could not follow."""
    location = response.headers.get("Location")
    pointed = f"pointing to {shown_url(location)}" if location else "with no Location"
    why = "; a write is never sent on to another address" if write else ""
    done = "Nothing was written. " if write else ""
    return GitHubError(
        action,
        status=response.status_code,
        github_message=f"a redirect {pointed}{why} (not followed)",
        hint=f"{done}Check that {names.base_url} is the address GitHub answers as.",
        request_id=_request_id(response),
    )


def default_hint(
    status: int, api_path: str, response: requests.Response, token_auth: bool, names: SettingNames
) -> str | None:
    """The likely fix for a 401/403/404 that the caller gave no hint of its own for."""
    if status == 401:
        if token_auth:
            return f"The token is invalid, expired or revoked: set a valid one in {names.token}."
        return f"GitHub refused the App's installation token: check that the App is still installed ({names.app})."
    if status == 403:
        hint = f"The credentials are not allowed to do this: {PERMISSION_HINT}"
    elif status == 404 and api_path.startswith("/orgs/"):
        hint = f"The organization or object may not exist, or the credentials cannot see it: {PERMISSION_HINT}"
    elif status == 404:
        hint = "The object may not exist, or the credentials cannot see it."
    else:
        return None
    granted = response.headers.get("x-oauth-scopes")
    accepted = response.headers.get("x-accepted-oauth-scopes") or response.headers.get("x-accepted-github-permissions")
    if granted is not None or accepted:
        shown_granted, shown_accepted = scrub(granted or "none")[:200], scrub(accepted or "unknown")[:200]
        hint += f" (token scopes: {shown_granted}; this endpoint accepts: {shown_accepted})"
    return hint


def _request_id(response: requests.Response) -> str | None:
    value = response.headers.get("x-github-request-id")
    return scrub(value)[:100] if value else None
