"""What a client is configured with, and the checks that refuse a bad value before any request.

The client knows no configuration system: `SettingNames` holds the words the layer above uses for each setting
(a stack key, an environment variable), so that every message can name the setting a user has to change.
"""

from __future__ import annotations

import functools
import ipaddress
import math
import os
import re
import ssl
import stat
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from ..errors import ConfigError
from ..redaction import TOKEN_SHAPED, remember, scrub

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

DEFAULT_BASE_URL = "https://api.github.com"
# A CA bundle is a few hundred kilobytes at most; reading is bounded so that a device file cannot hang a run.
MAX_CA_BUNDLE_BYTES = 8 * 1024 * 1024
MAX_CA_DIRECTORY_ENTRIES = 10_000
# GitHub's cost of a write in its secondary rate limit's points (pacer.WRITE_POINTS); a budget must afford one.
WRITE_COST_POINTS = 5
_HASHED_NAME = re.compile(r"[0-9a-f]{8}\.r?[0-9]+")
_DIGITS = re.compile(r"[0-9]{1,19}")
# A host name with a dot (and maybe a port and a path), given without its scheme: `api.github.com`, `ghe.corp/api/v3`.
_HOST_AND_PATH = re.compile(r"[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+(:[0-9]{1,5})?(/[A-Za-z0-9._~/-]*)?")
_CONTROL_OR_SPACE = re.compile(r"[\x00-\x20\x7f-\x9f\u2028\u2029\ufeff]")


@dataclass(frozen=True)
class SettingNames:
    """How each setting is named in messages; the defaults are the ClientSettings field names."""

    base_url: str = "base_url"
    token: str = "token"
    app: str = "app (app_id, installation_id, private_key_pem)"
    app_key: str = "app.private_key_pem"
    ca_bundle: str = "ca_bundle"
    write_delay: str = "pacing.write_delay_seconds"
    points_per_minute: str = "pacing.points_per_minute"
    points_window: str = "pacing.points_window_seconds"
    max_in_flight: str = "pacing.max_in_flight"
    writes_per_minute: str = "pacing.writes_per_minute"
    writes_per_hour: str = "pacing.writes_per_hour"
    pacing_off: str = "pacing.enabled"
    max_retries: str = "max_retries"
    retry_delay: str = "retry_delay_seconds"
    rerun: str = "run it again"


@dataclass(frozen=True)
class AppCredentials:
    """GitHub App authentication: the client mints the installation token and keeps it to itself."""

    app_id: str
    installation_id: str
    private_key_pem: str = field(repr=False)


@dataclass(frozen=True)
class PacingSettings:
    """How fast one process may talk to GitHub; `enabled=False` is for servers without secondary limits."""

    enabled: bool = True
    write_delay_seconds: float = 1.0
    points_per_minute: int = 900
    max_in_flight: int = 16
    # The window the points budget is counted over: GitHub's minute; shorter only to compress time (benchmarks).
    points_window_seconds: float = 60.0
    writes_per_minute: int = 80  # per window; the hour is 60 windows
    writes_per_hour: int = 500
    # Where processes on one credential share what they spent (ledger.py); None: this process counts alone.
    ledger_directory: str | None = None


@dataclass(frozen=True)
class ClientSettings:
    """Which GitHub, which credentials, which limits; hashable, so it keys the per-process clients."""

    base_url: str = DEFAULT_BASE_URL
    token: str | None = field(default=None, repr=False)
    app: AppCredentials | None = None
    ca_bundle: str | None = None
    timeout_seconds: float = 30.0
    max_retries: int = 4
    retry_delay_seconds: float = 1.0  # the first backoff step; doubled for each retry, capped at 30 s
    max_rate_limit_wait_seconds: float = 120.0
    max_pages: int = 1000
    max_body_bytes: int = 64 * 1024 * 1024
    pacing: PacingSettings = PacingSettings()
    names: SettingNames = field(default=SettingNames(), compare=False, repr=False)

    def validate(self) -> None:
        """Raise ConfigError naming the setting, the bad value (never a secret) and the fix."""
        remember(self.token)
        remember(self.app.private_key_pem if self.app is not None else None)
        check_base_url(self.base_url, self.names)
        if self.token:
            check_token(self.token, self.names)
        elif self.app is not None:
            check_app(self.app, self.names)
        else:
            raise ConfigError(
                f"No GitHub credentials: set a token in {self.names.token}, or GitHub App authentication in "
                f"{self.names.app}."
            )
        if self.ca_bundle is not None:
            check_ca_bundle(self.ca_bundle, self.names)
        check_limits(self)


