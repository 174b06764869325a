"""RunnerGroupRepositoryAccess and RunnerGroupMembership through the engine protocol, in both modes.

Each run starts its own provider server (as `pulumi up` does), so name resolution lists the org once per run.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from github_runner_groups.resources.membership import RunnerGroupMembershipProvider
from github_runner_groups.resources.repository_access import RunnerGroupRepositoryAccessProvider
from github_runner_groups.resources.runner_group import RunnerGroupProvider
from github_runner_groups.testing import DEFAULT_GROUP_ID, FakeGitHub, FaultRule
from harness import Engine, HarnessError, Later, Ref, Res

MakeEngine = Callable[..., Engine]
WRITES = ("POST", "PATCH", "PUT", "DELETE")
REPO_LISTING = r"^/orgs/acme/repos$"
RUNNER_LISTING = r"^/orgs/acme/actions/runners$"


def writes(fake: FakeGitHub) -> list[tuple[str, str]]:
    return [(r.method, r.path) for r in fake.requests if r.method in WRITES]


def ids(fake: FakeGitHub, kind: str, *names: str) -> set[int]:
    items = fake.repositories("acme") if kind == "repos" else fake.runners("acme")
    return {item["id"] for item in items if item["name"] in names}


def selected_group(name: str = "ci") -> Res:
    return Res(name, RunnerGroupProvider(), {"name": name, "visibility": "selected"})


def access(group: Res, repositories: Any, name: str = "access", **extra: Any) -> Res:
    inputs = {"runner_group_id": Ref(group), "repositories": repositories, **extra}
    return Res(name, RunnerGroupRepositoryAccessProvider(), inputs)


def members(group: Res, runners: Any, name: str = "members", **extra: Any) -> Res:
    return Res(name, RunnerGroupMembershipProvider(), {"runner_group_id": Ref(group), "runners": runners, **extra})


def live_repos(fake: FakeGitHub, stack: Engine, group: str = "ci") -> set[int]:
    return fake.group_repository_ids("acme", int(stack.get(group).id))


def live_runners(fake: FakeGitHub, stack: Engine, group: str = "ci") -> set[int]:
    return fake.group_runner_ids("acme", int(stack.get(group).id))


def test_preview_with_the_group_still_to_create_needs_no_api(engine: MakeEngine, fake: FakeGitHub) -> None:
    group = selected_group()
    result = engine().preview([group, access(group, ["api"]), members(group, [Later("linux-3")])])
    assert result.summary == {"create": 3}
    assert fake.count() == 0


def test_exclusive_access_lifecycle(engine: MakeEngine, fake: FakeGitHub) -> None:
    stack, group = engine(), selected_group()
    stack.up([group, access(group, ["api", "acme/web"])])
    assert live_repos(fake, stack) == ids(fake, "repos", "api", "web")
    state = stack.get("access").outputs
    assert state["repository_names"] == ["api", "web"]
    assert state["repository_ids"] == sorted(ids(fake, "repos", "api", "web"))
    assert fake.count("GET", REPO_LISTING) == 1  # one listing resolves every name
    assert [m for m, _ in writes(fake)] == ["POST", "PUT"]

    fake.reset_log()
    assert stack.up([group, access(group, ["web", "api"])]).summary == {"same": 2}  # order does not matter
    assert fake.count() == 0

    fake.reset_log()
    stack.up([group, access(group, ["api", "docs"])])
    assert writes(fake) == [("PUT", f"/orgs/acme/actions/runner-groups/{stack.get('ci').id}/repositories")]
    assert live_repos(fake, stack) == ids(fake, "repos", "api", "docs")

    group_id = int(stack.get("ci").id)
    fake.reset_log()
    stack.destroy()
    assert [m for m, _ in writes(fake)] == ["PUT", "DELETE"]  # access emptied, then the group deleted
    assert fake.group("acme", group_id) is None
    assert not stack.state


def test_exclusive_refresh_sees_drift_and_up_restores(engine: MakeEngine, fake: FakeGitHub) -> None:
    stack, group = engine(), selected_group()
    program = [group, access(group, ["api"]), members(group, ["linux-3"])]
    stack.up(program)
    group_id = int(stack.get("ci").id)
    stack.refresh()  # records the listings' ETags
    fake.reset_log()
    assert stack.refresh().summary == {"same": 3}
    assert fake.count(status=200) == 0 and fake.count(status=304) == 3  # unchanged: 304s only

    fake.set_group_repository_ids("acme", group_id, ids(fake, "repos", "api", "billing"))
    fake.move_runner("acme", next(iter(ids(fake, "runners", "linux-3"))), DEFAULT_GROUP_ID)
    refreshed = stack.refresh()
    assert refreshed.op("access") == refreshed.op("members") == "update"
    assert stack.get("access").outputs["repository_names"] == ["api", "billing"]
    assert stack.get("members").outputs["runner_ids"] == []
    assert stack.preview(program).summary == {"same": 1, "update": 2}
    stack.up(program)
    assert live_repos(fake, stack) == ids(fake, "repos", "api")
    assert live_runners(fake, stack) == ids(fake, "runners", "linux-3")


def test_two_additive_resources_share_a_group(engine: MakeEngine, fake: FakeGitHub) -> None:
    """Two stacks (two engines) each own their entries of one group; neither disturbs the other's."""
    owner, other = engine(), engine()
    group = selected_group("shared")
    owner.up([group])
    group_id = owner.get("shared").id

    def program(name: str, repos: list[str], runners: list[str]) -> list[Res]:
        return [
            Res(
                f"{name}-access",
                RunnerGroupRepositoryAccessProvider(),
                {"runner_group_id": group_id, "repositories": repos, "exclusive": False},
            ),
            Res(
                f"{name}-members",
                RunnerGroupMembershipProvider(),
                {"runner_group_id": group_id, "runners": runners, "exclusive": False},
            ),
        ]

    owner.up([group, *program("a", ["api"], ["linux-3"])])
    other.up(program("b", ["web", "docs"], ["linux-4"]))
    live = fake.group_repository_ids("acme", int(group_id))
    assert live == ids(fake, "repos", "api", "web", "docs")
    assert fake.group_runner_ids("acme", int(group_id)) == ids(fake, "runners", "linux-3", "linux-4")

    fake.reset_log()
    assert owner.refresh().summary.get("delete", 0) == 0
    assert owner.up([group, *program("a", ["api"], ["linux-3"])]).summary == {"same": 3}  # others' entries unseen
    assert writes(fake) == []

    other.up(program("b", ["web"], ["linux-4"]))  # b drops docs: one DELETE, a's entries untouched
    assert writes(fake) == [
        ("DELETE", f"/orgs/acme/actions/runner-groups/{group_id}/repositories/{next(iter(ids(fake, 'repos', 'docs')))}")
    ]
    assert fake.group_repository_ids("acme", int(group_id)) == ids(fake, "repos", "api", "web")

    fake.set_group_repository_ids("acme", int(group_id), ids(fake, "repos", "web"))  # someone removed api
    owner.refresh()
    owner.up([group, *program("a", ["api"], ["linux-3"])])  # a restores its own entry with one PUT
    assert fake.group_repository_ids("acme", int(group_id)) == ids(fake, "repos", "api", "web")

    other.destroy()  # removes only b's entries
    assert fake.group_repository_ids("acme", int(group_id)) == ids(fake, "repos", "api")
    assert fake.group_runner_ids("acme", int(group_id)) == ids(fake, "runners", "linux-3")
    owner.destroy()
    assert fake.group("acme", int(group_id)) is None
    assert next(iter(ids(fake, "runners", "linux-3"))) in fake.group_runner_ids("acme", DEFAULT_GROUP_ID)


