"""EnterpriseRunnerGroup's inline `organizations` and `runners` through the engine protocol: the fewest writes.

Against the emulator's `ghec` flavour (enterprise `acme-corp` with the orgs `acme` and `acme-labs`, runners
`ent-linux-1` and `ent-linux-2` in Default): a group with both lists is one POST to create and one DELETE to
destroy; a changed list is one PUT; an unchanged refresh costs 304s only and drift shows; an inline list and a
separate resource for the same list, or one runner in two groups' inline lists, conflict.
"""

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
from github_runner_groups.testing import (
    DEFAULT_GROUP_ID,
    DEMO_TOKEN,
    SEEDED_ENTERPRISE,
    EmulatorServer,
    FakeGitHub,
    FaultRule,
)
from harness import CheckFailed, Engine, HarnessError, Ref, Res

MakeEngine = Callable[..., Engine]


@pytest.fixture
def fake() -> FakeGitHub:
    return two_org_enterprise()


def selected(organizations: list[Any] | None = None, runners: list[Any] | None = None, **args: Any) -> Res:
    return group(visibility="selected", organizations=organizations, runners=runners, **args)


def org_ids(fake: FakeGitHub, *logins: str) -> set[int]:
    return {int(fake.find_org(login).id) for login in logins}


def shared_with(fake: FakeGitHub, group_id: int) -> set[int]:
    return fake.enterprise_group_org_ids(SEEDED_ENTERPRISE, group_id)


def gid(stack: Engine, name: str = "shared") -> int:
    return int(stack.get(name).id)


def test_create_is_one_post_with_both_lists(engine: MakeEngine, fake: FakeGitHub) -> None:
    stack = engine(ENTERPRISE)
    program = [selected(["acme", "acme-labs"], ["ent-linux-1"])]
    stack.up(program)
    assert [m for m, _ in writes(fake)] == ["POST"]
    post = next(r for r in fake.requests if r.method == "POST")
    assert post.json["selected_organization_ids"] == sorted(org_ids(fake, "acme", "acme-labs"))
    assert post.json["runners"] == sorted(runner_ids(fake, "ent-linux-1"))
    assert shared_with(fake, gid(stack)) == org_ids(fake, "acme", "acme-labs")
    assert runners_in(fake, gid(stack)) == runner_ids(fake, "ent-linux-1")
    outputs = stack.get("shared").outputs
    assert outputs["organization_logins"] == ["acme", "acme-labs"] and outputs["runner_names"] == ["ent-linux-1"]
    assert outputs["organization_ids"] == sorted(org_ids(fake, "acme", "acme-labs"))

    fake.reset_log()  # the same lists in another order, an org by id: no change, no request
    again = [selected([org_ids(fake, "acme-labs").pop(), "ACME"], ["ent-linux-1"])]
    assert stack.up(again).summary == {"same": 1}
    assert fake.count() == 0


def test_an_empty_list_is_owned_and_an_omitted_one_is_not(engine: MakeEngine, fake: FakeGitHub) -> None:
    stack = engine(ENTERPRISE)
    stack.up([selected([], None)])
    post = next(r for r in fake.requests if r.method == "POST")
    assert post.json["selected_organization_ids"] == [] and "runners" not in post.json
    assert stack.get("shared").outputs.get("runner_ids") is None
    assert stack.get("shared").outputs["organization_ids"] == []


def test_update_is_one_put_per_changed_list(engine: MakeEngine, fake: FakeGitHub) -> None:
    stack = engine(ENTERPRISE)
    stack.up([selected(["acme"], ["ent-linux-1"])])
    group_path = f"{GROUPS_PATH}/{gid(stack)}"

    fake.reset_log()
    stack.up([selected(["acme", "acme-labs"], ["ent-linux-1"])])
    assert writes(fake) == [("PUT", f"{group_path}/organizations")]

    fake.reset_log()
    stack.up([selected(["acme-labs"], ["ent-linux-2"], allows_public_repositories=True)])
    assert writes(fake) == [
        ("PATCH", group_path),
        ("PUT", f"{group_path}/organizations"),
        ("PUT", f"{group_path}/runners"),
    ]
    assert shared_with(fake, gid(stack)) == org_ids(fake, "acme-labs")
    assert runners_in(fake, gid(stack)) == runner_ids(fake, "ent-linux-2")

    fake.reset_log()  # no longer owning a list writes nothing: the runners stay where they are
    stack.up([selected(["acme-labs"], None, allows_public_repositories=True)])
    assert writes(fake) == []
    assert stack.get("shared").outputs.get("runner_ids") is None
    assert runners_in(fake, gid(stack)) == runner_ids(fake, "ent-linux-2")


