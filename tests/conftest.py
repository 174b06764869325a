"""Fixtures every test layer shares: an emulated GitHub (`fake`) and its loopback HTTP server (`emulator`)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from typing import Any

import pytest
from github_runner_groups.testing import DEMO_TOKEN, EmulatorServer, FakeGitHub, serve
from hostile_check import HostileCheck, Row

# The pacing ledgers (client/ledger.py) of every provider run, in-process or a provider server, go to a directory
# of this session's own: a developer's cache stays clean, and no earlier run's spending slows this one.
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="github-runner-groups-tests-")


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


# Tables printed at the end of the run, by title: (column headers, rows).
TABLES = pytest.StashKey[dict[str, tuple[Row, list[Row]]]]()


def _table(request: pytest.FixtureRequest, title: str, headers: Row) -> list[Row]:
    tables = request.config.stash.setdefault(TABLES, {})
    return tables.setdefault(title, (headers, []))[1]


@pytest.fixture
def fault_table(request: pytest.FixtureRequest) -> list[Row]:
    """Rows (scenario, fault, outcome) printed as the fault matrix at the end of the run."""
    return _table(request, "fault matrix", ("scenario", "fault", "outcome"))


@pytest.fixture
def hostile_table(request: pytest.FixtureRequest) -> list[Row]:
    """Rows (area, hostile case, outcome) printed as the hostile suite at the end of the run.

    Every hostile case asserts that it failed before any write, with an error naming the field, the value and
    the fix, that no secret appears in any output and that nothing was orphaned; its row says how it ended.
    """
    return _table(request, "hostile suite", ("area", "case", "outcome"))


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Under pytest-xdist (`make test` runs two workers) each worker hands its rows to the controller."""
    output = getattr(session.config, "workeroutput", None)
    if output is not None:
        output["tables"] = {
            title: [headers, rows] for title, (headers, rows) in session.config.stash.get(TABLES, {}).items()
        }


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    """The controller gathers the rows of each worker as it ends."""
    tables = node.config.stash.setdefault(TABLES, {})
    for title, (headers, rows) in node.workeroutput.get("tables", {}).items():
        tables.setdefault(title, (tuple(headers), []))[1].extend(tuple(row) for row in rows)


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    for title, (headers, rows) in config.stash.get(TABLES, {}).items():
        if not rows:
            continue
        widths = [max(len(row[i]) for row in [headers, *rows]) for i in range(3)]
        terminalreporter.section(f"{title} ({len(rows)} cases)")
        for row in [headers, tuple("-" * w for w in widths), *rows]:
            line = "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
            terminalreporter.write_line(line.rstrip())


@pytest.fixture
def hostile(fake: FakeGitHub, hostile_table: list[Row]) -> HostileCheck:
    """A HostileCheck on the demo org, taken before the case runs; the demo token is the secret to watch."""
    return HostileCheck(fake, hostile_table, (DEMO_TOKEN,))