def test_membership_by_name_follows_a_reregistered_runner(engine: MakeEngine, fake: FakeGitHub) -> None:
    stack, group = engine(), Res("ci", RunnerGroupProvider(), {"name": "ci"})
    program = [group, members(group, ["linux-3"])]
    stack.up(program)
    old_id = next(iter(ids(fake, "runners", "linux-3")))
    fake.remove_runner("acme", old_id)
    new_id = fake.add_runner("acme", "linux-3")["id"]
    stack.refresh()
    stack.up(program)
    assert live_runners(fake, stack) == {new_id}
    assert stack.get("members").outputs["runner_ids"] == [new_id]


def test_deleting_membership_returns_runners_to_default(engine: MakeEngine, fake: FakeGitHub) -> None:
    stack, group = engine(), Res("ci", RunnerGroupProvider(), {"name": "ci"})
    stack.up([group, members(group, ["linux-3", "linux-4"])])
    stack.up([group])
    assert live_runners(fake, stack) == set()
    assert ids(fake, "runners", "linux-3", "linux-4") <= fake.group_runner_ids("acme", DEFAULT_GROUP_ID)


@pytest.mark.parametrize(
    ("resource", "fragment"),
    [
        (lambda g: access(g, ["api", "wbe"]), "no repository named 'wbe' (did you mean 'web'?)"),
        (lambda g: members(g, ["linux-9"]), "no self-hosted runner named 'linux-9'"),
    ],
)
def test_unknown_names_fail_with_close_matches_before_any_write(
    engine: MakeEngine, fake: FakeGitHub, resource: Callable[[Res], Res], fragment: str
) -> None:
    stack, group = engine(), selected_group()
    stack.up([group])
    fake.reset_log()
    with pytest.raises(HarnessError, match=fragment.replace("(", r"\(").replace(")", r"\)").replace("?", r"\?")):
        stack.up([group, resource(group)])
    assert writes(fake) == []