def test_refresh_costs_304s_then_sees_drift_and_up_restores(
    engine: MakeEngine, fake: FakeGitHub, emulator: EmulatorServer
) -> None:
    stack = engine(ENTERPRISE)
    program = [selected(["acme"], ["ent-linux-1"])]
    stack.up(program)
    stack.refresh()  # records the listings' ETags
    fake.reset_log()
    assert stack.refresh().summary == {"same": 1}
    assert fake.count(status=200) == 0 and fake.count(status=304) == 3  # group, organizations, runners

    # Out of band: the enterprise owner shares the group with acme-labs too, and moves its runner back to Default.
    elsewhere = GitHubClient(ClientSettings(base_url=emulator.url, token=DEMO_TOKEN))
    api.set_enterprise_group_organizations(
        elsewhere, SEEDED_ENTERPRISE, gid(stack), sorted(org_ids(fake, "acme", "acme-labs"))
    )
    api.set_enterprise_group_runners(elsewhere, SEEDED_ENTERPRISE, gid(stack), [])
    assert stack.refresh().op("shared") == "update"
    assert stack.get("shared").outputs["organization_logins"] == ["acme", "acme-labs"]
    assert stack.get("shared").outputs["runner_ids"] == []
    assert stack.preview(program).summary == {"update": 1}
    fake.reset_log()
    stack.up(program)
    assert [m for m, _ in writes(fake)] == ["PUT", "PUT"]
    assert shared_with(fake, gid(stack)) == org_ids(fake, "acme")
    assert runners_in(fake, gid(stack)) == runner_ids(fake, "ent-linux-1")


def test_destroy_is_one_delete_and_runners_fall_back_to_default(engine: MakeEngine, fake: FakeGitHub) -> None:
    stack = engine(ENTERPRISE)
    stack.up([selected(["acme", "acme-labs"], ["ent-linux-1", "ent-linux-2"])])
    group_id = gid(stack)
    fake.reset_log()
    stack.destroy()
    assert writes(fake) == [("DELETE", f"{GROUPS_PATH}/{group_id}")]
    assert all(g["id"] != group_id for g in fake.enterprise_groups(SEEDED_ENTERPRISE))
    assert runner_ids(fake, "ent-linux-1", "ent-linux-2") <= runners_in(fake, DEFAULT_GROUP_ID)


def test_adopting_writes_only_the_list_that_differs(engine: MakeEngine, fake: FakeGitHub) -> None:
    legacy = fake.add_enterprise_group(SEEDED_ENTERPRISE, "legacy", visibility="selected")
    fake.share_enterprise_group(SEEDED_ENTERPRISE, legacy["id"], ["acme"])
    stack = engine(ENTERPRISE)
    stack.up([selected(["acme"], [], name="legacy", adopt=True)])
    assert writes(fake) == []  # both lists already match
    fake.reset_log()
    stack.up([selected(["acme"], ["ent-linux-2"], name="legacy", adopt=True)])
    assert writes(fake) == [("PUT", f"{GROUPS_PATH}/{legacy['id']}/runners")]


@pytest.mark.parametrize(
    ("inputs", "fragments"),
    [
        ({"organizations": ["acme"]}, ("organizations are listed but visibility is 'all'", "visibility='selected'")),
        (
            {"organizations": ["acme"], "adopt": True},
            ("organizations are listed but visibility is not set", "leave organizations unset"),
        ),
        (
            {"name": "Default", "runners": [], "adopt": True},
            ("runners is given for 'Default'", "enterprise's Default runner group", "Leave organizations and runners"),
        ),
    ],
    ids=["visibility all", "visibility unset", "Default group"],
)
def test_check_refuses_lists_github_would_drop_or_fight(
    engine: MakeEngine, fake: FakeGitHub, inputs: dict[str, Any], fragments: tuple[str, ...]
) -> None:
    with pytest.raises(CheckFailed) as failed:
        engine(ENTERPRISE).up([group(**inputs)])
    assert all(fragment in str(failed.value) for fragment in fragments), str(failed.value)
    assert fake.count() == 0


