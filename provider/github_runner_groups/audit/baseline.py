"""A baseline: findings a team has accepted, by fingerprint, each with a reason and an optional expiry date.

    accepted:
      - fingerprint: 3f1c0a9e2b7d4c11   # from --format json (or SARIF's partialFingerprints)
        reason: the docs site builds on its own ephemeral runners; reviewed by security, ticket SEC-42
        expires: 2026-12-31            # optional; from that day on the finding counts again

An accepted finding is still shown (marked accepted) but does not fail `--fail-on`; an expired entry is a
finding again. Every bad entry is refused with its position and the fix.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..errors import ConfigError
from ..safe_yaml import YamlProblem, load, read_text
from .findings import Finding


@dataclass(frozen=True)
class Accepted:
    fingerprint: str
    reason: str
    expires: datetime.date | None = None

    def active(self, today: datetime.date) -> bool:
        return self.expires is None or today < self.expires


def load_baseline(path: Path) -> tuple[Accepted, ...]:
    try:
        document, _lines = load(read_text(str(path)))
    except OSError as exc:
        raise ConfigError(f"cannot read --baseline {path}: {exc.strerror or exc}; pick a readable file.") from None
    except YamlProblem as exc:
        raise ConfigError(f"--baseline {path}: {exc}") from None
    entries = document.get("accepted") if isinstance(document, dict) else None
    if not isinstance(entries, list):
        raise ConfigError(f"--baseline {path}: expected a mapping with an 'accepted:' list of entries.")
    accepted = []
    for index, entry in enumerate(entries):
        where = f"--baseline {path}: accepted[{index}]"
        if not isinstance(entry, dict) or set(entry) - {"fingerprint", "reason", "expires"}:
            raise ConfigError(f"{where}: give only fingerprint, reason and (optional) expires.")
        fingerprint, reason, expires = entry.get("fingerprint"), entry.get("reason"), entry.get("expires")
        if not isinstance(fingerprint, str) or not fingerprint.strip():
            raise ConfigError(f"{where}: fingerprint is {fingerprint!r}; copy it from --format json.")
        if not isinstance(reason, str) or not reason.strip():
            raise ConfigError(f"{where}: reason is {reason!r}; say why the finding is accepted.")
        if expires is not None and not isinstance(expires, datetime.date):
            try:
                expires = datetime.date.fromisoformat(str(expires))
            except ValueError:
                raise ConfigError(f"{where}: expires is {expires!r}; give a date as YYYY-MM-DD.") from None
        accepted.append(Accepted(fingerprint.strip(), reason.strip(), expires))
    return tuple(accepted)


def accepted_now(
    findings: Iterable[Finding], baseline: Iterable[Accepted], today: datetime.date | None = None
) -> dict[str, Accepted]:
    """Fingerprint -> the active entry that accepts it (expired entries accept nothing)."""
    day = today or datetime.date.today()
    active = {entry.fingerprint: entry for entry in baseline if entry.active(day)}
    return {f.fingerprint: active[f.fingerprint] for f in findings if f.fingerprint in active}
