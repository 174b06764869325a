"""Where the providers' credentials and defaults come from: stack config or the environment.

Keys follow pulumi-github (`github:token`, `github:owner`, `github:baseUrl`, `github:appAuth`) so that a stack that
already configures pulumi-github configures this library too. The environment wins over stack config (DESIGN.md):
CI systems inject short-lived tokens through the environment and must be able to override a stale stack value.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .client import DEFAULT_BASE_URL, AppCredentials, ClientSettings
from .errors import ConfigError

ConfigLookup = Callable[[str], Any]


@dataclass(frozen=True)
class ProviderSettings:
    owner: str | None
    client: ClientSettings
    enterprise: str | None = None  # the default enterprise slug of the enterprise runner-group resources


def resolve_settings(config: ConfigLookup | None = None, environ: Mapping[str, str] | None = None) -> ProviderSettings:
    """Merge stack config (`config("github:token")`) and the environment; raises ConfigError on malformed values."""
    env = os.environ if environ is None else environ
    lookup: ConfigLookup = config if config is not None else (lambda _key: None)

    def pick(env_name: str, config_key: str) -> str | None:
        value = env.get(env_name) or lookup(config_key)
        return str(value) if value not in (None, "") else None

    base_url = pick("GITHUB_BASE_URL", "github:baseUrl") or DEFAULT_BASE_URL
    token = pick("GITHUB_TOKEN", "github:token")
    app = _app_credentials(env, lookup)
    ca_bundle = pick("GITHUB_CA_BUNDLE", "github-runner-groups:caBundle")
    return ProviderSettings(
        owner=pick("GITHUB_OWNER", "github:owner"),
        enterprise=pick("GITHUB_ENTERPRISE", "github:enterprise"),
        client=ClientSettings(
            base_url=_normalise_base_url(base_url),
            token=token,
            app=app if token is None else None,
            ca_bundle=ca_bundle,
        ),
    )


def _normalise_base_url(base_url: str) -> str:
    """pulumi-github accepts `https://ghe.example.com/` for GHES, whose REST root is `/api/v3`.

    A bare host that is not an API host (`api.github.com`, GHE.com's `api.SUBDOMAIN.ghe.com`) gets `/api/v3`.
    """
    url = base_url.strip().rstrip("/")
    if url.startswith("https://"):
        host_and_path = url[len("https://") :]
        if "/" not in host_and_path and not host_and_path.startswith("api."):
            url += "/api/v3"
    return url


def _app_credentials(env: Mapping[str, str], lookup: ConfigLookup) -> AppCredentials | None:
    app_id = env.get("GITHUB_APP_ID")
    installation_id = env.get("GITHUB_APP_INSTALLATION_ID")
    pem = env.get("GITHUB_APP_PEM_FILE")
    source = "GITHUB_APP_ID / GITHUB_APP_INSTALLATION_ID / GITHUB_APP_PEM_FILE"
    if not (app_id or installation_id or pem):
        raw = lookup("github:appAuth")
        if raw in (None, ""):
            return None
        source = "github:appAuth"
        auth = _parse_app_auth(raw)
        app_id, installation_id, pem = (
            auth.get("id"),
            auth.get("installationId") or auth.get("installation_id"),
            auth.get("pemFile") or auth.get("pem_file"),
        )
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
    path = Path(pem_or_path).expanduser()
    try:
        return path.read_text()
    except OSError as exc:
        raise ConfigError(
            f"GitHub App private key in {source} is neither a PEM (it does not start with '-----BEGIN') nor a "
            f"readable file ({exc.strerror}): paste the key's contents or give the path to the .pem file."
        ) from None
