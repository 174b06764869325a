"""HostedRunner through the engine protocol: preview, up, update in place, refresh and destroy against the
emulated GitHub, each run in its own provider process as `pulumi up` does."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from github_runner_groups.resources.hosted_runner import HostedRunnerArgs, HostedRunnerProvider
from github_runner_groups.resources.runner_group import RunnerGroupArgs, RunnerGroupProvider
from github_runner_groups.testing import DEMO_TOKEN, FakeGitHub, FaultRule
from github_runner_groups.testing.wire import FakeResponse
from harness import UNKNOWN, Engine, HarnessError, Later, Ref, Res

MakeEngine = Callable[..., Engine]
WRITE_METHODS = ("POST", "PATCH", "PUT", "DELETE")
HOSTED = "/orgs/acme/actions/hosted-runners"


def runner(group_id: Any, resource: str = "linux", **args: Any) -> Res:
    """The registration `HostedRunner(resource, HostedRunnerArgs(...))` makes; a 4-core Ubuntu 24.04 by default."""
    given = {"name": "linux-x64-4core", "image_id": "ubuntu-24.04", "size": "4-core", **args}
    return Res(resource, HostedRunnerProvider(), HostedRunnerArgs(runner_group_id=group_id, **given))


def group_named(fake: FakeGitHub, name: str) -> int:
    return int(next(g["id"] for g in fake.groups("acme") if g["name"] == name))


def writes(fake: FakeGitHub) -> list[tuple[str, str, Any]]:
    return [(r.method, r.path, r.json) for r in fake.requests if r.method in WRITE_METHODS]


def hosted(fake: FakeGitHub) -> list[dict[str, Any]]:
    return fake.hosted_runners("acme")


def call(fake: FakeGitHub, method: str, path: str, body: Any = None) -> Any:
    """One request as a person's browser would make it (not logged as the program's)."""
    answer = fake.handle(
        method, path, "", {"Authorization": f"Bearer {DEMO_TOKEN}"}, json.dumps(body).encode() if body else None
    )
    assert isinstance(answer, FakeResponse) and answer.status < 300, answer
    return json.loads(answer.body)


def in_group(fake: FakeGitHub, group_id: int) -> list[str]:
    """Names in the group's own hosted-runners listing, as GitHub serves it."""
    return [
        r["name"] for r in call(fake, "GET", f"/orgs/acme/actions/runner-groups/{group_id}/hosted-runners")["runners"]
    ]


def test_preview_with_an_unknown_group_checks_without_calling_github(engine: MakeEngine, fake: FakeGitHub) -> None:
    result = engine().preview([runner(Later(1))])
    assert result.summary == {"create": 1}
    planned = result.outputs[runner(1).urn]
    assert planned["runner_group_id"] == UNKNOWN
    assert (planned["org"], planned["image_source"], planned["maximum_runners"]) == ("acme", "github", 10)
    assert fake.count() == 0


def test_up_creates_the_runner_in_its_group_with_one_post(engine: MakeEngine, fake: FakeGitHub) -> None:
    build = group_named(fake, "build-linux")
    result = engine().up([runner(build, maximum_runners=4)])
    assert result.summary == {"create": 1}
    assert writes(fake) == [
        (
            "POST",
            HOSTED,
            {
                "name": "linux-x64-4core",
                "runner_group_id": build,
                "size": "4-core",
                "maximum_runners": 4,
                "enable_static_ip": False,
                "image_gen": False,
                "image": {"id": "ubuntu-24.04", "source": "github"},
            },
        )
    ]
    outputs = result.outputs[runner(build).urn]
    assert outputs["platform"] == "linux-x64"
    assert outputs["machine_size_details"]["cpu_cores"] == 4
    assert outputs["hosted_runner_id"] == hosted(fake)[0]["id"]
    assert in_group(fake, build) == ["linux-x64-4core"]


def test_catalog_is_read_once_per_run_for_many_runners(engine: MakeEngine, fake: FakeGitHub) -> None:
    build = group_named(fake, "build-linux")
    engine().up([runner(build, resource=f"r{i}", name=f"r-{i}") for i in range(3)])
    assert fake.count("GET", path=HOSTED + "/machine-sizes") == 1
    assert fake.count("GET", path=HOSTED + "/limits") == 1
    assert len(hosted(fake)) == 3


def test_up_without_changes_makes_no_request(engine: MakeEngine, fake: FakeGitHub) -> None:
    build = group_named(fake, "build-linux")
    stack = engine()
    stack.up([runner(build)])
    fake.reset_log()
    assert stack.up([runner(build)]).summary == {"same": 1}
    assert fake.count() == 0


def test_moving_to_another_group_is_one_patch(engine: MakeEngine, fake: FakeGitHub) -> None:
    build, release = group_named(fake, "build-linux"), group_named(fake, "release")
    stack = engine()
    stack.up([runner(build)])
    runner_id = int(stack.get("linux").id)
    fake.reset_log()
    assert stack.up([runner(release)]).summary == {"update": 1}
    assert writes(fake) == [("PATCH", f"{HOSTED}/{runner_id}", {"runner_group_id": release})]
    assert (in_group(fake, build), in_group(fake, release)) == ([], ["linux-x64-4core"])
    assert int(stack.get("linux").id) == runner_id


