"""The example programs' whole life through the engine-protocol rig, each step in a fresh rig and process.

up (a preview, then the update), a no-op up, refresh, an out-of-band edit found by refresh and undone by the
next up, destroy: each step reads the checkpoint file the step before wrote, and no step's file holds the token.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import rig_bridge
from github_runner_groups.testing import DEMO_TOKEN, FakeGitHub
from github_runner_groups.testing.mocks import program_file
from rig import UNKNOWN, Engine, RunResult
from rig_bridge import OtherResource
from stacks import Stacks
from stand_ins import stand_in_pulumi_github

ROOT = Path(__file__).parents[2]
WRITES = ("POST", "PATCH", "PUT", "DELETE")
# Example directory -> a group it declares with visibility "selected", edited out of band below.
EXAMPLES = {
    "quickstart": (ROOT, "ci-linux"),
    "python-resources": (ROOT / "examples" / "python-resources", "build"),
    "with-pulumi-github": (ROOT / "examples" / "with-pulumi-github", "services"),
    "hosted-runners": (ROOT / "examples" / "hosted-runners", "large-runners"),
}


def writes(fake: FakeGitHub) -> int:
    return sum(fake.count(method) for method in WRITES)


def outputs_without_etags(stack: Engine) -> dict[str, dict[str, object]]:
    return {urn: {k: v for k, v in r.outputs.items() if not k.endswith("etag")} for urn, r in stack.state.items()}


def repositories(fake: FakeGitHub) -> OtherResource:
    """pulumi_github's Repository, outside the rig's state: made on GitHub by the first update that declares it."""

    def repository(inputs: dict[str, Any], preview: bool) -> tuple[str, dict[str, Any]]:
        name = inputs["name"]
        found = next((r for r in fake.repositories("acme") if r["name"] == name), None)
        if found is None and preview:
            return UNKNOWN, {**inputs, "repo_id": UNKNOWN}
        made = found or fake.add_repo("acme", name, private=True)
        return name, {**inputs, "repo_id": made["id"]}

    return repository


@pytest.mark.parametrize("example", sorted(EXAMPLES))
def test_full_life_through_the_rig(
    example: str, stacks: Stacks, fake: FakeGitHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, drifting = EXAMPLES[example]
    program = program_file(folder)
    checkpoint = tmp_path / "stack.json"
    others = {"github:index/repository:Repository": repositories(fake)}
    if importlib.util.find_spec("pulumi_github") is None:
        monkeypatch.setitem(sys.modules, "pulumi_github", stand_in_pulumi_github())

    def step(run: Callable[[Engine], RunResult]) -> RunResult:
        result = run(stacks(checkpoint=checkpoint))
        assert DEMO_TOKEN not in checkpoint.read_text()
        return result

    created = step(lambda stack: rig_bridge.up(stack, program, others=others))
    assert set(created.summary) == {"create"}
    declared = {urn.rsplit("::", 1)[-1] for urn in created.ops}
    group = next(g for g in fake.groups("acme") if g["name"] == drifting)
    after_up = writes(fake)

    unchanged = step(lambda stack: rig_bridge.up(stack, program, others=others))
    assert unchanged.summary == {"same": len(declared)}
    assert writes(fake) == after_up

    before = outputs_without_etags(Engine({}, checkpoint=checkpoint))
    step(lambda stack: stack.refresh())  # records the ETags that PUT answers lack; nothing else changes
    assert outputs_without_etags(Engine({}, checkpoint=checkpoint)) == before
    assert writes(fake) == after_up
    refreshed = step(lambda stack: stack.refresh())
    assert refreshed.summary == {"same": len(declared)}

    fake.update_group("acme", group["id"], visibility="all")
    drifted = step(lambda stack: stack.refresh())
    assert drifted.summary == {"update": 1, "same": len(declared) - 1}
    restored = step(lambda stack: rig_bridge.up(stack, program, others=others))
    assert restored.summary == {"update": 1, "same": len(declared) - 1}
    assert next(g for g in fake.groups("acme") if g["id"] == group["id"])["visibility"] == "selected"

    destroyed = step(lambda stack: stack.destroy())
    assert destroyed.summary == {"delete": len(declared)}
    assert group["id"] not in {g["id"] for g in fake.groups("acme")}
    assert Engine({}, checkpoint=checkpoint).state == {}
