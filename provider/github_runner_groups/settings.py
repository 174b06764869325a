"""Where the providers' credentials and defaults come from: a resource argument, stack config, the environment.

Under `github:` only pulumi-github's own keys (`github:token`, `github:owner`, `github:baseUrl`, `github:appAuth`,
`github:writeDelayMs`, `github:parallelRequests`, `github:maxRetries`, `github:retryDelayMs`), so that a stack
that already configures pulumi-github configures this library too, and pulumi-github (which refuses keys it does
not know in its namespace) keeps working beside it; every other key lives under `github-runner-groups:`. The
order is pulumi-github's: a resource argument (`org=`, `enterprise=`), then stack config, then the environment
as the fallback; when stack config and the environment both hold a setting and differ, a warning names both
(never their values). This module names the settings; the client below only uses the names it is given.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import stat
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .client import DEFAULT_BASE_URL, AppCredentials, ClientSettings, PacingSettings, SettingNames
from .client.ledger import default_directory
from .errors import ConfigError
from .redaction import logger, remember, scrub

ConfigLookup = Callable[[str], Any]
log = logger(__name__)
# The release that stops reading the deprecated spellings below (they work through the 0.2 series).
DEPRECATED_UNTIL = "0.3.0"
# This library's own keys that older releases read under pulumi-github's namespace: new key -> old spelling.
DEPRECATED_KEYS = {"github-runner-groups:enterprise": "github:enterprise"}
_warned: set[str] = set()


@dataclass(frozen=True)
class _Setting:
    """A setting's stack config key and its environment variable (the fallback)."""

    key: str
    env: str

    @property
    def named(self) -> str:
        return f"{self.key} / {self.env}"


def _own(name: str) -> _Setting:
    """This library's own pacing setting `name` (camelCase): github-runner-groups:NAME / GITHUB_RUNNER_GROUPS_NAME."""
    return _Setting(f"github-runner-groups:{name}", "GITHUB_RUNNER_GROUPS_" + re.sub("([A-Z])", r"_\1", name).upper())


# PacingSettings fields set from whole numbers of the same unit, each by one of this library's own settings.
_OWN_NUMBERS = {
    "points_per_minute": _own("pointsPerMinute"),
    "points_window_seconds": _own("pointsWindowSeconds"),
    "max_in_flight": _own("maxInFlight"),
    "writes_per_minute": _own("writesPerMinute"),
    "writes_per_hour": _own("writesPerHour"),
}
_LEDGER_DIR = _own("ledgerDir")
_APP_ENV = "GITHUB_APP_ID, GITHUB_APP_INSTALLATION_ID, GITHUB_APP_PEM_FILE"
SETTING_NAMES = SettingNames(
    base_url="github:baseUrl / GITHUB_BASE_URL",
    token="github:token / GITHUB_TOKEN",
    app=f"github:appAuth (id, installationId, pemFile) / {_APP_ENV}",
    app_key="github:appAuth.pemFile / GITHUB_APP_PEM_FILE",
    ca_bundle="github-runner-groups:caBundle / GITHUB_CA_BUNDLE",
    write_delay="github:writeDelayMs / GITHUB_WRITE_DELAY_MS",
    points_per_minute=_OWN_NUMBERS["points_per_minute"].named,
    points_window=_OWN_NUMBERS["points_window_seconds"].named,
    max_in_flight=_OWN_NUMBERS["max_in_flight"].named,
    writes_per_minute=_OWN_NUMBERS["writes_per_minute"].named,
    writes_per_hour=_OWN_NUMBERS["writes_per_hour"].named,
    pacing_off="github:parallelRequests / GITHUB_PARALLEL_REQUESTS",
    max_retries="github:maxRetries / GITHUB_MAX_RETRIES",
    retry_delay="github:retryDelayMs / GITHUB_RETRY_DELAY_MS",
    rerun="run `pulumi up` again (every finished step is in the stack's state, so it continues where this stopped)",
)
# A GitHub App key is about 1.7 KiB; reading is bounded so that a device file or a wrong path cannot hang a run.
MAX_KEY_FILE_BYTES = 64 * 1024


@dataclass(frozen=True)
class ProviderSettings:
    owner: str | None
    client: ClientSettings
    enterprise: str | None = None  # the default enterprise slug of the enterprise runner-group resources


