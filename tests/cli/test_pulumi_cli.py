"""The quickstart with the real Pulumi CLI against the emulator, where the CLI is installed.

The CLI cannot be installed on the machines this project is built on (no registry they reach carries it), so
there this test is skipped and says why; tests/engine drives the same providers through the engine's protocol.
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from github_runner_groups import demo


def test_quickstart_with_the_pulumi_cli() -> None:
    if shutil.which("pulumi") is None:
        reason = (
            "pulumi CLI not on PATH: the real-CLI run of the quickstart is skipped (tests/engine covers the protocol)"
        )
        print(reason)
        pytest.skip(reason)
    out = io.StringIO()
    code = demo.run(Path(__file__).parents[2], out)
    assert code == 0, out.getvalue()
    assert "$ pulumi up" in out.getvalue() and "$ pulumi preview --expect-no-changes" in out.getvalue()


def test_demo_without_the_cli_says_it_used_mocks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda _name: None)
    out = io.StringIO()
    assert demo.run(Path(__file__).parents[2], out) == 0
    text = out.getvalue()
    assert "pulumi CLI not found on PATH" in text and "this is not the Pulumi engine" in text
    assert "ci-linux       selected   design-system, secrets-vault" in text
    assert "GitHub API calls: GET" in text
