"""The emulator's behaviours beyond GitHub's descriptions for network configurations and the self-hosted-runner
policy (docs/emulator-fidelity.md, surface section), each checked on the answers a client gets."""

from __future__ import annotations

import json
from typing import Any

from github_runner_groups.testing import DEMO_TOKEN, SEEDED_ENTERPRISE, FakeGitHub
from github_runner_groups.testing.wire import FakeResponse

NETWORK = "/orgs/acme/settings/network-configurations"
POLICY = "/orgs/acme/actions/permissions/self-hosted-runners"


def call(fake: FakeGitHub, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    answer = fake.handle(
        method, path, "", {"Authorization": f"Bearer {DEMO_TOKEN}"}, json.dumps(body).encode() if body else None
    )
    assert isinstance(answer, FakeResponse)
    return answer.status, json.loads(answer.body) if answer.body else None


def test_a_configuration_posted_without_compute_service_has_none() -> None:
    fake = FakeGitHub.seeded("demo")
    subnet = fake.add_network_settings("acme", "subnet")["id"]
    status, made = call(fake, "POST", NETWORK, {"name": "net", "network_settings_ids": [subnet]})
    assert (status, made["compute_service"], made["failover_network_settings_ids"]) == (201, "none", [])


def test_network_settings_must_exist_serve_one_configuration_and_be_exactly_one() -> None:
    fake = FakeGitHub.seeded("demo")
    subnet = fake.add_network_settings("acme", "subnet")["id"]
    other = fake.add_network_settings("acme", "other")["id"]
    assert call(fake, "POST", NETWORK, {"name": "a", "network_settings_ids": ["0000DEAD"]})[0] == 422
    status, made = call(fake, "POST", NETWORK, {"name": "a", "network_settings_ids": [subnet]})
    assert status == 201
    assert call(fake, "POST", NETWORK, {"name": "b", "network_settings_ids": [subnet]})[0] == 422  # in use
    assert (
        call(fake, "GET", f"/orgs/acme/settings/network-settings/{subnet}")[1]["network_configuration_id"]
        == (made["id"])
    )
    one = f"{NETWORK}/{made['id']}"
    assert call(fake, "PATCH", one, {"network_settings_ids": []})[0] == 422
    assert call(fake, "PATCH", one, {"network_settings_ids": [subnet, other]})[0] == 422
    assert call(fake, "PATCH", one, {"network_settings_ids": [other]})[0] == 200
    assert "network_configuration_id" not in call(fake, "GET", f"/orgs/acme/settings/network-settings/{subnet}")[1]


def test_the_policy_keeps_its_list_only_while_selected() -> None:
    fake = FakeGitHub.seeded("demo")
    api_id = next(r["id"] for r in fake.repositories("acme") if r["name"] == "api")
    assert call(fake, "PUT", f"{POLICY}/repositories", {"selected_repository_ids": [api_id]})[0] == 409
    assert call(fake, "PUT", f"{POLICY}/repositories/{api_id}")[0] == 409
    assert call(fake, "PUT", POLICY, {"enabled_repositories": "selected"})[0] == 204
    assert call(fake, "PUT", f"{POLICY}/repositories", {"selected_repository_ids": [api_id, 999999]})[0] == 422
    assert call(fake, "PUT", f"{POLICY}/repositories/{api_id}")[0] == 204
    assert fake.self_hosted_policy("acme") == ("selected", [api_id])
    assert call(fake, "PUT", POLICY, {"enabled_repositories": "all"})[0] == 204
    assert fake.self_hosted_policy("acme") == ("all", [])
    assert "selected_repositories_url" not in call(fake, "GET", POLICY)[1]


def test_ghes_before_3_19_has_no_policy_and_ghes_has_no_networking() -> None:
    for flavour, policy in (("ghes-3.17", 404), ("ghes-3.18", 404), ("ghes-3.19", 200)):
        fake = FakeGitHub.seeded("demo", flavour=flavour)
        assert call(fake, "GET", POLICY)[0] == policy
        assert call(fake, "GET", NETWORK)[0] == 404


def test_a_group_naming_an_unknown_network_configuration_is_refused() -> None:
    fake = FakeGitHub.seeded("demo")
    known = fake.add_network_configuration("acme", "net", fake.add_network_settings("acme", "subnet")["id"])["id"]
    groups = "/orgs/acme/actions/runner-groups"
    status, body = call(fake, "POST", groups, {"name": "gpu", "network_configuration_id": "0000DEAD"})
    assert (status, body["errors"][0]["field"], body["errors"][0]["value"]) == (
        422,
        "network_configuration_id",
        "0000DEAD",
    )
    assert "gpu" not in [g["name"] for g in fake.groups("acme")]
    status, made = call(fake, "POST", groups, {"name": "gpu", "network_configuration_id": known})
    assert (status, made["network_configuration_id"]) == (201, known)
    one = f"{groups}/{made['id']}"
    assert call(fake, "PATCH", one, {"name": "gpu-2", "network_configuration_id": "0000DEAD"})[0] == 422
    assert call(fake, "GET", one)[1]["name"] == "gpu"  # nothing applied
    assert call(fake, "PATCH", one, {"name": "gpu", "network_configuration_id": None})[0] == 200


def test_an_enterprise_group_naming_an_unknown_network_configuration_is_refused() -> None:
    fake = FakeGitHub.seeded("demo", flavour="ghec")
    enterprise = SEEDED_ENTERPRISE
    subnet = fake.add_network_settings(enterprise, "subnet", enterprise=True)["id"]
    known = fake.add_network_configuration(enterprise, "net", subnet, enterprise=True)["id"]
    groups = f"/enterprises/{enterprise}/actions/runner-groups"
    assert call(fake, "POST", groups, {"name": "shared", "network_configuration_id": "0000DEAD"})[0] == 422
    status, made = call(fake, "POST", groups, {"name": "shared", "network_configuration_id": known})
    assert (status, made["network_configuration_id"]) == (201, known)
    assert call(fake, "PATCH", f"{groups}/{made['id']}", {"network_configuration_id": "0000DEAD"})[0] == 422
