"""Lookups read the list endpoints with the providers' settings (environment, or stack config in a program)."""

from __future__ import annotations

import pytest
from github_runner_groups import lookups
from github_runner_groups.client import reset_clients
from github_runner_groups.errors import ConfigError
from github_runner_groups.testing import DEMO_TOKEN, EmulatorServer, FakeGitHub


@pytest.fixture(autouse=True)
def settings(emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch) -> None:
    reset_clients()
    monkeypatch.setenv("GITHUB_TOKEN", DEMO_TOKEN)
    monkeypatch.setenv("GITHUB_BASE_URL", emulator.url)
    monkeypatch.setenv("GITHUB_OWNER", "acme")


def test_groups_and_their_members(fake: FakeGitHub) -> None:
    groups = {g.name: g for g in lookups.get_runner_groups()}
    assert set(groups) == {"Default", "build-linux", "release"}
    assert groups["release"].restricted_to_workflows and groups["Default"].default
    visible = [g.name for g in lookups.get_runner_groups(visible_to_repository="docs")]
    assert visible == ["Default", "release"]
    build = groups["build-linux"].id
    assert [m.name for m in lookups.get_group_repositories(build)] == ["api", "web"]
    assert [m.name for m in lookups.get_group_runners(str(build), org="ACME")] == ["linux-1", "linux-2"]
    fake.add_hosted_runner("acme", build, "ubuntu-large")
    assert [r["name"] for r in lookups.get_hosted_runners(build)] == ["ubuntu-large"]


def test_missing_owner_is_explained(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_OWNER")
    with pytest.raises(ConfigError, match="pass org="):
        lookups.get_runner_groups()
