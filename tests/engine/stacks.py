"""Stacks on the loopback emulator, for every test layer that drives the rig (engine and program tests)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any, TypeVar

from github_runner_groups.resources._common import GitHubProvider
from github_runner_groups.testing import DEMO_TOKEN
from rig import Engine
from rig.program import PROJECT, STACK

P = TypeVar("P", bound=GitHubProvider)

# The provider server's environment: without GITHUB_* so that a developer's own token or owner (which win over
# stack config) can neither reach the emulator nor change what the tests configure.
PROVIDER_ENV = {key: value for key, value in os.environ.items() if not key.startswith("GITHUB_")}


def stack_config(base_url: str) -> dict[str, Any]:
    """The stack config a user sets with `pulumi config set [--secret] github:...`; for speed, writes unpaced and
    retries a tenth as far apart (still the same number of them)."""
    return {
        "github:token": DEMO_TOKEN,
        "github:owner": "acme",
        "github:baseUrl": base_url,
        "github:writeDelayMs": 0,
        "github:retryDelayMs": 100,
    }


class Stacks:
    """Makes Engines on one emulator, with github:token set as a secret, and closes them all at the end.

    `config` entries are added to the stack config (a None value removes the key); `options` go to Engine
    (env, parallel, process_per_run, timeout_seconds, checkpoint, ...).
    """

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.made: list[Engine] = []

    def __call__(self, config: Mapping[str, Any] | None = None, **options: Any) -> Engine:
        merged = {**stack_config(self.base_url), **(config or {})}
        merged = {key: value for key, value in merged.items() if value is not None}
        options.setdefault("env", PROVIDER_ENV)
        made = Engine(merged, secret_keys={"github:token"} & set(merged), **options)
        self.made.append(made)
        return made

    def close(self) -> None:
        for made in self.made:
            made.close()


def of_this_stack(provider: P) -> P:
    """The provider as the Resource classes register it in a program of the rig's stack (naming project and stack,
    see `resources._common.of_this_stack`); a provider made directly names none."""
    provider.stack = f"{PROJECT}/{STACK}"
    return provider
