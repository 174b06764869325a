"""The fault matrix: each scenario ends in the declared state, or in a clear error and then the declared state on
the next run, never with a duplicate group or a lost repository/runner assignment. `pytest` prints the table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from github_runner_groups.resources.membership import RunnerGroupMembershipProvider
from github_runner_groups.resources.repository_access import RunnerGroupRepositoryAccessProvider
from github_runner_groups.resources.runner_group import RunnerGroupProvider
from github_runner_groups.testing import DEFAULT_GROUP_ID, DEMO_TOKEN, FakeGitHub, FaultRule
from harness import Engine, HarnessError, Ref, Res

MakeEngine = Callable[..., Engine]
SECONDARY = "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."


def program(visibility: str = "selected") -> list[Res]:
    group = Res("ci", RunnerGroupProvider(), {"name": "ci", "visibility": visibility})
    return [
        group,
        Res(
            "ci-repos",
            RunnerGroupRepositoryAccessProvider(),
            {"runner_group_id": Ref(group), "repositories": ["api", "web"]},
        ),
        Res("ci-runners", RunnerGroupMembershipProvider(), {"runner_group_id": Ref(group), "runners": ["linux-3"]}),
    ]


def names_to_ids(fake: FakeGitHub, items: list[dict[str, Any]], *names: str) -> set[int]:
    return {item["id"] for item in items if item["name"] in names}


def declared_state_problems(fake: FakeGitHub) -> list[str]:
    groups = [g for g in fake.groups("acme") if g["name"] == "ci"]
    if len(groups) != 1:
        return [f"{len(groups)} groups named 'ci'"]
    group_id = groups[0]["id"]
    problems = []
    if groups[0]["visibility"] != "selected":
        problems.append(f"visibility {groups[0]['visibility']}")
    if fake.group_repository_ids("acme", group_id) != names_to_ids(fake, fake.repositories("acme"), "api", "web"):
        problems.append("repository access lost or extra")
    if fake.group_runner_ids("acme", group_id) != names_to_ids(fake, fake.runners("acme"), "linux-3"):
        problems.append("runner membership lost or extra")
    return problems


@dataclass
class Scenario:
    name: str
    fault: str
    before: Callable[[FakeGitHub, Engine], None]
    arm: Callable[[FakeGitHub], None]
    expect_error: str | None = None  # a fragment of the clear error the first run ends with
    heal: Callable[[FakeGitHub], None] = lambda fake: fake.clear_faults()


def nothing(_fake: FakeGitHub, _stack: Engine) -> None:
    """The scenario starts from an empty stack."""


def deployed(_fake: FakeGitHub, stack: Engine) -> None:
    stack.up(program())


def deployed_then_changed(change: Callable[[FakeGitHub, int], None]) -> Callable[[FakeGitHub, Engine], None]:
    def before(fake: FakeGitHub, stack: Engine) -> None:
        stack.up(program())
        change(fake, int(stack.get("ci").id))
        stack.refresh()

    return before


def fault(**rule: Any) -> Callable[[FakeGitHub], None]:
    def add(fake: FakeGitHub) -> None:
        fake.add_fault(FaultRule(**rule))

    return add


def edit_out_of_band(fake: FakeGitHub, group_id: int) -> None:
    fake.update_group("acme", group_id, visibility="all")
    move_runner_home(fake, group_id)


def rate_limit(reset_in_seconds: float) -> Callable[[FakeGitHub], None]:
    return lambda fake: fake.set_rate_limit(DEMO_TOKEN, remaining=0, reset_in_seconds=reset_in_seconds)


def restore_rate_limit(fake: FakeGitHub) -> None:
    fake.set_rate_limit(DEMO_TOKEN, remaining=fake.rate_limit, reset_in_seconds=3600)


def move_runner_home(fake: FakeGitHub, _group_id: int) -> None:
    fake.move_runner("acme", names_to_ids(fake, fake.runners("acme"), "linux-3").pop(), DEFAULT_GROUP_ID)


SCENARIOS = [
    Scenario("5xx burst on create", "POST groups -> 502 once", nothing, fault(method="POST", status=502)),
    Scenario(
        "5xx burst on writes",
        "PUT repositories -> 503 x2",
        nothing,
        fault(method="PUT", path="/repositories$", status=503, times=2),
    ),
    Scenario(
        "dropped connection", "PUT runners dropped once", nothing, fault(method="PUT", path="/runners$", drop=True)
    ),
    Scenario(
        "timeout after create took effect",
        "POST applied, answer dropped",
        nothing,
        fault(method="POST", drop=True, after_handling=True),
    ),
    Scenario(
        "5xx after create took effect",
        "POST applied, then 500",
        nothing,
        fault(method="POST", status=500, after_handling=True),
    ),
    Scenario(
        "secondary limit 403",
        "403 + retry-after: 1",
        nothing,
        fault(status=403, headers={"retry-after": "1"}, message=SECONDARY),
    ),
    Scenario("secondary limit 429", "429 + retry-after: 1", nothing, fault(status=429, headers={"retry-after": "1"})),
    Scenario("primary limit, resets soon", "remaining 0, reset in 1 s", nothing, rate_limit(1)),
    Scenario(
        "primary limit, resets in 1 h",
        "remaining 0, reset in 3600 s",
        nothing,
        rate_limit(3600),
        expect_error="resets at",
        heal=restore_rate_limit,
    ),
    Scenario(
        "persistent 5xx",
        "every POST -> 502",
        nothing,
        fault(method="POST", status=502, times=None),
        expect_error="may have taken effect",
    ),
    Scenario(
        "group deleted out of band",
        "DELETE in the UI, refresh",
        deployed_then_changed(lambda fake, gid: fake.delete_group("acme", gid)),
        lambda _fake: None,
    ),
    Scenario(
        "group edited out of band",
        "visibility all, repos and runner moved, refresh",
        deployed_then_changed(edit_out_of_band),
        lambda _fake: None,
    ),
]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_fault_scenario(
    engine: MakeEngine, fake: FakeGitHub, scenario: Scenario, fault_table: list[tuple[str, str, str]]
) -> None:
    stack = engine()
    scenario.before(fake, stack)
    scenario.arm(fake)
    outcome = "declared state"
    if scenario.expect_error:
        with pytest.raises(HarnessError) as failed:
            stack.up(program())
        assert scenario.expect_error in failed.value.message
        assert not [g for g in fake.groups("acme") if g["name"] == "ci"][1:]  # never a duplicate
        scenario.heal(fake)
        stack.up(program())
        outcome = f"clear error ({scenario.expect_error!r}), next up: declared state"
    else:
        stack.up(program())
    assert declared_state_problems(fake) == []
    fault_table.append((scenario.name, scenario.fault, outcome))


def test_two_stacks_sharing_a_group(
    engine: MakeEngine, fake: FakeGitHub, fault_table: list[tuple[str, str, str]]
) -> None:
    shared = fake.add_group("acme", "shared", visibility="selected")["id"]

    def stack_program(name: str, repos: list[str]) -> list[Res]:
        inputs = {"runner_group_id": shared, "repositories": repos, "exclusive": False}
        return [Res(name, RunnerGroupRepositoryAccessProvider(), inputs)]

    first, second = engine(), engine()
    fake.add_fault(FaultRule(method="PUT", path="/repositories/", status=502))  # a 5xx in the middle
    first.up(stack_program("a", ["api"]))
    second.up(stack_program("b", ["web"]))
    first.refresh()
    assert first.up(stack_program("a", ["api"])).summary == {"same": 1}
    second.destroy()
    assert fake.group_repository_ids("acme", shared) == names_to_ids(fake, fake.repositories("acme"), "api")
    fault_table.append(("two stacks share a group", "additive entries, a 502 mid-way", "each keeps its own entries"))
