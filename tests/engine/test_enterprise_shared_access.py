"""The org side of a runner group its enterprise shares with it, through the engine protocol: a
RunnerGroupRepositoryAccess chooses which of the org's repositories may use the group, without owning it.

The group itself (name, public repositories, workflows, runners, its existence) stays the enterprise's: no stack
here ever deletes, renames or empties it, and a destroy puts back the org's setting the resource found.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from enterprise_seed import two_org_enterprise
from enterprise_stack import writes
from github_runner_groups.resources.repository_access import RunnerGroupRepositoryAccessProvider
from github_runner_groups.testing import SEEDED_ENTERPRISE, FakeGitHub, FaultRule
from harness import Engine, HarnessError, Res

MakeEngine = Callable[..., Engine]


@pytest.fixture
def fake() -> FakeGitHub:
    return two_org_enterprise()


def shared_group(fake: FakeGitHub, *, org_visibility: str = "all", repositories: tuple[str, ...] = ()) -> int:
    """An enterprise group shared with `acme`, where the org has set `org_visibility` (and these repositories)."""
    group = fake.add_enterprise_group(SEEDED_ENTERPRISE, "shared", visibility="selected")
    fake.share_enterprise_group(SEEDED_ENTERPRISE, group["id"], ["acme"])
    fake.orgs["acme"].inherited_visibility[group["id"]] = org_visibility
    fake.set_group_repository_ids("acme", group["id"], repo_ids(fake, *repositories))
    return int(group["id"])


def repo_ids(fake: FakeGitHub, *names: str) -> set[int]:
    return {r["id"] for r in fake.repositories("acme") if r["name"] in names}


def org_view(fake: FakeGitHub, group_id: int) -> tuple[str, set[int]]:
    view = next(g for g in fake.inherited_groups(fake.find_org("acme")) if g["id"] == group_id)
    return view["visibility"], fake.group_repository_ids("acme", group_id)


def access(group_id: int, repositories: list[str], **extra: Any) -> Res:
    inputs = {"runner_group_id": group_id, "repositories": repositories, **extra}
    return Res("shared-access", RunnerGroupRepositoryAccessProvider(), inputs)


def enterprise_side(fake: FakeGitHub, group_id: int) -> tuple[dict[str, Any], set[int]]:
    group = next(g for g in fake.enterprise_groups(SEEDED_ENTERPRISE) if g["id"] == group_id)
    return group, fake.enterprise_group_org_ids(SEEDED_ENTERPRISE, group_id)


def test_exclusive_access_selects_the_orgs_repositories_and_destroy_puts_back_all(
    engine: MakeEngine, fake: FakeGitHub
) -> None:
    group_id = shared_group(fake)
    before = enterprise_side(fake, group_id)
    stack = engine()
    stack.up([access(group_id, ["api", "web"])])
    assert org_view(fake, group_id) == ("selected", repo_ids(fake, "api", "web"))
    assert stack.get("shared-access").outputs["inherited_setting"] == {"visibility": "all", "repository_ids": []}
    fake.reset_log()
    stack.refresh()
    assert stack.up([access(group_id, ["api", "web"])]).summary.get("update", 0) == 0
    assert writes(fake) == []  # unchanged: nothing written
    stack.destroy()
    assert org_view(fake, group_id) == ("all", set())
    assert enterprise_side(fake, group_id) == before  # the enterprise's group was never touched
    assert not [w for w in writes(fake) if w[0] == "DELETE" or w[1].startswith("/enterprises/")]


def test_exclusive_access_on_an_already_selected_group_puts_back_the_list_it_found(
    engine: MakeEngine, fake: FakeGitHub
) -> None:
    group_id = shared_group(fake, org_visibility="selected", repositories=("docs",))
    stack = engine()
    stack.up([access(group_id, ["api"])])
    assert org_view(fake, group_id) == ("selected", repo_ids(fake, "api"))
    assert not [w for w in writes(fake) if w[0] == "PATCH"]  # already selected: no switch
    stack.up([access(group_id, ["api", "web"])])
    assert org_view(fake, group_id) == ("selected", repo_ids(fake, "api", "web"))
    stack.destroy()
    assert org_view(fake, group_id) == ("selected", repo_ids(fake, "docs"))


def test_additive_access_adds_and_removes_only_its_own_entries(engine: MakeEngine, fake: FakeGitHub) -> None:
    group_id = shared_group(fake, org_visibility="selected", repositories=("docs",))
    stack = engine()
    stack.up([access(group_id, ["api"], exclusive=False)])
    assert org_view(fake, group_id) == ("selected", repo_ids(fake, "api", "docs"))
    stack.destroy()
    assert org_view(fake, group_id) == ("selected", repo_ids(fake, "docs"))


def test_additive_access_refuses_a_group_the_org_opened_to_all_repositories(
    engine: MakeEngine, fake: FakeGitHub
) -> None:
    group_id = shared_group(fake)
    with pytest.raises(HarnessError) as failure:
        engine().up([access(group_id, ["api"], exclusive=False)])
    message = failure.value.message
    assert "inherited from the enterprise" in message and "exclusive" in message and "Selected repositories" in message
    assert writes(fake) == []
    assert org_view(fake, group_id) == ("all", set())


def test_a_failed_first_write_puts_back_the_orgs_setting(engine: MakeEngine, fake: FakeGitHub) -> None:
    group_id = shared_group(fake)
    fake.add_fault(FaultRule(method="PUT", path=rf"/runner-groups/{group_id}/repositories$", status=502, times=None))
    stack = engine()
    with pytest.raises(HarnessError) as failure:
        stack.up([access(group_id, ["api"])])
    assert "502" in failure.value.message and "undone" in failure.value.message
    assert org_view(fake, group_id) == ("all", set())
    assert stack.state == {}
