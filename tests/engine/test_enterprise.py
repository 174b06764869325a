"""Enterprise runner groups through the engine protocol: the group, which organizations may use it and its
runners, against the emulator's `ghec` flavour (enterprise `acme-corp` with the orgs `acme` and `acme-labs`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from enterprise_seed import two_org_enterprise
from enterprise_stack import ENTERPRISE, GROUPS_PATH, group, runner_ids, runners_in, writes
from github_runner_groups import api
from github_runner_groups.client import ClientSettings, GitHubClient
from github_runner_groups.resources.enterprise_membership import EnterpriseRunnerGroupMembershipProvider
from github_runner_groups.resources.enterprise_organization_access import (
    EnterpriseRunnerGroupOrganizationAccessProvider,
)
from github_runner_groups.resources.runner_group import RunnerGroupProvider
from github_runner_groups.testing import (
    DEFAULT_GROUP_ID,
    DEMO_TOKEN,
    SEEDED_ENTERPRISE,
    EmulatorServer,
    FakeGitHub,
    FaultRule,
    serve,
)
from harness import Engine, HarnessError, Ref, Res
from stacks import Stacks

MakeEngine = Callable[..., Engine]


@pytest.fixture
def fake() -> FakeGitHub:
    return two_org_enterprise()


def org_access(target: Res, organizations: Any, name: str = "orgs", **extra: Any) -> Res:
    inputs = {"runner_group_id": Ref(target), "organizations": organizations, **extra}
    return Res(name, EnterpriseRunnerGroupOrganizationAccessProvider(), inputs)


def members(target: Res, runners: Any, name: str = "runners", **extra: Any) -> Res:
    inputs = {"runner_group_id": Ref(target), "runners": runners, **extra}
    return Res(name, EnterpriseRunnerGroupMembershipProvider(), inputs)


def live_group(fake: FakeGitHub, name: str) -> dict[str, Any]:
    found = [g for g in fake.enterprise_groups(SEEDED_ENTERPRISE) if g["name"] == name]
    assert len(found) == 1, f"{len(found)} enterprise groups named {name!r}"
    return found[0]


def org_id(fake: FakeGitHub, login: str) -> int:
    return int(fake.find_org(login).id)


def test_preview_of_a_whole_enterprise_stack_needs_no_api(engine: MakeEngine, fake: FakeGitHub) -> None:
    shared = group(visibility="selected")
    result = engine(ENTERPRISE).preview([shared, org_access(shared, ["acme", "acme-labs"]), members(shared, ["x"])])
    assert result.summary == {"create": 3}
    assert result.outputs[shared.urn]["enterprise"] == SEEDED_ENTERPRISE  # filled from github-runner-groups:enterprise
    assert fake.count() == 0


def org_view(emulator: EmulatorServer, login: str, name: str) -> api.RunnerGroup:
    """The group as the org's own listing shows it."""
    groups = api.list_runner_groups(GitHubClient(ClientSettings(base_url=emulator.url, token=DEMO_TOKEN)), login)
    return next(g for g in groups if g.name == name)


def test_group_shared_with_two_orgs_through_its_whole_life(
    engine: MakeEngine, fake: FakeGitHub, emulator: EmulatorServer
) -> None:
    stack = engine(ENTERPRISE)
    shared = group(visibility="selected")
    program = [shared, org_access(shared, ["acme", "acme-labs"]), members(shared, ["ent-linux-1"])]
    stack.up(program)
    made = live_group(fake, "shared")
    assert int(stack.get("shared").id) == made["id"]
    assert fake.enterprise_group_org_ids(SEEDED_ENTERPRISE, made["id"]) == {
        org_id(fake, "acme"),
        org_id(fake, "acme-labs"),
    }
    assert runners_in(fake, made["id"]) == runner_ids(fake, "ent-linux-1")
    assert fake.count("GET", r"^/orgs/acme$") == 1  # each login read once per run
    assert stack.get("orgs").outputs["organization_logins"] == ["acme", "acme-labs"]
    # Both orgs see the group, read-only.
    assert org_view(emulator, "acme", "shared").inherited and org_view(emulator, "acme-labs", "shared").inherited

    fake.reset_log()
    assert stack.up(program).summary == {"same": 3}
    assert fake.count() == 0

    fake.reset_log()
    renamed = group("shared-linux", visibility="selected", allows_public_repositories=True)
    stack.up([renamed, org_access(renamed, ["acme-labs"]), members(renamed, ["ent-linux-1", "ent-linux-2"])])
    assert int(stack.get("shared").id) == made["id"]  # updated in place
    assert [m for m, _ in writes(fake)] == ["PATCH", "PUT", "PUT"]
    assert live_group(fake, "shared-linux")["allows_public_repositories"] is True
    assert fake.enterprise_group_org_ids(SEEDED_ENTERPRISE, made["id"]) == {org_id(fake, "acme-labs")}

    stack.destroy()
    assert [g["name"] for g in fake.enterprise_groups(SEEDED_ENTERPRISE)] == ["Default"]
    assert runners_in(fake, DEFAULT_GROUP_ID) == runner_ids(fake, "ent-linux-1", "ent-linux-2")


