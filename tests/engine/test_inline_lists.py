"""RunnerGroup's inline `repositories` and `runners` through the engine protocol: the fewest writes.

A group with its lists costs one POST to create and one DELETE to destroy; a changed list is one PUT; refresh
and drift work like the separate resources; an inline list and a separate resource for the same list conflict.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from github_runner_groups.resources.repository_access import RunnerGroupRepositoryAccessProvider
from github_runner_groups.resources.runner_group import RunnerGroupArgs, RunnerGroupProvider
from github_runner_groups.testing import DEFAULT_GROUP_ID, FakeGitHub, FaultRule
from harness import CheckFailed, Engine, HarnessError, Ref, Res

MakeEngine = Callable[..., Engine]
WRITES = ("POST", "PATCH", "PUT", "DELETE")


def group(name: str = "ci", **args: Any) -> Res:
    return Res(name, RunnerGroupProvider(), RunnerGroupArgs(name=name, **args))


def selected(repositories: list[Any] | None = None, runners: list[Any] | None = None, **args: Any) -> Res:
    return group(visibility="selected", repositories=repositories, runners=runners, **args)


def writes(fake: FakeGitHub) -> list[tuple[str, str]]:
    return [(r.method, r.path) for r in fake.requests if r.method in WRITES]


def ids(fake: FakeGitHub, kind: str, *names: str) -> set[int]:
    items = fake.repositories("acme") if kind == "repos" else fake.runners("acme")
    return {item["id"] for item in items if item["name"] in names}


def gid(stack: Engine, name: str = "ci") -> int:
    return int(stack.get(name).id)


def test_create_is_one_post_with_both_lists(engine: MakeEngine, fake: FakeGitHub) -> None:
    stack = engine()
    stack.up([selected(["api", "acme/docs"], ["linux-3"])])
    posts = [r for r in fake.requests if r.method == "POST"]
    assert [m for m, _ in writes(fake)] == ["POST"]
    assert posts[0].json["selected_repository_ids"] == sorted(ids(fake, "repos", "api", "docs"))
    assert posts[0].json["runners"] == sorted(ids(fake, "runners", "linux-3"))
    assert fake.group_repository_ids("acme", gid(stack)) == ids(fake, "repos", "api", "docs")
    assert fake.group_runner_ids("acme", gid(stack)) == ids(fake, "runners", "linux-3")
    outputs = stack.get("ci").outputs
    assert outputs["repository_names"] == ["api", "docs"] and outputs["runner_names"] == ["linux-3"]
    assert outputs["repository_ids"] == sorted(ids(fake, "repos", "api", "docs"))

    fake.reset_log()
    assert stack.up([selected(["docs", "api"], ["linux-3"])]).summary == {"same": 1}  # order does not matter
    assert fake.count() == 0


def test_an_empty_list_is_owned_and_an_omitted_one_is_not(engine: MakeEngine, fake: FakeGitHub) -> None:
    stack = engine()
    stack.up([selected([], None)])
    post = next(r for r in fake.requests if r.method == "POST")
    assert post.json["selected_repository_ids"] == [] and "runners" not in post.json
    assert stack.get("ci").outputs.get("runner_ids") is None


def test_update_is_one_put_per_changed_list(engine: MakeEngine, fake: FakeGitHub) -> None:
    stack = engine()
    stack.up([selected(["api"], ["linux-3"])])
    group_path = f"/orgs/acme/actions/runner-groups/{gid(stack)}"

    fake.reset_log()
    stack.up([selected(["api", "web"], ["linux-3"])])
    assert writes(fake) == [("PUT", f"{group_path}/repositories")]

    fake.reset_log()
    stack.up([selected(["web"], ["linux-4"], allows_public_repositories=True)])
    assert writes(fake) == [
        ("PATCH", group_path),
        ("PUT", f"{group_path}/repositories"),
        ("PUT", f"{group_path}/runners"),
    ]
    assert fake.group_repository_ids("acme", gid(stack)) == ids(fake, "repos", "web")
    assert fake.group_runner_ids("acme", gid(stack)) == ids(fake, "runners", "linux-4")

    fake.reset_log()  # no longer owning a list writes nothing: the runners stay where they are
    stack.up([selected(["web"], None, allows_public_repositories=True)])
    assert writes(fake) == []
    assert stack.get("ci").outputs.get("runner_ids") is None
    assert fake.group_runner_ids("acme", gid(stack)) == ids(fake, "runners", "linux-4")


def test_refresh_costs_304s_then_sees_drift_and_up_restores(engine: MakeEngine, fake: FakeGitHub) -> None:
    stack = engine()
    program = [selected(["api"], ["linux-3"])]
    stack.up(program)
    stack.refresh()  # records the listings' ETags
    fake.reset_log()
    assert stack.refresh().summary == {"same": 1}
    assert fake.count(status=200) == 0 and fake.count(status=304) == 3  # group, repositories, runners

    fake.set_group_repository_ids("acme", gid(stack), ids(fake, "repos", "api", "billing"))
    fake.move_runner("acme", next(iter(ids(fake, "runners", "linux-3"))), DEFAULT_GROUP_ID)
    assert stack.refresh().op("ci") == "update"
    assert stack.get("ci").outputs["repository_names"] == ["api", "billing"]
    assert stack.get("ci").outputs["runner_ids"] == []
    assert stack.preview(program).summary == {"update": 1}
    fake.reset_log()
    stack.up(program)
    assert [m for m, _ in writes(fake)] == ["PUT", "PUT"]
    assert fake.group_repository_ids("acme", gid(stack)) == ids(fake, "repos", "api")
    assert fake.group_runner_ids("acme", gid(stack)) == ids(fake, "runners", "linux-3")


def test_destroy_is_one_delete_and_runners_fall_back_to_default(engine: MakeEngine, fake: FakeGitHub) -> None:
    stack = engine()
    stack.up([selected(["api"], ["linux-3", "linux-4"])])
    group_id = gid(stack)
    fake.reset_log()
    stack.destroy()
    assert writes(fake) == [("DELETE", f"/orgs/acme/actions/runner-groups/{group_id}")]
    assert fake.group("acme", group_id) is None
    assert ids(fake, "runners", "linux-3", "linux-4") <= fake.group_runner_ids("acme", DEFAULT_GROUP_ID)


def test_check_refuses_repositories_unless_selected(engine: MakeEngine, fake: FakeGitHub) -> None:
    with pytest.raises(CheckFailed) as failed:
        engine().up([group(repositories=["api"])])
    message = str(failed.value)
    assert "repositories are listed but visibility is 'all'" in message and "visibility='selected'" in message
    assert fake.count() == 0


def test_adopting_a_group_whose_lists_match_writes_nothing(engine: MakeEngine, fake: FakeGitHub) -> None:
    adopted = group(
        "build-linux", visibility="selected", repositories=["api", "web"], runners=["linux-1", "linux-2"], adopt=True
    )
    engine().up([adopted])
    assert writes(fake) == []


def test_adopting_writes_only_the_list_that_differs(engine: MakeEngine, fake: FakeGitHub) -> None:
    adopted = group("build-linux", visibility="selected", repositories=["api", "web"], runners=["linux-1"], adopt=True)
    stack = engine()
    stack.up([adopted])
    assert writes(fake) == [("PUT", f"/orgs/acme/actions/runner-groups/{gid(stack, 'build-linux')}/runners")]


def test_a_separate_resource_for_an_inline_list_fails_before_writing(engine: MakeEngine, fake: FakeGitHub) -> None:
    ci = selected(["api"])
    extra = Res(
        "access",
        RunnerGroupRepositoryAccessProvider(),
        {"runner_group_id": Ref(ci), "repositories": ["web"], "exclusive": False},
    )
    with pytest.raises(HarnessError) as failed:
        engine(parallel=1).up([ci, extra])
    assert "inline `repositories`" in failed.value.message and "already owns that list" in failed.value.message
    assert [m for m, _ in writes(fake)] == ["POST"]  # the group alone; the access never wrote


def test_moving_a_list_from_a_separate_resource_inline_keeps_it(engine: MakeEngine, fake: FakeGitHub) -> None:
    """The old exclusive access is deleted after the group took the list over: it must not empty it."""
    stack = engine()
    before = selected()
    old_access = Res(
        "access", RunnerGroupRepositoryAccessProvider(), {"runner_group_id": Ref(before), "repositories": ["api"]}
    )
    stack.up([before, old_access])
    fake.reset_log()
    stack.up([selected(["api"])])
    assert writes(fake) == []  # the list already matches: one read, no PUT, and the old access leaves it
    assert fake.group_repository_ids("acme", gid(stack)) == ids(fake, "repos", "api")


def test_a_refused_list_write_undoes_the_settings_written_before_it(engine: MakeEngine, fake: FakeGitHub) -> None:
    stack = engine()
    stack.up([selected(["api"], ["linux-3"])])
    fake.add_fault(FaultRule("PUT", r"/runners$", status=422, message="Runner is busy"))
    with pytest.raises(HarnessError) as failed:
        stack.up([selected(["api"], ["linux-4"], allows_public_repositories=True)])
    assert "Runner is busy" in failed.value.message and "were undone first" in failed.value.message
    assert fake.group("acme", gid(stack))["allows_public_repositories"] is False  # type: ignore[index]
    assert fake.group_runner_ids("acme", gid(stack)) == ids(fake, "runners", "linux-3")


@pytest.mark.parametrize("exclusive", [True, False], ids=["exclusive", "additive"])
def test_a_separate_resource_whose_list_already_matches_writes_nothing(
    engine: MakeEngine, fake: FakeGitHub, exclusive: bool
) -> None:
    build = next(g["id"] for g in fake.groups("acme") if g["name"] == "build-linux")
    access = Res(
        "access",
        RunnerGroupRepositoryAccessProvider(),
        {"runner_group_id": build, "repositories": ["web", "api"], "exclusive": exclusive},
    )
    engine().up([access])
    assert writes(fake) == []
    assert fake.count("GET", rf"/runner-groups/{build}/repositories$") == 1  # one read instead of a PUT


def test_groups_created_together_may_share_a_repository(engine: MakeEngine, fake: FakeGitHub) -> None:
    """Two groups still being created (their claims not yet keyed by id) each own their own repository list;
    slow creates make them overlap."""
    fake.add_fault(FaultRule("POST", "/runner-groups$", delay_seconds=0.3, times=None))
    stack = engine()
    stack.up([selected(["api"], name=name) for name in ("one", "two", "three")])
    for name in ("one", "two", "three"):
        assert fake.group_repository_ids("acme", gid(stack, name)) == ids(fake, "repos", "api")
