"""A long wait is said where the user looks: through Pulumi's log by the providers, on stderr by the CLI."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pulumi.log
import pytest
from github_runner_groups import cli
from github_runner_groups.client.core import waits_log
from github_runner_groups.resources.runner_group import RunnerGroupProvider
from github_runner_groups.testing import DEMO_TOKEN

MESSAGE = (
    "reading runner group 7 in org 'acme': waiting 42 s for GitHub's secondary rate limit (retry-after), "
    "shared with 1 other process on this token"
)


@pytest.fixture(autouse=True)
def waits_handlers() -> Iterator[None]:
    handlers, propagate = list(waits_log.handlers), waits_log.propagate
    yield
    waits_log.handlers[:] = handlers
    waits_log.propagate = propagate


def test_the_providers_say_a_wait_through_pulumis_log_once(monkeypatch: pytest.MonkeyPatch) -> None:
    warned: list[str] = []
    monkeypatch.setattr(pulumi.log, "warn", lambda message, *args, **kwargs: warned.append(message))
    monkeypatch.setenv("GITHUB_TOKEN", DEMO_TOKEN)
    provider = RunnerGroupProvider()
    provider.client()
    provider.client()  # the handler is attached once, however many resources ask for the client
    waits_log.warning(MESSAGE)
    assert warned == [f"github-runner-groups: {MESSAGE}"]


def test_the_cli_says_a_wait_on_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    waits_log.handlers.clear()
    cli._say_waits_on_stderr()
    waits_log.warning(MESSAGE)
    assert capsys.readouterr().err == f"github-runner-groups: {MESSAGE}\n"
    assert all(isinstance(handler, logging.StreamHandler) for handler in waits_log.handlers)
