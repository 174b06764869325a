"""What the command writes besides its result: the request log on request, progress on a terminal only."""

from __future__ import annotations

import io
import logging
from pathlib import Path

import pytest
from github_runner_groups import cli
from github_runner_groups.cli_output import diagnostics
from github_runner_groups.client import ClientSettings, GitHubClient, reset_clients
from github_runner_groups.testing import DEMO_TOKEN, EmulatorServer, FakeGitHub


@pytest.fixture
def settings(emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", DEMO_TOKEN)
    monkeypatch.setenv("GITHUB_BASE_URL", emulator.url)
    reset_clients()


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_log_file_gets_every_request_and_never_the_token(
    fake: FakeGitHub, settings: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = tmp_path / "requests.log"
    assert cli.main(["export", "--org", "acme", "--log-file", str(log)]) == 0
    lines = log.read_text().splitlines()
    assert len(lines) == len(fake.requests) > 0
    assert any("GET " in line and "/orgs/acme/actions/runner-groups" in line and "-> 200" in line for line in lines)
    assert DEMO_TOKEN not in log.read_text() and "'Authorization': '<redacted>'" in lines[0]
    assert capsys.readouterr().err == ""  # the log went to the file only


def test_debug_writes_the_request_log_to_stderr(
    fake: FakeGitHub, settings: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["audit", "--org", "acme", "--debug"]) == 0
    err = capsys.readouterr().err
    assert err.count("github-runner-groups DEBUG github_runner_groups.http: GET ") == len(fake.requests)
    assert DEMO_TOKEN not in err
    logger = logging.getLogger("github_runner_groups")
    assert logger.handlers == [] and logger.level == logging.NOTSET  # nothing left behind for the next command


def test_a_log_file_that_cannot_be_written_is_one_message(
    settings: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["export", "--org", "acme", "--log-file", str(tmp_path / "no" / "such.log")]) == 1
    assert "cannot write --log-file" in capsys.readouterr().err


def test_progress_shows_on_a_terminal_and_is_erased(emulator: EmulatorServer) -> None:
    terminal = Terminal()
    client = GitHubClient(ClientSettings(base_url=emulator.url, token=DEMO_TOKEN))
    with diagnostics("reading", debug=False, log_file=None, stream=terminal):
        client.get("/orgs/acme/actions/runner-groups", action="listing")
        client.get("/orgs/acme/repos", action="listing")
    shown = terminal.getvalue()
    assert "\rreading: 1 request answered" in shown and "\rreading: 2 requests answered" in shown
    assert shown.endswith("\r" + " " * len("reading: 2 requests answered") + "\r")


def test_no_progress_when_stderr_is_not_a_terminal(emulator: EmulatorServer) -> None:
    piped = io.StringIO()
    client = GitHubClient(ClientSettings(base_url=emulator.url, token=DEMO_TOKEN))
    with diagnostics("reading", debug=False, log_file=None, stream=piped):
        client.get("/orgs/acme/actions/runner-groups", action="listing")
    assert piped.getvalue() == ""
