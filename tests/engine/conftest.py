"""Engine-test fixtures: stacks whose config points the providers at the loopback emulator."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import pytest
from github_runner_groups.testing import DEMO_TOKEN
from harness import Engine

# The provider server's environment: without GITHUB_* so that a developer's own token or owner (which win over
# stack config) can neither reach the emulator nor change what the tests configure.
PROVIDER_ENV = {key: value for key, value in os.environ.items() if not key.startswith("GITHUB_")}


def stack_config(base_url: str) -> dict[str, Any]:
    """The stack config a user sets with `pulumi config set [--secret] github:...`; writes unpaced, for speed."""
    return {"github:token": DEMO_TOKEN, "github:owner": "acme", "github:baseUrl": base_url, "github:writeDelayMs": 0}


@pytest.fixture
def engine(emulator: Any) -> Iterator[Callable[..., Engine]]:
    """Factory: `engine(config=None, **options)` -> an Engine on the emulator, with github:token set as a secret.

    `config` entries are added to the stack config (a None value removes the key); `options` go to Engine
    (env, parallel, process_per_run, timeout_seconds). Engines are closed at teardown.
    """
    engines: list[Engine] = []

    def make(config: Mapping[str, Any] | None = None, **options: Any) -> Engine:
        merged = {**stack_config(emulator.url), **(config or {})}
        merged = {key: value for key, value in merged.items() if value is not None}
        options.setdefault("env", PROVIDER_ENV)
        made = Engine(merged, secret_keys={"github:token"} & set(merged), **options)
        engines.append(made)
        return made

    yield make
    for made in engines:
        made.close()