def resolve_settings(config: ConfigLookup | None = None, environ: Mapping[str, str] | None = None) -> ProviderSettings:
    """Merge stack config (`config("github:token")`) and the environment; raises ConfigError on malformed values.

    Stack config first, the environment as the fallback (pulumi-github's order); a resource's own argument
    (`org=`, `enterprise=`) comes before both, where the resource applies it.
    """
    env = os.environ if environ is None else environ
    lookup: ConfigLookup = config if config is not None else (lambda _key: None)

    def pick(env_name: str, config_key: str) -> str | None:
        configured = _configured(lookup, config_key)
        from_env = _text(env.get(env_name))
        if configured is not None and from_env is not None and not _same(configured, from_env):
            _warn_once(
                f"{config_key} (stack config) and {env_name} (environment) are both set and differ: using "
                f"{config_key}, as pulumi-github does; unset the one you do not mean."
            )
        return configured if configured is not None else from_env

    remember_secrets(config, environ)
    base_url = pick("GITHUB_BASE_URL", "github:baseUrl") or DEFAULT_BASE_URL
    token = pick("GITHUB_TOKEN", "github:token")
    app = _app_credentials(env, lookup)
    return ProviderSettings(
        owner=pick("GITHUB_OWNER", "github:owner"),
        enterprise=pick("GITHUB_ENTERPRISE", "github-runner-groups:enterprise"),
        client=ClientSettings(
            base_url=_normalise_base_url(base_url),
            token=token,
            app=app if token is None else None,
            ca_bundle=pick("GITHUB_CA_BUNDLE", "github-runner-groups:caBundle"),
            pacing=_pacing(pick),
            names=SETTING_NAMES,
            **_retries(pick),
        ),
    )


def remember_secrets(config: ConfigLookup | None = None, environ: Mapping[str, str] | None = None) -> None:
    """Teach the scrubber every token and App key given, in the environment and the stack config alike, without
    judging any setting: before any setting is read (and perhaps shown in an error). A process that shows messages
    without resolving settings (the CLI, a Pulumi program loading a spec) calls it first. A key given as a path is
    remembered once read."""
    env = os.environ if environ is None else environ
    lookup: ConfigLookup = config if config is not None else (lambda _key: None)
    auth = lookup("github:appAuth")
    for token in (env.get("GITHUB_TOKEN"), lookup("github:token")):
        remember(str(token) if token is not None else None)
    keys = [env.get("GITHUB_APP_PEM_FILE"), auth]
    if isinstance(auth, dict):
        keys += [auth.get("pemFile"), auth.get("pem_file")]
    for key in (str(key) for key in keys if key not in (None, "")):
        if "-----BEGIN" in key:
            remember(key)
            remember(key.replace("\\n", "\n"))


def _text(value: Any) -> str | None:
    return str(value) if value not in (None, "") else None


def _same(configured: str, from_env: str) -> bool:
    """Stack config may hand a number over as 1000.0 where the environment says 1000."""
    if configured.strip() == from_env.strip():
        return True
    try:
        return float(configured) == float(from_env)
    except ValueError:
        return False


def _configured(lookup: ConfigLookup, key: str) -> str | None:
    """Stack config `key`, or its deprecated spelling (with a warning, once) where only that is set."""
    value = _text(lookup(key))
    old = DEPRECATED_KEYS.get(key)
    if old is not None and _text(lookup(old)) is not None:
        _warn_once(
            f"{old} is deprecated: pulumi-github refuses keys it does not know in its github: namespace. Use {key} "
            f"(`pulumi config set {key} VALUE`, then `pulumi config rm {old}`); {old} is read until "
            f"{DEPRECATED_UNTIL}" + (f", and is ignored now that {key} is set." if value is not None else ".")
        )
        if value is None:
            value = _text(lookup(old))
    return value


def _warn_once(message: str) -> None:
    """A warning per process: settings are resolved by every provider and lookup, the message is the same."""
    if message not in _warned:
        _warned.add(message)
        log.warning(message)


def _retries(pick: Callable[[str, str], str | None]) -> dict[str, Any]:
    """pulumi-github's retry keys, where set: how often a request that may pass is retried, and the first wait."""
    retries = _number(pick("GITHUB_MAX_RETRIES", "github:maxRetries"), SETTING_NAMES.max_retries)
    delay_ms = _number(pick("GITHUB_RETRY_DELAY_MS", "github:retryDelayMs"), SETTING_NAMES.retry_delay)
    given: dict[str, Any] = {}
    if retries is not None:
        given["max_retries"] = int(retries)
    if delay_ms is not None:
        given["retry_delay_seconds"] = delay_ms / 1000
    return given


def _pacing(pick: Callable[[str, str], str | None]) -> PacingSettings:
    defaults = PacingSettings()
    numbers = {field: _number(pick(setting.env, setting.key), setting.named) for field, setting in _OWN_NUMBERS.items()}
    delay_ms = _number(pick("GITHUB_WRITE_DELAY_MS", "github:writeDelayMs"), SETTING_NAMES.write_delay)
    return dataclasses.replace(
        defaults,
        enabled=not _flag(pick("GITHUB_PARALLEL_REQUESTS", "github:parallelRequests"), SETTING_NAMES.pacing_off),
        write_delay_seconds=defaults.write_delay_seconds if delay_ms is None else delay_ms / 1000,
        ledger_directory=pick(_LEDGER_DIR.env, _LEDGER_DIR.key) or default_directory(),
        # Each keeps its field's type: int for counts, float for the window.
        **{field: type(getattr(defaults, field))(value) for field, value in numbers.items() if value is not None},
    )


