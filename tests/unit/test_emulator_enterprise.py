"""The emulator's enterprise runner groups, GitHub-hosted runners and flavours, over both transports."""

from __future__ import annotations

import contextlib
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests
import responses
from github_runner_groups.testing import (
    DEMO_TOKEN,
    FLAVOURS,
    SEEDED_ENTERPRISE,
    FakeGitHub,
    add_to_responses,
    serve,
)

AUTH = {"Authorization": f"Bearer {DEMO_TOKEN}", "Accept": "application/vnd.github+json"}
ENTERPRISE = f"/enterprises/{SEEDED_ENTERPRISE}/actions"
GROUPS = f"{ENTERPRISE}/runner-groups"
ORG_GROUPS = "/orgs/acme/actions/runner-groups"
HOSTED = "/orgs/acme/actions/hosted-runners"
GHES = ("ghes-3.17", "ghes-3.18", "ghes-3.19")

Call = Callable[..., requests.Response]
Connect = Callable[[FakeGitHub], Call]


@pytest.fixture(params=["responses", "loopback"])
def connect(request: pytest.FixtureRequest) -> Iterator[Connect]:
    """`connect(fake)` gives `call(method, path, json=None, headers=AUTH)` to `fake` through one transport; paths
    are relative to the flavour's API root (under /api/v3 for GHES)."""
    with contextlib.ExitStack() as stack:

        def make(fake: FakeGitHub) -> Call:
            session = requests.Session()
            if request.param == "loopback":
                root = stack.enter_context(serve(fake)).url
            else:
                rsps = stack.enter_context(responses.RequestsMock(assert_all_requests_are_fired=False))
                add_to_responses(fake, rsps)
                root = fake.flavour.example_base_url
            return lambda method, path, **kw: session.request(method, root + path, **{"headers": AUTH, **kw})

        yield make


@pytest.fixture
def fake() -> FakeGitHub:
    """GHEC: enterprise `acme-corp` with orgs `acme` and `acme-labs`, two enterprise runners, hosted runners."""
    fake = FakeGitHub.seeded("demo", flavour="ghec")
    fake.add_enterprise(SEEDED_ENTERPRISE, orgs=["acme-labs"])
    return fake


@pytest.fixture
def call(connect: Connect, fake: FakeGitHub) -> Call:
    return connect(fake)


def org_id(fake: FakeGitHub, login: str) -> int:
    return int(fake.add_org(login)["id"])


def runner_ids(fake: FakeGitHub) -> dict[str, int]:
    return {r["name"]: r["id"] for r in fake.enterprise_runners(SEEDED_ENTERPRISE)}


def org_group_names(call: Call, org: str = "acme") -> dict[str, bool]:
    """The org's groups by name, with their `inherited` flag."""
    return {
        g["name"]: g["inherited"] for g in call("GET", f"/orgs/{org}/actions/runner-groups").json()["runner_groups"]
    }


# Enterprise runner groups


def test_enterprise_group_lifecycle(call: Call, fake: FakeGitHub) -> None:
    listing = call("GET", GROUPS).json()
    assert [(g["id"], g["name"], g["default"]) for g in listing["runner_groups"]] == [(1, "Default", True)]
    runners = runner_ids(fake)
    subnet = fake.add_network_settings(SEEDED_ENTERPRISE, "subnet", enterprise=True)["id"]
    network = fake.add_network_configuration(SEEDED_ENTERPRISE, "net", subnet, enterprise=True)["id"]
    created = call(
        "POST",
        GROUPS,
        json={
            "name": "gpu",
            "visibility": "selected",
            "selected_organization_ids": [org_id(fake, "acme")],
            "runners": [runners["ent-linux-1"]],
            "network_configuration_id": network,
        },
    )
    assert created.status_code == 201
    group = created.json()
    assert group["selected_organizations_url"].endswith(f"/runner-groups/{group['id']}/organizations")
    assert (group["network_configuration_id"], group["hosted_runners_url"].endswith("/hosted-runners")) == (
        network,
        True,
    )
    assert fake.enterprise_group_org_ids(SEEDED_ENTERPRISE, group["id"]) == {org_id(fake, "acme")}
    # The enterprise PATCH does not require `name`.
    patched = call("PATCH", f"{GROUPS}/{group['id']}", json={"allows_public_repositories": True})
    assert (patched.status_code, patched.json()["name"], patched.json()["allows_public_repositories"]) == (
        200,
        "gpu",
        True,
    )
    assert call("GET", f"{GROUPS}/{group['id']}").json()["allows_public_repositories"] is True
    assert call("DELETE", f"{GROUPS}/{group['id']}").status_code == 204
    assert call("GET", f"{GROUPS}/{group['id']}").status_code == 404
    assert {r["runner_group_id"] for r in fake.enterprise_runners(SEEDED_ENTERPRISE)} == {1}  # back to Default


