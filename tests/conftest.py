"""Fixtures every test layer shares: an emulated GitHub (`fake`) and its loopback HTTP server (`emulator`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

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


@pytest.fixture(scope="session")
def rsa_key_pair() -> tuple[str, str]:
    """A GitHub App key as (private PEM, public PEM); made once, since RSA key generation takes a moment."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, public


FAULT_TABLE = pytest.StashKey[list[tuple[str, str, str]]]()


@pytest.fixture
def fault_table(request: pytest.FixtureRequest) -> list[tuple[str, str, str]]:
    """Rows (scenario, fault, outcome) printed as a table at the end of the run."""
    return request.config.stash.setdefault(FAULT_TABLE, [])


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    rows = config.stash.get(FAULT_TABLE, [])
    if not rows:
        return
    widths = [max(len(row[i]) for row in [("scenario", "fault", "outcome"), *rows]) for i in range(3)]
    terminalreporter.section("fault matrix")
    for row in [("scenario", "fault", "outcome"), tuple("-" * w for w in widths), *rows]:
        terminalreporter.write_line("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
