"""Renaming a resource never deletes what it holds: aliases move the state entry (no create, no delete), a create
refused because this stack holds the name advises the alias, and a delete leaves a group (or hosted runner, or
runner membership) another resource of the same run created or adopted.

The scenario of issue 20: `RunnerGroup('acme-ci', name='ci')` renamed to `acme-CI` (letter case alone).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from github_runner_groups.resources.hosted_runner import HostedRunnerArgs, HostedRunnerProvider
from github_runner_groups.resources.membership import RunnerGroupMembershipArgs, RunnerGroupMembershipProvider
from github_runner_groups.resources.runner_group import RunnerGroupArgs, RunnerGroupProvider
from github_runner_groups.testing import FakeGitHub
from harness import Engine, HarnessError, Ref, Res, make_urn
from stacks import of_this_stack

MakeEngine = Callable[..., Engine]
GROUP_TYPE = "pulumi-python:dynamic/github:RunnerGroup"


def group(resource: str, name: str = "ci", aliases: tuple[str, ...] = (), **args: Any) -> Res:
    """As `RunnerGroup(resource, ...)` registers it in the rig's stack (its provider names the stack)."""
    return Res(resource, of_this_stack(RunnerGroupProvider()), RunnerGroupArgs(name=name, **args), aliases=aliases)


def old_urn(resource: str, type_: str = GROUP_TYPE) -> str:
    return make_urn(type_, resource)


def deletes(fake: FakeGitHub) -> list[str]:
    return [r.path for r in fake.requests if r.method == "DELETE"]


def stderr(stack: Engine) -> str:
    return "".join(call.get("text", "") for call in stack.calls("stderr"))


def test_a_renamed_resource_with_an_alias_keeps_its_group_without_create_or_delete(
    engine: MakeEngine, fake: FakeGitHub
) -> None:
    stack = engine()
    stack.up([group("acme-ci")])
    gid = int(stack.get("acme-ci").id)
    fake.reset_log()
    result = stack.up([group("acme-CI", aliases=(old_urn("acme-ci"),))])
    assert result.summary == {"same": 1}
    assert [r.method for r in fake.requests if r.method != "GET"] == []
    assert list(stack.state) == [old_urn("acme-CI")]
    assert int(stack.get("acme-CI").id) == gid
    assert fake.group("acme", gid) is not None
    stack.destroy()
    assert fake.group("acme", gid) is None


def test_an_aliased_rename_that_also_changes_a_setting_is_one_update(engine: MakeEngine, fake: FakeGitHub) -> None:
    stack = engine()
    stack.up([group("acme-ci")])
    gid = int(stack.get("acme-ci").id)
    fake.reset_log()
    result = stack.up([group("acme-CI", name="CI", visibility="private", aliases=(old_urn("acme-ci"),))])
    assert result.summary == {"update": 1}
    assert [r.method for r in fake.requests if r.method != "GET"] == ["PATCH"]
    assert fake.group("acme", gid)["name"] == "CI"  # type: ignore[index]


def test_a_rename_without_alias_is_refused_advising_the_alias_not_adopt(engine: MakeEngine, fake: FakeGitHub) -> None:
    stack = engine()
    stack.up([group("acme-ci")])
    gid = int(stack.get("acme-ci").id)
    fake.reset_log()
    with pytest.raises(HarnessError) as failure:
        stack.up([group("acme-CI")])
    message = failure.value.message
    assert "aliases=" in message and "renamed_from" in message
    assert "this stack still holds it under another resource name" in message
    assert "instead of setting adopt=True" in message
    assert deletes(fake) == []
    assert fake.group("acme", gid) is not None


def test_a_foreign_group_is_still_refused_advising_adopt(engine: MakeEngine, fake: FakeGitHub) -> None:
    fake.add_group("acme", "ci")
    with pytest.raises(HarnessError) as failure:
        engine().up([group("acme-ci")])
    assert "this stack does not own it" in failure.value.message
    assert "adopt=True" in failure.value.message
    assert "aliases=" not in failure.value.message


def test_a_group_another_stack_made_with_the_same_token_is_someone_elses(engine: MakeEngine, fake: FakeGitHub) -> None:
    other = RunnerGroupProvider()
    other.stack = "github-runner-groups/prod"
    engine().up([Res("acme-ci", other, RunnerGroupArgs(name="ci"))])
    with pytest.raises(HarnessError) as failure:
        engine().up([group("acme-ci")])
    assert "this stack does not own it" in failure.value.message
    assert "aliases=" not in failure.value.message