def test_making_an_enterprise_group_visible_to_all_drops_its_org_list(call: Call, fake: FakeGitHub) -> None:
    group = fake.add_enterprise_group(SEEDED_ENTERPRISE, "shared", visibility="selected")
    fake.share_enterprise_group(SEEDED_ENTERPRISE, group["id"], ["acme"])
    answer = call("PATCH", f"{GROUPS}/{group['id']}", json={"visibility": "all"}).json()
    assert "selected_organizations_url" not in answer
    assert fake.enterprise_group_org_ids(SEEDED_ENTERPRISE, group["id"]) == set()


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "fragment"),
    [
        ("POST", GROUPS, {"name": "default"}, 409, "already exists"),
        ("POST", GROUPS, {"visibility": "all"}, 422, '"name" wasn\'t supplied'),
        ("POST", GROUPS, {"name": "x", "visibility": "private"}, 422, "/visibility"),
        ("POST", GROUPS, {"name": "x", "selected_organization_ids": [999]}, 422, "Validation Failed"),
        ("POST", GROUPS, {"name": "x", "runners": [999]}, 422, "Validation Failed"),
        ("PATCH", f"{GROUPS}/1", {"name": "Renamed"}, 422, "cannot be renamed"),
        ("DELETE", f"{GROUPS}/1", None, 422, "cannot be deleted"),
        ("PUT", f"{GROUPS}/1/organizations", {"selected_organization_ids": []}, 422, "visibility is 'selected'"),
        ("PUT", f"{GROUPS}/1/runners", {"runners": [999]}, 422, "Validation Failed"),
        ("PUT", f"{GROUPS}/1/runners", {}, 422, '"runners" must be a list of integers'),
        ("PUT", f"{GROUPS}/1/runners/999", None, 404, "Not Found"),
        ("GET", f"{GROUPS}/999", None, 404, "Not Found"),
        ("GET", f"{GROUPS}/abc", None, 404, "Not Found"),
        ("GET", "/enterprises/nope/actions/runner-groups", None, 404, "Not Found"),
    ],
)
def test_enterprise_errors_in_githubs_format(
    call: Call, fake: FakeGitHub, method: str, path: str, body: Any, status: int, fragment: str
) -> None:
    before = (fake.enterprise_groups(SEEDED_ENTERPRISE), fake.enterprise_runners(SEEDED_ENTERPRISE))
    answer = call(method, path, json=body)
    assert answer.status_code == status
    assert fragment in answer.json()["message"]
    assert answer.json()["documentation_url"].startswith("https://docs.github.com/")
    assert (fake.enterprise_groups(SEEDED_ENTERPRISE), fake.enterprise_runners(SEEDED_ENTERPRISE)) == before