def test_refresh_sees_drift_and_a_deleted_group(engine: MakeEngine, fake: FakeGitHub) -> None:
    stack = engine(ENTERPRISE)
    stack.up([group()])
    gid = int(stack.get("shared").id)
    fake.update_enterprise_group(SEEDED_ENTERPRISE, gid, allows_public_repositories=True)
    assert stack.refresh().summary == {"update": 1}
    assert stack.get("shared").outputs["allows_public_repositories"] is True
    fake.reset_log()
    stack.up([group()])
    assert [m for m, _ in writes(fake)] == ["PATCH"]
    assert live_group(fake, "shared")["allows_public_repositories"] is False
    fake.delete_enterprise_group(SEEDED_ENTERPRISE, gid)
    assert stack.refresh().summary == {"delete": 1}
    assert stack.state == {}


def test_adoption_by_name_writes_only_what_differs(engine: MakeEngine, fake: FakeGitHub) -> None:
    existing = fake.add_enterprise_group(SEEDED_ENTERPRISE, "legacy", visibility="selected")
    stack = engine(ENTERPRISE)
    with pytest.raises(HarnessError) as failure:
        stack.up([group("legacy")])
    assert "already exists" in failure.value.message and "adopt=True" in failure.value.message
    fake.reset_log()
    stack.up([group("legacy", adopt=True)])
    assert writes(fake) == []
    assert int(stack.get("shared").id) == existing["id"]
    stack.up([group("legacy", adopt=True, restricted_to_workflows=True)])
    assert live_group(fake, "legacy")["restricted_to_workflows"] is True
    assert live_group(fake, "legacy")["visibility"] == "selected"  # unset settings stay as they were


def test_the_enterprise_default_group_is_never_renamed_or_deleted(engine: MakeEngine, fake: FakeGitHub) -> None:
    stack = engine(ENTERPRISE)
    stack.up([group("Default", resource="default", adopt=True)])
    with pytest.raises(HarnessError) as renamed:
        stack.up([group("Everything", resource="default", adopt=True)])
    assert "Default" in renamed.value.message and "keep name='Default'" in renamed.value.message
    fake.reset_log()
    with pytest.raises(HarnessError) as deleted:
        stack.destroy()
    assert deleted.value.step == "delete" and "retain_on_delete" in deleted.value.message
    assert writes(fake) == []


def test_a_lost_create_claims_only_the_group_it_made(engine: MakeEngine, fake: FakeGitHub) -> None:
    fake.add_fault(FaultRule(method="POST", path=f"^{GROUPS_PATH}$", drop=True, after_handling=True))
    stack = engine(ENTERPRISE)
    stack.up([group()])
    assert int(stack.get("shared").id) == live_group(fake, "shared")["id"]
    assert fake.count("POST") == 1  # looked before retrying: no duplicate


def test_additive_org_access_leaves_other_orgs_alone(engine: MakeEngine, fake: FakeGitHub) -> None:
    existing = fake.add_enterprise_group(SEEDED_ENTERPRISE, "pool", visibility="selected")
    fake.share_enterprise_group(SEEDED_ENTERPRISE, existing["id"], ["acme"])
    stack = engine(ENTERPRISE)
    pool = group("pool", resource="pool", adopt=True)
    stack.up([pool, org_access(pool, [org_id(fake, "acme-labs")], exclusive=False)])
    both = {org_id(fake, "acme"), org_id(fake, "acme-labs")}
    assert fake.enterprise_group_org_ids(SEEDED_ENTERPRISE, existing["id"]) == both
    stack.up([pool])
    assert fake.enterprise_group_org_ids(SEEDED_ENTERPRISE, existing["id"]) == {org_id(fake, "acme")}


def test_an_inherited_group_points_at_the_enterprise_resource(engine: MakeEngine, fake: FakeGitHub) -> None:
    fake.add_enterprise_group(SEEDED_ENTERPRISE, "shared", visibility="all")
    stack = engine(ENTERPRISE)
    inherited = Res("org-view", RunnerGroupProvider(), {"name": "shared", "adopt": True, "visibility": "selected"})
    with pytest.raises(HarnessError) as failure:
        stack.up([inherited])
    assert "EnterpriseRunnerGroup" in failure.value.message and "admin:enterprise" in failure.value.message
    assert writes(fake) == []


