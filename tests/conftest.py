"""Fixtures every test layer shares: an emulated GitHub (`fake`) and its loopback HTTP server (`emulator`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from github_runner_groups.testing import DEMO_TOKEN, EmulatorServer, FakeGitHub, serve


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


Row = tuple[str, str, str]
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


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    for title, (headers, rows) in config.stash.get(TABLES, {}).items():
        if not rows:
            continue
        widths = [max(len(row[i]) for row in [headers, *rows]) for i in range(3)]
        terminalreporter.section(f"{title} ({len(rows)} cases)")
        for row in [headers, tuple("-" * w for w in widths), *rows]:
            line = "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
            terminalreporter.write_line(line.rstrip())


WRITE_METHODS = ("POST", "PATCH", "PUT", "DELETE")


def org_snapshot(fake: FakeGitHub, org: str = "acme") -> dict[str, Any]:
    """Everything a write could change in `org`: each group's settings, repository list and runners."""
    return {
        group["id"]: (
            sorted(group.items(), key=lambda item: item[0]),
            sorted(fake.group_repository_ids(org, group["id"])),
            sorted(fake.group_runner_ids(org, group["id"])),
        )
        for group in fake.groups(org)
    }


class HostileCheck:
    """The assertions every hostile case makes, then its row in the hostile-suite table.

    `refused` is for a case that must fail before any write: no write reached the emulator, the org is exactly as
    it was, the message names every fragment given (field, value, fix) and no secret appears in it or in any
    other output passed. `contained` is for a case where writes happened but nothing outlived the failure.
    """

    def __init__(self, fake: FakeGitHub, table: list[Row], secrets: tuple[str, ...]) -> None:
        self.fake = fake
        self.table = table
        self.secrets = secrets
        self.before = org_snapshot(fake)

    def writes(self) -> int:
        return sum(self.fake.count(method) for method in WRITE_METHODS)

    def no_secret(self, *texts: str) -> None:
        for text in texts:
            for secret in self.secrets:
                assert secret not in text, f"secret {secret[:4]}... leaked into: {text[:200]}"

    def refused(self, area: str, case: str, message: str, *fragments: str, outputs: tuple[str, ...] = ()) -> None:
        assert self.writes() == 0, f"{case}: {self.writes()} write(s) before failing"
        assert org_snapshot(self.fake) == self.before, f"{case}: the org changed"
        self._clear(case, message, fragments, outputs)
        self.table.append((area, case, "refused before any write: " + _first_line(message)))

    def contained(
        self, area: str, case: str, message: str, *fragments: str, expected: dict[str, Any] | None = None
    ) -> None:
        """Failed after writing: the org is back to `expected` (default: as before) and the error is clear."""
        assert org_snapshot(self.fake) == (self.before if expected is None else expected), f"{case}: orphaned writes"
        self._clear(case, message, fragments, ())
        self.table.append((area, case, "undone, then failed: " + _first_line(message)))

    def _clear(self, case: str, message: str, fragments: tuple[str, ...], outputs: tuple[str, ...]) -> None:
        missing = [fragment for fragment in fragments if fragment not in message]
        assert not missing, f"{case}: the error does not name {missing}: {message}"
        self.no_secret(message, *outputs)


def _first_line(message: str, width: int = 70) -> str:
    line = message.strip().splitlines()[0] if message.strip() else ""
    return line if len(line) <= width else line[: width - 3] + "..."


@pytest.fixture
def hostile(fake: FakeGitHub, hostile_table: list[Row]) -> HostileCheck:
    """A HostileCheck on the demo org, taken before the case runs; the demo token is the secret to watch."""
    return HostileCheck(fake, hostile_table, (DEMO_TOKEN,))