def test_access_to_a_group_that_is_not_selected_says_how_to_fix(engine: MakeEngine, fake: FakeGitHub) -> None:
    stack = engine()
    group = Res("ci", RunnerGroupProvider(), {"name": "ci", "visibility": "all"})
    with pytest.raises(HarnessError, match="set visibility='selected' on the RunnerGroup"):
        stack.up([group, access(group, ["api"])])


def test_a_missing_group_is_explained(engine: MakeEngine, fake: FakeGitHub) -> None:
    stack = engine()
    gone = Res("members", RunnerGroupMembershipProvider(), {"runner_group_id": "424242", "runners": ["linux-3"]})
    with pytest.raises(HarnessError, match=r"Runner group 424242 does not exist in org 'acme'.*admin:org"):
        stack.up([gone])


def build_linux(fake: FakeGitHub) -> int:
    return next(int(g["id"]) for g in fake.groups("acme") if g["name"] == "build-linux")


def test_an_unknown_id_fails_before_any_write_naming_it(engine: MakeEngine, fake: FakeGitHub) -> None:
    """`[mobile, infra, 999999]`, additive: the id is checked against the listing with the names, so nothing is
    written, and the error names the id instead of blaming the group."""
    group_id = build_linux(fake)
    shared = Res(
        "shared",
        RunnerGroupRepositoryAccessProvider(),
        {"runner_group_id": group_id, "repositories": ["mobile", "infra", 999999], "exclusive": False},
    )
    with pytest.raises(HarnessError) as failed:
        engine().up([shared])
    assert "org 'acme' has no repository with id 999999" in failed.value.message
    assert "Runner group" not in failed.value.message and "selected" not in failed.value.message
    assert writes(fake) == []
    assert fake.group_repository_ids("acme", group_id) == ids(fake, "repos", "api", "web")


def test_a_write_failing_midway_is_undone(engine: MakeEngine, fake: FakeGitHub) -> None:
    """An additive create adds mobile and infra, then GitHub refuses docs: both are removed again before the error
    (a create that raises leaves nothing in state to own them); api, already there, is never touched."""
    group_id = build_linux(fake)
    docs = next(iter(ids(fake, "repos", "docs")))
    fake.add_fault(FaultRule("PUT", rf"/repositories/{docs}$", status=422, message="Repository is archived"))
    stack = engine()
    shared = Res(
        "shared",
        RunnerGroupRepositoryAccessProvider(),
        {"runner_group_id": group_id, "repositories": ["api", "mobile", "infra", "docs"], "exclusive": False},
    )
    with pytest.raises(HarnessError) as failed:
        stack.up([shared])
    assert "Repository is archived" in failed.value.message
    assert f"The 2 change(s) this step had made to runner group {group_id} were undone first" in failed.value.message
    assert fake.group_repository_ids("acme", group_id) == ids(fake, "repos", "api", "web")
    base = f"/orgs/acme/actions/runner-groups/{group_id}/repositories"
    mobile, infra = sorted(ids(fake, "repos", "mobile", "infra"))
    assert writes(fake) == [
        ("PUT", f"{base}/{mobile}"),
        ("PUT", f"{base}/{infra}"),
        ("PUT", f"{base}/{docs}"),
        ("DELETE", f"{base}/{infra}"),
        ("DELETE", f"{base}/{mobile}"),
    ]
    assert "shared" not in stack.state


def test_an_additive_update_failing_midway_is_undone(engine: MakeEngine, fake: FakeGitHub) -> None:
    stack, group = engine(), selected_group()
    stack.up([group, access(group, ["mobile"], exclusive=False)])
    group_id = int(stack.get("ci").id)
    mobile = next(iter(ids(fake, "repos", "mobile")))
    fake.add_fault(FaultRule("DELETE", rf"/repositories/{mobile}$", status=403, message="Must have admin rights"))
    with pytest.raises(HarnessError, match="were undone first"):
        stack.up([group, access(group, ["infra"], exclusive=False)])
    assert fake.group_repository_ids("acme", group_id) == ids(fake, "repos", "mobile")
    assert stack.get("access").outputs["repository_names"] == ["mobile"]  # the old state stands


def test_one_runner_claimed_by_two_resources_of_a_run_fails_the_second(engine: MakeEngine, fake: FakeGitHub) -> None:
    """By name in one membership and by id in another: only the provider, after resolving, can see it is one
    runner. The second to apply fails before it writes, so the runner is not moved back and forth."""
    linux_3 = next(iter(ids(fake, "runners", "linux-3")))
    ci, gpu = Res("ci", RunnerGroupProvider(), {"name": "ci"}), Res("gpu", RunnerGroupProvider(), {"name": "gpu"})
    program = [ci, gpu, members(ci, ["linux-3"], name="ci-members"), members(gpu, [linux_3], name="gpu-members")]
    with pytest.raises(HarnessError) as failed:
        engine().up(program)
    assert f"self-hosted runner 'linux-3' (id {linux_3}) is already claimed in this run" in failed.value.message
    assert "a runner sits in one group only" in failed.value.message
    assert fake.count("PUT", r"/runners$") == 1


