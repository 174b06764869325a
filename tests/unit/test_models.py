"""GitHub's objects as typed models: what each `from_json` defaults, what it refuses, and that every api read
returns them (against the emulator behind loopback HTTP)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import responses
from github_runner_groups import api, client
from github_runner_groups.client import ClientSettings, GitHubClient
from github_runner_groups.testing import DEMO_TOKEN, EmulatorServer, FakeGitHub

ACTION = "reading things of org 'acme'"
Model = Callable[[object, str], object]
MODELS: dict[str, tuple[Model, str]] = {
    "group": (api.RunnerGroup.from_json, "a runner group"),
    "repository": (api.Repository.from_json, "a repository"),
    "runner": (api.Runner.from_json, "a self-hosted runner"),
}


@pytest.fixture
def github(emulator: EmulatorServer) -> GitHubClient:
    return GitHubClient(ClientSettings(base_url=emulator.url, token=DEMO_TOKEN))


# from_json: what GitHub leaves out


def test_a_repository_without_flags_is_public_and_not_private() -> None:
    repository = api.Repository.from_json({"id": 5, "name": "api"}, ACTION)
    assert repository == api.Repository(id=5, name="api", full_name=None, private=False, visibility="public")


@pytest.mark.parametrize(
    ("answer", "visibility"),
    [
        ({"private": True}, "private"),
        ({"private": True, "visibility": "internal"}, "internal"),
        ({"private": False, "visibility": None}, "public"),
    ],
)
def test_a_repository_without_visibility_takes_it_from_private(answer: dict[str, object], visibility: str) -> None:
    assert api.Repository.from_json({"id": 5, "name": "api", **answer}, ACTION).visibility == visibility


def test_a_runner_without_details_is_idle_with_no_labels_and_no_known_group() -> None:
    runner = api.Runner.from_json({"id": 3, "name": "linux-1"}, ACTION)
    assert runner == api.Runner(id=3, name="linux-1", os="", status="", busy=False, labels=(), runner_group_id=None)


def test_a_runner_keeps_its_label_names_and_group() -> None:
    answer = {
        "id": 3,
        "name": "linux-1",
        "os": "linux",
        "status": "online",
        "busy": True,
        "labels": [{"id": 1, "name": "self-hosted", "type": "read-only"}, {"name": "gpu", "type": "custom"}, 7, {}],
        "runner_group_id": 2,
    }
    runner = api.Runner.from_json(answer, ACTION)
    assert (runner.os, runner.status, runner.busy, runner.runner_group_id) == ("linux", "online", True, 2)
    assert runner.labels == ("self-hosted", "gpu")


@pytest.mark.parametrize("labels", ["gpu", None, {"name": "gpu"}])
def test_runner_labels_that_are_not_a_list_are_none(labels: object) -> None:
    assert api.Runner.from_json({"id": 3, "name": "r", "labels": labels}, ACTION).labels == ()


@pytest.mark.parametrize("group_id", [None, "2", True, 0, -1])
def test_a_runner_group_id_that_is_not_an_id_is_unknown(group_id: object) -> None:
    assert api.Runner.from_json({"id": 3, "name": "r", "runner_group_id": group_id}, ACTION).runner_group_id is None


def test_actions_permissions_default_to_every_repository() -> None:
    permissions = api.ActionsPermissions.from_json({}, ACTION)
    assert permissions == api.ActionsPermissions(
        enabled_repositories="all", allowed_actions=None, selected_repositories_url=None, selected_actions_url=None
    )
    selected = api.ActionsPermissions.from_json({"enabled_repositories": "selected", "allowed_actions": "all"}, ACTION)
    assert (selected.enabled_repositories, selected.allowed_actions) == ("selected", "all")


# from_json: answers that are not the object


@pytest.mark.parametrize("model", sorted(MODELS))
@pytest.mark.parametrize(
    "answer", [None, [], "<html>", {}, {"id": "7", "name": "x"}, {"id": True, "name": "x"}, {"id": 7}]
)
def test_an_answer_without_id_and_name_is_a_clear_error(model: str, answer: object) -> None:
    from_json, what = MODELS[model]
    with pytest.raises(api.UnexpectedAnswer) as failure:
        from_json(answer, ACTION)
    message = str(failure.value)
    assert message.startswith(f"{ACTION} failed: GitHub's answer is not {what} (it has no numeric id and name).")
    assert "github:baseUrl" in message


@pytest.mark.parametrize("answer", [None, [], "<html>", 7])
def test_actions_permissions_that_are_not_an_object_are_a_clear_error(answer: object) -> None:
    with pytest.raises(api.UnexpectedAnswer) as failure:
        api.ActionsPermissions.from_json(answer, ACTION)
    assert str(failure.value).startswith(f"{ACTION} failed: GitHub's answer is not an object.")


# Every api read returns the models


def test_org_listings_are_typed(github: GitHubClient, fake: FakeGitHub) -> None:
    repositories = {r.name: r for r in api.list_org_repositories(github, "acme")}
    assert all(isinstance(r, api.Repository) for r in repositories.values()) and len(repositories) == 12
    assert repositories["ml-models"].private and repositories["ml-models"].visibility == "private"
    assert repositories["api"].full_name == "acme/api" and repositories["api"].visibility == "public"
    runners = {r.name: r for r in api.list_org_runners(github, "acme")}
    assert all(isinstance(r, api.Runner) for r in runners.values()) and len(runners) == 8
    gpu = runners["linux-gpu-1"]
    assert (gpu.os, gpu.labels, gpu.runner_group_id) == ("linux", ("self-hosted", "linux", "x64", "gpu"), 1)
    assert runners["windows-2"].status == "offline" and not runners["windows-2"].busy


def test_group_listings_are_typed(github: GitHubClient, fake: FakeGitHub) -> None:
    build = next(g.id for g in api.list_runner_groups(github, "acme") if g.name == "build-linux")
    assert sorted(r.name for r in api.list_group_repositories(github, "acme", build)) == ["api", "web"]
    runners = api.list_group_runners(github, "acme", build)
    assert [(r.name, r.runner_group_id) for r in runners] == [("linux-1", build), ("linux-2", build)]
    fake.add_hosted_runner("acme", build, "ubuntu-large")
    assert [r["name"] for r in api.list_hosted_runners_in_group(github, "acme", build)] == ["ubuntu-large"]


def test_actions_permissions_are_typed(github: GitHubClient, fake: FakeGitHub) -> None:
    permissions = api.get_actions_permissions(github, "acme")
    assert isinstance(permissions, api.ActionsPermissions) and permissions.enabled_repositories == "all"
    assert api.list_actions_enabled_repositories(github, "acme") == []


@pytest.mark.parametrize(
    ("listing", "path"),
    [
        (api.list_group_repositories_if_changed, "repositories"),
        (api.list_group_runners_if_changed, "runners"),
    ],
)
def test_conditional_listings_are_typed_and_a_304_is_unchanged(
    github: GitHubClient, fake: FakeGitHub, listing: Callable[..., api.Conditional[list[api.Named]]], path: str
) -> None:
    build = next(g.id for g in api.list_runner_groups(github, "acme") if g.name == "build-linux")
    first = listing(github, "acme", build, None)
    assert first.etag is not None and not first.unchanged
    assert first.body is not None and all(isinstance(m.id, int) and m.name for m in first.body)
    fresh = GitHubClient(ClientSettings(base_url=github.settings.base_url, token=DEMO_TOKEN))
    again = listing(fresh, "acme", build, first.etag)
    assert again.unchanged and again.body is None and again.etag == first.etag
    assert fake.requests[-1].path.endswith(f"/{path}")


def test_a_conditional_group_read_is_typed(github: GitHubClient, fake: FakeGitHub) -> None:
    build = next(g.id for g in api.list_runner_groups(github, "acme") if g.name == "build-linux")
    first = api.get_runner_group_if_changed(github, "acme", build, None)
    assert isinstance(first.body, api.RunnerGroup) and first.body.visibility == "selected"
    fresh = GitHubClient(ClientSettings(base_url=github.settings.base_url, token=DEMO_TOKEN))
    assert api.get_runner_group_if_changed(fresh, "acme", build, first.etag).unchanged


def test_one_conditional_for_the_client_and_the_api() -> None:
    assert api.Conditional is client.Conditional


@pytest.mark.parametrize(
    ("read", "path", "answer", "what"),
    [
        (api.list_org_repositories, "/orgs/acme/repos", [{"id": 1, "name": "api"}, "api"], "a repository"),
        (
            api.list_org_runners,
            "/orgs/acme/actions/runners",
            {"total_count": 1, "runners": [[]]},
            "a self-hosted runner",
        ),
        (api.get_actions_permissions, "/orgs/acme/actions/permissions", ["all"], "an object"),
    ],
)
def test_an_answer_item_that_is_not_the_object_names_the_read(
    read: Callable[[GitHubClient, str], object], path: str, answer: object, what: str
) -> None:
    with responses.RequestsMock() as mock:
        mock.get(f"https://api.github.com{path}", json=answer)
        with pytest.raises(api.UnexpectedAnswer, match=f"of org 'acme' failed: GitHub's answer is not {what}"):
            read(GitHubClient(ClientSettings(token=DEMO_TOKEN)), "acme")


@pytest.mark.parametrize("workflows", ["release.yml", None, {"path": "release.yml"}])
def test_group_workflows_that_are_not_a_list_are_none(workflows: object) -> None:
    group = api.RunnerGroup.from_json({"id": 7, "name": "ci", "selected_workflows": workflows}, ACTION)
    assert group.selected_workflows == ()
