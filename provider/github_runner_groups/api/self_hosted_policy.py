"""An org's self-hosted-runner policy: which repositories may use repository-level self-hosted runners (`all`,
`selected` with a repository list, or `none`). github.com, GHEC and GitHub Enterprise Server from 3.19; 3.17 and
3.18 do not have these endpoints. Read by the SelfHostedRunnerPolicy resources and the exposure audit."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..client import GitHubClient
from ._answers import text, unexpected
from ._listing import count, listing
from ._paths import org_path
from .models import Repository

__all__ = [
    "SELF_HOSTED_POLICIES",
    "SelfHostedRunnerPolicy",
    "add_self_hosted_repository",
    "get_self_hosted_runner_policy",
    "list_self_hosted_repositories",
    "remove_self_hosted_repository",
    "set_self_hosted_repositories",
    "set_self_hosted_runner_policy",
]

SELF_HOSTED_POLICIES = ("all", "selected", "none")


@dataclass(frozen=True)
class SelfHostedRunnerPolicy:
    """GitHub's `self-hosted-runners-settings`."""

    enabled_repositories: str
    selected_repositories_url: str | None = None

    @classmethod
    def from_json(cls, data: object, action: str) -> SelfHostedRunnerPolicy:
        if not isinstance(data, Mapping) or data.get("enabled_repositories") not in SELF_HOSTED_POLICIES:
            raise unexpected(action, "an org's self-hosted-runner settings (enabled_repositories all|selected|none)")
        return cls(str(data["enabled_repositories"]), text(data.get("selected_repositories_url")))


def _policy(org: str) -> str:
    return f"{org_path(org)}/actions/permissions/self-hosted-runners"


def get_self_hosted_runner_policy(client: GitHubClient, org: str) -> SelfHostedRunnerPolicy:
    action = f"reading the self-hosted-runner policy of org '{org}'"
    return SelfHostedRunnerPolicy.from_json(client.get(_policy(org), action=action), action)


def set_self_hosted_runner_policy(client: GitHubClient, org: str, enabled_repositories: str) -> None:
    action = f"setting the self-hosted-runner policy of org '{org}' to '{enabled_repositories}'"
    client.request("PUT", _policy(org), action=action, json_body={"enabled_repositories": enabled_repositories})


def list_self_hosted_repositories(client: GitHubClient, org: str) -> list[Repository]:
    """The repositories a `selected` policy lets use repository-level self-hosted runners."""
    action = f"listing the repositories of org '{org}' allowed self-hosted runners"
    return listing(client, f"{_policy(org)}/repositories", action, "repositories", Repository.from_json)


def set_self_hosted_repositories(client: GitHubClient, org: str, repository_ids: list[int]) -> None:
    action = (
        f"setting the repositories of org '{org}' allowed self-hosted runners ({count(repository_ids, 'repository')})"
    )
    body = {"selected_repository_ids": [int(i) for i in repository_ids]}
    client.request("PUT", f"{_policy(org)}/repositories", action=action, json_body=body)


def add_self_hosted_repository(client: GitHubClient, org: str, repository_id: int) -> None:
    action = f"allowing repository {int(repository_id)} of org '{org}' self-hosted runners"
    client.request("PUT", f"{_policy(org)}/repositories/{int(repository_id)}", action=action)


def remove_self_hosted_repository(client: GitHubClient, org: str, repository_id: int) -> None:
    action = f"no longer allowing repository {int(repository_id)} of org '{org}' self-hosted runners"
    client.request("DELETE", f"{_policy(org)}/repositories/{int(repository_id)}", action=action)