def test_an_exclusive_and_another_owner_of_one_list_in_a_run(engine: MakeEngine, fake: FakeGitHub) -> None:
    group_id = build_linux(fake)
    program = [
        Res("all", RunnerGroupRepositoryAccessProvider(), {"runner_group_id": group_id, "repositories": ["api"]}),
        Res(
            "extra",
            RunnerGroupRepositoryAccessProvider(),
            {"runner_group_id": str(group_id), "repositories": ["docs"], "exclusive": False},
        ),
    ]
    with pytest.raises(HarnessError, match="one of them is exclusive"):
        engine().up(program)
    assert len(writes(fake)) == 1  # the first owner's write; the second never wrote


def test_an_additive_resource_never_removes_what_it_found(engine: MakeEngine, fake: FakeGitHub) -> None:
    """api already had access (someone else's entry): declaring it writes nothing, and neither dropping it from
    the list nor destroying the resource removes it. Only mobile, which the resource added, goes."""
    group_id, stack = build_linux(fake), engine()
    api_id, mobile_id = next(iter(ids(fake, "repos", "api"))), next(iter(ids(fake, "repos", "mobile")))
    base = f"/orgs/acme/actions/runner-groups/{group_id}/repositories"

    def shared(repositories: list[str]) -> Res:
        inputs = {"runner_group_id": group_id, "repositories": repositories, "exclusive": False}
        return Res("shared", RunnerGroupRepositoryAccessProvider(), inputs)

    stack.up([shared(["api", "mobile"])])
    assert writes(fake) == [("PUT", f"{base}/{mobile_id}")]
    outputs = stack.get("shared").outputs
    assert outputs["repository_ids"] == sorted([api_id, mobile_id]) and outputs["found_repository_ids"] == [api_id]
    stack.refresh()
    assert stack.get("shared").outputs["found_repository_ids"] == [api_id]  # a refresh keeps what was found

    fake.reset_log()
    stack.up([shared(["mobile"])])
    assert writes(fake) == []
    assert fake.group_repository_ids("acme", group_id) == ids(fake, "repos", "api", "web", "mobile")

    stack.up([shared(["api", "mobile"])])
    fake.reset_log()
    stack.destroy()
    assert writes(fake) == [("DELETE", f"{base}/{mobile_id}")]
    assert fake.group_repository_ids("acme", group_id) == ids(fake, "repos", "api", "web")


def test_two_stacks_listing_one_entry_follow_the_cross_stack_rule(engine: MakeEngine, fake: FakeGitHub) -> None:
    """Stack a adds mobile; stack b lists it too and finds it there. b's destroy leaves it; a's removes it."""
    group_id = build_linux(fake)
    first, second = engine(), engine()

    def shared(name: str) -> Res:
        inputs = {"runner_group_id": group_id, "repositories": ["mobile"], "exclusive": False}
        return Res(name, RunnerGroupRepositoryAccessProvider(), inputs)

    first.up([shared("a")])
    second.up([shared("b")])
    assert second.get("b").outputs["found_repository_ids"] == sorted(ids(fake, "repos", "mobile"))
    second.destroy()
    assert fake.group_repository_ids("acme", group_id) == ids(fake, "repos", "api", "web", "mobile")
    first.destroy()
    assert fake.group_repository_ids("acme", group_id) == ids(fake, "repos", "api", "web")


def test_an_undo_that_fails_says_what_is_left(engine: MakeEngine, fake: FakeGitHub) -> None:
    group_id = build_linux(fake)
    mobile, docs = next(iter(ids(fake, "repos", "mobile"))), next(iter(ids(fake, "repos", "docs")))
    fake.add_fault(FaultRule("PUT", rf"/repositories/{docs}$", status=422, message="Repository is archived"))
    fake.add_fault(FaultRule("DELETE", rf"/repositories/{mobile}$", status=403, message="Must have admin rights"))
    shared = Res(
        "shared",
        RunnerGroupRepositoryAccessProvider(),
        {"runner_group_id": group_id, "repositories": ["mobile", "docs"], "exclusive": False},
    )
    with pytest.raises(HarnessError) as failed:
        engine().up([shared])
    message = failed.value.message
    assert "Repository is archived" in message
    assert f"Undoing this step's 1 change(s) to runner group {group_id} failed for 1" in message
    assert f"remove repository {mobile}" in message and "Must have admin rights" in message
    assert "make that change by hand" in message
