"""The rig boots the SDK's provider server the way the engine does, whatever the environment holds."""

from __future__ import annotations

from collections.abc import Callable

from github_runner_groups.resources.runner_group import RunnerGroupProvider
from github_runner_groups.testing import FakeGitHub
from harness import Engine, Res
from stacks import PROVIDER_ENV


def test_server_starts_without_pythonunbuffered(engine: Callable[..., Engine], fake: FakeGitHub) -> None:
    """The server prints its port without flushing; only `python -u` (as the engine's shim runs it) gets it out."""
    env = {key: value for key, value in PROVIDER_ENV.items() if key != "PYTHONUNBUFFERED"}
    stack = engine(env=env, prestart=False, timeout_seconds=10.0)
    stack.up([Res("ci", RunnerGroupProvider(), {"name": "ci"})])
    assert [g["name"] for g in fake.groups("acme")].count("ci") == 1
