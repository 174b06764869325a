"""The ownership journal's file: exact name next to the pacing ledger, 0600 in a 0700 directory of the user's own,
nothing else touched; no usable directory means no journal (one warning), never a failure."""

from __future__ import annotations

import logging
import os
import stat
from dataclasses import replace
from pathlib import Path

import pytest
from github_runner_groups.client import ClientSettings, GitHubClient
from github_runner_groups.client.config import PacingSettings
from github_runner_groups.client.ledger import ledger_name
from github_runner_groups.resources import _journal

TOKEN = "ghp_" + "j" * 36


def client(directory: str | None) -> GitHubClient:
    pacing = replace(PacingSettings(), ledger_directory=directory)
    return GitHubClient(ClientSettings(base_url="https://api.github.com", token=TOKEN, pacing=pacing))


def test_the_journal_is_one_file_of_our_own_named_like_the_ledger(tmp_path: Path) -> None:
    directory = tmp_path / "cache" / "github-runner-groups"
    (tmp_path / "unrelated").write_text("x")
    made = client(str(directory))
    entry = _journal.key("added", "proj/dev", "org", "repositories", "acme", 7, 1, 2)
    _journal.note(made, entry, {"members": [1, 2]})
    ledger = ledger_name("https://api.github.com", TOKEN)
    expected = ledger.removesuffix(".ledger") + ".journal"
    assert set(os.listdir(directory)) <= {expected, ledger}  # the pacing ledger, and the journal next to it
    assert expected in os.listdir(directory)
    assert stat.S_IMODE(os.stat(directory).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(directory / expected).st_mode) == 0o600
    text = (directory / expected).read_text()
    assert TOKEN not in text and "acme" not in text  # keys are hashes
    assert (_journal.get(made, entry) or {})["members"] == [1, 2]
    _journal.drop(made, entry)
    assert _journal.get(made, entry) is None
    assert (tmp_path / "unrelated").read_text() == "x"


def test_no_usable_directory_means_no_journal_and_one_warning(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    open_to_others = tmp_path / "open"
    open_to_others.mkdir(mode=0o777)
    open_to_others.chmod(0o777)
    for directory in (None, "relative/dir", str(open_to_others)):
        made = client(directory)
        with caplog.at_level(logging.WARNING, logger="github_runner_groups"):
            _journal.note(made, "k", {})
            _journal.note(made, "k", {})
            assert _journal.get(made, "k") is None
        assert sum("ownership journal" in r.getMessage() for r in caplog.records) == 1
        caplog.clear()
    assert os.listdir(open_to_others) == []


def test_a_damaged_journal_counts_as_empty(tmp_path: Path) -> None:
    made = client(str(tmp_path / "j"))
    _journal.note(made, "a", {})
    path = _journal.journal_path(made)
    assert path is not None
    Path(path).write_text("{not json")
    assert _journal.get(made, "a") is None
    _journal.note(made, "b", {"x": 1})
    assert (_journal.get(made, "b") or {})["x"] == 1
