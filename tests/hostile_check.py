"""The assertions every hostile case makes (see the `hostile` fixture in conftest.py), importable for typing."""

from __future__ import annotations

from typing import Any

from github_runner_groups.testing import FakeGitHub

Row = tuple[str, str, str]


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
