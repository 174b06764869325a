"""Where credentials and defaults come from: stack config, then the environment, which wins."""

from __future__ import annotations

import json
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
