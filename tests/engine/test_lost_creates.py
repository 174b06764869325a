"""A create whose answer is lost claims only what it made: every setting the POST sent is compared before a
same-named object that appeared meanwhile is claimed; anything else is refused and left alone.

The issue's reproduction: the POST's answer is dropped after a 1 s delay (GitHub made nothing), and during the
delay someone else creates a same-named object with other settings.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from github_runner_groups.resources.hosted_runner import HostedRunnerArgs, HostedRunnerProvider
from github_runner_groups.resources.runner_group import RunnerGroupArgs, RunnerGroupProvider
from github_runner_groups.testing import FakeGitHub, FaultRule
from harness import Engine, HarnessError, Res

MakeEngine = Callable[..., Engine]
HOSTED = "/orgs/acme/actions/hosted-runners$"
GROUPS = "/orgs/acme/actions/runner-groups$"


@contextmanager
def during_the_lost_post(fake: FakeGitHub, path: str, act: Callable[[], Any]) -> Iterator[None]:
    """Drop the answer to the POST on `path` after 1 s (nothing made), and `act` while it is held."""
    fake.add_fault(FaultRule(method="POST", path=path, drop=True, delay_seconds=1.0))

    def watch() -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if any(r.method == "POST" and r.path.endswith(path.rstrip("$")) for r in list(fake.requests)):
                act()
                return
            time.sleep(0.01)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        yield
    finally:
        watcher.join()


def hosted(build: int, **args: Any) -> Res:
    given = {"name": "linux-large", "image_id": "ubuntu-24.04", "size": "4-core", **args}
    return Res("large", HostedRunnerProvider(), HostedRunnerArgs(runner_group_id=build, **given))


def build_group(fake: FakeGitHub) -> int:
    return int(next(g["id"] for g in fake.groups("acme") if g["name"] == "build-linux"))


def test_a_lost_hosted_runner_post_never_claims_someone_elses_runner(engine: MakeEngine, fake: FakeGitHub) -> None:
    build = build_group(fake)
    made: list[dict[str, Any]] = []

    def someone_else() -> None:  # 8-core, Default group
        made.append(fake.add_hosted_runner("acme", 1, "linux-large", image="ubuntu-24.04", size="8-core"))

    stack = engine()
    with during_the_lost_post(fake, HOSTED, someone_else), pytest.raises(HarnessError) as failure:
        stack.up([hosted(build)])
    message = failure.value.message
    assert "its answer was lost" in message
    assert "differ from what this create sent" in message and "size" in message and "runner_group_id" in message
    assert "not claimed" in message
    assert stack.state == {}
    (theirs,) = [r for r in fake.hosted_runners("acme") if r["name"] == "linux-large"]
    assert theirs["id"] == made[0]["id"]
    assert theirs["machine_size_details"]["id"] == "8-core"
    assert not [r for r in fake.requests if r.method in ("PATCH", "DELETE")]


def test_a_lost_hosted_runner_post_claims_the_runner_it_made(engine: MakeEngine, fake: FakeGitHub) -> None:
    build = build_group(fake)
    fake.add_fault(FaultRule(method="POST", path=HOSTED, drop=True, after_handling=True, delay_seconds=1.0))
    stack = engine()
    stack.up([hosted(build)])
    (ours,) = [r for r in fake.hosted_runners("acme") if r["name"] == "linux-large"]
    assert int(stack.get("large").id) == ours["id"]


def test_a_lost_group_post_never_claims_someone_elses_group(engine: MakeEngine, fake: FakeGitHub) -> None:
    made: list[dict[str, Any]] = []

    def someone_else() -> None:
        made.append(fake.add_group("acme", "ci", visibility="all"))

    stack = engine()
    group = Res("ci", RunnerGroupProvider(), RunnerGroupArgs(name="ci", visibility="private"))
    with during_the_lost_post(fake, GROUPS, someone_else), pytest.raises(HarnessError) as failure:
        stack.up([group])
    assert "its answer was lost" in failure.value.message
    assert stack.state == {}
    assert fake.group("acme", made[0]["id"])["visibility"] == "all"  # type: ignore[index]
    assert not [r for r in fake.requests if r.method in ("PATCH", "DELETE", "PUT")]


def test_a_lost_group_post_never_claims_a_same_named_group_with_other_lists(
    engine: MakeEngine, fake: FakeGitHub
) -> None:
    """Settings alike, lists not: the POST sent its repository list inline, and theirs differs."""
    api_repo = fake.add_repo("acme", "api")
    web = fake.add_repo("acme", "web")
    made: list[dict[str, Any]] = []

    def someone_else() -> None:
        group = fake.add_group("acme", "ci", visibility="selected")
        with fake.lock:
            fake.find_org("acme").group_repositories[group["id"]] = {web["id"]}
        made.append(group)

    stack = engine()
    args = RunnerGroupArgs(name="ci", visibility="selected", repositories=["api"])
    with during_the_lost_post(fake, GROUPS, someone_else), pytest.raises(HarnessError) as failure:
        stack.up([Res("ci", RunnerGroupProvider(), args)])
    assert "its answer was lost" in failure.value.message
    assert stack.state == {}
    assert fake.group_repository_ids("acme", made[0]["id"]) == {web["id"]}
    assert api_repo["id"] not in fake.group_repository_ids("acme", made[0]["id"])