def test_size_image_and_concurrency_change_in_place(engine: MakeEngine, fake: FakeGitHub) -> None:
    build = group_named(fake, "build-linux")
    stack = engine()
    stack.up([runner(build)])
    fake.reset_log()
    changed = runner(build, size="8-core", image_id="ubuntu-24.04-arm", maximum_runners=20, image_version="latest")
    assert stack.up([changed]).summary == {"update": 1}
    [(method, _, body)] = writes(fake)
    assert method == "PATCH"
    assert body == {"size": "8-core", "image_id": "ubuntu-24.04-arm", "image_version": "latest", "maximum_runners": 20}
    live = hosted(fake)[0]
    assert (live["platform"], live["machine_size_details"]["id"], live["maximum_runners"]) == (
        "linux-arm64",
        "8-core",
        20,
    )


def test_an_image_version_github_chose_is_no_drift_while_the_program_sets_none(
    engine: MakeEngine, fake: FakeGitHub
) -> None:
    build = group_named(fake, "build-linux")
    stack = engine()
    stack.up([runner(build)])
    with fake.lock:
        fake.find_org("acme").hosted_runners[int(stack.get("linux").id)]["image_details"]["version"] = "20250101.1"
    stack.refresh()
    fake.reset_log()
    assert stack.up([runner(build)]).summary == {"same": 1}
    assert fake.count() == 0
    assert stack.up([runner(build, image_version="latest")]).summary == {"update": 1}
    assert writes(fake) == [("PATCH", f"{HOSTED}/{stack.get('linux').id}", {"image_version": "latest"})]


def test_org_change_replaces_creating_first(engine: MakeEngine, fake: FakeGitHub) -> None:
    fake.add_org("acme-labs")
    labs_group = fake.add_group("acme-labs", "gpu")["id"]
    stack = engine()
    stack.up([runner(group_named(fake, "build-linux"))])
    fake.reset_log()
    assert stack.up([runner(labs_group, org="acme-labs")]).summary == {"replace": 1}
    assert [method for method, _, _ in writes(fake)] == ["POST", "DELETE"]
    assert (hosted(fake), len(fake.hosted_runners("acme-labs"))) == ([], 1)


def test_refresh_picks_up_drift_and_up_restores_it(engine: MakeEngine, fake: FakeGitHub) -> None:
    build = group_named(fake, "build-linux")
    stack = engine()
    stack.up([runner(build)])
    runner_id = int(stack.get("linux").id)
    call(fake, "PATCH", f"{HOSTED}/{runner_id}", {"maximum_runners": 50})  # a change in the web UI
    assert stack.refresh().summary == {"update": 1}
    assert stack.get("linux").outputs["maximum_runners"] == 50
    fake.reset_log()
    assert stack.up([runner(build)]).summary == {"update": 1}
    assert writes(fake) == [("PATCH", f"{HOSTED}/{runner_id}", {"maximum_runners": 10})]


def test_refresh_drops_a_runner_deleted_out_of_band_and_up_recreates_it(engine: MakeEngine, fake: FakeGitHub) -> None:
    build = group_named(fake, "build-linux")
    stack = engine()
    stack.up([runner(build)])
    fake.remove_hosted_runner("acme", int(stack.get("linux").id))
    assert stack.refresh().summary == {"delete": 1}
    assert stack.up([runner(build)]).summary == {"create": 1}
    assert len(hosted(fake)) == 1


def test_destroy_deletes_the_runner(engine: MakeEngine, fake: FakeGitHub) -> None:
    build = group_named(fake, "build-linux")
    stack = engine()
    stack.up([runner(build)])
    runner_id = int(stack.get("linux").id)
    fake.reset_log()
    assert stack.destroy().summary == {"delete": 1}
    assert [(r.method, r.status) for r in fake.requests if r.method == "DELETE"] == [("DELETE", 202)]
    assert hosted(fake) == [] and stack.state == {}
    assert writes(fake) == [("DELETE", f"{HOSTED}/{runner_id}", None)]


def test_runner_in_a_group_of_the_same_program(engine: MakeEngine, fake: FakeGitHub) -> None:
    group = Res("gpu", RunnerGroupProvider(), RunnerGroupArgs(name="gpu", visibility="private"))
    stack = engine()
    result = stack.up([group, runner(Ref(group), name="gpu-runner")])
    assert result.summary == {"create": 2}
    assert in_group(fake, group_named(fake, "gpu")) == ["gpu-runner"]
    assert stack.destroy().summary == {"delete": 2}
    assert hosted(fake) == [] and all(g["name"] != "gpu" for g in fake.groups("acme"))


