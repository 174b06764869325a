"""A name taken between the provider's listing and its POST: GitHub's answer for a duplicate is not documented
(the emulator answers 409 for a runner group and 422 `already_exists` for a hosted runner), so the providers
must read both as "the name is taken" and say which object holds it and what to do."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from github_runner_groups.client import reset_clients
from github_runner_groups.errors import GitHubValidationError
from github_runner_groups.resources.hosted_runner import HostedRunnerProvider
from github_runner_groups.resources.runner_group import RunnerGroupProvider
from github_runner_groups.settings import resolve_settings
from github_runner_groups.testing import DEMO_TOKEN, EmulatorServer, FakeGitHub, FaultRule

Provider = RunnerGroupProvider | HostedRunnerProvider


def configured(provider: Provider, url: str) -> Provider:
    env = {"GITHUB_TOKEN": DEMO_TOKEN, "GITHUB_OWNER": "acme", "GITHUB_BASE_URL": url, "GITHUB_WRITE_DELAY_MS": "0"}
    provider._settings = resolve_settings(None, env)
    return provider


@pytest.fixture
def fresh_clients() -> Iterator[None]:
    reset_clients()  # a fresh client: a fresh listing
    yield
    reset_clients()


def create(provider: Provider, **inputs: Any) -> Any:
    checked = provider.check({}, {"__provider": "p", **inputs})
    assert checked.failures == []
    return provider.create(dict(checked.inputs))


def hosted(name: str) -> dict[str, Any]:
    return {"name": name, "image_id": "ubuntu-24.04", "size": "4-core", "runner_group_id": 1}


@pytest.mark.parametrize("status", [409, 422])
def test_a_group_name_taken_after_the_listing(
    fresh_clients: None, emulator: EmulatorServer, fake: FakeGitHub, status: int
) -> None:
    provider = configured(RunnerGroupProvider(), emulator.url)
    create(provider, name="first")  # takes the listing
    theirs = fake.add_group("acme", "ci")
    if status == 422:  # GitHub's other way of saying it
        fake.add_fault(FaultRule(method="POST", status=422, message="Validation Failed"))
    with pytest.raises(GitHubValidationError) as failure:
        create(provider, name="ci")
    message = str(failure.value)
    assert f"GitHub answered {status}" in message and f"'ci' already exists (id {theirs['id']})" in message
    assert "adopt=True" in message


@pytest.mark.parametrize("status", [409, 422])
def test_a_hosted_runner_name_taken_after_the_listing(
    fresh_clients: None, emulator: EmulatorServer, fake: FakeGitHub, status: int
) -> None:
    provider = configured(HostedRunnerProvider(), emulator.url)
    create(provider, **hosted("first"))  # takes the listing
    theirs = fake.add_hosted_runner("acme", 1, "big-linux", image="ubuntu-24.04")
    if status == 409:  # GitHub's other way of saying it
        fake.add_fault(FaultRule(method="POST", status=409, message="Conflict"))
    with pytest.raises(GitHubValidationError) as failure:
        create(provider, **hosted("big-linux"))
    message = str(failure.value)
    assert (
        f"GitHub answered {status}" in message
        and f"'big-linux' already exists in the org (id {theirs['id']})" in message
    )
    assert "adopt=True" in message
