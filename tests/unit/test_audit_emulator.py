"""The emulator's beliefs the audit rests on (docs/emulator-fidelity.md), each checked through the REST API: where an
enterprise-shared group's runners show to an org-level token, the policy defaults, the policy endpoints a GHES
version lacks, a repository's own runners and their `ephemeral` field."""

from __future__ import annotations

import pytest
from github_runner_groups import api
from github_runner_groups.client import ClientSettings, GitHubClient, PacingSettings
from github_runner_groups.errors import GitHubNotFound
from github_runner_groups.testing import DEMO_TOKEN, FakeGitHub, serve

ORG = "acme"
UNPACED = PacingSettings(enabled=False)


def test_an_enterprise_groups_runners_show_through_the_orgs_group_endpoint_not_the_orgs_runner_listing() -> None:
    fake = FakeGitHub(flavour="ghec")
    fake.add_org(ORG)
    fake.add_enterprise("corp", orgs=[ORG])
    shared = int(fake.add_enterprise_group("corp", "fleet")["id"])
    hidden = int(fake.add_enterprise_group("corp", "hidden", visibility="selected")["id"])
    fake.add_enterprise_runner("corp", "fleet-1", group_id=shared)
    fake.add_enterprise_runner("corp", "hidden-1", group_id=hidden)
    fake.add_runner(ORG, "own-1")
    with serve(fake) as server:
        client = GitHubClient(ClientSettings(base_url=server.url, token=DEMO_TOKEN, pacing=UNPACED))
        assert [r.name for r in api.list_org_runners(client, ORG)] == ["own-1"]
        assert [r.name for r in api.list_group_runners(client, ORG, shared)] == ["fleet-1"]
        with pytest.raises(GitHubNotFound):
            api.list_group_runners(client, ORG, hidden)  # not shared with the org: not its group


def test_a_new_org_asks_approval_for_first_time_contributors_and_runs_no_private_fork_pull_request() -> None:
    fake = FakeGitHub()
    fake.add_org(ORG)
    fake.add_repo(ORG, "site", visibility="public")
    fake.add_repo(ORG, "app", visibility="private")
    with serve(fake) as server:
        client = GitHubClient(ClientSettings(base_url=server.url, token=DEMO_TOKEN, pacing=UNPACED))
        assert api.get_fork_pr_approval_policy(client, ORG) == "first_time_contributors"
        assert api.get_fork_pr_approval_policy(client, ORG, "site") == "first_time_contributors"
        assert api.get_fork_pr_private_policy(client, ORG).run_workflows_from_fork_pull_requests is False
        assert api.get_self_hosted_runner_policy(client, ORG).enabled_repositories == "all"


@pytest.mark.parametrize("flavour", ["ghes-3.17", "ghes-3.18"])
def test_ghes_before_3_19_answers_404_for_the_self_hosted_and_fork_policies(flavour: str) -> None:
    fake = FakeGitHub(flavour=flavour)
    fake.add_org(ORG)
    fake.add_repo(ORG, "site", visibility="public")
    with serve(fake) as server:
        client = GitHubClient(ClientSettings(base_url=server.url, token=DEMO_TOKEN, pacing=UNPACED))
        for read in (
            lambda: api.get_self_hosted_runner_policy(client, ORG),
            lambda: api.get_fork_pr_approval_policy(client, ORG),
            lambda: api.get_fork_pr_private_policy(client, ORG),
            lambda: api.get_fork_pr_approval_policy(client, ORG, "site"),
        ):
            with pytest.raises(GitHubNotFound):
                read()
        assert api.get_repository_actions_enabled(client, ORG, "site") is True  # in every version


def test_a_repositorys_own_runners_are_listed_on_the_repository_with_their_ephemeral_field() -> None:
    fake = FakeGitHub()
    fake.add_org(ORG)
    fake.add_repo(ORG, "site", visibility="public")
    fake.add_repository_runner(ORG, "site", "box")
    fake.add_repository_runner(ORG, "site", "one-job", ephemeral=True)
    with serve(fake) as server:
        client = GitHubClient(ClientSettings(base_url=server.url, token=DEMO_TOKEN, pacing=UNPACED))
        assert {r.name: r.ephemeral for r in api.list_repository_runners(client, ORG, "site")} == {
            "box": False,
            "one-job": True,
        }
        assert api.list_org_runners(client, ORG) == []  # a repository's runners are not the org's
