"""No secret in any message: malformed settings that hold the token, times every way a message leaves the process.

Each form puts a secret where it does not belong (pasted into the base URL in every way people do it, or given as
the owner, the enterprise, a number, a path...). Every entry point then runs in this process with those settings:
each provider's configure and check (and read and delete, which `refresh`/`destroy` call without a check), the
CLI's commands, the lookups and a client on the emulator (and, once, the demo). Whatever any of them prints, logs,
raises (with its chained exceptions, as a traceback shows them) or returns as inputs for the state must not hold
the secret, nor any 12-character piece of it (a truncated secret is still a leak). Three secrets: a classic token
(`ghp_`, also caught by its shape), a GitHub Enterprise Server token of 40 hex digits (caught only because the
settings registered it) and a fine-grained token pasted somewhere while another token is configured (caught by its
shape). `tests/engine/test_secrets_engine.py` drives a few of the forms through the engine rig's provider processes.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from github_runner_groups import api, cli, lookups
from github_runner_groups.client import GitHubClient, reset_clients
from github_runner_groups.resources._common import GitHubProvider
from github_runner_groups.resources.enterprise_membership import EnterpriseRunnerGroupMembershipProvider
from github_runner_groups.resources.enterprise_organization_access import (
    EnterpriseRunnerGroupOrganizationAccessProvider,
)
from github_runner_groups.resources.enterprise_runner_group import EnterpriseRunnerGroupProvider
from github_runner_groups.resources.hosted_runner import HostedRunnerProvider
from github_runner_groups.resources.membership import RunnerGroupMembershipProvider
from github_runner_groups.resources.repository_access import RunnerGroupRepositoryAccessProvider
from github_runner_groups.resources.runner_group import RunnerGroupProvider
from github_runner_groups.settings import resolve_settings
from github_runner_groups.testing.server import EmulatorServer
from hostile_check import HostileCheck
from pulumi.dynamic import ConfigureRequest

CLASSIC = "ghp_" + "Zq7" * 12
GHES_HEX = "3f9c1e7a5b2d4c6e8f0a1b3c5d7e9f1a2b4c6d8e"
PASTED = "github_pat_" + "11ABCDEFG0" * 8 + "xy"
# (kind, the secret a form embeds, the token the settings hold)
KINDS = [
    ("classic token", CLASSIC, CLASSIC),
    ("GHES hex token", GHES_HEX, GHES_HEX),
    ("pasted token", PASTED, GHES_HEX),
]
ENV = {
    "github:token": "GITHUB_TOKEN",
    "github:baseUrl": "GITHUB_BASE_URL",
    "github:owner": "GITHUB_OWNER",
    "github-runner-groups:enterprise": "GITHUB_ENTERPRISE",
    "github:writeDelayMs": "GITHUB_WRITE_DELAY_MS",
    "github:retryDelayMs": "GITHUB_RETRY_DELAY_MS",
    "github:maxRetries": "GITHUB_MAX_RETRIES",
    "github:parallelRequests": "GITHUB_PARALLEL_REQUESTS",
    "github-runner-groups:caBundle": "GITHUB_CA_BUNDLE",
    "github-runner-groups:pointsPerMinute": "GITHUB_RUNNER_GROUPS_POINTS_PER_MINUTE",
    "github-runner-groups:ledgerDir": "GITHUB_RUNNER_GROUPS_LEDGER_DIR",
}
HOST = "ghe.example.com"


@dataclass(frozen=True)
class Form:
    """A hostile setting: `key` set to `value` with TOKEN replaced by the secret; `fails` says what must fail."""

    case: str
    key: str
    value: str
    fails: str  # "settings" (every check fails on the provider), "org", "enterprise" or "" (nothing must)

    def given(self, secret: str) -> str:
        return self.value.replace("TOKEN", secret)


def url(case: str, value: str) -> Form:
    return Form(case, "github:baseUrl", value, "settings")


FORMS = [
    url("user before the scheme", f"x-access-token:TOKEN@https://{HOST}"),
    url("one slash after the scheme", f"https:/x:TOKEN@{HOST}"),
    url("no slash after the scheme", f"https:x:TOKEN@{HOST}"),
    url("pasted after a space", f"https://{HOST}/api/v3 TOKEN"),
    url("pasted after a newline", f"https://{HOST}/api/v3\nTOKEN"),
    url("pasted after CRLF", f"https://{HOST}/api/v3\r\nTOKEN"),
    url("pasted after a tab", f"https://{HOST}\tTOKEN"),
    url("pasted after a NUL", f"https://{HOST}/api/v3\x00TOKEN"),
    url("pasted as Bearer after a space", f"https://{HOST}/api/v3 Bearer TOKEN"),
    url("in the path over http", f"http://{HOST}/TOKEN"),
    url("as user and password", f"https://x:TOKEN@{HOST}/api/v3"),
    url("as user", f"https://TOKEN@{HOST}"),
    url("as user, upper case scheme", f"HTTPS://x:TOKEN@{HOST.upper()}"),
    url("as the port", f"https://{HOST}:TOKEN/api/v3"),
    url("in the query", f"https://{HOST}/api/v3?access_token=TOKEN"),
    url("in the fragment", f"https://{HOST}/api/v3#TOKEN"),
    url("the token alone", "TOKEN"),
    url("the token before the URL", f"TOKEN https://{HOST}"),
    url("token@ before the URL", f"TOKEN@https://{HOST}"),
    url("git+https with user", f"git+https://TOKEN@{HOST}"),
    url("as an IPv6 host", "https://[TOKEN]/api/v3"),
    url("as the host after an @", f"https://{HOST}@TOKEN"),
    url("in a longer path over http", f"http://{HOST}/api/v3/TOKEN/x"),
    url("in the path of a well-formed URL", f"https://{HOST}/api/v3/TOKEN"),
    url("as the host", "https://TOKEN"),
    Form("owner is the token", "github:owner", "TOKEN", "org"),
    Form("owner is the token with a newline", "github:owner", "TOKEN\n", "org"),
    Form("enterprise is the token", "github-runner-groups:enterprise", "TOKEN", "enterprise"),
    Form("write delay is the token", "github:writeDelayMs", "TOKEN", "settings"),
    Form("max retries is the token", "github:maxRetries", "TOKEN", "settings"),
    Form("parallelRequests is the token", "github:parallelRequests", "TOKEN", "settings"),
    Form("points per minute is the token", "github-runner-groups:pointsPerMinute", "TOKEN", "settings"),
    Form("CA bundle is the token", "github-runner-groups:caBundle", "TOKEN", "settings"),
    Form("ledger directory holds the token", "github-runner-groups:ledgerDir", "/proc/TOKEN/ledgers", ""),
]

PROVIDERS: list[tuple[GitHubProvider, dict[str, Any]]] = [
    (RunnerGroupProvider(), {"name": "ci"}),
    (RunnerGroupRepositoryAccessProvider(), {"runner_group_id": 5, "repositories": ["api"]}),
    (RunnerGroupMembershipProvider(), {"runner_group_id": 5, "runners": ["linux-1"]}),
    (
        HostedRunnerProvider(),
        {"name": "linux-4core", "runner_group_id": 1, "image_id": "ubuntu-24.04", "size": "4-core"},
    ),
    (EnterpriseRunnerGroupProvider(), {"name": "shared"}),
    (EnterpriseRunnerGroupMembershipProvider(), {"runner_group_id": 5, "runners": ["ent-1"]}),
    (EnterpriseRunnerGroupOrganizationAccessProvider(), {"runner_group_id": 5, "organizations": ["acme"]}),
]
CLI_COMMANDS = [
    ["audit"],
    ["audit", "--org", "acme", "--sensitive-label", "gpu", "--format", "json"],
    ["export", "--org", "acme"],
    ["export", "--enterprise", "acme-corp", "--format", "python"],
]


class Config:
    """Stack config as the SDK hands it to `configure`."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.values = values

    def get(self, key: str) -> Any:
        return self.values.get(key)


