"""The resources on GitHub Enterprise Server: the emulator plays GHES 3.17-3.19 (REST under /api/v3, no hosted
runners, no network configurations) and the engine drives RunnerGroup, its repository access and membership
through a whole life there; what GHES lacks is refused naming GHES, never a raw 404 or a silently ignored field."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from github_runner_groups.client import reset_clients
from github_runner_groups.errors import GitHubRunnerGroupsError
from github_runner_groups.resources.enterprise_runner_group import EnterpriseRunnerGroupProvider
from github_runner_groups.resources.hosted_runner import HostedRunnerProvider
from github_runner_groups.resources.membership import RunnerGroupMembershipProvider
from github_runner_groups.resources.repository_access import RunnerGroupRepositoryAccessProvider
from github_runner_groups.resources.runner_group import RunnerGroupArgs, RunnerGroupProvider
from github_runner_groups.settings import resolve_settings
from github_runner_groups.testing import DEMO_TOKEN, SEEDED_ENTERPRISE, EmulatorServer, FakeGitHub
from github_runner_groups.testing.wire import FakeResponse
from harness import Engine, HarnessError, Ref, Res

MakeEngine = Callable[..., Engine]
GHES_FLAVOURS = ("ghes-3.17", "ghes-3.18", "ghes-3.19")


@pytest.fixture(params=GHES_FLAVOURS)
def fake(request: pytest.FixtureRequest) -> FakeGitHub:
    return FakeGitHub.seeded("demo", flavour=request.param)


def stack_of(visibility: str, repositories: list[str], runners: list[str]) -> list[Res]:
    group = Res("ci", RunnerGroupProvider(), RunnerGroupArgs(name="ci", visibility=visibility))
    # Inputs as the Args classes send them, with the group's id as a reference the engine resolves.
    access = Res(
        "ci-repos", RunnerGroupRepositoryAccessProvider(), {"runner_group_id": Ref(group), "repositories": repositories}
    )
    members = Res("ci-runners", RunnerGroupMembershipProvider(), {"runner_group_id": Ref(group), "runners": runners})
    return [group, access, members]


def test_a_group_with_access_and_members_lives_its_whole_life_on_ghes(
    engine: MakeEngine, fake: FakeGitHub, emulator: EmulatorServer
) -> None:
    assert emulator.url.endswith("/api/v3")
    stack = engine()
    assert stack.up(stack_of("selected", ["api", "web"], ["linux-3"])).summary == {"create": 3}
    group_id = int(stack.get("ci").id)
    repos = {r["id"]: r["name"] for r in fake.repositories("acme")}
    assert sorted(repos[i] for i in fake.group_repository_ids("acme", group_id)) == ["api", "web"]
    assert [r["name"] for r in fake.runners("acme") if r["id"] in fake.group_runner_ids("acme", group_id)] == [
        "linux-3"
    ]
    assert stack.up(stack_of("selected", ["docs"], ["linux-3", "linux-4"])).summary == {"same": 1, "update": 2}
    assert [repos[i] for i in fake.group_repository_ids("acme", group_id)] == ["docs"]
    stack.refresh()  # the first refresh may only store the listings' ETags
    fake.reset_log()
    assert stack.refresh().summary == {"same": 3}
    assert {r.status for r in fake.requests} <= {200, 304}
    assert stack.destroy().summary == {"delete": 3}
    assert all(g["name"] != "ci" for g in fake.groups("acme"))


def test_network_configuration_is_refused_at_check_naming_ghes(engine: MakeEngine, fake: FakeGitHub) -> None:
    group = Res("ci", RunnerGroupProvider(), RunnerGroupArgs(name="ci", network_configuration_id="nc-1"))
    with pytest.raises(HarnessError) as failed:
        engine().up([group])
    assert failed.value.step == "check"
    assert "GitHub Enterprise Server" in failed.value.message and "network_configuration_id" in failed.value.message
    assert fake.count() == 0


def test_a_hosted_runner_is_refused_at_check_naming_ghes(
    engine: MakeEngine, fake: FakeGitHub, emulator: EmulatorServer
) -> None:
    inputs = {"name": "big", "runner_group_id": 1, "image_id": "ubuntu-24.04", "size": "4-core"}
    with pytest.raises(HarnessError) as failed:
        engine().preview([Res("big", HostedRunnerProvider(), inputs)])
    assert failed.value.step == "check"
    assert f"GitHub Enterprise Server (github:baseUrl {emulator.url})" in failed.value.message
    assert "no GitHub-hosted runners" in failed.value.message and fake.count() == 0


@pytest.fixture
def group_provider(emulator: EmulatorServer) -> Iterator[RunnerGroupProvider]:
    reset_clients()
    provider = RunnerGroupProvider()
    provider._settings = resolve_settings(None, {"GITHUB_TOKEN": DEMO_TOKEN, "GITHUB_BASE_URL": emulator.url})
    yield provider
    reset_clients()


def create(provider: RunnerGroupProvider, **inputs: Any) -> Any:
    """Create without check, as when the base URL did not say GHES: the provider must learn it from GHES."""
    return provider.create({"org": "acme", "adopt": False, "visibility": "all", **inputs})


def test_network_configuration_is_refused_before_the_post_naming_the_release(
    group_provider: RunnerGroupProvider, fake: FakeGitHub
) -> None:
    with pytest.raises(GitHubRunnerGroupsError) as refused:
        create(group_provider, name="ci", network_configuration_id="nc-1")
    release = fake.flavour.ghes_version
    assert f"GitHub Enterprise Server {release}.0" in str(refused.value) and "remove it" in str(refused.value)
    assert fake.count("POST") == 0 and all(g["name"] != "ci" for g in fake.groups("acme"))


def test_a_group_without_network_configuration_asks_no_version(
    group_provider: RunnerGroupProvider, fake: FakeGitHub
) -> None:
    create(group_provider, name="ci")
    assert [r.query for r in fake.requests if r.method == "GET"] == ["per_page=100"]  # only the group listing


def test_an_enterprise_group_asks_the_enterprise_which_release_before_its_post_and_patch(
    emulator: EmulatorServer, fake: FakeGitHub
) -> None:
    """The release is read from the enterprise's own group listing (the token may see no org), and the
    refusal names the enterprise and the release, on a create and on an update alike."""
    reset_clients()
    provider = EnterpriseRunnerGroupProvider()
    provider._settings = resolve_settings(None, {"GITHUB_TOKEN": DEMO_TOKEN, "GITHUB_BASE_URL": emulator.url})
    inputs = {"enterprise": SEEDED_ENTERPRISE, "name": "shared", "adopt": False, "visibility": "all"}
    release = f"GitHub Enterprise Server {fake.flavour.ghes_version}.0"
    try:
        with pytest.raises(GitHubRunnerGroupsError) as refused_create:
            provider.create({**inputs, "network_configuration_id": "nc-1"})
        made = provider.create(inputs)
        state = made.outs or {}
        with pytest.raises(GitHubRunnerGroupsError) as refused_update:
            provider.update(str(made.id), state, {**state, "network_configuration_id": "nc-1"})
    finally:
        reset_clients()
    for refused, action in ((refused_create, "creating runner group 'shared'"), (refused_update, "updating")):
        message = str(refused.value)
        assert action in message and f"enterprise '{SEEDED_ENTERPRISE}'" in message, message
        assert release in message and "network_configuration_id" in message and "remove it" in message, message
    probes = [r.path for r in fake.requests if r.query == "per_page=1"]
    assert probes == [f"/enterprises/{SEEDED_ENTERPRISE}/actions/runner-groups"] * 2
    assert fake.count("POST") == 1 and fake.count("PATCH") == 0
    assert [
        g["network_configuration_id"] for g in fake.enterprise_groups(SEEDED_ENTERPRISE) if g["name"] == "shared"
    ] == [None]


def test_every_ghes_answer_names_its_release_and_github_com_none(fake: FakeGitHub) -> None:
    auth = {"Authorization": f"Bearer {DEMO_TOKEN}"}
    for emulated in (fake, FakeGitHub.seeded("demo")):
        ok = emulated.handle("GET", "/orgs/acme/actions/runner-groups", "", auth, None)
        missing = emulated.handle("GET", "/orgs/acme/actions/hosted-runners", "", auth, None)
        release = emulated.flavour.ghes_version
        for answer in (ok, missing):
            assert isinstance(answer, FakeResponse)
            expected = f"{release}.0" if release else None
            assert answer.headers.get("x-github-enterprise-version") == expected
    assert isinstance(missing, FakeResponse) and missing.status == 200  # github.com has hosted runners
