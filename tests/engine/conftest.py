"""Engine-test fixtures: stacks whose config points the providers at the loopback emulator."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from harness import Engine
from stacks import PROVIDER_ENV, Stacks, stack_config

# Kept importable from here for tests written before the stacks module held them.
__all__ = ["PROVIDER_ENV", "engine", "stack_config"]


@pytest.fixture
def engine(emulator: Any) -> Iterator[Callable[..., Engine]]:
    """Factory: `engine(config=None, **options)` -> an Engine on the emulator (see stacks.Stacks), closed after."""
    stacks = Stacks(emulator.url)
    yield stacks
    stacks.close()
