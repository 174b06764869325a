"""EnterpriseHostedRunner through the engine protocol against the emulator's `ghec` flavour: an enterprise's own
GitHub-hosted runner in an EnterpriseRunnerGroup, sharing HostedRunner's checks, updates and adoption."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from enterprise_stack import ENTERPRISE, group
from github_runner_groups.resources.enterprise_hosted_runner import (
    EnterpriseHostedRunnerArgs,
    EnterpriseHostedRunnerProvider,
)
from github_runner_groups.testing import SEEDED_ENTERPRISE, FakeGitHub
from harness import Engine, HarnessError, Ref, Res

MakeEngine = Callable[..., Engine]
HOSTED = f"/enterprises/{SEEDED_ENTERPRISE}/actions/hosted-runners"
WRITES = ("POST", "PATCH", "PUT", "DELETE")


@pytest.fixture
def fake() -> FakeGitHub:
    return FakeGitHub.seeded("demo", flavour="ghec")


def runner(group_id: Any, resource: str = "ent-linux", **args: Any) -> Res:
    given = {"name": "ent-linux-4core", "image_id": "ubuntu-24.04", "size": "4-core", **args}
    return Res(
        resource, EnterpriseHostedRunnerProvider(), EnterpriseHostedRunnerArgs(runner_group_id=group_id, **given)
    )


def live(fake: FakeGitHub) -> list[dict[str, Any]]:
    with fake.lock:
        return [dict(h) for h in fake.find_enterprise(SEEDED_ENTERPRISE).hosted_runners.values()]


def writes(fake: FakeGitHub) -> list[tuple[str, str, Any]]:
    return [(r.method, r.path, r.json) for r in fake.requests if r.method in WRITES]


def test_a_runner_in_an_enterprise_group_lives_its_life(engine: MakeEngine, fake: FakeGitHub) -> None:
    shared = group("shared")
    stack = engine(ENTERPRISE)
    assert stack.up([shared, runner(Ref(shared))]).summary == {"create": 2}
    (made,) = live(fake)
    group_id = int(stack.get("shared").id)
    assert (made["name"], made["runner_group_id"], made["maximum_runners"]) == ("ent-linux-4core", group_id, 10)
    assert fake.count("GET", HOSTED + "/machine-sizes") == 1
    fake.reset_log()
    assert stack.up([shared, runner(Ref(shared), size="8-core")]).summary == {"same": 1, "update": 1}
    assert writes(fake) == [("PATCH", f"{HOSTED}/{made['id']}", {"size": "8-core"})]
    with fake.lock:  # a change in the web UI
        fake.find_enterprise(SEEDED_ENTERPRISE).hosted_runners[made["id"]]["maximum_runners"] = 40
    stack.refresh()
    assert stack.get("ent-linux").outputs["maximum_runners"] == 40
    assert stack.destroy().summary == {"delete": 2}
    assert live(fake) == []


def test_an_org_group_id_is_refused_before_any_write(engine: MakeEngine, fake: FakeGitHub) -> None:
    org_group = next(g["id"] for g in fake.groups("acme") if g["name"] == "build-linux")
    with pytest.raises(HarnessError) as refused:
        engine(ENTERPRISE).up([runner(org_group)])
    assert f"runner_group_id={org_group} is not a runner group of enterprise '{SEEDED_ENTERPRISE}'" in (
        refused.value.message
    )
    assert "EnterpriseRunnerGroup" in refused.value.message and writes(fake) == []


def test_a_size_the_enterprise_does_not_offer_is_refused_naming_its_sizes(engine: MakeEngine, fake: FakeGitHub) -> None:
    with pytest.raises(HarnessError) as refused:
        engine(ENTERPRISE).up([runner(1, size="3-core")])
    assert f"a machine size enterprise '{SEEDED_ENTERPRISE}' offers" in refused.value.message
    assert writes(fake) == []


def test_adopt_takes_over_the_enterprises_runner_by_name(engine: MakeEngine, fake: FakeGitHub) -> None:
    stack = engine(ENTERPRISE)
    stack.up([runner(1, resource="first")])
    (theirs,) = live(fake)
    other = engine(ENTERPRISE)
    adopted = Res(
        "mine",
        EnterpriseHostedRunnerProvider(),
        {
            "name": "ent-linux-4core",
            "runner_group_id": 1,
            "image_id": "ubuntu-24.04",
            "size": "4-core",
            "adopt": True,
            "maximum_runners": 3,
        },
    )
    fake.reset_log()
    assert other.up([adopted]).summary == {"create": 1}
    assert writes(fake) == [("PATCH", f"{HOSTED}/{theirs['id']}", {"maximum_runners": 3})]
    assert int(other.get("mine").id) == theirs["id"]


def test_check_names_the_enterprise_input(engine: MakeEngine, fake: FakeGitHub) -> None:
    with pytest.raises(HarnessError) as failed:
        engine({"github-runner-groups:enterprise": None}).preview([runner(1)])
    assert failed.value.step == "check" and "no enterprise given" in failed.value.message
    assert fake.count() == 0