def test_a_token_without_admin_enterprise_is_told_what_it_needs(engine: MakeEngine, fake: FakeGitHub) -> None:
    fake.add_fault(FaultRule(path="^/enterprises/", status=403, message="Must be an enterprise admin", times=None))
    with pytest.raises(HarnessError) as failure:
        engine(ENTERPRISE).up([group()])
    assert "admin:enterprise" in failure.value.message and "403" in failure.value.message
    assert writes(fake) == []


def test_a_5xx_part_way_through_additive_org_access_is_undone(engine: MakeEngine, fake: FakeGitHub) -> None:
    existing = fake.add_enterprise_group(SEEDED_ENTERPRISE, "pool", visibility="selected")
    labs = org_id(fake, "acme-labs")
    fake.add_fault(FaultRule(method="PUT", path=f"/organizations/{labs}$", status=502, times=None))
    stack = engine(ENTERPRISE)
    pool = group("pool", resource="pool", adopt=True)
    with pytest.raises(HarnessError) as failure:
        stack.up([pool, org_access(pool, ["acme", "acme-labs"], exclusive=False)])
    assert "502" in failure.value.message and "undone" in failure.value.message
    assert fake.enterprise_group_org_ids(SEEDED_ENTERPRISE, existing["id"]) == set()
    assert {r.name for r in stack.state.values()} == {"pool"}


def test_refresh_after_losing_enterprise_access_keeps_the_state(engine: MakeEngine, fake: FakeGitHub) -> None:
    stack = engine(ENTERPRISE)
    shared = group(visibility="selected")
    stack.up([shared, members(shared, ["ent-linux-1"])])
    before = dict(stack.state)
    fake.add_fault(FaultRule(path="^/enterprises/", status=404, times=None))  # how GitHub hides an enterprise
    with pytest.raises(HarnessError) as failure:
        stack.refresh()
    assert "admin:enterprise" in failure.value.message
    assert stack.state == before


def test_bad_inputs_fail_in_preview_without_a_request(engine: MakeEngine, fake: FakeGitHub) -> None:
    bad_group = group("ci", visibility="private", selected_workflows=["not-a-workflow"], adopt="yes")
    bad_access = Res(
        "orgs", EnterpriseRunnerGroupOrganizationAccessProvider(), {"runner_group_id": "x", "organizations": "acme"}
    )
    for resource, fragments in (
        (bad_group, ("visibility must be one of 'all', 'selected'", "selected_workflows[0]", "adopt must be true")),
        (bad_access, ("runner_group_id must be a runner group id", "organizations must be a list")),
    ):
        with pytest.raises(HarnessError) as failure:
            engine(ENTERPRISE).preview([resource])
        assert all(fragment in failure.value.message for fragment in fragments), failure.value.message
    assert fake.count() == 0


def test_on_enterprise_server_the_group_lives_under_api_v3_without_network_configuration() -> None:
    ghes = FakeGitHub.seeded(flavour="ghes-3.19")
    server = serve(ghes)
    stacks = Stacks(server.url)
    try:
        with pytest.raises(HarnessError) as failure:
            stacks(ENTERPRISE).preview([group(network_configuration_id="nc-1")])
        assert "GitHub Enterprise Server has no such setting" in failure.value.message
        stack = stacks(ENTERPRISE)
        shared = group(visibility="selected")
        stack.up([shared, org_access(shared, ["acme"])])
        made = next(g for g in ghes.enterprise_groups(SEEDED_ENTERPRISE) if g["name"] == "shared")
        assert ghes.enterprise_group_org_ids(SEEDED_ENTERPRISE, made["id"]) == {int(ghes.find_org("acme").id)}
    finally:
        stacks.close()
        server.close()


def test_each_login_is_read_once_per_run_whatever_the_number_of_resources(engine: MakeEngine, fake: FakeGitHub) -> None:
    stack = engine(ENTERPRISE)
    program: list[Res] = []
    for name in ("one", "two", "three"):
        made = group(name, resource=name, visibility="selected")
        program += [made, org_access(made, ["acme", "ACME-labs"], name=f"{name}-orgs")]
    stack.up(program)
    assert fake.count("GET", r"^/orgs/acme$") == 1 and fake.count("GET", r"^/orgs/acme-labs$") == 1  # folded
    assert stack.get("two-orgs").outputs["organization_logins"] == ["acme", "acme-labs"]


def test_an_unchanged_refresh_costs_only_not_modified_answers(engine: MakeEngine, fake: FakeGitHub) -> None:
    stack = engine(ENTERPRISE)
    shared = group(visibility="selected")
    stack.up([shared, org_access(shared, ["acme"]), members(shared, ["ent-linux-1"])])
    stack.refresh()  # the listings' ETags reach the state
    fake.reset_log()
    assert stack.refresh().summary == {"same": 3}
    assert fake.requests and {r.status for r in fake.requests} == {304}
