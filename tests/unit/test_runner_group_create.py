"""RunnerGroup's create paths, called directly in one provider process, so the test can act between two creates.

The process's listing of the org's groups is taken at its first create: these cases change GitHub after it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from github_runner_groups import api
from github_runner_groups.client import reset_clients
from github_runner_groups.errors import GitHubRunnerGroupsError
from github_runner_groups.resources.runner_group import RunnerGroupProvider
from github_runner_groups.settings import resolve_settings
from github_runner_groups.testing import DEMO_TOKEN, EmulatorServer, FakeGitHub, FaultRule


@pytest.fixture
def provider(emulator: EmulatorServer) -> Iterator[RunnerGroupProvider]:
    reset_clients()  # a fresh client: a fresh listing
    provider = RunnerGroupProvider()
    provider._settings = resolve_settings(
        None,
        {
            "GITHUB_TOKEN": DEMO_TOKEN,
            "GITHUB_OWNER": "acme",
            "GITHUB_BASE_URL": emulator.url,
            "GITHUB_WRITE_DELAY_MS": "0",
        },
    )
    yield provider
    reset_clients()


def create(provider: RunnerGroupProvider, name: str, **inputs: Any) -> Any:
    checked = provider.check({}, {"__provider": "p", "name": name, **inputs})
    assert checked.failures == []
    return provider.create(dict(checked.inputs))


def test_a_group_made_by_someone_else_after_the_listing_is_not_taken(
    provider: RunnerGroupProvider, fake: FakeGitHub
) -> None:
    create(provider, "first")  # takes the listing
    theirs = fake.add_group("acme", "ci", visibility="private")
    fake.add_fault(FaultRule(method="POST", status=502))
    with pytest.raises(GitHubRunnerGroupsError) as failure:
        create(provider, "ci")
    assert "already exists" in str(failure.value) and f"id {theirs['id']}" in str(failure.value)
    assert "adopt=True" in str(failure.value)
    assert fake.group("acme", theirs["id"]) == theirs


def test_the_group_a_lost_post_made_is_claimed_once(provider: RunnerGroupProvider, fake: FakeGitHub) -> None:
    create(provider, "first")
    fake.add_fault(FaultRule(method="POST", after_handling=True, status=502))
    result = create(provider, "ci", visibility="private")
    (made,) = [g for g in fake.groups("acme") if g["name"] == "ci"]
    assert result.id == str(made["id"]) and result.outs["visibility"] == "private"
    assert fake.count(method="POST") == 2  # "first", and the lost one: never a second POST for "ci"


def test_a_second_resource_with_the_same_name_fails_before_posting(
    provider: RunnerGroupProvider, fake: FakeGitHub
) -> None:
    made = create(provider, "ci")
    fake.reset_log()
    with pytest.raises(GitHubRunnerGroupsError) as failure:
        create(provider, "Ci")
    assert f"another resource of this program creates or adopts the runner group named 'Ci' (id {made.id})" in str(
        failure.value
    )
    with pytest.raises(GitHubRunnerGroupsError, match="another resource of this program"):
        create(provider, "ci", adopt=True)
    assert fake.count() == 0


def test_renamed_and_deleted_groups_free_their_names(provider: RunnerGroupProvider, fake: FakeGitHub) -> None:
    made = create(provider, "ci")
    renamed = provider.update(made.id, made.outs, {**made.outs, "name": "ci-old"})
    assert renamed.outs is not None
    create(provider, "ci")
    provider.delete(made.id, renamed.outs)
    assert create(provider, "ci-old").outs["name"] == "ci-old"
    assert fake.count(method="GET", path=r"/actions/runner-groups$") == 1


@pytest.mark.parametrize("answer", [{}, [], {"id": "7", "name": "ci"}, {"id": True, "name": "ci"}, {"id": 7}, None])
def test_an_answer_that_is_not_a_group_is_a_clear_error(answer: object) -> None:
    with pytest.raises(api.UnexpectedAnswer) as failure:
        api.RunnerGroup.from_json(answer, "creating runner group 'ci' in org 'acme'")
    assert str(failure.value).startswith("creating runner group 'ci' in org 'acme' failed: GitHub's answer is not")
    assert "github:baseUrl" in str(failure.value)


def test_flags_github_leaves_out_are_false() -> None:
    group = api.RunnerGroup.from_json({"id": 7, "name": "ci", "selected_workflows": None}, "reading")
    assert (group.visibility, group.default, group.restricted_to_workflows, group.selected_workflows) == (
        "all",
        False,
        False,
        (),
    )