def shown_url(url: str) -> str:
    """The URL as a message may show it: scheme, host, port and a plain path, never user info, query or fragment.

    A URL that does not parse cleanly (a space, a control character, an `@` outside the user info, a scheme
    without `//`...) may be a credential pasted in the wrong place: only its scheme and host are shown, and
    "(value hidden)" when even those are not plain. A path is shown only when each segment is short, plain text.
    """
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return HIDDEN
    if _parts_hidden(url, host):
        return HIDDEN
    origin = f"{parts.scheme.lower()}://{f'[{host}]' if ':' in host else host}"
    if _CONTROL_OR_SPACE.search(url) or "@" in url:
        return origin
    path = parts.path if _PLAIN_PATH.fullmatch(parts.path) else "/(path hidden)"
    return f"{origin}{port}{path}"


HIDDEN = "(value hidden)"
_PLAIN_HOST = re.compile(r"[A-Za-z0-9.-]{1,253}|[0-9A-Fa-f:.]{2,45}")
_PLAIN_PATH = re.compile(r"(?:/[A-Za-z0-9._~-]{1,24})*/?")


def _parts_hidden(url: str, host: str) -> bool:
    """Whether not even the scheme and host of `url` can be shown: no http(s) scheme with `//`, or no plain host."""
    return (
        not url.lower().startswith(("http://", "https://"))
        or not _PLAIN_HOST.fullmatch(host)
        or TOKEN_SHAPED.search(host) is not None
    )


def check_base_url(base_url: str, names: SettingNames) -> None:
    fix = (
        "Use https://api.github.com for github.com or https://HOST/api/v3 for GitHub Enterprise Server; "
        "plain http is allowed only for loopback hosts (127.0.0.1, ::1, localhost), e.g. the emulator."
    )
    try:
        parts = urlsplit(base_url)
        host, _port = parts.hostname, parts.port
    except ValueError:
        raise ConfigError(f"{_named(base_url, names)}: not a well-formed URL. {fix}") from None
    if not parts.scheme and _HOST_AND_PATH.fullmatch(base_url):
        raise ConfigError(
            f"{names.base_url} is {base_url!r}: a URL starts with its scheme; expected https://{base_url}. {fix}"
        )
    if _CONTROL_OR_SPACE.search(base_url):
        problem = "it contains a space or control character (often a trailing newline, or a token pasted after it)"
    elif parts.scheme not in ("http", "https") or not host or not base_url.lower().startswith(("http://", "https://")):
        problem = "not an http(s) URL with a host"
    elif "@" in base_url:
        problem = "credentials do not belong in the URL (set them in the token or App settings)"
    elif parts.query or parts.fragment or base_url.endswith(("?", "#")):
        problem = "a base URL has no query or fragment"
    elif parts.scheme == "http" and not is_loopback(host):
        problem = "plain http would send the token unencrypted"
    elif scrub(base_url) != base_url:
        problem = "it holds a secret (the token, or text shaped like a GitHub token), which must not be in a URL"
    else:
        return
    raise ConfigError(f"{_named(base_url, names)}: {problem}. {fix}")