def test_organization_access_one_org_at_a_time(call: Call, fake: FakeGitHub) -> None:
    acme, labs = org_id(fake, "acme"), org_id(fake, "acme-labs")
    outsider = org_id(fake, "elsewhere")  # an org, but not a member of the enterprise
    group = fake.add_enterprise_group(SEEDED_ENTERPRISE, "shared", visibility="selected")
    orgs = f"{GROUPS}/{group['id']}/organizations"
    assert call("PUT", f"{orgs}/{acme}").status_code == 204
    assert call("PUT", f"{orgs}/{labs}").status_code == 204
    assert call("PUT", f"{orgs}/{labs}").status_code == 204  # idempotent
    listed = call("GET", orgs).json()
    assert (listed["total_count"], [o["login"] for o in listed["organizations"]]) == (2, ["acme", "acme-labs"])
    assert call("DELETE", f"{orgs}/{acme}").status_code == 204
    assert fake.enterprise_group_org_ids(SEEDED_ENTERPRISE, group["id"]) == {labs}
    assert call("PUT", f"{orgs}/{outsider}").status_code == 404
    refused = call("PUT", orgs, json={"selected_organization_ids": [acme, outsider]})
    assert refused.status_code == 422
    assert refused.json()["errors"] == [
        {"resource": "RunnerGroup", "field": "selected_organization_ids", "code": "invalid", "value": outsider}
    ]
    assert call("PUT", orgs, json={"selected_organization_ids": [acme]}).status_code == 204
    assert fake.enterprise_group_org_ids(SEEDED_ENTERPRISE, group["id"]) == {acme}


def test_enterprise_runners_and_membership(call: Call, fake: FakeGitHub) -> None:
    runners = runner_ids(fake)
    listing = call("GET", f"{ENTERPRISE}/runners").json()
    assert sorted(r["name"] for r in listing["runners"]) == ["ent-linux-1", "ent-linux-2"]
    assert [
        r["name"] for r in call("GET", f"{ENTERPRISE}/runners", params={"name": "ent-linux-2"}).json()["runners"]
    ] == ["ent-linux-2"]
    group = fake.add_enterprise_group(SEEDED_ENTERPRISE, "gpu")
    members = f"{GROUPS}/{group['id']}/runners"
    assert call("PUT", members, json={"runners": [runners["ent-linux-1"]]}).status_code == 204
    assert call("PUT", f"{members}/{runners['ent-linux-2']}").status_code == 204
    assert sorted(r["name"] for r in call("GET", members).json()["runners"]) == ["ent-linux-1", "ent-linux-2"]
    assert call("DELETE", f"{members}/{runners['ent-linux-1']}").status_code == 204
    assert call("PUT", members, json={"runners": []}).status_code == 204
    assert {r["runner_group_id"] for r in fake.enterprise_runners(SEEDED_ENTERPRISE)} == {1}


def test_a_shared_group_shows_in_its_orgs_as_inherited(call: Call, fake: FakeGitHub) -> None:
    everyone = fake.add_enterprise_group(SEEDED_ENTERPRISE, "everyone")
    chosen = fake.add_enterprise_group(SEEDED_ENTERPRISE, "chosen", visibility="selected")
    fake.add_enterprise_runner(SEEDED_ENTERPRISE, "chosen-1", group_id=chosen["id"])
    assert org_group_names(call) == {
        "Default": False,  # the org's own; the enterprise's Default is not shown
        "build-linux": False,
        "release": False,
        "everyone": True,
    }
    fake.share_enterprise_group(SEEDED_ENTERPRISE, chosen["id"], ["acme"])
    assert org_group_names(call)["chosen"] is True
    assert "chosen" not in org_group_names(call, "acme-labs")
    call("PUT", f"{GROUPS}/{chosen['id']}/organizations/{org_id(fake, 'acme-labs')}")
    assert org_group_names(call, "acme-labs")["chosen"] is True
    seen = call("GET", f"{ORG_GROUPS}/{chosen['id']}").json()
    assert (seen["inherited"], seen["visibility"], seen["workflow_restrictions_read_only"]) == (True, "all", True)
    assert [r["name"] for r in call("GET", f"{ORG_GROUPS}/{chosen['id']}/runners").json()["runners"]] == ["chosen-1"]
    call("PATCH", f"{GROUPS}/{chosen['id']}", json={"name": "renamed"})  # an enterprise change shows at once
    assert call("GET", f"{ORG_GROUPS}/{chosen['id']}").json()["name"] == "renamed"
    call("DELETE", f"{GROUPS}/{everyone['id']}")
    assert "everyone" not in org_group_names(call)