def test_a_separate_resource_for_an_inline_list_fails_before_writing(engine: MakeEngine, fake: FakeGitHub) -> None:
    shared = selected(["acme"])
    extra = Res(
        "access",
        EnterpriseRunnerGroupOrganizationAccessProvider(),
        {"runner_group_id": Ref(shared), "organizations": ["acme-labs"], "exclusive": False},
    )
    with pytest.raises(HarnessError) as failed:
        engine(ENTERPRISE, parallel=1).up([shared, extra])
    message = failed.value.message
    assert "inline `organizations`" in message and "already owns that list" in message
    assert "leave `organizations` unset on the EnterpriseRunnerGroup" in message
    assert [m for m, _ in writes(fake)] == ["POST"]  # the group alone; the access never wrote


def test_one_runner_in_two_groups_inline_lists_fails_before_the_second_writes(
    engine: MakeEngine, fake: FakeGitHub
) -> None:
    first = selected(runners=["ent-linux-1"])
    second = group("other", "other", runners=[runner_ids(fake, "ent-linux-1").pop()])
    with pytest.raises(HarnessError) as failed:
        engine(ENTERPRISE, parallel=1).up([first, second])
    message = failed.value.message
    assert "'ent-linux-1'" in message and "already claimed in this run" in message, message
    assert [m for m, _ in writes(fake)] == ["POST"]
    assert [g["name"] for g in fake.enterprise_groups(SEEDED_ENTERPRISE)] == ["Default", "shared"]


def test_moving_a_list_from_a_separate_resource_inline_keeps_it(engine: MakeEngine, fake: FakeGitHub) -> None:
    """The old exclusive membership is deleted after the group took the list over: it must not empty it."""
    stack = engine(ENTERPRISE)
    before = selected()
    old_members = Res(
        "members",
        EnterpriseRunnerGroupMembershipProvider(),
        {"runner_group_id": Ref(before), "runners": ["ent-linux-1"]},
    )
    stack.up([before, old_members])
    fake.reset_log()
    stack.up([selected(runners=["ent-linux-1"])])
    assert writes(fake) == []  # the list already matches: one read, no PUT, and the old membership leaves it
    assert runners_in(fake, gid(stack)) == runner_ids(fake, "ent-linux-1")


def test_an_org_outside_the_enterprise_makes_no_group(engine: MakeEngine, fake: FakeGitHub) -> None:
    """No listing shows an enterprise's orgs, so GitHub judges membership; the create POST it refuses made nothing."""
    fake.add_org("outsider")
    with pytest.raises(HarnessError) as failed:
        engine(ENTERPRISE).up([selected(["acme", "outsider"])])
    assert "belongs to the enterprise" in failed.value.message
    assert [g["name"] for g in fake.enterprise_groups(SEEDED_ENTERPRISE)] == ["Default"]


def test_a_refused_list_write_undoes_the_settings_written_before_it(engine: MakeEngine, fake: FakeGitHub) -> None:
    stack = engine(ENTERPRISE)
    stack.up([selected(["acme"], ["ent-linux-1"])])
    fake.add_fault(FaultRule("PUT", r"/runners$", status=422, message="Runner is busy"))
    with pytest.raises(HarnessError) as failed:
        stack.up([selected(["acme"], ["ent-linux-2"], allows_public_repositories=True)])
    assert "Runner is busy" in failed.value.message and "were undone first" in failed.value.message
    made = next(g for g in fake.enterprise_groups(SEEDED_ENTERPRISE) if g["id"] == gid(stack))
    assert made["allows_public_repositories"] is False
    assert runners_in(fake, gid(stack)) == runner_ids(fake, "ent-linux-1")


def test_groups_created_together_may_share_an_organization(engine: MakeEngine, fake: FakeGitHub) -> None:
    """Two groups still being created (their claims not yet keyed by id) each own their own organization list;
    slow creates make them overlap."""
    fake.add_fault(FaultRule("POST", "/runner-groups$", delay_seconds=0.3, times=None))
    stack = engine(ENTERPRISE)
    stack.up([selected(["acme"], name=name, resource=name) for name in ("one", "two", "three")])
    made = {g["name"]: g["id"] for g in fake.enterprise_groups(SEEDED_ENTERPRISE)}
    assert all(shared_with(fake, made[name]) == org_ids(fake, "acme") for name in ("one", "two", "three"))