def _named(base_url: str, names: SettingNames) -> str:
    """The setting and its value where the value can be shown; a value that is no plain URL may be a secret
    pasted into the wrong setting, so then the message says what was expected instead of echoing it."""
    shown = shown_url(base_url)
    if shown == HIDDEN:
        return (
            f"{names.base_url} is not shown (it is no plain http(s) URL, and might be a token set in the wrong "
            "place; expected an https:// URL such as https://api.github.com)"
        )
    return f"{names.base_url} is {shown!r}"


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_token(token: str, names: SettingNames) -> None:
    if not (token.isascii() and token.isprintable()) or any(c.isspace() for c in token):
        raise ConfigError(
            f"The token in {names.token} contains whitespace or control characters (often a trailing newline "
            "copied from a file): set it again without them."
        )


def check_app(app: AppCredentials, names: SettingNames) -> None:
    if not app.app_id or _CONTROL_OR_SPACE.search(app.app_id) or not app.app_id.isascii():
        raise ConfigError(
            f"The GitHub App id in {names.app} is empty or has spaces or control characters: set the App's id "
            "(a number) or its client id."
        )
    if not _DIGITS.fullmatch(app.installation_id) or int(app.installation_id) == 0:
        shown = scrub(app.installation_id)[:40]
        raise ConfigError(
            f"The GitHub App installation id in {names.app} is {shown!r}: it must be the number (ASCII digits) at "
            "the end of the installation's settings URL."
        )
    load_private_key(app.private_key_pem, names.app_key)


@functools.lru_cache(maxsize=8)
def load_private_key(pem: str, setting: str = SettingNames.app_key) -> RSAPrivateKey:
    """Load once per key: check validates the settings of every resource, and parsing RSA keys is not free."""
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    try:
        key = load_pem_private_key(pem.encode(), password=None) if "\x00" not in pem else None
    except (ValueError, TypeError, UnicodeError, UnsupportedAlgorithm):
        key = None
    if not isinstance(key, RSAPrivateKey):
        raise ConfigError(
            f"The GitHub App private key in {setting} does not load as an unencrypted RSA private key in PEM "
            "form: generate a key on the App's settings page and pass the whole .pem file, BEGIN/END lines "
            "included."
        )
    return key


def check_ca_bundle(path: str, names: SettingNames) -> None:
    """A PEM file with at least one certificate, or a directory of them (OpenSSL's hashed layout)."""
    shown = scrub(path)[:200]
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        raise ConfigError(
            f"{names.ca_bundle} is {shown!r}, which does not exist: give the path of a PEM file (or directory) "
            "with the CA certificates that sign your GitHub server's certificate."
        ) from None
    problem = _ca_directory_problem(path) if stat.S_ISDIR(info.st_mode) else _ca_file_problem(path, info)
    if problem is not None and stat.S_ISDIR(info.st_mode):
        raise ConfigError(
            f"{names.ca_bundle} is {shown!r}, a directory which {problem}: give a PEM file with the CA certificates "
            "that sign your GitHub server's certificate, or a directory of them prepared by `openssl rehash DIR`."
        )
    if problem is not None:
        raise ConfigError(
            f"{names.ca_bundle} is {shown!r}, which {problem}: give a PEM file with the CA certificates "
            "(-----BEGIN CERTIFICATE----- blocks) that sign your GitHub server's certificate."
        )


def _ca_directory_problem(path: str) -> str | None:
    """OpenSSL reads a CA directory only through files named by hash (`HASH.0`); at least one must load."""
    unhashed = False
    try:
        with os.scandir(path) as entries:
            for count, entry in enumerate(entries):
                if count >= MAX_CA_DIRECTORY_ENTRIES:
                    break
                file = os.path.join(path, entry.name)
                try:
                    info = os.stat(file)  # follows links, as OpenSSL does (rehash makes symbolic links)
                except OSError:
                    continue  # a dangling link: OpenSSL skips it too
                if not stat.S_ISREG(info.st_mode) or _ca_file_problem(file, info) is not None:
                    continue
                if _HASHED_NAME.fullmatch(entry.name):
                    return None
                unhashed = True
    except OSError as exc:
        return f"cannot be read ({exc.strerror})"
    if unhashed:
        return "holds certificates, but none under OpenSSL's hashed names (HASH.0), the only ones it reads"
    return "holds no certificate"


