"""State goes through a checkpoint file between runs, as the engine keeps it, and never holds the token."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from github_runner_groups.resources.membership import RunnerGroupMembershipProvider
from github_runner_groups.resources.repository_access import RunnerGroupRepositoryAccessProvider
from github_runner_groups.resources.runner_group import RunnerGroupArgs, RunnerGroupProvider
from github_runner_groups.testing import DEMO_TOKEN, FakeGitHub, FaultRule
from harness import PROVIDER_KEY, SECRET_SIG, SIG_KEY, Engine, HarnessError, Ref, Res, RunResult
from rig import PROVIDER_TYPE, PROVIDER_URN

MakeEngine = Callable[..., Engine]
WRITES = ("POST", "PATCH", "PUT", "DELETE")


def program() -> list[Res]:
    build = Res("build", RunnerGroupProvider(), RunnerGroupArgs(name="build", visibility="selected"))
    return [
        build,
        Res(
            "build-repos",
            RunnerGroupRepositoryAccessProvider(),
            {"runner_group_id": Ref(build), "repositories": ["api"]},
        ),
        Res("build-runners", RunnerGroupMembershipProvider(), {"runner_group_id": Ref(build), "runners": ["linux-3"]}),
    ]


class Stack:
    """Each step runs in a fresh rig that knows the stack only from the checkpoint file, as the next CLI run does."""

    def __init__(self, engine: MakeEngine, path: Path) -> None:
        self.engine, self.path = engine, path

    def step(self, run: Callable[[Engine], RunResult]) -> tuple[RunResult, dict[str, Any]]:
        result = run(self.engine(checkpoint=self.path))
        text = self.path.read_text()
        assert DEMO_TOKEN not in text
        return result, json.loads(text)["deployment"]


def writes(fake: FakeGitHub) -> int:
    return sum(fake.count(method) for method in WRITES)


def test_each_step_reads_the_checkpoint_the_last_one_wrote(
    engine: MakeEngine, fake: FakeGitHub, tmp_path: Path
) -> None:
    stack = Stack(engine, tmp_path / "stack.json")
    result, deployment = stack.step(lambda rig: rig.up(program()))
    assert result.summary == {"create": 3}
    provider, *resources = deployment["resources"]
    assert (provider["urn"], provider["type"]) == (PROVIDER_URN, PROVIDER_TYPE)
    assert provider["inputs"]["github:token"][SIG_KEY] == SECRET_SIG  # marked, and written as "[secret]"
    assert [r["urn"].rsplit("::", 1)[-1] for r in resources] == ["build", "build-repos", "build-runners"]
    for resource in resources:
        assert resource["provider"] == f"{PROVIDER_URN}::{provider['id']}"
        assert resource["inputs"][PROVIDER_KEY][SIG_KEY] == SECRET_SIG
        assert resource["outputs"][PROVIDER_KEY][SIG_KEY] == SECRET_SIG
    assert resources[1]["dependencies"] == [resources[0]["urn"]]
    created = writes(fake)

    result, again = stack.step(lambda rig: rig.up(program()))
    assert result.summary == {"same": 3}
    assert writes(fake) == created
    assert again["resources"][0]["id"] == provider["id"]  # the same default provider, compared with DiffConfig

    build_id = int(resources[0]["id"])
    fake.update_group("acme", build_id, visibility="all")
    result, _ = stack.step(lambda rig: rig.refresh())
    assert result.op("build") == "update"
    result, _ = stack.step(lambda rig: rig.up(program()))
    assert result.summary == {"update": 1, "same": 2}
    assert next(g for g in fake.groups("acme") if g["id"] == build_id)["visibility"] == "selected"

    result, emptied = stack.step(lambda rig: rig.destroy())
    assert result.summary == {"delete": 3}
    assert [r["type"] for r in emptied["resources"]] == [PROVIDER_TYPE]
    assert build_id not in {g["id"] for g in fake.groups("acme")}


def test_a_failed_step_leaves_a_checkpoint_of_what_it_did(engine: MakeEngine, fake: FakeGitHub, tmp_path: Path) -> None:
    path = tmp_path / "stack.json"
    fake.add_fault(FaultRule(method="PUT", status=422, message="Validation Failed", times=10))
    with pytest.raises(HarnessError, match="422"):
        engine(checkpoint=path).up(program())
    reloaded = engine(checkpoint=path)
    assert [state.name for state in reloaded.state.values()] == ["build"]
    assert reloaded.get("build").id == str(next(g["id"] for g in fake.groups("acme") if g["name"] == "build"))