def test_following_the_old_advice_adopt_never_deletes_the_group(engine: MakeEngine, fake: FakeGitHub) -> None:
    """The issue's harm: the new resource adopts group 24, then the old one's delete DELETEs it."""
    stack = engine()
    stack.up([group("acme-ci")])
    gid = int(stack.get("acme-ci").id)
    fake.reset_log()
    result = stack.up([group("acme-CI", adopt=True)])
    assert result.summary == {"create": 1, "delete": 1}
    assert deletes(fake) == []
    assert fake.group("acme", gid) is not None
    assert list(stack.state) == [old_urn("acme-CI")]
    assert f"not deleting runner group {gid} ('ci')" in stderr(stack)
    stack.destroy()
    assert fake.group("acme", gid) is None


def test_a_membership_another_resource_of_the_run_took_over_is_left_in_place(
    engine: MakeEngine, fake: FakeGitHub
) -> None:
    fake.add_runner("acme", "renamed-1")
    stack = engine()
    ci = group("ci-group", visibility="all")

    def membership(resource: str) -> Res:
        args = RunnerGroupMembershipArgs(runner_group_id=Ref(ci), runners=["renamed-1"], exclusive=False)  # type: ignore[arg-type]
        return Res(resource, of_this_stack(RunnerGroupMembershipProvider()), args)

    stack.up([ci, membership("ci-runners")])
    gid = int(stack.get("ci-group").id)
    fake.reset_log()
    stack.up([ci, membership("ci-Runners")])  # renamed without an alias: the new one finds linux-1 in the group
    assert deletes(fake) == []
    runner = next(r["id"] for r in fake.runners("acme") if r["name"] == "renamed-1")
    assert fake.group_runner_ids("acme", gid) == {runner}
    assert stack.get("ci-Runners").outputs["found_runner_ids"] == []  # its own: the journal knew it
    assert "not removing self-hosted runner" in stderr(stack)
    stack.up([ci])  # the renamed resource's delete removes the runner it holds
    assert fake.group_runner_ids("acme", gid) == set()


def test_a_hosted_runner_another_resource_of_the_run_adopted_is_not_deleted(
    engine: MakeEngine, fake: FakeGitHub
) -> None:
    stack = engine()
    ci = group("ci-group")

    def hosted(resource: str, **extra: Any) -> Res:
        args = HostedRunnerArgs(
            name="linux-large",
            runner_group_id=Ref(ci),  # type: ignore[arg-type]
            image_id="ubuntu-24.04",
            size="4-core",
            **extra,
        )
        return Res(resource, of_this_stack(HostedRunnerProvider()), args)

    stack.up([ci, hosted("large")])
    runner_id = int(stack.get("large").id)
    fake.reset_log()
    stack.up([ci, hosted("Large", adopt=True)])
    assert deletes(fake) == []
    assert runner_id in {r["id"] for r in fake.hosted_runners("acme")}
    assert "not deleting GitHub-hosted runner" in stderr(stack)


def test_two_groups_swapping_names_in_one_up_fail_saying_what_happens_and_the_steps(
    engine: MakeEngine, fake: FakeGitHub
) -> None:
    stack = engine()
    stack.up([group("a", name="x"), group("b", name="y")])
    ids = {name: int(stack.get(name).id) for name in ("a", "b")}
    with pytest.raises(HarnessError) as failure:
        stack.up([group("a", name="y"), group("b", name="x")])
    message = failure.value.message
    assert "two groups cannot swap names in one `pulumi up`" in message
    assert "temporary name" in message
    assert deletes(fake) == []
    assert {g["id"]: g["name"] for g in fake.groups("acme") if g["id"] in ids.values()} == {
        ids["a"]: "x",
        ids["b"]: "y",
    }
    # The steps the message gives, one up each.
    stack.up([group("a", name="x-tmp"), group("b", name="y")])
    stack.up([group("a", name="x-tmp"), group("b", name="x")])
    stack.up([group("a", name="y"), group("b", name="x")])
    assert {g["id"]: g["name"] for g in fake.groups("acme") if g["id"] in ids.values()} == {
        ids["a"]: "y",
        ids["b"]: "x",
    }


def test_deleting_old_and_renaming_another_to_old_in_one_up_fails_and_works_in_two(
    engine: MakeEngine, fake: FakeGitHub
) -> None:
    stack = engine()
    stack.up([group("old", name="old"), group("new", name="new")])
    old_id, new_id = int(stack.get("old").id), int(stack.get("new").id)
    with pytest.raises(HarnessError) as failure:
        stack.up([group("new", name="old")])
    message = failure.value.message
    assert f"still held by runner group {old_id}" in message
    assert "take the name of a group the same `up` deletes" in message
    assert f"first `up` without group {old_id}" in message
    assert fake.group("acme", old_id) is not None  # the update failed first: nothing was deleted
    stack.up([group("new", name="new")])
    stack.up([group("new", name="old")])
    assert fake.group("acme", old_id) is None
    assert fake.group("acme", new_id)["name"] == "old"  # type: ignore[index]