def test_enterprise_groups_visible_to_an_organization(call: Call, fake: FakeGitHub) -> None:
    fake.add_enterprise_group(SEEDED_ENTERPRISE, "everyone")
    chosen = fake.add_enterprise_group(SEEDED_ENTERPRISE, "chosen", visibility="selected")
    fake.share_enterprise_group(SEEDED_ENTERPRISE, chosen["id"], ["acme-labs"])

    def visible(org: str) -> list[str]:
        answer = call("GET", GROUPS, params={"visible_to_organization": org})
        return [g["name"] for g in answer.json()["runner_groups"]]

    assert visible("acme") == ["Default", "everyone"]
    assert visible("ACME-LABS") == ["Default", "everyone", "chosen"]
    fake.add_org("outsider")
    assert visible("outsider") == visible("nope") == []


def test_out_of_band_enterprise_edits_show_in_the_orgs(call: Call, fake: FakeGitHub) -> None:
    group = fake.add_enterprise_group(SEEDED_ENTERPRISE, "everyone")
    runner = fake.add_enterprise_runner(SEEDED_ENTERPRISE, "gpu-1", group_id=group["id"])
    fake.update_enterprise_group(SEEDED_ENTERPRISE, group["id"], name="renamed", allows_public_repositories=True)
    seen = call("GET", f"{ORG_GROUPS}/{group['id']}").json()
    assert (seen["name"], seen["allows_public_repositories"], seen["inherited_allows_public_repositories"]) == (
        "renamed",
        True,
        True,
    )
    fake.delete_enterprise_group(SEEDED_ENTERPRISE, group["id"])
    assert call("GET", f"{ORG_GROUPS}/{group['id']}").status_code == 404
    assert [r["runner_group_id"] for r in fake.enterprise_runners(SEEDED_ENTERPRISE) if r["id"] == runner["id"]] == [1]


@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [
        ("PATCH", "", {"name": "renamed"}),
        ("PATCH", "", {"name": "shared", "allows_public_repositories": True}),
        ("PATCH", "", {"name": "shared", "restricted_to_workflows": True, "selected_workflows": ["a/b/c.yml@main"]}),
        ("DELETE", "", None),
        ("PUT", "/runners", {"runners": []}),
        ("PUT", "/runners/{runner}", None),
        ("DELETE", "/runners/{runner}", None),
    ],
)
def test_an_inherited_group_is_read_only_in_the_org(
    call: Call, fake: FakeGitHub, method: str, suffix: str, body: Any
) -> None:
    group = fake.add_enterprise_group(SEEDED_ENTERPRISE, "shared")
    repo = fake.repositories("acme")[0]["id"]
    runner = fake.runners("acme")[0]["id"]
    before = (fake.enterprise_groups(SEEDED_ENTERPRISE), fake.runners("acme"))
    path = f"{ORG_GROUPS}/{group['id']}" + suffix.format(repo=repo, runner=runner)
    answer = call(method, path, json=body)
    assert answer.status_code == 422
    assert "inherited from the enterprise" in answer.json()["message"]
    assert (fake.enterprise_groups(SEEDED_ENTERPRISE), fake.runners("acme")) == before


def test_get_org_gives_its_id_and_login(call: Call, fake: FakeGitHub) -> None:
    answer = call("GET", "/orgs/ACME")
    assert answer.status_code == 200
    assert (answer.json()["login"], answer.json()["id"]) == ("acme", org_id(fake, "acme"))
    assert call("GET", "/orgs/nope").status_code == 404


