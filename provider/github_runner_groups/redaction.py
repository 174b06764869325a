"""Every secret this process knows, and the one function that takes them out of any text that leaves it.

The settings register the token and the App key as soon as they read them, the client each JWT and installation
token it mints; `scrub` replaces every one of them, and anything shaped like a GitHub token (`ghp_`, `gho_`,
`ghs_`, `ghu_`, `ghr_`, `github_pat_`) whether known or not. Errors scrub their text when they are made, check
failures when they are recorded, the providers every exception that escapes them, the package's loggers every
record, the CLI everything it prints. A leaf module (it imports nothing of the package), so every layer can use it.
"""

from __future__ import annotations

import logging
import re
import threading

REDACTED = "<redacted>"
# Shorter strings would scrub ordinary words; no real credential is this short.
_MIN_SECRET_LENGTH = 8
# GitHub's documented token prefixes; a real token has 36 (or 82) characters after them, a pasted part fewer.
TOKEN_SHAPED = re.compile(r"(?:gh[pousr]_|github_pat_)[A-Za-z0-9_]{4,}")


class Scrubber:
    """Thread-safe set of known secrets; calling it returns the text with each of them (and token shapes) masked."""

    def __init__(self, *secrets: str | None) -> None:
        self._lock = threading.Lock()
        self._secrets: tuple[str, ...] = ()
        for secret in secrets:
            self.add(secret)

    def add(self, secret: str | None) -> None:
        """Remember `secret`, and each line of a multi-line one (a key's lines can be shown one by one)."""
        if not isinstance(secret, str) or len(secret.strip()) < _MIN_SECRET_LENGTH:
            return
        lines = (line.strip() for line in secret.splitlines())
        parts = {secret, secret.strip()}
        parts.update(line for line in lines if len(line) >= _MIN_SECRET_LENGTH and not line.startswith("-----"))
        with self._lock:
            if parts.issubset(self._secrets):
                return
            # Longest first, so a key's whole text goes before the lines it is made of.
            self._secrets = tuple(sorted({*self._secrets, *parts}, key=len, reverse=True))

    def __call__(self, text: str) -> str:
        with self._lock:
            secrets = self._secrets
        for secret in secrets:
            if secret in text:
                text = text.replace(secret, REDACTED)
        return TOKEN_SHAPED.sub(REDACTED, text)


_PROCESS = Scrubber()


def remember(secret: str | None) -> None:
    """Add a secret of this process (a token, a key, a JWT) to what `scrub` masks from now on."""
    _PROCESS.add(secret)


def scrub(text: str) -> str:
    """`text` without any secret this process knows, nor anything shaped like a GitHub token."""
    return _PROCESS(text)


def scrub_exception(error: BaseException) -> BaseException:
    """Scrub `error`'s arguments, and those of the exceptions chained to it (a traceback prints them all), in place."""
    seen: set[int] = set()
    pending = [error]
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        current.args = tuple(scrub(arg) if isinstance(arg, str) else arg for arg in current.args)
        for name in ("filename", "filename2", "strerror"):  # OSError's text is not in its args
            value = getattr(current, name, None)
            if isinstance(value, str):
                setattr(current, name, scrub(value))
        pending += [e for e in (current.__cause__, current.__context__) if e is not None]
    return error


class ScrubFilter(logging.Filter):
    """Renders a record's message scrubbed, so that no handler ever formats a secret from its arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = scrub(record.getMessage()), None
        if record.exc_info and record.exc_info[1] is not None:
            scrub_exception(record.exc_info[1])
            record.exc_text = None
        return True


def logger(name: str) -> logging.Logger:
    """The package's logger `name`, scrubbing every record logged on it."""
    log = logging.getLogger(name)
    if not any(isinstance(existing, ScrubFilter) for existing in log.filters):
        log.addFilter(ScrubFilter())
    return log