@pytest.fixture
def clean_clients() -> Iterator[None]:
    reset_clients()
    yield
    reset_clients()


def leaks(secret: str, texts: list[str]) -> list[str]:
    """The texts holding the secret or any 12-character piece of it."""
    pieces = {secret[i : i + 12] for i in range(len(secret) - 11)}
    return [text[:300] for text in texts if any(piece in text for piece in pieces)]


def failure_text(error: BaseException) -> str:
    """What the engine (or a terminal) shows for an exception: the whole traceback with its chain."""
    return "".join(traceback.format_exception(type(error), error, error.__traceback__))


FAILED = object()


def attempt(texts: list[str], call: Callable[[], Any]) -> Any:
    """`call()`, or FAILED with the text its exception shows added to `texts`."""
    try:
        return call()
    except Exception as error:  # every exception is a message that leaves the process
        texts.append(failure_text(error))
        return FAILED


def providers_say(config: dict[str, Any], form: Form) -> list[str]:
    """configure, check, read and delete of every provider; what `fails` names must have failed in each check."""
    texts: list[str] = []
    for provider, inputs in PROVIDERS:
        provider._settings = None
        request = ConfigureRequest(Config(config))  # type: ignore[arg-type]  # the SDK's Config reads like this
        if attempt(texts, lambda p=provider, r=request: p.configure(r)) is FAILED:  # type: ignore[misc]
            assert form.fails == "settings", texts[-1]
            continue  # configure refused the settings (a malformed number): the engine stops there
        result = attempt(texts, lambda p=provider, i=inputs: p.check({}, dict(i)))  # type: ignore[misc]
        assert result is not FAILED, texts[-1]
        texts += [json.dumps(result.inputs, default=str), *(f"{f.property}: {f.reason}" for f in result.failures)]
        failed = {f.property for f in result.failures}
        location = "enterprise" if provider.__class__.__name__.startswith("Enterprise") else "org"
        if form.fails == "settings":
            assert "provider" in failed, (form.case, type(provider).__name__, result.failures)
        elif form.fails in ("org", "enterprise") and form.fails == location:
            assert location in failed, (form.case, type(provider).__name__, result.failures)
        if form.fails == "settings":  # refresh and destroy reach read and delete without a check
            olds = {**inputs, "org": "acme", "enterprise": "acme-corp"}
            attempt(texts, lambda p=provider, o=olds: p.read("5", o))  # type: ignore[misc]
            attempt(texts, lambda p=provider, o=olds: p.delete("5", o))  # type: ignore[misc]
    return texts


