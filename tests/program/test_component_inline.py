"""OrgRunnerGroups through the rig: exclusive spec groups own their lists inline, additive ones use the separate
resources; an inline list plus a separate resource for it is refused while the program is built."""

from __future__ import annotations

import pytest
import rig_bridge
from github_runner_groups import RunnerGroupMembership, RunnerGroupRepositoryAccess
from github_runner_groups.component import OrgRunnerGroups
from github_runner_groups.resources._ownership import OwnershipConflict
from github_runner_groups.spec import parse_spec
from github_runner_groups.testing import FakeGitHub
from stacks import Stacks

WRITES = ("POST", "PATCH", "PUT", "DELETE")
SPEC = {
    "org": "acme",
    "groups": {
        "ci": {"visibility": "selected", "repositories": ["api", "docs"], "runners": ["linux-3"]},
        "shared": {"visibility": "selected", "repositories": ["web"], "runners": ["linux-4"], "exclusive": False},
    },
}


def writes(fake: FakeGitHub) -> list[str]:
    return [r.method for r in fake.requests if r.method in WRITES]


def program() -> None:
    OrgRunnerGroups("org", spec=parse_spec(SPEC))


def test_exclusive_groups_are_one_post_and_one_delete(stacks: Stacks, fake: FakeGitHub) -> None:
    stack = stacks()
    created = rig_bridge.up(stack, program)
    names = sorted(urn.rsplit("::", 1)[-1] for urn in created.ops)
    # The exclusive group alone; the additive group with its two additive resources.
    assert names == ["org-ci", "org-shared", "org-shared-repositories", "org-shared-runners"]
    ci = next(g for g in fake.groups("acme") if g["name"] == "ci")
    post = next(r for r in fake.requests if r.method == "POST" and r.json["name"] == "ci")
    assert post.json["selected_repository_ids"] and post.json["runners"]
    assert {r["name"] for r in fake.repositories("acme") if r["id"] in fake.group_repository_ids("acme", ci["id"])} == {
        "api",
        "docs",
    }
    additive = [r for r in stack.state.values() if r.urn.endswith(("-repositories", "-runners"))]
    assert all(r.outputs["exclusive"] is False for r in additive)
    # 2 POSTs; the additive resources add their one entry each after reading the group's list.
    assert sorted(writes(fake)) == ["POST", "POST", "PUT", "PUT"]

    fake.reset_log()
    stack.destroy()
    ci_deletes = [r for r in fake.requests if r.method in WRITES and f"/runner-groups/{ci['id']}" in r.path]
    assert [(r.method, r.path.rsplit("/", 1)[-1]) for r in ci_deletes] == [("DELETE", str(ci["id"]))]


def test_an_inline_list_and_a_separate_resource_for_it_fail_when_built(stacks: Stacks, fake: FakeGitHub) -> None:
    def both() -> None:
        groups = OrgRunnerGroups("org", spec=parse_spec(SPEC))
        RunnerGroupRepositoryAccess(
            "extra", runner_group_id=groups.group("ci").id, repositories=["web"], exclusive=False
        )

    with pytest.raises(OwnershipConflict) as failed:
        rig_bridge.preview(stacks(), both)
    message = str(failed.value)
    assert "RunnerGroupRepositoryAccess 'extra' and RunnerGroup 'org-ci' (its inline `repositories`)" in message
    assert "leave `repositories` unset on the RunnerGroup" in message
    assert fake.count() == 0


def test_an_inline_runner_placed_by_another_group_fails_when_built(stacks: Stacks, fake: FakeGitHub) -> None:
    def both() -> None:
        OrgRunnerGroups("org", spec=parse_spec(SPEC))
        RunnerGroupMembership("elsewhere", runner_group_id=42, runners=["linux-3"], exclusive=False)

    with pytest.raises(OwnershipConflict, match=r"'linux-3' \(a runner sits in one group only\)"):
        rig_bridge.preview(stacks(), both)
    assert fake.count() == 0
