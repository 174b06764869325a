"""Lookups of what an org offers for GitHub-hosted runners, and of its hosted runners, against the emulator."""

from __future__ import annotations

import pytest
from github_runner_groups import lookups
from github_runner_groups.client import reset_clients
from github_runner_groups.errors import ConfigError, GitHubNotFound, GitHubRunnerGroupsError
from github_runner_groups.testing import DEMO_TOKEN, EmulatorServer, FakeGitHub, FaultRule, serve


@pytest.fixture(autouse=True)
def settings(emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch) -> None:
    reset_clients()
    monkeypatch.setenv("GITHUB_TOKEN", DEMO_TOKEN)
    monkeypatch.setenv("GITHUB_BASE_URL", emulator.url)
    monkeypatch.setenv("GITHUB_OWNER", "acme")


def test_what_the_org_offers(fake: FakeGitHub) -> None:
    fake.set_hosted_catalog("acme", public_ip_limit=3)
    fake.add_hosted_runner("acme", 1, "with-ip", public_ip=True)
    assert [s.id for s in lookups.get_hosted_runner_sizes()] == ["2-core", "4-core", "8-core", "16-core"]
    assert lookups.get_hosted_runner_sizes()[1].memory_gb == 16
    github = {i.id: i for i in lookups.get_hosted_runner_images()}
    assert github["ubuntu-24.04-arm"].platform == "linux-arm64" and github["windows-2022"].source == "github"
    assert [i.id for i in lookups.get_hosted_runner_images("partner")] == ["nvidia-gpu-ubuntu-22.04"]
    assert lookups.get_hosted_runner_platforms() == ["linux-x64", "linux-arm64", "win-x64"]
    limits = lookups.get_hosted_runner_limits()
    assert (limits.maximum, limits.current_usage) == (3, 1)


def test_the_orgs_hosted_runners_typed(fake: FakeGitHub) -> None:
    build = next(g["id"] for g in fake.groups("acme") if g["name"] == "build-linux")
    made = fake.add_hosted_runner("acme", build, "gpu", image="nvidia-gpu-ubuntu-22.04", image_source="partner")
    (found,) = lookups.get_org_hosted_runners()
    assert (found.id, found.name, found.runner_group_id) == (made["id"], "gpu", build)
    assert (found.image_id, found.image_source, found.size, found.platform) == (
        "nvidia-gpu-ubuntu-22.04",
        "partner",
        "4-core",
        "linux-x64",
    )


def test_custom_images_have_no_listing() -> None:
    with pytest.raises(ConfigError, match=r"source must be 'github' or 'partner'.*got 'custom'"):
        lookups.get_hosted_runner_images("custom")


def test_ghes_is_named_by_its_release_instead_of_a_bare_404(monkeypatch: pytest.MonkeyPatch) -> None:
    with serve(FakeGitHub.seeded("demo", flavour="ghes-3.18")) as ghes:
        reset_clients()
        monkeypatch.setenv("GITHUB_BASE_URL", ghes.url)
        with pytest.raises(GitHubRunnerGroupsError) as failed:
            lookups.get_hosted_runner_sizes()
    message = str(failed.value)
    assert "listing the machine sizes org 'acme' offers" in message
    assert "GitHub Enterprise Server 3.18.0 has no GitHub-hosted runners" in message and "404" not in message


def test_an_org_without_hosted_runners_gets_the_404_with_the_plan_and_permission(fake: FakeGitHub) -> None:
    fake.add_fault(FaultRule(method="GET", path="/platforms", status=404))
    with pytest.raises(GitHubNotFound) as failed:
        lookups.get_hosted_runner_platforms()
    assert "Team or Enterprise Cloud plan" in str(failed.value) and "admin:org" in str(failed.value)
