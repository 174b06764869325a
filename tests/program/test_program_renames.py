"""Renames in programs, through the rig: the issue's scenario (`acme-ci` -> `acme-CI`, letter case alone), with
`opts=ResourceOptions(aliases=[...])` in a program and `renamed_from:` in a spec. Nothing is created or deleted.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pulumi
import pytest
import rig_bridge
from github_runner_groups import RunnerGroup
from github_runner_groups.component import OrgRunnerGroups
from github_runner_groups.spec import parse_spec
from github_runner_groups.testing import FakeGitHub
from rig import HarnessError, RunResult
from stacks import Stacks

WRITES = ("POST", "PATCH", "PUT", "DELETE")


def program(make: Callable[[], object]) -> Callable[[], None]:
    """A program: registers what `make` builds."""

    def run() -> None:
        make()

    return run


def writes(fake: FakeGitHub) -> list[tuple[str, Any]]:
    return [(r.method, r.json) for r in fake.requests if r.method in WRITES]


def names(result: RunResult) -> dict[str, str]:
    return {urn.rsplit("::", 1)[-1]: op for urn, op in result.ops.items()}


def test_a_resource_renamed_with_an_alias_keeps_its_group(stacks: Stacks, fake: FakeGitHub) -> None:
    stack = stacks()
    rig_bridge.up(stack, program(lambda: RunnerGroup("acme-ci", name="ci")))
    (gid,) = [g["id"] for g in fake.groups("acme") if g["name"] == "ci"]
    fake.reset_log()

    def renamed() -> None:
        RunnerGroup("acme-CI", name="ci", opts=pulumi.ResourceOptions(aliases=[pulumi.Alias(name="acme-ci")]))

    result = rig_bridge.up(stack, program(renamed))
    assert names(result) == {"acme-CI": "same"}
    assert writes(fake) == []
    assert int(stack.get("acme-CI").id) == gid


def test_a_resource_renamed_without_an_alias_is_refused_with_the_alias_as_the_fix(
    stacks: Stacks, fake: FakeGitHub
) -> None:
    stack = stacks()
    rig_bridge.up(stack, program(lambda: RunnerGroup("acme-ci", name="ci")))
    with pytest.raises(HarnessError) as failure:
        rig_bridge.up(stack, program(lambda: RunnerGroup("acme-CI", name="ci")))
    assert "aliases=" in failure.value.message
    assert "instead of setting adopt=True" in failure.value.message
    assert [g["name"] for g in fake.groups("acme")].count("ci") == 1


SPEC: dict[str, Any] = {
    "org": "acme",
    "groups": {
        "ci": {"visibility": "selected", "repositories": ["api"]},
        "shared": {"visibility": "selected", "repositories": ["web"], "exclusive": False},
    },
}


def test_a_spec_group_key_renamed_with_renamed_from_is_one_patch(stacks: Stacks, fake: FakeGitHub) -> None:
    stack = stacks()
    rig_bridge.up(stack, program(lambda: OrgRunnerGroups("acme", spec=parse_spec(SPEC))))
    before = {r.name: r.id for r in stack.state.values()}
    fake.reset_log()
    renamed = {
        "org": "acme",
        "groups": {
            "CI": {"visibility": "selected", "repositories": ["api"], "renamed_from": "ci"},
            "Shared": {"visibility": "selected", "repositories": ["web"], "exclusive": False, "renamed_from": "shared"},
        },
    }
    result = rig_bridge.up(stack, program(lambda: OrgRunnerGroups("acme", spec=parse_spec(renamed))))
    assert names(result) == {
        "acme-CI": "update",
        "acme-Shared": "update",
        "acme-Shared-repositories": "same",
    }
    assert sorted(m for m, _ in writes(fake)) == ["PATCH", "PATCH"]
    after = {r.name: r.id for r in stack.state.values()}
    assert after == {
        "acme-CI": before["acme-ci"],
        "acme-Shared": before["acme-shared"],
        "acme-Shared-repositories": before["acme-shared-repositories"],
    }
    assert {g["name"] for g in fake.groups("acme")} >= {"CI", "Shared"}


def test_a_spec_group_key_renamed_without_renamed_from_is_refused_before_anything_is_deleted(
    stacks: Stacks, fake: FakeGitHub
) -> None:
    stack = stacks()
    rig_bridge.up(stack, program(lambda: OrgRunnerGroups("acme", spec=parse_spec(SPEC))))
    renamed = {"org": "acme", "groups": {"CI": SPEC["groups"]["ci"], "shared": SPEC["groups"]["shared"]}}
    fake.reset_log()
    with pytest.raises(HarnessError) as failure:
        rig_bridge.up(stack, program(lambda: OrgRunnerGroups("acme", spec=parse_spec(renamed))))
    assert "renamed_from" in failure.value.message
    assert [r.method for r in fake.requests if r.method == "DELETE"] == []


def test_a_hosted_runner_key_renamed_with_renamed_from_is_patched_in_place(stacks: Stacks, fake: FakeGitHub) -> None:
    def spec(runner: str, **extra: Any) -> dict[str, Any]:
        hosted = {runner: {"image_id": "ubuntu-24.04", "size": "4-core", **extra}}
        return {"org": "acme", "groups": {"big": {"hosted_runners": hosted}}}

    stack = stacks()
    rig_bridge.up(stack, program(lambda: OrgRunnerGroups("acme", spec=parse_spec(spec("linux-big")))))
    runner_id = stack.get("acme-hosted-linux-big").id
    fake.reset_log()
    renamed = spec("linux-large", renamed_from="linux-big")
    result = rig_bridge.up(stack, program(lambda: OrgRunnerGroups("acme", spec=parse_spec(renamed))))
    assert names(result) == {"acme-big": "same", "acme-hosted-linux-large": "update"}
    assert [m for m, _ in writes(fake)] == ["PATCH"]
    assert stack.get("acme-hosted-linux-large").id == runner_id
    assert [r["name"] for r in fake.hosted_runners("acme") if str(r["id"]) == runner_id] == ["linux-large"]
