"""The emulator as a `responses` mock, for in-process tests of code that uses requests."""

from __future__ import annotations

import re
import time
from typing import Any
from urllib.parse import urlsplit

import requests
import responses

from .fake import FakeGitHub
from .wire import DropConnection


def add_to_responses(fake: FakeGitHub, rsps: responses.RequestsMock, base_url: str | None = None) -> None:
    """Route every request under `base_url` to `fake`; a dropped connection raises requests' ConnectionError.

    `base_url` defaults to the flavour's (https://api.github.com, or https://ghes.example.com/api/v3 for GHES);
    a GHES flavour needs a root that ends in /api/v3, as GHES serves its API there.
    """
    root = (base_url or fake.flavour.example_base_url).rstrip("/")
    root_path = urlsplit(root).path
    prefix = fake.flavour.api_prefix
    if prefix and not root_path.endswith(prefix):
        raise ValueError(
            f"base_url {root!r}: {fake.flavour.name} serves its REST API under {prefix}; use https://HOST{prefix}"
        )

    def callback(request: requests.PreparedRequest) -> tuple[int, dict[str, str], bytes]:
        parts = urlsplit(str(request.url))
        body = request.body.encode() if isinstance(request.body, str) else request.body
        outcome = fake.handle(
            str(request.method),
            parts.path[len(root_path) :],
            parts.query,
            dict(request.headers),
            body,
            base_url=root,
        )
        if outcome.delay_seconds:
            time.sleep(outcome.delay_seconds)
        if isinstance(outcome, DropConnection):
            raise requests.ConnectionError("Connection aborted: the emulator dropped the connection")
        return outcome.status, {k: v for k, v in outcome.headers.items() if v}, outcome.body

    pattern: Any = re.compile(re.escape(root) + r"(/.*)?$")
    for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
        rsps.add_callback(method, pattern, callback=callback, content_type="application/json")
