"""GitHub App authentication: an App JWT (PyJWT) exchanged for an installation token, renewed before expiry.

This module is imported only when App credentials are configured, so token users never load PyJWT or
cryptography.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

import jwt

from ..errors import GitHubAuthError, GitHubServerError
from .config import AppCredentials, SettingNames, load_private_key
from .response import ApiResponse

_REFRESH_MARGIN_SECONDS = 300.0
_DOCUMENTED_LIFETIME_SECONDS = 3600.0

# Given a JWT and what to call the exchange and its hints by status, POSTs the exchange.
Exchange = Callable[[str, str, dict[int, str]], ApiResponse]


def app_jwt(app: AppCredentials, now: float) -> str:
    """The RS256 JWT GitHub wants: issued a minute back (clock drift), valid 9 of the allowed 10 minutes.

    `iss` is a string, as GitHub documents it for both the App id and the client id (PyJWT requires one).
    """
    issued = int(now)
    claims = {"iat": issued - 60, "exp": issued + 540, "iss": app.app_id}
    return jwt.encode(claims, load_private_key(app.private_key_pem), algorithm="RS256")


class InstallationTokens:
    """One installation token per client, shared by every thread; minted under a lock, so only once."""

    def __init__(
        self,
        app: AppCredentials,
        names: SettingNames,
        clock: Callable[[], float],
        exchange: Exchange,
        remember_secret: Callable[[str], None],
    ) -> None:
        self._app = app
        self._names = names
        self._clock = clock
        self._exchange = exchange
        self._remember_secret = remember_secret
        self._lock = threading.Lock()
        self._current: tuple[str, float] | None = None

    def current(self) -> str:
        with self._lock:
            if self._current is None or self._current[1] - _REFRESH_MARGIN_SECONDS <= self._clock():
                self._current = self._mint()
            return self._current[0]

    def forget(self) -> None:
        """After a 401: the token may have been revoked before its expiry."""
        with self._lock:
            self._current = None

    def _mint(self) -> tuple[str, float]:
        app, now = self._app, self._clock()
        action = f"getting an installation token for GitHub App {app.app_id} (installation {app.installation_id})"
        credential = app_jwt(app, now)
        self._remember_secret(credential)
        hints = {
            401: (
                "GitHub refused the App's JWT: check that the App id and the private key in "
                f"{self._names.app} belong to the same App, and that this machine's clock is right."
            ),
            404: (
                f"No installation {app.installation_id} of App {app.app_id}: check the installation id in "
                f"{self._names.app} (the number at the end of the installation's settings URL)."
            ),
        }
        response = self._exchange(credential, action, hints)
        body = response.body if isinstance(response.body, dict) else {}
        token = body.get("token")
        if not isinstance(token, str) or not token or not token.isprintable() or " " in token:
            raise GitHubServerError(action, status=response.status, github_message="the answer carries no usable token")
        self._remember_secret(token)
        expires = _expiry(body.get("expires_at"), now)
        if expires - _REFRESH_MARGIN_SECONDS <= now:
            raise GitHubAuthError(
                action,
                status=response.status,
                github_message=f"the token it issued expires at {_utc(expires)}, already (nearly) past at {_utc(now)}",
                hint="Check this machine's clock (and its time zone setting) against the GitHub server's.",
            )
        return token, expires


def _expiry(expires_at: Any, now: float) -> float:
    """`expires_at` is ISO 8601 ("2024-01-01T12:00:00Z"); without a readable one, the documented hour."""
    try:
        return datetime.fromisoformat(str(expires_at).replace("Z", "+00:00")).timestamp()
    except (ValueError, OverflowError):
        return now + _DOCUMENTED_LIFETIME_SECONDS


def _utc(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, tz=timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