def cli_says(capsys: pytest.CaptureFixture[str]) -> list[str]:
    texts: list[str] = []
    for command in CLI_COMMANDS:
        attempt(texts, lambda c=command: cli.main(c))  # type: ignore[misc]
        out, err = capsys.readouterr()
        texts += [out, err]
    return texts


def lookups_and_client_say() -> list[str]:
    texts: list[str] = []
    for lookup in (lookups.get_runner_groups, lookups.get_enterprise_runner_groups, lookups.get_org_hosted_runners):
        attempt(texts, lookup)
    settings = attempt(texts, resolve_settings)
    if settings is not FAILED:
        client = attempt(texts, lambda: GitHubClient(settings.client))
        if client is not FAILED:
            attempt(texts, lambda: api.list_runner_groups(client, "acme"))
            client.close()
    return texts


@pytest.mark.parametrize("kind", KINDS, ids=[kind[0] for kind in KINDS])
@pytest.mark.parametrize("form", FORMS, ids=[form.case for form in FORMS])
def test_no_entry_point_shows_a_secret_from_malformed_settings(
    form: Form,
    kind: tuple[str, str, str],
    emulator: EmulatorServer,
    hostile: HostileCheck,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    clean_clients: None,
) -> None:
    _kind, secret, token = kind
    config: dict[str, Any] = {
        "github:token": token,
        "github:owner": "acme",
        "github-runner-groups:enterprise": "acme-corp",
        "github:baseUrl": emulator.url,
        "github:writeDelayMs": 0,
        "github:retryDelayMs": 0,
    }
    config[form.key] = form.given(secret)
    for variable in ENV.values():
        monkeypatch.delenv(variable, raising=False)
    caplog.set_level(logging.DEBUG, logger="github_runner_groups")

    texts = providers_say(config, form)
    if "\x00" not in form.value:  # no environment variable can hold a NUL: only stack config reaches the providers
        for key, variable in ENV.items():
            if key in config:
                monkeypatch.setenv(variable, str(config[key]))
        texts += cli_says(capsys)
        texts += lookups_and_client_say()
    out, err = capsys.readouterr()
    texts += [out, err, caplog.text, *(record.getMessage() for record in caplog.records)]

    assert leaks(secret, texts) == []
    assert leaks(token, texts) == []
    hostile.secrets = (secret, token)
    hostile.refused("secrets", f"{form.case} ({_kind})", "\n".join(texts))


def test_the_demo_shows_no_secret_of_the_environment(hostile: HostileCheck) -> None:
    """The demo runs on its own emulator and token; a malformed environment around it still shows nothing."""
    root = Path(__file__).resolve().parents[2]
    environ = {
        **{key: value for key, value in os.environ.items() if not key.startswith("GITHUB_")},
        "GITHUB_TOKEN": GHES_HEX,
        "GITHUB_OWNER": PASTED,
        "GITHUB_BASE_URL": f"https://{HOST}/api/v3 {GHES_HEX}",
    }
    shown = subprocess.run(
        [sys.executable, "-m", "github_runner_groups.cli", "demo", "--project", str(root)],
        env=environ,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert "After:" in shown.stdout, shown.stdout + shown.stderr
    assert leaks(GHES_HEX, [shown.stdout, shown.stderr]) == [] and leaks(PASTED, [shown.stdout, shown.stderr]) == []
