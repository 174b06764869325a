"""The emulator in a forked process of its own, for the benchmarks: its threads do not compete with the measured
code's (the rig's, the audit's) for one GIL, and its memory is not theirs.

Each benchmark says how to build it (`make`, run in the child) and what it answers there (`commands`: a name to a
function of the emulator and one argument), and asks over a pipe with `ask(name, argument)`.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Mapping
from multiprocessing.connection import Connection
from typing import Any, TypeVar

from github_runner_groups.testing import FakeGitHub, serve

Command = Callable[[FakeGitHub, Any], Any]
E = TypeVar("E", bound="EmulatorProcess")


class EmulatorProcess:
    def __init__(self, make: Callable[[], FakeGitHub], commands: Mapping[str, Command]) -> None:
        self._pipe, child = multiprocessing.Pipe()
        # fork: `make` and `commands` may be closures, never pickled.
        self._process = multiprocessing.get_context("fork").Process(
            target=_serve, args=(child, make, commands), daemon=True
        )
        self._process.start()
        self.url: str = self._pipe.recv()

    def ask(self, name: str, argument: Any = None) -> Any:
        self._pipe.send((name, argument))
        return self._pipe.recv()

    def __enter__(self: E) -> E:
        return self

    def __exit__(self, *_exc: object) -> None:
        self._pipe.send(None)
        self._process.join(timeout=10)


def _serve(pipe: Connection, make: Callable[[], FakeGitHub], commands: Mapping[str, Command]) -> None:
    fake = make()
    with serve(fake) as server:
        pipe.send(server.url)
        while (command := pipe.recv()) is not None:
            name, argument = command
            pipe.send(commands[name](fake, argument))


def forget_requests(fake: FakeGitHub, _argument: Any = None) -> None:
    """The `reset` most benchmarks ask for: an empty request log, between the steps they measure."""
    fake.reset_log()
