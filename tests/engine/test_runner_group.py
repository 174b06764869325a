"""RunnerGroup through the engine protocol: preview, up, refresh and destroy against the emulated GitHub.

Each run starts its own provider server, as `pulumi up` does, so nothing cached in one run helps the next.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from github_runner_groups.client import ClientSettings, GitHubClient
from github_runner_groups.component import runner_group_args
from github_runner_groups.export import export_org, to_yaml
from github_runner_groups.resources.runner_group import RunnerGroupArgs, RunnerGroupProvider
from github_runner_groups.spec import parse_spec
from github_runner_groups.testing import DEMO_TOKEN, EmulatorServer, FakeGitHub, FaultRule
from harness import UNKNOWN, Engine, HarnessError, Later, Res

MakeEngine = Callable[..., Engine]
WRITE_METHODS = ("POST", "PATCH", "PUT", "DELETE")


def group(name: Any = "ci", resource: str = "ci", **args: Any) -> Res:
    """The registration `RunnerGroup(resource, RunnerGroupArgs(name=name, **args))` makes."""
    return Res(resource, RunnerGroupProvider(), RunnerGroupArgs(name=name, **args))


def writes(fake: FakeGitHub) -> int:
    return sum(fake.count(method=method) for method in WRITE_METHODS)


def patches(fake: FakeGitHub) -> list[Any]:
    return [request.json for request in fake.requests if request.method == "PATCH"]


def named(fake: FakeGitHub, name: str, org: str = "acme") -> list[dict[str, Any]]:
    return [g for g in fake.groups(org) if g["name"] == name]


def live(fake: FakeGitHub, gid: int, org: str = "acme") -> dict[str, Any]:
    found = fake.group(org, gid)
    assert found is not None, f"group {gid} is gone"
    return found


def group_id(engine: Engine, resource: str = "ci") -> int:
    return int(engine.get(resource).id)


def test_preview_with_unknown_name_checks_without_calling_github(engine: MakeEngine, fake: FakeGitHub) -> None:
    stack = engine()
    result = stack.preview([group(Later("ci"))])
    assert result.summary == {"create": 1}
    planned = result.outputs[group().urn]
    assert planned["name"] == UNKNOWN
    assert planned["org"] == "acme"  # check filled the default from github:owner
    assert fake.count() == 0
    assert stack.state == {}


def test_preview_of_an_update_with_unknown_visibility_plans_an_update(engine: MakeEngine, fake: FakeGitHub) -> None:
    stack = engine()
    stack.up([group()])
    fake.reset_log()
    result = stack.preview([group(visibility=Later("private"))])
    assert result.op("ci") == "update"
    assert fake.count() == 0
    assert stack.get("ci").outputs["visibility"] == "all"


def test_up_creates_the_group(engine: MakeEngine, fake: FakeGitHub) -> None:
    stack = engine()
    result = stack.up([group(visibility="private")])
    assert result.summary == {"create": 1}
    assert fake.count(method="POST") == 1
    assert writes(fake) == 1
    state = stack.get("ci")
    live = named(fake, "ci")
    assert len(live) == 1
    assert state.id == str(live[0]["id"])
    assert state.outputs["group_id"] == live[0]["id"]
    assert state.outputs["visibility"] == live[0]["visibility"] == "private"
    assert state.outputs["default"] is False


def test_up_without_changes_makes_no_request(engine: MakeEngine, fake: FakeGitHub) -> None:
    stack = engine()
    stack.up([group()])
    fake.reset_log()
    result = stack.up([group()])
    assert result.summary == {"same": 1}
    assert fake.count() == 0


def test_visibility_change_patches_only_that_field(engine: MakeEngine, fake: FakeGitHub) -> None:
    stack = engine()
    stack.up([group()])
    fake.reset_log()
    result = stack.up([group(visibility="private")])
    assert result.summary == {"update": 1}
    assert writes(fake) == 1
    assert patches(fake) == [{"name": "ci", "visibility": "private"}]
    assert live(fake, group_id(stack))["visibility"] == "private"
    assert stack.get("ci").outputs["visibility"] == "private"


def test_rename_updates_in_place(engine: MakeEngine, fake: FakeGitHub) -> None:
    stack = engine()
    stack.up([group("ci")])
    before = group_id(stack)
    fake.reset_log()
    result = stack.up([group("ci-linux")])
    assert result.summary == {"update": 1}
    assert patches(fake) == [{"name": "ci-linux"}]
    assert group_id(stack) == before
    assert live(fake, before)["name"] == "ci-linux"


def test_org_change_replaces_creating_first(engine: MakeEngine, fake: FakeGitHub) -> None:
    fake.add_org("acme-labs")
    stack = engine()
    stack.up([group()])
    old_id = group_id(stack)
    fake.reset_log()
    result = stack.up([group(org="acme-labs")])
    assert result.summary == {"replace": 1}
    assert [r.method for r in fake.requests if r.method in WRITE_METHODS] == ["POST", "DELETE"]
    assert fake.group("acme", old_id) is None
    assert len(named(fake, "ci", org="acme-labs")) == 1
    assert stack.get("ci").outputs["org"] == "acme-labs"
    assert group_id(stack) == named(fake, "ci", org="acme-labs")[0]["id"]


def test_org_change_whose_create_fails_keeps_the_old_group(engine: MakeEngine, fake: FakeGitHub) -> None:
    fake.add_org("acme-labs")
    stack = engine()
    stack.up([group()])
    old = stack.get("ci")
    # The token lacks admin:org in the new org: every request there is refused.
    fake.add_fault(FaultRule(path="^/orgs/acme-labs/", status=403, message="Must have admin rights", times=None))
    fake.reset_log()
    with pytest.raises(HarnessError) as failure:
        stack.up([group(org="acme-labs")])
    assert failure.value.step == "create"
    assert "acme-labs" in failure.value.message and "403" in failure.value.message
    assert fake.count(method="DELETE") == 0
    assert fake.group("acme", int(old.id)) is not None
    assert named(fake, "ci", org="acme-labs") == []
    assert stack.get("ci") == old


def test_refresh_picks_up_drift_and_up_restores_it(engine: MakeEngine, fake: FakeGitHub) -> None:
    stack = engine()
    stack.up([group()])
    fake.update_group("acme", group_id(stack), visibility="private")
    result = stack.refresh()
    assert result.summary == {"update": 1}
    assert stack.get("ci").outputs["visibility"] == "private"
    assert stack.get("ci").inputs["visibility"] == "private"
    fake.reset_log()
    result = stack.up([group()])
    assert result.summary == {"update": 1}
    assert patches(fake) == [{"name": "ci", "visibility": "all"}]
    assert writes(fake) == 1
    assert live(fake, group_id(stack))["visibility"] == "all"


def test_refresh_without_drift_changes_nothing(engine: MakeEngine, fake: FakeGitHub) -> None:
    stack = engine()
    stack.up([group()])
    before = stack.get("ci")
    fake.reset_log()
    assert stack.refresh().summary == {"same": 1}
    assert writes(fake) == 0
    assert stack.get("ci") == before


def test_refresh_drops_a_group_deleted_out_of_band_and_up_recreates_it(engine: MakeEngine, fake: FakeGitHub) -> None:
    stack = engine()
    stack.up([group()])
    fake.delete_group("acme", group_id(stack))
    assert stack.refresh().summary == {"delete": 1}
    assert stack.state == {}
    fake.reset_log()
    assert stack.up([group()]).summary == {"create": 1}
    assert fake.count(method="POST") == 1
    assert [g["id"] for g in named(fake, "ci")] == [group_id(stack)]


def test_destroy_deletes_the_group(engine: MakeEngine, fake: FakeGitHub) -> None:
    stack = engine()
    stack.up([group()])
    gid = group_id(stack)
    fake.reset_log()
    assert stack.destroy().summary == {"delete": 1}
    assert fake.count(method="DELETE") == 1
    assert fake.group("acme", gid) is None
    assert stack.state == {}


def test_removing_a_group_from_the_program_deletes_it(engine: MakeEngine, fake: FakeGitHub) -> None:
    stack = engine()
    stack.up([group("ci"), group("gpu", resource="gpu")])
    gpu = group_id(stack, "gpu")
    result = stack.up([group("ci")])
    assert result.summary == {"same": 1, "delete": 1}
    assert fake.group("acme", gpu) is None
    assert list(stack.state) == [group().urn]


def test_adopt_takes_over_an_existing_group_without_creating(engine: MakeEngine, fake: FakeGitHub) -> None:
    existing = fake.add_group("acme", "legacy", visibility="all")
    fake.reset_log()
    stack = engine()
    result = stack.up([group("legacy", visibility="private", adopt=True)])
    assert result.summary == {"create": 1}
    assert fake.count(method="POST") == 0
    assert patches(fake) == [{"name": "legacy", "visibility": "private"}]
    assert group_id(stack) == existing["id"]
    assert len(named(fake, "legacy")) == 1


def test_name_clash_without_adopt_fails_pointing_at_adopt(engine: MakeEngine, fake: FakeGitHub) -> None:
    fake.add_group("acme", "taken")
    stack = engine()
    with pytest.raises(HarnessError) as failure:
        stack.up([group("taken")])
    assert failure.value.step == "create"
    assert "adopt=True" in failure.value.message
    assert "already exists" in failure.value.message
    assert stack.state == {}
    assert len(named(fake, "taken")) == 1


def test_destroying_the_default_group_is_refused(engine: MakeEngine, fake: FakeGitHub) -> None:
    default = next(g for g in fake.groups("acme") if g.get("default"))
    stack = engine()
    stack.up([group(default["name"], resource="default", adopt=True)])
    fake.reset_log()
    with pytest.raises(HarnessError) as failure:
        stack.destroy()
    assert failure.value.step == "delete"
    assert "Default group" in failure.value.message
    assert fake.count(method="DELETE") == 0
    assert fake.group("acme", default["id"]) is not None
    assert "default" in [r.name for r in stack.state.values()]


def test_create_whose_answer_is_lost_leaves_exactly_one_group(engine: MakeEngine, fake: FakeGitHub) -> None:
    fake.add_fault(FaultRule(method="POST", after_handling=True, drop=True))
    stack = engine()
    stack.up([group()])
    live = named(fake, "ci")
    assert len(live) == 1
    assert group_id(stack) == live[0]["id"]
    (post,) = [r for r in fake.requests if r.method == "POST"]
    assert post.status is None  # the answer really was lost...
    after = fake.requests[fake.requests.index(post) + 1 :]
    assert any(r.method == "GET" and r.path.endswith("/runner-groups") for r in after)  # ...so it looked first


def test_independent_groups_are_created_in_parallel_runs(engine: MakeEngine, fake: FakeGitHub) -> None:
    names = [f"pool-{n}" for n in range(6)]
    stack = engine(parallel=4)
    result = stack.up([group(n, resource=n) for n in names])
    assert result.summary == {"create": 6}
    assert fake.count(method="POST") == 6
    assert sorted(g["name"] for g in fake.groups("acme") if g["name"].startswith("pool-")) == names
    assert list(stack.state) == [group(n, resource=n).urn for n in names]


def test_each_run_starts_and_configures_its_own_provider_server(engine: MakeEngine) -> None:
    stack = engine()
    stack.preview([group()])
    stack.up([group()])
    stack.refresh()
    stack.destroy()
    assert [call["run"] for call in stack.calls("Configure")] == [
        "1:preview",
        "2:up:preview",
        "2:up",
        "3:refresh",
        "4:destroy",
    ]
    assert len(stack.startup_seconds) == 5


def test_lost_create_never_takes_a_group_that_existed_before(engine: MakeEngine, fake: FakeGitHub) -> None:
    theirs = fake.add_group("acme", "ci", visibility="private", allows_public_repositories=True)
    fake.add_fault(FaultRule(method="POST", status=502))
    stack = engine()
    with pytest.raises(HarnessError) as failure:
        stack.up([group("ci")])
    assert failure.value.step == "create"
    assert "already exists" in failure.value.message and "adopt=True" in failure.value.message
    assert f"id {theirs['id']}" in failure.value.message
    assert writes(fake) == 0  # refused before the POST: the listing showed the name taken
    assert fake.group("acme", theirs["id"]) == theirs
    assert stack.state == {}
    stack.destroy()
    assert fake.count(method="DELETE") == 0
    assert fake.group("acme", theirs["id"]) == theirs


def test_a_name_another_stack_created_fails_before_any_write(engine: MakeEngine, fake: FakeGitHub) -> None:
    first = engine()
    first.up([group("ci")])
    fake.reset_log()
    second = engine()
    with pytest.raises(HarnessError) as failure:
        second.up([group("CI", visibility="private")])
    assert "a runner group named 'ci' already exists" in failure.value.message
    assert writes(fake) == 0
    assert live(fake, group_id(first))["visibility"] == "all"


def test_adopt_writes_only_the_fields_the_program_sets(engine: MakeEngine, fake: FakeGitHub) -> None:
    existing = fake.add_group("acme", "legacy", allows_public_repositories=True, network_configuration_id="nc-1")
    stack = engine()
    stack.up([group("legacy", visibility="private", adopt=True)])
    assert patches(fake) == [{"name": "legacy", "visibility": "private"}]
    adopted = live(fake, existing["id"])
    assert (adopted["allows_public_repositories"], adopted["network_configuration_id"]) == (True, "nc-1")
    fake.reset_log()
    assert stack.up([group("legacy", visibility="private", adopt=True)]).summary == {"same": 1}
    assert fake.count() == 0


def test_exported_spec_first_up_writes_nothing_to_the_groups(
    engine: MakeEngine, fake: FakeGitHub, emulator: EmulatorServer
) -> None:
    network = fake.add_network_configuration("acme", "net", fake.add_network_settings("acme", "subnet")["id"])["id"]
    fake.add_group(
        "acme",
        "gpu",
        visibility="private",
        allows_public_repositories=True,
        restricted_to_workflows=True,
        selected_workflows=["acme/deploy/.github/workflows/release.yml@main"],
        network_configuration_id=network,
    )
    import yaml

    client = GitHubClient(ClientSettings(base_url=emulator.url, token=DEMO_TOKEN))
    spec = parse_spec(yaml.safe_load(to_yaml(export_org(client, "acme"))))
    assert {g.name: g.network_configuration_id for g in spec.groups}["gpu"] == network
    before = {g["id"]: g for g in fake.groups("acme")}
    fake.reset_log()
    stack = engine()
    registrations = [Res(g.name, RunnerGroupProvider(), runner_group_args(spec.org, g)) for g in spec.groups]
    assert stack.up(registrations).summary == {"create": len(spec.groups)}
    assert writes(fake) == 0
    assert {g["id"]: g for g in fake.groups("acme")} == before


def test_one_listing_of_the_groups_per_run_and_none_in_preview(engine: MakeEngine, fake: FakeGitHub) -> None:
    stack = engine(parallel=4)
    programs = [group(n, resource=n) for n in ("a", "b", "c", "d")]
    stack.preview(programs)
    assert fake.count() == 0
    stack.up(programs)
    assert fake.count(method="GET", path=r"/actions/runner-groups$") == 1
    assert fake.count(method="POST") == 4


@pytest.mark.parametrize("adopt", [False, True], ids=["create", "adopt"])
def test_two_resources_of_one_program_never_own_one_group(engine: MakeEngine, fake: FakeGitHub, adopt: bool) -> None:
    name = "build-linux" if adopt else "ci"
    before = {g["id"]: g for g in fake.groups("acme")}
    stack = engine(parallel=4)
    with pytest.raises(HarnessError) as failure:
        other = name if adopt else name.upper()  # adopting under another case would rename the group first
        stack.up([group(name, resource="one", adopt=adopt), group(other, resource="two", adopt=adopt)])
    assert failure.value.step == "create"
    assert "another resource of this program creates or adopts" in failure.value.message
    assert len(stack.state) == 1
    assert fake.count(method="POST") == (0 if adopt else 1)
    assert fake.count(method="PATCH") == 0
    if adopt:
        assert {g["id"]: g for g in fake.groups("acme")} == before
