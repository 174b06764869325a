"""Where credentials and defaults come from: stack config, then the environment, which wins."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from github_runner_groups.errors import ConfigError
from github_runner_groups.settings import resolve_settings

PEM = "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----\n"


def config(values: dict[str, Any]) -> Any:
    return values.get


def test_stack_config_is_read_with_pulumi_github_keys() -> None:
    settings = resolve_settings(
        config({"github:token": "t-config", "github:owner": "acme", "github:baseUrl": "https://ghe.example.com/"}),
        environ={},
    )
    assert settings.owner == "acme"
    assert settings.client.token == "t-config"
    assert settings.client.base_url == "https://ghe.example.com/api/v3"


def test_environment_wins_over_stack_config() -> None:
    settings = resolve_settings(
        config({"github:token": "t-config", "github:owner": "acme"}),
        environ={"GITHUB_TOKEN": "t-env", "GITHUB_OWNER": "other"},
    )
    assert (settings.client.token, settings.owner) == ("t-env", "other")


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (None, "https://api.github.com"),
        ("https://api.github.com/", "https://api.github.com"),
        ("https://ghe.example.com", "https://ghe.example.com/api/v3"),
        ("https://ghe.example.com/api/v3/", "https://ghe.example.com/api/v3"),
        ("https://api.acme.ghe.com", "https://api.acme.ghe.com"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
    ],
)
def test_base_url_normalisation(given: str | None, expected: str) -> None:
    environ = {"GITHUB_BASE_URL": given} if given else {}
    assert resolve_settings(None, environ).client.base_url == expected


def test_token_never_in_repr() -> None:
    settings = resolve_settings(None, {"GITHUB_TOKEN": "ghp_secretvalue123"})
    assert "ghp_secretvalue123" not in repr(settings)


def test_app_auth_from_config_object_with_inline_pem() -> None:
    raw = json.dumps({"id": "12", "installationId": "34", "pemFile": PEM.replace("\n", "\\n")})
    settings = resolve_settings(config({"github:appAuth": raw}), environ={})
    app = settings.client.app
    assert app is not None
    assert (app.app_id, app.installation_id) == ("12", "34")
    assert app.private_key_pem.startswith("-----BEGIN RSA PRIVATE KEY-----\n")
    assert PEM not in repr(settings)


def test_app_auth_from_env_with_pem_path(tmp_path: Any) -> None:
    key = tmp_path / "app.pem"
    key.write_text(PEM)
    settings = resolve_settings(
        None, {"GITHUB_APP_ID": "1", "GITHUB_APP_INSTALLATION_ID": "2", "GITHUB_APP_PEM_FILE": str(key)}
    )
    assert settings.client.app is not None and settings.client.app.private_key_pem == PEM


def test_token_takes_precedence_over_app() -> None:
    settings = resolve_settings(
        None,
        {
            "GITHUB_TOKEN": "t",
            "GITHUB_APP_ID": "1",
            "GITHUB_APP_INSTALLATION_ID": "2",
            "GITHUB_APP_PEM_FILE": PEM,
        },
    )
    assert settings.client.token == "t" and settings.client.app is None


def test_incomplete_app_auth_names_what_is_missing() -> None:
    with pytest.raises(ConfigError, match=r"missing installationId, pemFile"):
        resolve_settings(None, {"GITHUB_APP_ID": "1"})


def test_app_auth_that_is_not_an_object() -> None:
    with pytest.raises(ConfigError, match=r"github:appAuth must be an object"):
        resolve_settings(config({"github:appAuth": "12"}), environ={})


def test_unreadable_pem_path_says_what_to_do(tmp_path: Any) -> None:
    with pytest.raises(ConfigError, match=r"neither a PEM .* nor a readable file") as raised:
        resolve_settings(
            None,
            {
                "GITHUB_APP_ID": "1",
                "GITHUB_APP_INSTALLATION_ID": "2",
                "GITHUB_APP_PEM_FILE": str(tmp_path / "missing.pem"),
            },
        )
    assert "paste the key's contents" in str(raised.value)


# Bad values: each named with its setting and the fix, never echoed with a secret, read with bounds


def resolved_error(environ: dict[str, str]) -> str:
    with pytest.raises(ConfigError) as failed:
        resolve_settings(None, {"GITHUB_TOKEN": "ghp_valid123", **environ}).client.validate()
    return str(failed.value)


@pytest.mark.parametrize(
    ("base_url", "problem"),
    [
        ("https://ghe.example.com/api/v3?access_token=hunter2secret", "no query or fragment"),
        ("https://ghe.example.com/api/v3#hunter2secret", "no query or fragment"),
        ("https://user:hunter2secret@ghe.example.com/api/v3", "credentials do not belong"),
        ("https://hunter2secret@[ghe.example.com/api/v3", "not a well-formed URL"),
        ("https://us:hunter2secret@ghe.example.com:port/api/v3", "not a well-formed URL"),
    ],
    ids=["query", "fragment", "user info", "broken host", "broken port"],
)
def test_a_base_url_is_shown_without_what_may_be_secret(base_url: str, problem: str) -> None:
    message = resolved_error({"GITHUB_BASE_URL": base_url})
    assert "hunter2secret" not in message and problem in message
    assert "github:baseUrl / GITHUB_BASE_URL" in message


@pytest.mark.parametrize("base_url", ["https://ghe.example.com/api/v3\n", "https://ghe example.com", " https://x.io"])
def test_a_base_url_with_whitespace_is_refused(base_url: str) -> None:
    assert "space or control character" in resolved_error({"GITHUB_BASE_URL": base_url})


@pytest.mark.parametrize(
    ("path", "problem"),
    [("/dev/null", "is not a regular file"), ("empty", "holds no certificate"), ("garbage", "does not load as PEM")],
)
def test_a_ca_bundle_without_a_certificate_is_refused(tmp_path: Path, path: str, problem: str) -> None:
    (tmp_path / "empty").write_text("")
    (tmp_path / "garbage").write_text("-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n")
    bundle = path if path.startswith("/") else str(tmp_path / path)
    message = resolved_error({"GITHUB_CA_BUNDLE": bundle})
    assert problem in message and "github-runner-groups:caBundle / GITHUB_CA_BUNDLE" in message


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\xff", "it is binary"),
        (b"-----BEGIN RSA PRIVATE KEY-----\n\x00\x00\n-----END RSA PRIVATE KEY-----\n", "holds no PEM block"),
        (b"A" * (70 * 1024), "larger than 64 KiB"),
        ("/dev/zero", "not a regular file"),
    ],
    ids=["binary", "NUL", "huge", "/dev/zero"],
)
def test_a_bad_app_key_file_is_a_config_error(tmp_path: Path, content: bytes | str, problem: str) -> None:
    key = tmp_path / "app.pem"
    if isinstance(content, bytes):
        key.write_bytes(content)
    environ = {
        "GITHUB_APP_ID": "1",
        "GITHUB_APP_INSTALLATION_ID": "2",
        "GITHUB_APP_PEM_FILE": content if isinstance(content, str) else str(key),
    }
    with pytest.raises(ConfigError, match="GITHUB_APP_PEM_FILE") as failed:
        resolve_settings(None, environ)
    assert problem in str(failed.value)


# Pacing


def test_pacing_defaults_follow_github_guidance() -> None:
    pacing = resolve_settings(None, {"GITHUB_TOKEN": "t"}).client.pacing
    assert (pacing.enabled, pacing.write_delay_seconds, pacing.points_per_minute) == (True, 1.0, 900)


def test_pacing_from_stack_config_with_pulumi_github_keys() -> None:
    stack = {
        "github:token": "t",
        "github:writeDelayMs": 250,
        "github-runner-groups:pointsPerMinute": "450",
        "github-runner-groups:maxInFlight": 4.0,
    }
    pacing = resolve_settings(config(stack), environ={}).client.pacing
    assert (pacing.write_delay_seconds, pacing.points_per_minute, pacing.max_in_flight) == (0.25, 450, 4)


def test_pacing_env_wins_and_parallel_requests_turns_it_off() -> None:
    environ = {"GITHUB_TOKEN": "t", "GITHUB_WRITE_DELAY_MS": "0", "GITHUB_PARALLEL_REQUESTS": "true"}
    pacing = resolve_settings(config({"github:writeDelayMs": 5000}), environ).client.pacing
    assert pacing.write_delay_seconds == 0 and not pacing.enabled