def test_static_ip_within_the_limit_shows_its_range(engine: MakeEngine, fake: FakeGitHub) -> None:
    stack = engine()
    result = stack.up([runner(group_named(fake, "build-linux"), enable_static_ip=True)])
    outputs = result.outputs[runner(1).urn]
    assert outputs["enable_static_ip"] is True and len(outputs["public_ips"]) == 1


def test_a_failed_patch_leaves_the_state_as_it_was(engine: MakeEngine, fake: FakeGitHub) -> None:
    build = group_named(fake, "build-linux")
    stack = engine()
    stack.up([runner(build)])
    fake.add_fault(FaultRule(method="PATCH", status=422, message="Validation Failed"))
    with pytest.raises(HarnessError) as failed:
        stack.up([runner(build, maximum_runners=3)])
    assert "updating GitHub-hosted runner" in failed.value.message and "422" in failed.value.message
    assert stack.get("linux").outputs["maximum_runners"] == 10
    assert hosted(fake)[0]["maximum_runners"] == 10


def test_adopt_takes_over_a_runner_writing_only_what_differs(engine: MakeEngine, fake: FakeGitHub) -> None:
    build = group_named(fake, "build-linux")
    theirs = fake.add_hosted_runner("acme", build, "linux-x64-4core", image="ubuntu-24.04", maximum_runners=30)
    stack = engine()
    adopted = Res(
        "linux",
        HostedRunnerProvider(),
        {
            "name": "linux-x64-4core",
            "runner_group_id": build,
            "image_id": "ubuntu-24.04",
            "size": "8-core",
            "adopt": True,
        },
    )
    assert stack.up([adopted]).summary == {"create": 1}
    assert writes(fake) == [("PATCH", f"{HOSTED}/{theirs['id']}", {"size": "8-core"})]
    assert int(stack.get("linux").id) == theirs["id"]
    assert stack.get("linux").outputs["maximum_runners"] == 30  # unset: left as GitHub has it
    fake.reset_log()
    assert stack.up([adopted]).summary == {"same": 1}
    assert fake.count() == 0


@dataclass(frozen=True)
class Fault:
    name: str
    fault: str  # what goes wrong, for the table
    arm: Callable[[FakeGitHub, Engine], None]
    error: str | None  # what the failed `up` must say; None: the up succeeds despite the fault


def _deleted_under_us(fake: FakeGitHub, stack: Engine) -> None:
    fake.remove_hosted_runner("acme", int(stack.get("linux").id))


FAULTS = [
    Fault(
        "POST answered 502",
        "502, nothing made: looked, then posted again",
        lambda f, _: _arm(f, "POST", HOSTED, status=502),
        None,
    ),
    Fault(
        "POST answer lost",
        "made, then the connection dropped",
        lambda f, _: _arm(f, "POST", HOSTED, drop=True, after_handling=True),
        None,
    ),
    Fault(
        "catalog read 502 once",
        "GET machine-sizes 502",
        lambda f, _: _arm(f, "GET", "/machine-sizes", status=502),
        None,
    ),
    Fault(
        "limits read 404", "GET limits 404", lambda f, _: _arm(f, "GET", "/limits$", status=404), "hosted-runner limits"
    ),
    Fault(
        "POST rate limited",
        "403 secondary limit, retry-after 1",
        lambda f, _: _arm(
            f,
            "POST",
            HOSTED,
            status=403,
            message="You have exceeded a secondary rate limit",
            headers={"retry-after": "1"},
        ),
        None,
    ),
    Fault("runner deleted under an update", "PATCH target gone", _deleted_under_us, "pulumi refresh"),
]


def _arm(fake: FakeGitHub, method: str, path: str, **rule: Any) -> None:
    fake.add_fault(FaultRule(method=method, path=path, **rule))


@pytest.mark.parametrize("scenario", FAULTS, ids=[s.name for s in FAULTS])
def test_hosted_fault_scenario(
    engine: MakeEngine, fake: FakeGitHub, scenario: Fault, fault_table: list[tuple[str, str, str]]
) -> None:
    """Every fault ends, at the latest after `pulumi refresh` and the next `up`, in exactly the declared runner."""
    build = group_named(fake, "build-linux")
    stack = engine()
    if scenario.name.startswith("runner deleted"):
        stack.up([runner(build)])
    scenario.arm(fake, stack)
    wanted = runner(build, maximum_runners=7)
    outcome = "declared state"
    if scenario.error is not None:
        with pytest.raises(HarnessError) as failed:
            stack.up([wanted])
        assert scenario.error in failed.value.message
        fake.clear_faults()
        stack.refresh()
        stack.up([wanted])
        outcome = "clear error; declared state after refresh and up"
    else:
        stack.up([wanted])
    (made,) = hosted(fake)  # never a duplicate
    assert (made["name"], made["runner_group_id"], made["maximum_runners"]) == ("linux-x64-4core", build, 7)
    assert int(stack.get("linux").id) == made["id"]
    fault_table.append((f"hosted: {scenario.name}", scenario.fault, outcome))
