"""The process's scrubber: what it masks, and the places that cut a text (where a cut secret would slip past it)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
import responses
from github_runner_groups import api, cli
from github_runner_groups.client import ClientSettings, GitHubClient, PacingSettings
from github_runner_groups.client.config import shown_url
from github_runner_groups.errors import ConfigError, GitHubError
from github_runner_groups.redaction import REDACTED, remember, scrub, scrub_exception
from github_runner_groups.settings import SETTING_NAMES

HEX_TOKEN = "9d1c3e5a7b9f0e2d4c6a8b0d2f4e6a8c0b2d4f6a"
BASE = "https://api.github.com"


def pieces(secret: str, text: str) -> list[str]:
    return [secret[i : i + 12] for i in range(len(secret) - 11) if secret[i : i + 12] in text]


@pytest.mark.parametrize(
    "token",
    [
        "ghp_" + "a1B2" * 9,
        "gho_" + "Z" * 36,
        "ghs_" + "0" * 36,
        "ghu_abcdefghij",
        "ghr_" + "x9" * 18,
        "github_pat_11AAAAAAA0" + "b" * 70,
    ],
)
def test_anything_shaped_like_a_github_token_is_masked_unknown_or_not(token: str) -> None:
    text = f"refused x-access-token:{token}@ghe, and again ({token})"
    assert scrub(text) == f"refused x-access-token:{REDACTED}@ghe, and again ({REDACTED})"


def test_a_remembered_secret_is_masked_everywhere_and_short_words_are_not_secrets() -> None:
    remember(HEX_TOKEN)
    remember("short")
    assert scrub(f"owner {HEX_TOKEN} is short") == f"owner {REDACTED} is short"
    assert HEX_TOKEN not in str(ConfigError(f"bad {HEX_TOKEN}"))


def test_an_exception_chain_is_scrubbed_in_place() -> None:
    remember(HEX_TOKEN)
    try:
        try:
            raise KeyError(HEX_TOKEN)
        except KeyError as inner:
            raise ValueError(f"while reading {HEX_TOKEN}") from inner
    except ValueError as outer:
        error = scrub_exception(outer)
    assert HEX_TOKEN not in str(error) and HEX_TOKEN not in str(error.__cause__)


def test_the_package_loggers_scrub_their_records(caplog: pytest.LogCaptureFixture) -> None:
    remember(HEX_TOKEN)
    from github_runner_groups.client.transport import log

    with caplog.at_level(logging.DEBUG, logger="github_runner_groups"):
        log.debug("sent %s", HEX_TOKEN)
    assert pieces(HEX_TOKEN, caplog.text) == [] and REDACTED in caplog.text


@pytest.mark.parametrize(
    "header",
    [
        {"x-github-request-id": "r" * 80 + HEX_TOKEN},
        {"x-oauth-scopes": "s" * 180 + HEX_TOKEN, "x-accepted-oauth-scopes": "repo"},
        {"Content-Type": "text/" + "h" * 60 + HEX_TOKEN},
    ],
    ids=["request id", "scopes", "content type"],
)
def test_a_server_echo_cut_at_a_limit_is_scrubbed_before_the_cut(header: dict[str, str]) -> None:
    content_type = header.pop("Content-Type", None)
    with responses.RequestsMock() as mock:
        mock.add(
            "GET",
            f"{BASE}/orgs/acme/actions/runner-groups",
            status=404 if content_type is None else 200,
            headers=header,
            body="<html>" if content_type else '{"message": "Not Found"}',
            content_type=content_type or "application/json",
        )
        settings = ClientSettings(token=HEX_TOKEN, names=SETTING_NAMES, pacing=PacingSettings(False), max_retries=0)
        with pytest.raises(GitHubError) as failed:
            api.list_runner_groups(GitHubClient(settings), "acme")
    assert pieces(HEX_TOKEN, str(failed.value)) == []


def test_a_message_cut_at_500_characters_is_scrubbed_before_the_cut() -> None:
    message = "m" * 480 + HEX_TOKEN
    with responses.RequestsMock() as mock:
        mock.add("GET", f"{BASE}/orgs/acme/actions/runner-groups", status=422, json={"message": message})
        settings = ClientSettings(token=HEX_TOKEN, names=SETTING_NAMES, pacing=PacingSettings(False))
        with pytest.raises(GitHubError) as failed:
            api.list_runner_groups(GitHubClient(settings), "acme")
    assert pieces(HEX_TOKEN, str(failed.value)) == []


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("x-access-token:TOKEN@https://ghe.example.com", "(value hidden)"),
        ("https:/x:TOKEN@ghe.example.com", "(value hidden)"),
        ("https:x:TOKEN@ghe.example.com", "(value hidden)"),
        ("https://ghe.example.com/api/v3 TOKEN", "https://ghe.example.com"),
        ("https://ghe.example.com/api/v3\nTOKEN", "https://ghe.example.com"),
        ("http://ghe.example.com/TOKEN", "http://ghe.example.com/(path hidden)"),
        ("https://x:TOKEN@ghe.example.com/api/v3", "https://ghe.example.com"),
        ("https://ghe.example.com:TOKEN/api/v3", "(value hidden)"),
        ("TOKEN", "(value hidden)"),
        ("https://ghe.example.com/api/v3?token=TOKEN", "https://ghe.example.com/api/v3"),
        ("https://[::1]:8443/api/v3", "https://[::1]:8443/api/v3"),
    ],
)
def test_a_url_that_does_not_parse_cleanly_shows_scheme_and_host_at_most(url: str, shown: str) -> None:
    assert shown_url(url.replace("TOKEN", HEX_TOKEN)) == shown


def test_the_cli_knows_the_environments_token_before_it_reads_a_spec(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    token = "5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f"  # a fresh one: no earlier test taught it to the scrubber
    spec = tmp_path / "spec.yaml"
    spec.write_text(f'org: acme\ngroups:\n  "{token}\\n": {{}}\n')  # a name with a newline: refused
    monkeypatch.setenv("GITHUB_TOKEN", token)
    monkeypatch.setenv("GITHUB_BASE_URL", "http://127.0.0.1:9")  # never reached: the spec fails first
    assert cli.main(["audit", "--spec", str(spec), "--org", "acme"]) == 2  # the audit's usage or read error
    out, err = capsys.readouterr()
    assert "spec.yaml" in err and pieces(token, out + err) == []
