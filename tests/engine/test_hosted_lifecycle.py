"""A HostedRunner's end through the engine protocol: GitHub's DELETE answers 202 and the runner stays `Deleting`
for a while (a second in the emulator here), so delete waits until it is gone before it returns, and a runner
that is being deleted is neither adopted nor shadowed by a new one of the same name."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from github_runner_groups.resources.hosted_runner import HostedRunnerArgs, HostedRunnerProvider
from github_runner_groups.testing import FakeGitHub
from harness import Engine, HarnessError, Res

MakeEngine = Callable[..., Engine]
HOSTED = "/orgs/acme/actions/hosted-runners"


def runner(**args: Any) -> Res:
    given = {"name": "big-linux", "image_id": "ubuntu-24.04", "size": "4-core", "runner_group_id": 1, **args}
    return Res("linux", HostedRunnerProvider(), HostedRunnerArgs(**given))


def answers(fake: FakeGitHub, method: str, path: str) -> list[int | None]:
    return [r.status for r in fake.requests if r.method == method and r.path == path]


def test_destroy_waits_until_the_runner_is_gone_so_up_can_reuse_its_name(engine: MakeEngine, fake: FakeGitHub) -> None:
    fake.hosted_deletion_seconds = 1.0
    stack = engine()
    stack.up([runner()])
    first = int(stack.get("linux").id)
    fake.reset_log()
    stack.destroy()
    polls = answers(fake, "GET", f"{HOSTED}/{first}")
    assert answers(fake, "DELETE", f"{HOSTED}/{first}") == [202]
    assert polls[-1] == 404 and 200 in polls  # it was still there (Deleting), and the wait went on until 404
    again = engine()
    again.up([runner()])  # the name is free again: no "already exists"
    assert int(again.get("linux").id) != first
    assert [h["name"] for h in fake.hosted_runners("acme")] == ["big-linux"]


def deleting(fake: FakeGitHub) -> int:
    """A runner `big-linux` whose DELETE was sent (by a person) and that stays `Deleting` for an hour."""
    fake.hosted_deletion_seconds = 3600.0
    made = fake.add_hosted_runner("acme", 1, "big-linux", image="ubuntu-24.04")
    answer = fake.handle(
        "DELETE", f"{HOSTED}/{made['id']}", "", {"Authorization": "Bearer " + next(iter(fake.tokens))}, None
    )
    assert getattr(answer, "status", None) == 202
    fake.reset_log()
    return int(made["id"])


@pytest.mark.parametrize("adopt", [True, False])
def test_a_runner_being_deleted_is_neither_adopted_nor_shadowed(
    engine: MakeEngine, fake: FakeGitHub, adopt: bool
) -> None:
    held = deleting(fake)
    with pytest.raises(HarnessError) as failure:
        engine().up([runner(adopt=adopt)])
    message = failure.value.message
    assert (
        "is being deleted (status Deleting)" in message
        and f"id {held}" in message
        and "run `pulumi up` again" in message
    )
    assert not [r for r in fake.requests if r.method in ("POST", "PATCH", "PUT", "DELETE")]


def test_a_runner_deleted_outside_the_stack_leaves_it_at_refresh(engine: MakeEngine, fake: FakeGitHub) -> None:
    stack = engine()
    stack.up([runner()])
    fake.hosted_deletion_seconds = 3600.0
    held = int(stack.get("linux").id)
    answer = fake.handle("DELETE", f"{HOSTED}/{held}", "", {"Authorization": "Bearer " + next(iter(fake.tokens))}, None)
    assert getattr(answer, "status", None) == 202
    stack.refresh()
    assert stack.state == {}
    fake.reset_log()
    with pytest.raises(HarnessError) as failure:
        stack.up([runner()])
    assert "is being deleted (status Deleting)" in failure.value.message
    assert not [r for r in fake.requests if r.method in ("POST", "PATCH", "PUT", "DELETE")]
