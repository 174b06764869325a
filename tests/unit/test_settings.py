"""Where credentials and defaults come from: stack config first, the environment as the fallback (pulumi-github's
order), every key that is not pulumi-github's under `github-runner-groups:`."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from github_runner_groups import settings as settings_module
from github_runner_groups.errors import ConfigError
from github_runner_groups.settings import DEPRECATED_KEYS, resolve_settings

# pulumi-github's published provider config (names and types), with the commit it was read from.
PULUMI_GITHUB_CONFIG = json.loads((Path(__file__).parents[1] / "data" / "pulumi_github_config.json").read_text())

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


@pytest.fixture(autouse=True)
def fresh_warnings() -> Iterator[None]:
    """Each warning is given once per process: every test starts as a new process would."""
    settings_module._warned.clear()
    yield
    settings_module._warned.clear()


def test_stack_config_wins_over_the_environment_as_in_pulumi_github() -> None:
    settings = resolve_settings(
        config({"github:token": "t-config", "github:owner": "acme"}),
        environ={"GITHUB_TOKEN": "t-env", "GITHUB_OWNER": "other"},
    )
    assert (settings.client.token, settings.owner) == ("t-config", "acme")


def test_the_environment_is_the_fallback() -> None:
    settings = resolve_settings(config({"github:owner": "acme"}), environ={"GITHUB_TOKEN": "t-env"})
    assert (settings.client.token, settings.owner) == ("t-env", "acme")


def test_both_set_and_different_warns_once_with_the_names_and_never_the_values(
    caplog: pytest.LogCaptureFixture,
) -> None:
    stack = config({"github:token": "ghp_fromStackConfig", "github:owner": "acme"})
    environ = {"GITHUB_TOKEN": "ghp_fromEnvironment", "GITHUB_OWNER": "acme"}
    with caplog.at_level(logging.WARNING):
        resolve_settings(stack, environ)
        resolve_settings(stack, environ)  # every provider and lookup resolves the settings again
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1, warnings
    assert "github:token (stack config) and GITHUB_TOKEN (environment)" in warnings[0]
    assert "using github:token" in warnings[0]
    assert "ghp_from" not in caplog.text
    assert "OWNER" not in caplog.text  # the same value in both places is no conflict


def test_a_number_given_as_1000_0_and_1000_is_the_same_setting(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        resolve_settings(config({"github:writeDelayMs": 1000.0}), {"GITHUB_WRITE_DELAY_MS": "1000"})
    assert caplog.records == []


def test_our_github_keys_are_all_pulumi_githubs() -> None:
    """A bridged provider refuses unknown keys in its namespace, and our users run pulumi-github in the same stack:
    every `github:` key read here must be one pulumi-github publishes (tests/data/pulumi_github_config.json)."""
    read: list[str] = []

    def recording(key: str) -> None:
        read.append(key)

    resolve_settings(recording, environ={})
    ours = {key.split(":", 1)[1] for key in read if key.startswith("github:")}
    assert ours >= {"token", "owner", "baseUrl", "appAuth", "writeDelayMs", "maxRetries", "retryDelayMs"}
    deprecated = {key.split(":", 1)[1] for key in DEPRECATED_KEYS.values()}
    assert ours - deprecated <= set(PULUMI_GITHUB_CONFIG["variables"])
    assert deprecated.isdisjoint(PULUMI_GITHUB_CONFIG["variables"])
    assert {"id", "installationId", "pemFile"} == set(PULUMI_GITHUB_CONFIG["types"]["github:config/appAuth:appAuth"])
    assert all(key.startswith(("github:", "github-runner-groups:")) for key in read)


def test_the_deprecated_spellings_go_when_their_release_comes() -> None:
    """The old `github:` spellings are read for one minor version: the release named here must drop them."""
    from github_runner_groups._version import __version__

    def release(text: str) -> tuple[int, ...]:
        return tuple(int(part) for part in text.split("+")[0].split(".")[:3] if part.isdigit())

    if __version__ != "0+unknown":
        assert release(__version__) < release(settings_module.DEPRECATED_UNTIL)


def test_the_enterprise_key_is_ours(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        settings = resolve_settings(config({"github-runner-groups:enterprise": "acme-corp"}), environ={})
    assert settings.enterprise == "acme-corp" and caplog.records == []


def test_the_old_github_enterprise_key_still_works_with_a_deprecation_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING):
        settings = resolve_settings(config({"github:enterprise": "acme-corp"}), environ={})
        resolve_settings(config({"github:enterprise": "acme-corp"}), environ={})
    assert settings.enterprise == "acme-corp"
    (warning,) = [r.getMessage() for r in caplog.records]
    assert "github:enterprise is deprecated" in warning
    assert "github-runner-groups:enterprise" in warning and "until 0.3.0" in warning
    assert "acme-corp" not in warning


def test_the_new_key_wins_over_the_old_one(caplog: pytest.LogCaptureFixture) -> None:
    stack = config({"github:enterprise": "old-corp", "github-runner-groups:enterprise": "new-corp"})
    with caplog.at_level(logging.WARNING):
        assert resolve_settings(stack, environ={"GITHUB_ENTERPRISE": "env-corp"}).enterprise == "new-corp"
    assert "is ignored now that github-runner-groups:enterprise is set" in caplog.text


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


def test_app_auth_from_stack_config_wins_over_the_environments(caplog: pytest.LogCaptureFixture) -> None:
    raw = json.dumps({"id": "12", "installationId": "34", "pemFile": PEM})
    environ = {"GITHUB_APP_ID": "1", "GITHUB_APP_INSTALLATION_ID": "2", "GITHUB_APP_PEM_FILE": PEM}
    with caplog.at_level(logging.WARNING):
        app = resolve_settings(config({"github:appAuth": raw}), environ).client.app
    assert app is not None and (app.app_id, app.installation_id) == ("12", "34")
    assert "github:appAuth (stack config) and GITHUB_APP_ID" in caplog.text and "BEGIN" not in caplog.text


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


def test_pacing_stack_config_wins_and_parallel_requests_turns_it_off() -> None:
    environ = {"GITHUB_TOKEN": "t", "GITHUB_WRITE_DELAY_MS": "0", "GITHUB_PARALLEL_REQUESTS": "true"}
    pacing = resolve_settings(config({"github:writeDelayMs": 5000}), environ).client.pacing
    assert pacing.write_delay_seconds == 5 and not pacing.enabled


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ("api.github.com", "is 'api.github.com': a URL starts with its scheme; expected https://api.github.com."),
        ("ghe.example.com/api/v3", "expected https://ghe.example.com/api/v3."),
        ("ghp_notAUrlButAToken123", "is not shown (it is no plain http(s) URL, and might be a token set in the wrong"),
    ],
)
def test_a_base_url_that_is_no_url_says_what_was_expected(value: str, said: str) -> None:
    from github_runner_groups.client import GitHubClient

    with pytest.raises(ConfigError) as refused:
        GitHubClient(resolve_settings(None, {"GITHUB_TOKEN": "t", "GITHUB_BASE_URL": value}).client)
    assert said in str(refused.value) and "expected" in str(refused.value)
    assert "<not a URL>" not in str(refused.value)
    if value.startswith("ghp_"):
        assert value not in str(refused.value)
