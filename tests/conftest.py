"""Fixtures every test layer shares: an emulated GitHub (`fake`) and its loopback HTTP server (`emulator`)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from github_runner_groups.testing import EmulatorServer, FakeGitHub, serve


@pytest.fixture
def fake() -> FakeGitHub:
    """The demo org "acme" with its repositories, runners and groups; tests add faults and out-of-band edits."""
    return FakeGitHub.seeded("demo")


@pytest.fixture
def emulator(fake: FakeGitHub) -> Iterator[EmulatorServer]:
    """`fake` behind http://127.0.0.1:PORT, for code that talks HTTP (the provider server, the CLI)."""
    server = serve(fake)
    try:
        yield server
    finally:
        server.close()