def test_enterprise_endpoints_need_manage_runners_enterprise_which_admin_enterprise_includes(connect: Connect) -> None:
    limited = FakeGitHub(tokens={"ghp_orgonly": ("admin:org",)}, flavour="ghec")
    limited.add_enterprise(SEEDED_ENTERPRISE, orgs=["acme"])
    call = connect(limited)
    org_only = {"Authorization": "Bearer ghp_orgonly"}
    answer = call("GET", GROUPS, headers=org_only)
    assert (answer.status_code, answer.headers["x-accepted-oauth-scopes"]) == (
        403,
        "manage_runners:enterprise, admin:enterprise",
    )
    assert "self-hosted-runner-groups" in answer.json()["documentation_url"]
    assert call("GET", ORG_GROUPS, headers=org_only).status_code == 200
    runners_only = FakeGitHub(tokens={"ghp_runners": ("manage_runners:enterprise",)}, flavour="ghec")
    runners_only.add_enterprise(SEEDED_ENTERPRISE, orgs=["acme"])
    answer = connect(runners_only)("GET", GROUPS, headers={"Authorization": "Bearer ghp_runners"})
    assert answer.status_code == 200


def test_enterprise_seeding_helpers_refuse_what_github_would_not_have() -> None:
    fake = FakeGitHub.seeded("demo", flavour="ghec")
    everyone = fake.add_enterprise_group(SEEDED_ENTERPRISE, "everyone")
    chosen = fake.add_enterprise_group(SEEDED_ENTERPRISE, "chosen", visibility="selected")
    fake.add_enterprise("other", orgs=["beta"])
    with pytest.raises(ValueError, match="visible to all orgs; set visibility='selected'"):
        fake.share_enterprise_group(SEEDED_ENTERPRISE, everyone["id"], ["acme"])
    with pytest.raises(ValueError, match="org 'beta' is not a member of enterprise 'acme-corp'"):
        fake.share_enterprise_group(SEEDED_ENTERPRISE, chosen["id"], ["beta"])
    with pytest.raises(ValueError, match="org 'beta' already belongs to enterprise 'other'"):
        fake.add_enterprise(SEEDED_ENTERPRISE, orgs=["beta"])
    with pytest.raises(ValueError, match=re.escape("api.github.com has no enterprise endpoints; use flavour 'ghec'")):
        FakeGitHub().add_enterprise("corp")


@pytest.mark.parametrize("flavour", ["api.github.com", "ghec", *GHES])
def test_enterprise_endpoints_exist_on_ghec_and_ghes_only(connect: Connect, flavour: str) -> None:
    fake = FakeGitHub.seeded("demo", flavour=flavour)
    answer = connect(fake)("GET", GROUPS)
    assert answer.status_code == (404 if flavour == "api.github.com" else 200)
    assert bool(fake.enterprises) is (flavour != "api.github.com")  # the demo seed adds acme-corp where it can


# GitHub-hosted runners


def hosted_body(**fields: Any) -> dict[str, Any]:
    body = {"name": "big-linux", "image": {"id": "ubuntu-24.04", "source": "github"}, "size": "8-core"}
    return {**body, "runner_group_id": 1, **fields}


def hosted_in_group(call: Call, group_id: int) -> list[str]:
    return [h["name"] for h in call("GET", f"{ORG_GROUPS}/{group_id}/hosted-runners").json()["runners"]]


def test_what_the_org_offers_for_hosted_runners(call: Call, fake: FakeGitHub) -> None:
    images = call("GET", f"{HOSTED}/images/github-owned").json()
    assert images["total_count"] == len(images["images"]) >= 1
    assert {i["source"] for i in images["images"]} == {"github"}
    assert {i["source"] for i in call("GET", f"{HOSTED}/images/partner").json()["images"]} == {"partner"}
    sizes = call("GET", f"{HOSTED}/machine-sizes").json()["machine_specs"]
    assert {"id": "4-core", "cpu_cores": 4, "memory_gb": 16, "storage_gb": 150} in sizes
    assert "linux-x64" in call("GET", f"{HOSTED}/platforms").json()["platforms"]
    fake.set_hosted_catalog("acme", public_ip_limit=3, machine_sizes=[{**sizes[0]}])
    assert call("GET", f"{HOSTED}/limits").json() == {"public_ips": {"maximum": 3, "current_usage": 0}}
    assert [s["id"] for s in call("GET", f"{HOSTED}/machine-sizes").json()["machine_specs"]] == [sizes[0]["id"]]