def _ca_file_problem(path: str, info: os.stat_result) -> str | None:
    if not stat.S_ISREG(info.st_mode):
        return "is not a regular file"
    if info.st_size > MAX_CA_BUNDLE_BYTES:
        return f"is larger than {MAX_CA_BUNDLE_BYTES // (1024 * 1024)} MiB"
    try:
        with open(path, "rb") as file:
            text = file.read(MAX_CA_BUNDLE_BYTES + 1).decode("ascii")
        if "-----BEGIN CERTIFICATE-----" not in text:
            return "holds no certificate"
        ssl.create_default_context().load_verify_locations(cadata=text)
    except (UnicodeDecodeError, ssl.SSLError, ValueError):  # SSLError before OSError, its base class
        return "does not load as PEM certificates"
    except OSError as exc:
        return f"cannot be read ({exc.strerror})"
    return None


def check_limits(settings: ClientSettings) -> None:
    positive = {
        "timeout_seconds": settings.timeout_seconds,
        "max_pages": settings.max_pages,
        "max_body_bytes": settings.max_body_bytes,
    }
    non_negative = {"max_rate_limit_wait_seconds": settings.max_rate_limit_wait_seconds}
    bad = [f"{name}={value}" for name, value in positive.items() if not (math.isfinite(value) and value > 0)]
    bad += [f"{name}={value}" for name, value in non_negative.items() if not (math.isfinite(value) and value >= 0)]
    if bad:
        raise ConfigError(f"Client limits must be finite and positive: {', '.join(bad)}.")
    check_retries(settings)
    check_pacing(settings.pacing, settings.names)


def check_retries(settings: ClientSettings) -> None:
    names = settings.names
    if not 0 <= settings.max_retries <= 10:
        raise ConfigError(
            f"{names.max_retries} is {settings.max_retries}: give a whole number from 0 to 10 (retries of a request "
            "that failed in a way that may pass: a 5xx, a dropped connection)."
        )
    if not (math.isfinite(settings.retry_delay_seconds) and 0 <= settings.retry_delay_seconds <= 60):
        raise ConfigError(
            f"{names.retry_delay} is {settings.retry_delay_seconds * 1000:g} ms: give a number of milliseconds from 0 "
            "to 60000 (the first wait before a retry; each further one doubles it, up to 30 s)."
        )


def check_pacing(pacing: PacingSettings, names: SettingNames) -> None:
    if not math.isfinite(pacing.write_delay_seconds) or not 0 <= pacing.write_delay_seconds <= 60:
        raise ConfigError(
            f"{names.write_delay} is {pacing.write_delay_seconds * 1000:g} ms: give a number of milliseconds "
            "from 0 to 60000 (GitHub asks for at least 1000 between writes)."
        )
    if not WRITE_COST_POINTS <= pacing.points_per_minute <= 100_000:
        raise ConfigError(
            f"{names.points_per_minute} is {pacing.points_per_minute}: give a whole number from {WRITE_COST_POINTS} "
            f"to 100000 (one write costs {WRITE_COST_POINTS} points, so a smaller budget could never pay for one; "
            "GitHub's documented budget is 900 points per minute)."
        )
    if not (math.isfinite(pacing.points_window_seconds) and 0 < pacing.points_window_seconds <= 3600):
        raise ConfigError(
            f"{names.points_window} is {pacing.points_window_seconds:g}: give a number of seconds above 0 and at most "
            "3600 (GitHub counts its points per minute: 60)."
        )
    for setting, writes, most in (
        (names.writes_per_minute, pacing.writes_per_minute, 80),
        (names.writes_per_hour, pacing.writes_per_hour, 500),
    ):
        if not 1 <= writes <= 1_000_000:
            raise ConfigError(
                f"{setting} is {writes}: give a whole number from 1 to 1000000 (GitHub documents at most {most})."
            )
    if not 1 <= pacing.max_in_flight <= 100:
        raise ConfigError(
            f"{names.max_in_flight} is {pacing.max_in_flight}: give a whole number from 1 to 100 (GitHub allows "
            "at most 100 concurrent requests)."
        )
