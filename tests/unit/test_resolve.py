"""Name and id resolution: one listing per org per client, ids proven to exist, bounded error messages."""

from __future__ import annotations

import gc
import re
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
import responses
from github_runner_groups import api, resolve
from github_runner_groups.client import ClientSettings, GitHubClient
from github_runner_groups.resolve import REPOSITORIES, RUNNERS, UnknownNameError
from github_runner_groups.testing import DEMO_TOKEN, FakeGitHub, add_to_responses

BASE = "https://api.github.com"
REPO_LISTING = r"^/orgs/acme/repos$"


@pytest.fixture
def rsps(fake: FakeGitHub) -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        add_to_responses(fake, mock, BASE)
        yield mock


def make_client() -> GitHubClient:
    return GitHubClient(ClientSettings(token=DEMO_TOKEN))


@pytest.fixture
def client(rsps: responses.RequestsMock) -> GitHubClient:
    return make_client()


def repo_id(fake: FakeGitHub, name: str) -> int:
    return int(next(r["id"] for r in fake.repositories("acme") if r["name"] == name))


def test_names_and_ids_resolve_from_one_listing(client: GitHubClient, fake: FakeGitHub) -> None:
    api_id, web_id = repo_id(fake, "api"), repo_id(fake, "web")
    resolved = resolve.resolve_ids(client, REPOSITORIES, "acme", ["API", "acme/web", api_id])
    assert resolved == {"API": api_id, "acme/web": web_id, api_id: api_id}
    assert fake.count("GET", REPO_LISTING) == 1
    resolve.resolve_ids(client, REPOSITORIES, "ACME", [web_id])
    assert fake.count("GET", REPO_LISTING) == 1  # the org's index is cached for the client


def test_an_unknown_id_fails_naming_it_after_one_relisting(client: GitHubClient, fake: FakeGitHub) -> None:
    resolve.resolve_ids(client, REPOSITORIES, "acme", ["api"])
    with pytest.raises(UnknownNameError) as failed:
        resolve.resolve_ids(client, REPOSITORIES, "acme", ["mobile", 999999])
    assert "org 'acme' has no repository with id 999999" in str(failed.value)
    assert "mobile" not in str(failed.value) and "Runner group" not in str(failed.value)
    assert fake.count("GET", REPO_LISTING) == 2  # the miss was listed again once: it may be new


def test_an_id_created_since_the_listing_is_found_by_the_relisting(client: GitHubClient, fake: FakeGitHub) -> None:
    resolve.resolve_ids(client, REPOSITORIES, "acme", ["api"])
    new_id = fake.add_repo("acme", "created-in-this-run")["id"]
    assert resolve.resolve_ids(client, REPOSITORIES, "acme", [new_id]) == {new_id: new_id}


def test_names_and_ids_missing_together(client: GitHubClient) -> None:
    with pytest.raises(UnknownNameError) as failed:
        resolve.resolve_ids(client, RUNNERS, "acme", ["linux-9", "linux-8", 424242])
    message = str(failed.value)
    assert "no self-hosted runners named 'linux-9'" in message
    assert "'linux-8'" in message and "no self-hosted runner with id 424242" in message
    assert "registered again has a new id" in message


def test_text_that_looks_like_an_id_is_a_name_and_says_how_to_give_an_id(
    client: GitHubClient, fake: FakeGitHub
) -> None:
    with pytest.raises(UnknownNameError, match=r"no repository named '1003'.*write it as a number"):
        resolve.resolve_ids(client, REPOSITORIES, "acme", ["1003"])


def test_another_orgs_repository_is_refused_without_a_listing(client: GitHubClient, fake: FakeGitHub) -> None:
    with pytest.raises(UnknownNameError, match="'other/api' is a repository of 'other'"):
        resolve.resolve_ids(client, REPOSITORIES, "acme", ["other/api"])
    assert fake.count() == 0


def test_the_cache_belongs_to_the_client_object(rsps: responses.RequestsMock, fake: FakeGitHub) -> None:
    """A new client (as after reset_clients) lists again, even where it reuses the old one's address."""
    first = make_client()
    resolve.resolve_ids(first, REPOSITORIES, "acme", ["api"])
    del first
    gc.collect()
    second = make_client()
    resolve.resolve_ids(second, REPOSITORIES, "acme", ["api"])
    assert fake.count("GET", REPO_LISTING) == 2
    resolve.forget(second)
    resolve.resolve_ids(second, REPOSITORIES, "acme", ["api"])
    assert fake.count("GET", REPO_LISTING) == 3


def large_org(size: int) -> Any:
    items = [api.Repository(10_000 + index, f"service-{index:05d}-{'abcdefghij'[index % 10]}") for index in range(size)]
    return replace(REPOSITORIES, list_items=lambda _client, _org: items)


def test_many_unknown_names_give_a_capped_message_with_matches() -> None:
    """500 misspelled names among 10,000 repositories: the first 20 are named with their close matches, the rest
    counted. (benchmarks/bench_unknown_names.py measures how long this takes.)"""
    kind = large_org(10_000)
    misspelled = [f"servcie-{index:05d}-{'abcdefghij'[index % 10]}" for index in range(0, 10_000, 20)]
    with pytest.raises(UnknownNameError) as failed:
        resolve.resolve_ids(make_client(), kind, "acme", ["service-00001-b", *misspelled])
    message = str(failed.value)
    named = re.findall(r"'(servcie-\d{5}-\w)'", message)
    assert named == misspelled[:20]
    assert "(480 more not shown; 500 unknown in all)" in message
    assert "'servcie-00000-a' (did you mean 'service-00000-a'" in message
    assert "service-00001-b" not in message.split("(did you mean")[0]
    assert len(message) < 3_000


def test_a_short_transposed_name_still_gets_its_match(client: GitHubClient) -> None:
    with pytest.raises(UnknownNameError, match=r"'wbe' \(did you mean 'web'\?\)"):
        resolve.resolve_ids(client, REPOSITORIES, "acme", ["wbe"])
