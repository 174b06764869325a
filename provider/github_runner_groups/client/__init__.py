"""Layer 1: the one way this package talks to GitHub's REST API, in small parts with one job each.

`core` (the client and its request loop), `transport` (one HTTP exchange), `failures` (what went wrong, as
typed errors), `ratelimit` (limit headers), `etags` (the ETag cache), `app_auth` (installation tokens, loaded
only for App auth; `..redaction` scrubs secrets), `config` (settings and their checks). Knows nothing of
Pulumi.
"""

from __future__ import annotations

import threading

from .config import DEFAULT_BASE_URL, AppCredentials, ClientSettings, PacingSettings, SettingNames
from .core import PER_PAGE, GitHubClient
from .response import ApiResponse, Conditional
from .transport import API_VERSION, USER_AGENT

__all__ = [
    "API_VERSION",
    "DEFAULT_BASE_URL",
    "PER_PAGE",
    "USER_AGENT",
    "ApiResponse",
    "AppCredentials",
    "ClientSettings",
    "Conditional",
    "GitHubClient",
    "PacingSettings",
    "SettingNames",
    "get_client",
    "reset_clients",
]

_clients: dict[ClientSettings, GitHubClient] = {}
_clients_lock = threading.Lock()


def get_client(settings: ClientSettings) -> GitHubClient:
    """The process's client for these settings, created on first use so caches, tokens and pacing are shared."""
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
