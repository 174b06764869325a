"""The contract session's part for hosted compute networking, the self-hosted-runner policy and custom images: the
api functions NetworkConfiguration, SelfHostedRunnerPolicy and the custom-image lookups call, as they call them
over a resource's life, errors included (each flavour runs the parts it serves)."""

from __future__ import annotations

import pytest
from github_runner_groups import api
from github_runner_groups.client import GitHubClient
from github_runner_groups.errors import GitHubError
from github_runner_groups.testing import FakeGitHub


def exercise_network_configurations(fake: FakeGitHub, client: GitHubClient, location: str, owner: str) -> None:
    enterprise = location == "enterprise"
    primary = fake.add_network_settings(owner, "primary", enterprise=enterprise)["id"]
    failover = fake.add_network_settings(owner, "failover", region="westus", enterprise=enterprise)["id"]
    api.list_network_configurations(client, location, owner)
    api.get_network_settings(client, location, owner, primary)
    body = {"name": "private-net", "compute_service": "actions", "network_settings_ids": [primary]}
    made = api.create_network_configuration(client, location, owner, body)
    api.get_network_configuration(client, location, owner, made.id)
    api.get_network_settings(client, location, owner, primary)  # now used by `made`
    change = {"failover_network_settings_ids": [failover], "failover_network_enabled": True, "name": "private-2"}
    api.update_network_configuration(client, location, owner, made.id, change)
    for failing in (
        lambda: api.create_network_configuration(client, location, owner, {**body, "name": "bad name"}),
        lambda: api.create_network_configuration(client, location, owner, {**body, "name": "other"}),  # in use
        lambda: api.get_network_configuration(client, location, owner, "0000DEAD0000BEEF"),
        lambda: api.get_network_settings(client, location, owner, "0000DEAD0000BEEF"),
    ):
        with pytest.raises(GitHubError):
            failing()
    api.delete_network_configuration(client, location, owner, made.id)


def exercise_self_hosted_policy(client: GitHubClient, repository_ids: list[int]) -> None:
    api.get_self_hosted_runner_policy(client, "acme")
    with pytest.raises(GitHubError):  # the list belongs to a `selected` policy
        api.set_self_hosted_repositories(client, "acme", repository_ids[:1])
    api.set_self_hosted_runner_policy(client, "acme", "selected")
    api.get_self_hosted_runner_policy(client, "acme")
    api.set_self_hosted_repositories(client, "acme", repository_ids[:2])
    api.add_self_hosted_repository(client, "acme", repository_ids[2])
    api.remove_self_hosted_repository(client, "acme", repository_ids[0])
    api.list_self_hosted_repositories(client, "acme")
    with pytest.raises(GitHubError):
        api.set_self_hosted_repositories(client, "acme", [999999])
    api.set_self_hosted_runner_policy(client, "acme", "all")


def exercise_custom_images(fake: FakeGitHub, client: GitHubClient, location: str, owner: str) -> None:
    image = fake.add_custom_image(owner, "golden", versions=("1.0.0", "1.1.0"), enterprise=location == "enterprise")
    base = "/enterprises/" + owner if location == "enterprise" else "/orgs/" + owner
    custom = f"{base}/actions/hosted-runners/images/custom"
    api.list_custom_images(client, location, owner)
    api.list_custom_image_versions(client, location, owner, image["id"])
    client.get(f"{custom}/{image['id']}", action="reading a custom image")
    client.get(f"{custom}/{image['id']}/versions/1.1.0", action="reading a custom image version")
    with pytest.raises(GitHubError):
        client.get(f"{custom}/{image['id']}/versions/9.9.9", action="no such version")


def exercise_enterprise_hosted_runners(client: GitHubClient, enterprise: str) -> None:
    """An enterprise's own hosted runner's life as EnterpriseHostedRunner and the enterprise lookups send it."""
    where = {"location": "enterprise"}
    images = api.list_hosted_images(client, enterprise, "github", **where)
    api.list_hosted_images(client, enterprise, "partner", **where)
    sizes = api.list_hosted_machine_sizes(client, enterprise, **where)
    api.list_hosted_platforms(client, enterprise, **where)
    api.get_hosted_runner_limits(client, enterprise, **where)
    group = api.create_enterprise_runner_group(client, enterprise, {"name": "hosted-ent"}).body.id
    body = {"name": "ent-linux", "image": {"id": images[0].id, "source": "github"}, "size": sizes[0].id}
    made = api.create_hosted_runner(client, enterprise, {**body, "runner_group_id": 1}, **where)
    api.update_hosted_runner(client, enterprise, made.id, {"runner_group_id": group, "maximum_runners": 5}, **where)
    api.get_hosted_runner(client, enterprise, made.id, **where)
    api.list_hosted_runners(client, enterprise, **where)
    with pytest.raises(GitHubError):  # the name is taken
        api.create_hosted_runner(client, enterprise, {**body, "runner_group_id": 1}, **where)
    with pytest.raises(GitHubError):  # no such size
        api.update_hosted_runner(client, enterprise, made.id, {"size": "3-core"}, **where)
    api.delete_hosted_runner(client, enterprise, made.id, **where)
    api.delete_enterprise_runner_group(client, enterprise, group)
