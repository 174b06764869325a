"""Lookups of custom images, network configurations, the self-hosted-runner policy and what an enterprise offers
its own hosted runners, against the emulator (`ghec`: org `acme` in enterprise `acme-corp`)."""

from __future__ import annotations

import pytest
from github_runner_groups import lookups
from github_runner_groups.client import reset_clients
from github_runner_groups.errors import ConfigError, GitHubRunnerGroupsError
from github_runner_groups.testing import DEMO_TOKEN, SEEDED_ENTERPRISE, EmulatorServer, FakeGitHub, serve


@pytest.fixture
def fake() -> FakeGitHub:
    return FakeGitHub.seeded("demo", flavour="ghec")


@pytest.fixture(autouse=True)
def settings(emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch) -> None:
    reset_clients()
    monkeypatch.setenv("GITHUB_TOKEN", DEMO_TOKEN)
    monkeypatch.setenv("GITHUB_BASE_URL", emulator.url)
    monkeypatch.setenv("GITHUB_OWNER", "acme")
    monkeypatch.setenv("GITHUB_ENTERPRISE", SEEDED_ENTERPRISE)


def test_custom_images_and_their_versions(fake: FakeGitHub) -> None:
    golden = fake.add_custom_image("acme", "golden", versions=("1.0.0", "1.1.0"))
    fake.add_custom_image(SEEDED_ENTERPRISE, "ent-golden", platform="win-x64", enterprise=True)
    (image,) = lookups.get_custom_images()
    assert (image.id, image.name, image.latest_version, image.versions_count) == (golden["id"], "golden", "1.1.0", 2)
    assert [v.version for v in lookups.get_custom_image_versions(str(golden["id"]))] == ["1.0.0", "1.1.0"]
    (enterprise_image,) = lookups.get_enterprise_custom_images()
    assert (enterprise_image.name, enterprise_image.platform) == ("ent-golden", "win-x64")
    with pytest.raises(ConfigError, match="image_id must be a custom image id"):
        lookups.get_custom_image_versions("golden")


def test_what_an_enterprise_offers_its_own_hosted_runners(fake: FakeGitHub) -> None:
    with fake.lock:
        fake.find_enterprise(SEEDED_ENTERPRISE).hosted_catalog.public_ip_limit = 2
    assert [s.id for s in lookups.get_enterprise_hosted_runner_sizes()] == ["2-core", "4-core", "8-core", "16-core"]
    assert "ubuntu-24.04" in [i.id for i in lookups.get_enterprise_hosted_runner_images()]
    assert [i.source for i in lookups.get_enterprise_hosted_runner_images("partner")] == ["partner"]
    assert lookups.get_enterprise_hosted_runner_platforms() == ["linux-x64", "linux-arm64", "win-x64"]
    assert lookups.get_enterprise_hosted_runner_limits().maximum == 2
    assert lookups.get_enterprise_hosted_runners() == []


def test_network_configurations_of_org_and_enterprise(fake: FakeGitHub) -> None:
    subnet = fake.add_network_settings("acme", "subnet")["id"]
    made = fake.add_network_configuration("acme", "private", subnet)
    assert [(c.id, c.name, c.network_settings_ids) for c in lookups.get_network_configurations()] == [
        (made["id"], "private", (subnet,))
    ]
    assert lookups.get_enterprise_network_configurations() == []


def test_the_self_hosted_runner_policy(fake: FakeGitHub) -> None:
    ids = {r["name"]: r["id"] for r in fake.repositories("acme")}
    assert lookups.get_self_hosted_runner_policy()[0].enabled_repositories == "all"
    fake.set_self_hosted_runner_policy("acme", "selected", ["web", "api"])
    policy, repositories = lookups.get_self_hosted_runner_policy()
    assert policy.enabled_repositories == "selected"
    assert [(r.id, r.name) for r in repositories] == [(ids["api"], "api"), (ids["web"], "web")]


def test_on_github_com_an_enterprise_lookup_explains_its_404(monkeypatch: pytest.MonkeyPatch) -> None:
    with serve(FakeGitHub.seeded("demo")) as dotcom:
        reset_clients()
        monkeypatch.setenv("GITHUB_BASE_URL", dotcom.url)
        with pytest.raises(GitHubRunnerGroupsError) as failed:
            lookups.get_enterprise_hosted_runner_sizes()
    assert "GitHub Enterprise Cloud" in str(failed.value) and "manage_runners:enterprise" in str(failed.value)
