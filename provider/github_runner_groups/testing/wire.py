"""What passes between the transports and the emulator: requests as logged, answers, dropped connections, faults."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass
class FaultRule:
    """Make matching requests fail: a status, a delay, a dropped connection; `times=None` means every time.

    `after_handling` applies the request to the state first, then fails or drops the answer: the case of a
    create that succeeded but whose answer was lost.
    """

    method: str | None = None
    path: str = ".*"
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    message: str | None = None
    delay_seconds: float = 0.0
    drop: bool = False
    after_handling: bool = False
    times: int | None = 1

    def matches(self, method: str, path: str) -> bool:
        return (self.method is None or self.method.upper() == method) and re.search(self.path, path) is not None


@dataclass(frozen=True)
class RecordedRequest:
    """One request as received; `status` is None when the connection was dropped."""

    method: str
    path: str
    query: str
    headers: Mapping[str, str]
    json: Any
    status: int | None


@dataclass
class FakeResponse:
    status: int
    headers: dict[str, str]
    body: bytes
    delay_seconds: float = 0.0


@dataclass
class DropConnection:
    """The transport closes the connection without answering (after the delay)."""

    delay_seconds: float = 0.0