def test_hosted_runner_lifecycle_and_move_between_groups(call: Call, fake: FakeGitHub) -> None:
    gpu = fake.add_group("acme", "gpu")["id"]
    created = call("POST", HOSTED, json=hosted_body(maximum_runners=5, image_gen=True))
    assert created.status_code == 201
    runner = created.json()
    assert (runner["status"], runner["platform"], runner["machine_size_details"]["id"]) == (
        "Provisioning",
        "linux-x64",
        "8-core",
    )
    path = f"{HOSTED}/{runner['id']}"
    assert (call("GET", path).json()["status"], runner["image_gen"], runner["maximum_runners"]) == ("Ready", True, 5)
    assert hosted_in_group(call, 1) == ["big-linux"]
    moved = call("PATCH", path, json={"runner_group_id": gpu, "maximum_runners": 20, "name": "gpu-linux"}).json()
    assert (moved["runner_group_id"], moved["maximum_runners"], moved["name"]) == (gpu, 20, "gpu-linux")
    assert (hosted_in_group(call, 1), hosted_in_group(call, gpu)) == ([], ["gpu-linux"])
    changed = call("PATCH", path, json={"size": "16-core", "image_id": "windows-2022", "image_source": "github"})
    assert (changed.json()["machine_size_details"]["cpu_cores"], changed.json()["platform"]) == (16, "win-x64")
    pinned = call("PATCH", path, json={"image_version": "20250101.1"}).json()["image_details"]
    assert (pinned["id"], pinned["version"]) == ("windows-2022", "20250101.1")
    assert "version" not in call("PATCH", path, json={"image_version": None}).json()["image_details"]
    assert [h["name"] for h in call("GET", HOSTED).json()["runners"]] == ["gpu-linux"]
    deleted = call("DELETE", path)
    assert (deleted.status_code, deleted.json()["status"]) == (202, "Deleting")
    assert call("GET", path).status_code == 404
    assert fake.hosted_runners("acme") == []


def test_a_hosted_runner_removed_out_of_band_is_gone(call: Call, fake: FakeGitHub) -> None:
    runner = fake.add_hosted_runner("acme", 1, "ubuntu-large")
    fake.remove_hosted_runner("acme", runner["id"])
    assert call("GET", f"{HOSTED}/{runner['id']}").status_code == 404
    assert hosted_in_group(call, 1) == []


def test_deleting_a_group_returns_its_hosted_runners_to_default(call: Call, fake: FakeGitHub) -> None:
    gpu = fake.add_group("acme", "gpu")["id"]
    fake.add_hosted_runner("acme", gpu, "gpu-linux")
    assert call("DELETE", f"{ORG_GROUPS}/{gpu}").status_code == 204
    assert hosted_in_group(call, 1) == ["gpu-linux"]


