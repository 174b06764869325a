"""Every secret the client holds or mints, and the one function that takes them out of any text."""

from __future__ import annotations

import threading

REDACTED = "<redacted>"
# Shorter strings would scrub ordinary words; no real credential is this short.
_MIN_SECRET_LENGTH = 8


class Scrubber:
    """Thread-safe set of known secrets (the token, the App key and each minted installation token)."""

    def __init__(self, *secrets: str | None) -> None:
        self._lock = threading.Lock()
        self._secrets: tuple[str, ...] = ()
        for secret in secrets:
            self.add(secret)

    def add(self, secret: str | None) -> None:
        if not secret or len(secret) < _MIN_SECRET_LENGTH:
            return
        lines = (line.strip() for line in secret.splitlines())
        parts = {secret, *(line for line in lines if len(line) >= _MIN_SECRET_LENGTH and not line.startswith("-----"))}
        with self._lock:
            # Longest first, so a key's whole text goes before the lines it is made of.
            self._secrets = tuple(sorted({*self._secrets, *parts}, key=len, reverse=True))

    def __call__(self, text: str) -> str:
        with self._lock:
            secrets = self._secrets
        for secret in secrets:
            if secret in text:
                text = text.replace(secret, REDACTED)
        return text