def _number(value: str | None, setting: str) -> float | None:
    """A whole number (stack config may hand it over as 1000, 1000.0 or "1000"); None when not set."""
    if value is None:
        return None
    try:
        number = float(value.strip())
    except ValueError:
        number = float("nan")
    if not number.is_integer():
        raise ConfigError(f"{setting} is {scrub(value)[:40]!r}: give a whole number.")
    return number


def _flag(value: str | None, setting: str) -> bool:
    if value is None:
        return False
    lowered = value.strip().lower()
    if lowered not in ("true", "false", "1", "0"):
        raise ConfigError(f"{setting} is {scrub(value)[:40]!r}: give true or false.")
    return lowered in ("true", "1")


def _normalise_base_url(base_url: str) -> str:
    """pulumi-github accepts `https://ghe.example.com/` for GHES, whose REST root is `/api/v3`.

    A bare host that is not an API host (`api.github.com`, GHE.com's `api.SUBDOMAIN.ghe.com`) gets `/api/v3`.
    Only a trailing slash is removed: whitespace is refused by the check, never silently dropped.
    """
    url = base_url.rstrip("/")
    if url.startswith("https://"):
        host_and_path = url[len("https://") :]
        if "/" not in host_and_path and not host_and_path.startswith("api.") and "?" not in host_and_path:
            url += "/api/v3"
    return url


def _app_credentials(env: Mapping[str, str], lookup: ConfigLookup) -> AppCredentials | None:
    """github:appAuth where the stack sets it, else the GITHUB_APP_* variables (pulumi-github's order)."""
    env_source = "GITHUB_APP_ID / GITHUB_APP_INSTALLATION_ID / GITHUB_APP_PEM_FILE"
    from_env = [env.get(name) for name in ("GITHUB_APP_ID", "GITHUB_APP_INSTALLATION_ID", "GITHUB_APP_PEM_FILE")]
    raw = lookup("github:appAuth")
    if raw not in (None, ""):
        if any(from_env):
            _warn_once(
                f"github:appAuth (stack config) and {env_source} (environment) are both set: using github:appAuth."
            )
        source = "github:appAuth"
        auth = _parse_app_auth(raw)
        app_id, installation_id, pem = (
            auth.get("id"),
            auth.get("installationId") or auth.get("installation_id"),
            auth.get("pemFile") or auth.get("pem_file"),
        )
    elif any(from_env):
        source = env_source
        app_id, installation_id, pem = from_env
    else:
        return None
    missing = [
        name
        for name, value in (("id", app_id), ("installationId", installation_id), ("pemFile", pem))
        if value in (None, "")
    ]
    if missing:
        raise ConfigError(
            f"GitHub App auth in {source} is missing {', '.join(missing)}: set all three (app id, installation id "
            "and the private key PEM, as its contents or a path to it), or use a token (github:token / GITHUB_TOKEN)."
        )
    return AppCredentials(
        app_id=str(app_id), installation_id=str(installation_id), private_key_pem=_read_pem(str(pem), source)
    )


def _parse_app_auth(raw: Any) -> dict[str, Any]:
    if isinstance(raw, dict):
        return raw
    try:
        parsed = json.loads(str(raw))
    except json.JSONDecodeError:
        parsed = None
    if not isinstance(parsed, dict):
        raise ConfigError(
            "github:appAuth must be an object with id, installationId and pemFile, e.g. "
            "`pulumi config set --path github:appAuth.id 123`; the value set is not one."
        )
    return parsed


def _read_pem(pem_or_path: str, source: str) -> str:
    """pulumi-github's `pemFile` holds the key itself; a path is accepted too because that is what people try."""
    if pem_or_path.lstrip().startswith("-----BEGIN"):
        return pem_or_path.replace("\\n", "\n")
    problem = _key_file_problem(Path(pem_or_path).expanduser())
    if isinstance(problem, str):
        raise ConfigError(
            f"GitHub App private key in {source} is neither a PEM (it does not start with '-----BEGIN') nor a "
            f"readable file with a key ({problem}): paste the key's contents or give the path to the .pem file."
        )
    remember(problem.text)
    return problem.text


@dataclass(frozen=True)
class _KeyText:
    text: str


def _key_file_problem(path: Path) -> str | _KeyText:
    """The key file's text, or what is wrong with it; never reads more than MAX_KEY_FILE_BYTES."""
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            return "it is not a regular file"
        with path.open("rb") as file:
            data = file.read(MAX_KEY_FILE_BYTES + 1)
    except OSError as exc:
        return exc.strerror or type(exc).__name__
    except ValueError:
        return "the path is not valid"
    if len(data) > MAX_KEY_FILE_BYTES:
        return f"it is larger than {MAX_KEY_FILE_BYTES // 1024} KiB, far more than a key"
    try:
        text = data.decode("ascii")
    except UnicodeDecodeError:
        return "it is binary, not a PEM text file"
    if "\x00" in text or "-----BEGIN" not in text:
        return "it holds no PEM block"
    return _KeyText(text)
