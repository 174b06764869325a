"""The Actions policies that decide whether a repository may really use a runner it can reach (read by the
exposure audit, with the self-hosted-runner policy of `self_hosted_policy`): the fork pull-request policies of the
org and of a repository, a repository's own Actions switch, and the self-hosted runners registered on a
repository. All are in the descriptions of api.github.com, ghec and ghes-3.19; GHES 3.17 and 3.18 lack the fork
pull-request policies (a 404 there)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote

from ..client import GitHubClient
from ._answers import text, unexpected
from ._listing import listing
from ._paths import org_path
from .models import Runner

__all__ = [
    "ForkPullRequestsPrivate",
    "get_fork_pr_approval_policy",
    "get_fork_pr_private_policy",
    "get_repository_actions_enabled",
    "list_repository_runners",
]


@dataclass(frozen=True)
class ForkPullRequestsPrivate:
    """`fork-pr-workflows-private-repos`: whether fork pull requests run workflows in private repositories."""

    run_workflows_from_fork_pull_requests: bool
    send_write_tokens_to_workflows: bool
    send_secrets_and_variables: bool
    require_approval_for_fork_pr_workflows: bool


def _object(data: object, action: str) -> Mapping[str, object]:
    if not isinstance(data, Mapping):
        raise unexpected(action, "an object")
    return data


def _repo_path(owner: str, repository: str) -> str:
    return f"/repos/{quote(owner, safe='')}/{quote(repository, safe='')}"


def get_fork_pr_approval_policy(client: GitHubClient, org: str, repository: str | None = None) -> str:
    """`approval_policy` of the org, or of `repository` when given: who needs approval before a fork's run."""
    where = f"repository '{org}/{repository}'" if repository else f"org '{org}'"
    action = f"reading the fork pull-request approval policy of {where}"
    base = _repo_path(org, repository) if repository else org_path(org)
    data = _object(client.get(f"{base}/actions/permissions/fork-pr-contributor-approval", action=action), action)
    return text(data.get("approval_policy")) or "first_time_contributors"


def get_fork_pr_private_policy(
    client: GitHubClient, org: str, repository: str | None = None
) -> ForkPullRequestsPrivate:
    where = f"repository '{org}/{repository}'" if repository else f"org '{org}'"
    action = f"reading whether fork pull requests run workflows in private repositories of {where}"
    base = _repo_path(org, repository) if repository else org_path(org)
    data = _object(client.get(f"{base}/actions/permissions/fork-pr-workflows-private-repos", action=action), action)
    return ForkPullRequestsPrivate(
        run_workflows_from_fork_pull_requests=data.get("run_workflows_from_fork_pull_requests") is True,
        send_write_tokens_to_workflows=data.get("send_write_tokens_to_workflows") is True,
        send_secrets_and_variables=data.get("send_secrets_and_variables") is True,
        require_approval_for_fork_pr_workflows=data.get("require_approval_for_fork_pr_workflows") is not False,
    )


def get_repository_actions_enabled(client: GitHubClient, owner: str, repository: str) -> bool:
    """`enabled` of `GET /repos/{owner}/{repo}/actions/permissions`: the repository's own Actions switch."""
    action = f"reading the Actions permissions of repository '{owner}/{repository}'"
    data = _object(client.get(f"{_repo_path(owner, repository)}/actions/permissions", action=action), action)
    return data.get("enabled") is not False


def list_repository_runners(client: GitHubClient, owner: str, repository: str) -> list[Runner]:
    """The self-hosted runners registered on one repository (outside every group)."""
    action = f"listing self-hosted runners of repository '{owner}/{repository}'"
    return listing(client, f"{_repo_path(owner, repository)}/actions/runners", action, "runners", Runner.from_json)
