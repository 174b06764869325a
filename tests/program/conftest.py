"""Program-test fixtures: stacks on the loopback emulator, for programs run through the engine-protocol rig."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from github_runner_groups.testing import EmulatorServer
from stacks import Stacks


@pytest.fixture
def stacks(emulator: EmulatorServer) -> Iterator[Stacks]:
    """Factory of rig Engines on the emulator (see stacks.Stacks); closed at teardown."""
    made = Stacks(emulator.url)
    yield made
    made.close()
