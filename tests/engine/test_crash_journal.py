"""A crash leaves nothing behind: the provider killed (SIGKILL) after GitHub answered an additive write and before
Pulumi wrote the state. The next `up` recognises the entry as its own earlier write (the ownership journal noted
the intent before the write), so `destroy` removes it: nothing is left that no resource owns.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from github_runner_groups.resources.membership import RunnerGroupMembershipArgs, RunnerGroupMembershipProvider
from github_runner_groups.resources.repository_access import (
    RunnerGroupRepositoryAccessArgs,
    RunnerGroupRepositoryAccessProvider,
)
from github_runner_groups.testing import FakeGitHub, FaultRule
from harness import Engine, HarnessError, Res
from stacks import of_this_stack

MakeEngine = Callable[..., Engine]


def kill_the_provider_once_answered(fake: FakeGitHub, stack: Engine, path: str) -> threading.Thread:
    """Hold GitHub's answer to the PUT on `path` (made, not yet answered), and SIGKILL the run's provider process
    meanwhile: the state is never written."""
    fake.add_fault(FaultRule(method="PUT", path=path, after_handling=True, delay_seconds=5.0, status=204))

    def watch() -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if any(r.method == "PUT" and r.path.endswith(path.rstrip("$")) for r in list(fake.requests)):
                server = stack._shared
                assert server is not None
                os.kill(server._process.pid, signal.SIGKILL)
                return
            time.sleep(0.01)

    watcher = threading.Thread(target=watch)
    watcher.start()
    return watcher


@pytest.mark.parametrize("kind", ["repositories", "runners"])
def test_a_provider_killed_after_an_answered_additive_put_leaves_nothing_behind(
    engine: MakeEngine, fake: FakeGitHub, tmp_path: Path, kind: str
) -> None:
    shared = fake.add_group("acme", "shared", visibility="selected")
    checkpoint = tmp_path / "stack.json"
    member: dict[str, Any]
    if kind == "repositories":
        member = fake.add_repo("acme", "mobile")
        args: Any = RunnerGroupRepositoryAccessArgs(
            runner_group_id=shared["id"], repositories=["mobile"], exclusive=False
        )
        resource = Res("mobile-access", of_this_stack(RunnerGroupRepositoryAccessProvider()), args)
    else:
        member = fake.add_runner("acme", "crash-1")
        args = RunnerGroupMembershipArgs(runner_group_id=shared["id"], runners=["crash-1"], exclusive=False)
        resource = Res("crash-runners", of_this_stack(RunnerGroupMembershipProvider()), args)

    def members() -> set[int]:
        if kind == "repositories":
            return fake.group_repository_ids("acme", shared["id"])
        return fake.group_runner_ids("acme", shared["id"])

    # process_per_run=False: the test can reach the run's one provider process to kill it.
    crashing = engine(checkpoint=checkpoint, process_per_run=False, prestart=False)
    watcher = kill_the_provider_once_answered(fake, crashing, f"/{kind}/{member['id']}$")
    with pytest.raises(HarnessError):
        crashing.up([resource])
    watcher.join()
    crashing.close()
    assert members() == {member["id"]}  # GitHub made the write...
    assert Engine({}, checkpoint=checkpoint).state == {}  # ...and no state records it

    fake.clear_faults()
    stack = engine(checkpoint=checkpoint)
    stack.up([resource])
    found_field = "found_repository_ids" if kind == "repositories" else "found_runner_ids"
    assert stack.get(resource.name).outputs[found_field] == []  # its own earlier write, not someone else's
    stack.destroy()
    assert members() == set()
    assert fake.group("acme", shared["id"]) is not None


def test_an_entry_someone_else_added_is_still_theirs(engine: MakeEngine, fake: FakeGitHub) -> None:
    """The journal knows only this stack's writes: an entry added by hand is found, and destroy leaves it."""
    shared = fake.add_group("acme", "shared", visibility="selected")
    mobile = fake.add_repo("acme", "mobile")
    with fake.lock:
        fake.find_org("acme").group_repositories[shared["id"]].add(mobile["id"])
    args = RunnerGroupRepositoryAccessArgs(runner_group_id=shared["id"], repositories=["mobile"], exclusive=False)
    stack = engine()
    stack.up([Res("mobile-access", of_this_stack(RunnerGroupRepositoryAccessProvider()), args)])
    assert stack.get("mobile-access").outputs["found_repository_ids"] == [mobile["id"]]
    stack.destroy()
    assert fake.group_repository_ids("acme", shared["id"]) == {mobile["id"]}
