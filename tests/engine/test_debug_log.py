"""Debug logging (GITHUB_RUNNER_GROUPS_LOG=debug) shows each request in the provider's stderr, never the token."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from github_runner_groups.resources.runner_group import RunnerGroupProvider
from github_runner_groups.testing import DEMO_TOKEN, FakeGitHub, FaultRule
from harness import Engine, HarnessError, Res
from stacks import PROVIDER_ENV


def test_debug_log_redacts_authorization(engine: Callable[..., Engine], fake: FakeGitHub) -> None:
    stack = engine(env={**PROVIDER_ENV, "GITHUB_RUNNER_GROUPS_LOG": "debug"})
    program = [Res("ci", RunnerGroupProvider(), {"name": "ci"})]
    stack.up(program)
    fake.add_fault(FaultRule(method="GET", status=502, times=1))
    stack.refresh()  # one retry, logged
    fake.add_fault(FaultRule(method="DELETE", status=403, message="Resource not accessible"))
    with pytest.raises(HarnessError, match="403"):
        stack.destroy()
    stderr = "\n".join(call["text"] for call in stack.calls("stderr"))
    assert "POST http://127.0.0.1" in stderr and "-> 201" in stderr
    assert "retry 1" in stderr
    assert "'Authorization': '<redacted>'" in stderr
    assert DEMO_TOKEN not in stderr and DEMO_TOKEN not in stack.transcript()
