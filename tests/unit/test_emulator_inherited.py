"""The emulator: what an organization may change on a runner group its enterprise shares with it (its repository
access), and what stays the enterprise's (name, public repositories, workflows, runners, the group itself)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from github_runner_groups.testing import SEEDED_ENTERPRISE, FakeGitHub, FakeResponse

DEMO = "Bearer ghp_emulatorDemoToken000000000000000000"
ORG_GROUPS = "/orgs/acme/actions/runner-groups"


def call(fake: FakeGitHub, method: str, path: str, body: Any = None, query: str = "") -> tuple[int, Any]:
    """One request straight into the emulator: its status and JSON body."""
    answer = fake.handle(
        method, path, query, {"Authorization": DEMO}, json.dumps(body).encode() if body is not None else None
    )
    assert isinstance(answer, FakeResponse)
    return answer.status, json.loads(answer.body) if answer.body else None


@pytest.fixture
def fake() -> FakeGitHub:
    return FakeGitHub.seeded("demo", flavour="ghec")


@pytest.fixture
def shared(fake: FakeGitHub) -> int:
    group = fake.add_enterprise_group(SEEDED_ENTERPRISE, "shared", allows_public_repositories=False)
    return int(group["id"])


def repo_ids(fake: FakeGitHub, *names: str) -> list[int]:
    ids = {r["name"]: r["id"] for r in fake.repositories("acme")}
    return [ids[n] for n in names]


def test_the_org_chooses_which_of_its_repositories_may_use_a_shared_group(fake: FakeGitHub, shared: int) -> None:
    group = f"{ORG_GROUPS}/{shared}"
    api, web = repo_ids(fake, "api", "web")
    status, seen = call(fake, "PATCH", group, {"name": "shared", "visibility": "selected"})
    assert (status, seen["visibility"], seen["inherited"]) == (200, "selected", True)
    assert call(fake, "PUT", f"{group}/repositories", {"selected_repository_ids": [api]})[0] == 204
    assert call(fake, "PUT", f"{group}/repositories/{web}")[0] == 204
    assert call(fake, "DELETE", f"{group}/repositories/{api}")[0] == 204
    assert [r["id"] for r in call(fake, "GET", f"{group}/repositories")[1]["repositories"]] == [web]
    for repository, expected in (("web", True), ("api", False)):
        visible = call(fake, "GET", ORG_GROUPS, query=f"visible_to_repository={repository}")[1]
        assert ("shared" in [g["name"] for g in visible["runner_groups"]]) is expected
    # The enterprise's side is untouched: its group keeps its settings and its org access.
    assert [g["visibility"] for g in fake.enterprise_groups(SEEDED_ENTERPRISE) if g["id"] == shared] == ["all"]


def test_a_shared_group_is_visible_to_all_the_orgs_repositories_until_the_org_chooses(
    fake: FakeGitHub, shared: int
) -> None:
    assert call(fake, "GET", f"{ORG_GROUPS}/{shared}")[1]["visibility"] == "all"
    status, body = call(fake, "PUT", f"{ORG_GROUPS}/{shared}/repositories", {"selected_repository_ids": []})
    assert status == 422 and "visibility is 'selected'" in body["message"]


def test_leaving_selected_drops_the_orgs_list_of_a_shared_group(fake: FakeGitHub, shared: int) -> None:
    group = f"{ORG_GROUPS}/{shared}"
    call(fake, "PATCH", group, {"name": "shared", "visibility": "selected"})
    call(fake, "PUT", f"{group}/repositories", {"selected_repository_ids": repo_ids(fake, "api")})
    assert call(fake, "PATCH", group, {"name": "shared", "visibility": "all"})[0] == 200
    assert fake.group_repository_ids("acme", shared) == set()


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ({"name": "renamed"}, "Its name"),
        ({"name": "shared", "allows_public_repositories": True}, "public-repositories"),
        ({"name": "shared", "restricted_to_workflows": True}, "workflow access"),
        ({"name": "shared", "visibility": "selected", "network_configuration_id": "nc-1"}, "network configuration"),
    ],
)
def test_what_the_enterprise_set_cannot_be_overridden_by_the_org(
    fake: FakeGitHub, shared: int, body: dict[str, Any], named: str
) -> None:
    status, answer = call(fake, "PATCH", f"{ORG_GROUPS}/{shared}", body)
    assert status == 422 and named in answer["message"] and "inherited from the enterprise" in answer["message"]
    assert call(fake, "GET", f"{ORG_GROUPS}/{shared}")[1]["visibility"] == "all"  # nothing applied


def test_the_enterprise_settings_may_be_sent_unchanged(fake: FakeGitHub, shared: int) -> None:
    body = {"name": "shared", "visibility": "selected", "allows_public_repositories": False}
    assert call(fake, "PATCH", f"{ORG_GROUPS}/{shared}", {**body, "restricted_to_workflows": False})[0] == 200


def test_deleting_a_shared_group_drops_the_orgs_settings_of_it(fake: FakeGitHub, shared: int) -> None:
    call(fake, "PATCH", f"{ORG_GROUPS}/{shared}", {"name": "shared", "visibility": "selected"})
    fake.delete_enterprise_group(SEEDED_ENTERPRISE, shared)
    assert fake.orgs["acme"].inherited_visibility == {}
    assert shared not in fake.orgs["acme"].group_repositories