@pytest.mark.parametrize(
    ("case", "body", "field"),
    [
        ("name too long", hosted_body(name="x" * 65), "name"),
        ("name with a space", hosted_body(name="big linux"), "name"),
        ("empty name", hosted_body(name=""), "name"),
        ("name taken", hosted_body(name="UBUNTU-LARGE"), "name"),
        ("unknown image", hosted_body(image={"id": "ubuntu-18.04", "source": "github"}), "image"),
        ("partner image as github", hosted_body(image={"id": "nvidia-gpu-ubuntu-22.04", "source": "github"}), "image"),
        ("custom image", hosted_body(image={"id": "my-image", "source": "custom"}), "image"),
        ("unknown size", hosted_body(size="3-core"), "size"),
        ("unknown group", hosted_body(runner_group_id=999999), "runner_group_id"),
        ("no runners", hosted_body(maximum_runners=0), "maximum_runners"),
        ("too many runners", hosted_body(maximum_runners=1001), "maximum_runners"),
    ],
)
def test_a_bad_hosted_runner_is_refused_like_github(
    call: Call, fake: FakeGitHub, case: str, body: Any, field: str
) -> None:
    fake.add_hosted_runner("acme", 1, "ubuntu-large")
    before = fake.hosted_runners("acme")
    answer = call("POST", HOSTED, json=body)
    assert answer.status_code == 422, case
    assert answer.json()["errors"][0]["field"] == field
    assert fake.hosted_runners("acme") == before


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"name": "x", "size": "4-core", "runner_group_id": 1}, '"image" wasn\'t supplied'),
        (hosted_body(maximum_runners="10"), "maximum_runners must be between 1 and 1000"),
        (hosted_body(image={"id": "ubuntu-24.04", "source": "nowhere"}), "/image/source"),
        (hosted_body(enable_static_ip="yes"), "/enable_static_ip"),
    ],
)
def test_a_malformed_hosted_runner_body_is_refused(call: Call, body: Any, fragment: str) -> None:
    answer = call("POST", HOSTED, json=body)
    assert (answer.status_code, fragment in answer.json()["message"]) == (422, True)


def test_a_patch_is_checked_whole_before_anything_changes(call: Call, fake: FakeGitHub) -> None:
    runner = fake.add_hosted_runner("acme", 1, "ubuntu-large")
    answer = call("PATCH", f"{HOSTED}/{runner['id']}", json={"maximum_runners": 50, "size": "3-core"})
    assert (answer.status_code, answer.json()["errors"][0]["field"]) == (422, "size")
    assert fake.hosted_runners("acme") == [runner]


def test_static_public_ips_count_against_the_orgs_limit(call: Call, fake: FakeGitHub) -> None:
    fake.set_hosted_catalog("acme", public_ip_limit=1)
    first = call("POST", HOSTED, json=hosted_body(name="one", enable_static_ip=True)).json()
    assert (first["public_ip_enabled"], len(first["public_ips"])) == (True, 1)
    assert call("GET", f"{HOSTED}/limits").json()["public_ips"] == {"maximum": 1, "current_usage": 1}
    refused = call("POST", HOSTED, json=hosted_body(name="two", enable_static_ip=True))
    assert refused.status_code == 422
    assert "all 1 of its static public IP ranges" in refused.json()["message"]
    second = call("POST", HOSTED, json=hosted_body(name="two")).json()
    assert call("PATCH", f"{HOSTED}/{second['id']}", json={"enable_static_ip": True}).status_code == 422
    assert call("PATCH", f"{HOSTED}/{first['id']}", json={"enable_static_ip": True}).status_code == 200  # kept
    assert call("PATCH", f"{HOSTED}/{first['id']}", json={"enable_static_ip": False}).status_code == 200
    assert call("PATCH", f"{HOSTED}/{second['id']}", json={"enable_static_ip": True}).status_code == 200


def test_add_hosted_runner_keeps_its_signature_and_shape(fake: FakeGitHub) -> None:
    shown = fake.add_hosted_runner("acme", 1, "ubuntu-large")
    assert shown["image_details"] == {
        "id": "ubuntu-22.04",
        "size_gb": 86,
        "display_name": "Ubuntu 22.04",
        "source": "github",
    }
    assert (shown["status"], shown["platform"], shown["maximum_runners"], shown["public_ips"]) == (
        "Ready",
        "linux-x64",
        10,
        [],
    )
    with pytest.raises(ValueError, match="size '3-core' is not in the catalog"):
        fake.add_hosted_runner("acme", 1, "odd", size="3-core")


# Flavours


@pytest.mark.parametrize("flavour", GHES)
def test_ghes_serves_under_api_v3(connect: Connect, flavour: str) -> None:
    fake = FakeGitHub.seeded("demo", flavour=flavour)
    call = connect(fake)
    answer = call("GET", ORG_GROUPS)
    assert answer.status_code == 200
    assert answer.json()["runner_groups"][0]["runners_url"].endswith(
        "/api/v3/orgs/acme/actions/runner-groups/1/runners"
    )


def test_ghes_answers_outside_api_v3_with_a_404(fake: FakeGitHub) -> None:
    ghes = FakeGitHub.seeded("demo", flavour="ghes-3.19")
    with serve(ghes) as server:
        assert server.url.endswith("/api/v3")
        outside = requests.get(server.url.removesuffix("/api/v3") + ORG_GROUPS, headers=AUTH, timeout=5)
        assert (outside.status_code, ghes.requests) == (404, [])
    with responses.RequestsMock() as rsps, pytest.raises(ValueError, match="serves its REST API under /api/v3"):
        add_to_responses(ghes, rsps, "https://ghes.example.com")


@pytest.mark.parametrize("flavour", GHES)
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", HOSTED),
        ("POST", HOSTED),
        ("GET", f"{HOSTED}/images/github-owned"),
        ("GET", f"{HOSTED}/machine-sizes"),
        ("GET", f"{HOSTED}/limits"),
        ("PATCH", f"{HOSTED}/1"),
        ("GET", f"{ORG_GROUPS}/1/hosted-runners"),
    ],
)
def test_ghes_has_no_hosted_runners(connect: Connect, flavour: str, method: str, path: str) -> None:
    answer = connect(FakeGitHub.seeded("demo", flavour=flavour))(method, path, json=hosted_body())
    assert (answer.status_code, answer.json()["message"]) == (404, "Not Found")


def test_ghes_groups_have_no_hosted_runners_nor_network_configuration(connect: Connect) -> None:
    fake = FakeGitHub.seeded("demo", flavour="ghes-3.19")
    call = connect(fake)
    created = call("POST", ORG_GROUPS, json={"name": "ci", "network_configuration_id": "nc-1"})
    assert created.status_code == 201  # GHES ignores a field its API does not have
    assert not {"hosted_runners_url", "network_configuration_id"} & set(created.json())
    patched = call(
        "PATCH", f"{ORG_GROUPS}/{created.json()['id']}", json={"name": "ci", "network_configuration_id": "x"}
    )
    assert patched.status_code == 200 and "network_configuration_id" not in patched.json()
    assert fake.group("acme", created.json()["id"])["network_configuration_id"] is None  # type: ignore[index]
    shared = call("POST", GROUPS, json={"name": "shared", "network_configuration_id": "nc-1"}).json()
    assert not {"hosted_runners_url", "network_configuration_id"} & set(shared)
    with pytest.raises(ValueError, match=re.escape("ghes-3.19 has no GitHub-hosted runners")):
        fake.add_hosted_runner("acme", 1, "big")


def test_github_com_keeps_the_network_configuration(call: Call, fake: FakeGitHub) -> None:
    network = fake.add_network_configuration("acme", "net", fake.add_network_settings("acme", "subnet")["id"])["id"]
    created = call("POST", ORG_GROUPS, json={"name": "ci", "network_configuration_id": network}).json()
    assert created["network_configuration_id"] == network


def test_an_unknown_flavour_is_refused_with_the_known_ones() -> None:
    with pytest.raises(
        ValueError, match=re.escape("flavour 'ghes-3.9' is not one the emulator plays; use one of: api.github")
    ):
        FakeGitHub(flavour="ghes-3.9")
    assert set(FLAVOURS) == {"api.github.com", "ghec", *GHES}


def test_the_emulator_command_plays_a_flavour() -> None:
    command = [sys.executable, "-m", "github_runner_groups.testing", "--port", "0", "--flavour", "ghes-3.18"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        first_line = process.stdout.readline()
        assert first_line.startswith("GitHub emulator (ghes-3.18) listening on http://127.0.0.1:")
        url = first_line.split(" on ", 1)[1].split(" ", 1)[0]
        assert url.endswith("/api/v3") and "enterprise 'acme-corp'" in first_line
        answer = requests.get(url + GROUPS, headers=AUTH, timeout=5)
        assert [g["name"] for g in answer.json()["runner_groups"]] == ["Default"]
    finally:
        process.terminate()
        process.wait(timeout=5)
