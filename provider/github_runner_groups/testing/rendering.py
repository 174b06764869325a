"""GitHub's JSON shapes as the emulator sends them: objects, Link pagination and error bodies.

Each shape carries what GitHub's OpenAPI description requires of it (the contract test checks that), no more.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from .flavours import HOSTED_RUNNERS, NETWORK_CONFIGURATION, Flavour
from .wire import FakeResponse, FaultRule

if TYPE_CHECKING:
    from .state import Enterprise, Org

DOCS = "https://docs.github.com/rest/actions/self-hosted-runner-groups"
API_VERSIONS_DOCS = "https://docs.github.com/rest/about-the-rest-api/api-versions"
ENTERPRISE_GROUP_DOCS = "https://docs.github.com/enterprise-cloud@latest/rest/actions/self-hosted-runner-groups"
SECONDARY_LIMIT_DOCS = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"
REASONS = {
    400: "Bad Request",
    401: "Bad credentials",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    422: "Validation Failed",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}
_REPO_URL_FIELDS = (
    "archive_url assignees_url blobs_url branches_url collaborators_url comments_url commits_url compare_url "
    "contents_url contributors_url deployments_url downloads_url events_url forks_url git_commits_url git_refs_url "
    "git_tags_url hooks_url issue_comment_url issue_events_url issues_url keys_url labels_url languages_url "
    "merges_url milestones_url notifications_url pulls_url releases_url stargazers_url statuses_url "
    "subscribers_url subscription_url tags_url teams_url trees_url"
).split()
_USER_URL_FIELDS = (
    "events_url followers_url following_url gists_url organizations_url received_events_url repos_url starred_url "
    "subscriptions_url"
).split()
_STAMP = "2026-01-01T00:00:00Z"
# What GitHub's full `repository` shape adds to the minimal one, as a freshly created empty repository has it.
_REPOSITORY_DETAILS: dict[str, Any] = {
    "mirror_url": None,
    "homepage": None,
    "language": None,
    "default_branch": "main",
    "license": None,
    "forks": 0,
    "forks_count": 0,
    "open_issues": 0,
    "open_issues_count": 0,
    "stargazers_count": 0,
    "watchers": 0,
    "watchers_count": 0,
    "size": 0,
    "has_downloads": True,
    "has_issues": True,
    "has_projects": True,
    "has_wiki": True,
    "has_pages": False,
    "archived": False,
    "disabled": False,
    "pushed_at": _STAMP,
    "created_at": _STAMP,
    "updated_at": _STAMP,
}


class HttpError(Exception):
    """An error answer: the status, GitHub's message and `errors`, and extra headers (`retry_after=` etc.)."""

    def __init__(
        self,
        status: int,
        message: str | None = None,
        *,
        errors: list[Any] | None = None,
        documentation_url: str = DOCS,
        **headers: str,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message or REASONS.get(status, "Error")
        self.errors = errors
        self.documentation_url = documentation_url
        self.headers = {k.replace("_", "-"): v for k, v in headers.items()}


def error_body(error: HttpError) -> dict[str, Any]:
    body: dict[str, Any] = {
        "message": error.message,
        "documentation_url": error.documentation_url,
        "status": str(error.status),
    }
    if error.errors:
        body["errors"] = error.errors
    return body


def fault_answer(fault: FaultRule, request_id: str, delay: float) -> FakeResponse:
    status = fault.status or 500
    message = fault.message or REASONS.get(status, "Error")
    body = json.dumps({"message": message, "documentation_url": DOCS, "status": str(status)}).encode()
    headers = {"content-type": "application/json", "x-github-request-id": request_id, **fault.headers}
    return FakeResponse(status, headers, body, delay)


def secondary_limit_exceeded(request_id: str, retry_after: str) -> HttpError:
    """GitHub's answer to a secondary-limit hit, word for word."""
    return HttpError(
        403,
        "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out "
        f"to GitHub Support for help, please include the request ID {request_id}.",
        documentation_url=SECONDARY_LIMIT_DOCS,
        retry_after=retry_after,
    )


def unknown_ids(field_name: str, ids: list[int]) -> HttpError:
    """GitHub's 422 for ids that do not exist: one error per id, `value` an integer as its schema allows."""
    return HttpError(
        422, errors=[{"resource": "RunnerGroup", "field": field_name, "code": "invalid", "value": i} for i in ids]
    )


@dataclass
class Page:
    """One page of a listing and its Link header."""

    content: Any
    link: str


def paginate(items: list[Any], query: Mapping[str, str], base: str, path: str, key: str | None) -> Page:
    """GitHub's paging: per_page (default 30, at most 100), page from 1, Link with first/prev/next/last."""
    per_page = min(max(_int(query.get("per_page"), 30), 1), 100)
    page = max(_int(query.get("page"), 1), 1)
    last = max(1, -(-len(items) // per_page))
    chunk = items[(page - 1) * per_page : page * per_page]
    others = {k: v for k, v in query.items() if k not in ("page", "per_page")}

    def url(number: int) -> str:
        return f"{base}{path}?{urlencode({**others, 'per_page': per_page, 'page': number})}"

    links = []
    if page < last:
        links += [f'<{url(page + 1)}>; rel="next"', f'<{url(last)}>; rel="last"']
    if page > 1:
        links += [f'<{url(1)}>; rel="first"', f'<{url(page - 1)}>; rel="prev"']
    content = chunk if key is None else {"total_count": len(items), key: chunk}
    return Page(content, ", ".join(links))


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def group_json(org: Org, group: Mapping[str, Any], base: str, flavour: Flavour) -> dict[str, Any]:
    """GitHub's `runner-groups-org`; an enterprise group shared with the org carries `inherited: true`."""
    url = f"{base}/orgs/{org.login}/actions/runner-groups/{group['id']}"
    rendered = {
        "id": group["id"],
        "name": group["name"],
        "visibility": group["visibility"],
        "default": group["default"],
        "runners_url": f"{url}/runners",
        "inherited": group["inherited"],
        "allows_public_repositories": group["allows_public_repositories"],
        "restricted_to_workflows": group["restricted_to_workflows"],
        "selected_workflows": list(group["selected_workflows"]),
        "workflow_restrictions_read_only": group["workflow_restrictions_read_only"],
    }
    if "inherited_allows_public_repositories" in group:
        rendered["inherited_allows_public_repositories"] = group["inherited_allows_public_repositories"]
    if group["visibility"] == "selected":
        rendered["selected_repositories_url"] = f"{url}/repositories"
    return {**rendered, **_cloud_group_fields(group, url, flavour)}


def enterprise_group_json(
    enterprise: Enterprise, group: Mapping[str, Any], base: str, flavour: Flavour
) -> dict[str, Any]:
    """GitHub's `runner-groups-enterprise`."""
    url = f"{base}/enterprises/{enterprise.slug}/actions/runner-groups/{group['id']}"
    rendered = {
        "id": group["id"],
        "name": group["name"],
        "visibility": group["visibility"],
        "default": group["default"],
        "runners_url": f"{url}/runners",
        "allows_public_repositories": group["allows_public_repositories"],
        "restricted_to_workflows": group["restricted_to_workflows"],
        "selected_workflows": list(group["selected_workflows"]),
        "workflow_restrictions_read_only": group["workflow_restrictions_read_only"],
    }
    if group["visibility"] == "selected":
        rendered["selected_organizations_url"] = f"{url}/organizations"
    return {**rendered, **_cloud_group_fields(group, url, flavour)}


def _cloud_group_fields(group: Mapping[str, Any], url: str, flavour: Flavour) -> dict[str, Any]:
    """What only the cloud flavours show of a group: its hosted runners and its network configuration."""
    fields: dict[str, Any] = {}
    if flavour.serves(HOSTED_RUNNERS):
        fields["hosted_runners_url"] = f"{url}/hosted-runners"
    if flavour.serves(NETWORK_CONFIGURATION) and group.get("network_configuration_id"):
        fields["network_configuration_id"] = group["network_configuration_id"]
    return fields


def organization_json(org: Org, base: str, *, full: bool = False) -> dict[str, Any]:
    """GitHub's `organization-simple`; `full` gives its `organization-full` (GET /orgs/{org})."""
    url = f"{base}/orgs/{org.login}"
    rendered: dict[str, Any] = {
        "login": org.login,
        "id": org.id,
        "node_id": f"O_emulator{org.id}",
        "url": url,
        "repos_url": f"{url}/repos",
        "events_url": f"{url}/events",
        "hooks_url": f"{url}/hooks",
        "issues_url": f"{url}/issues",
        "members_url": f"{url}/members{{/member}}",
        "public_members_url": f"{url}/public_members{{/member}}",
        "avatar_url": f"https://avatars.githubusercontent.com/u/{org.id}",
        "description": None,
    }
    if full:
        rendered.update(
            html_url=f"https://github.com/{org.login}",
            has_organization_projects=True,
            has_repository_projects=True,
            public_repos=sum(1 for r in org.repositories.values() if r["visibility"] == "public"),
            public_gists=0,
            followers=0,
            following=0,
            type="Organization",
            created_at=_STAMP,
            updated_at=_STAMP,
            archived_at=None,
        )
    return rendered


def repository_json(org: Org, repo: Mapping[str, Any], base: str, *, detailed: bool = False) -> dict[str, Any]:
    """GitHub's `minimal-repository`; `detailed` gives its `repository` (the Actions-permissions listing's)."""
    full_name = f"{org.login}/{repo['name']}"
    api_url = f"{base}/repos/{full_name}"
    owner_url = f"{base}/users/{org.login}"
    owner = {
        "login": org.login,
        "id": 1,
        "node_id": "O_emulator",
        "avatar_url": "https://avatars.githubusercontent.com/u/1",
        "gravatar_id": "",
        "url": owner_url,
        "html_url": f"https://github.com/{org.login}",
        "type": "Organization",
        "site_admin": False,
        **{name: f"{owner_url}/{name.removesuffix('_url')}" for name in _USER_URL_FIELDS},
    }
    rendered: dict[str, Any] = {
        "id": repo["id"],
        "node_id": f"R_emulator{repo['id']}",
        "name": repo["name"],
        "full_name": full_name,
        "owner": owner,
        "private": repo["private"],
        "html_url": f"https://github.com/{full_name}",
        "description": None,
        "fork": repo.get("fork", False),
        "url": api_url,
        "visibility": repo["visibility"],
        **{name: f"{api_url}/{name.removesuffix('_url')}" for name in _REPO_URL_FIELDS},
    }
    if detailed:
        rendered.update(
            _REPOSITORY_DETAILS,
            clone_url=f"https://github.com/{full_name}.git",
            git_url=f"git://github.com/{full_name}.git",
            ssh_url=f"git@github.com:{full_name}.git",
            svn_url=f"https://github.com/{full_name}",
        )
    rendered["archived"] = repo.get("archived", False)
    return rendered


def hosted_runner_json(hosted: Mapping[str, Any]) -> dict[str, Any]:
    """GitHub's `actions-hosted-runner`; a runner with a static IP shows its (made-up) public IP range."""
    public_ips = (
        [{"enabled": True, "prefix": f"20.80.{hosted['id'] % 250}.0", "length": 31}]
        if hosted["public_ip_enabled"]
        else []
    )
    return {
        "id": hosted["id"],
        "name": hosted["name"],
        "runner_group_id": hosted["runner_group_id"],
        "image_details": dict(hosted["image_details"]),
        "machine_size_details": dict(hosted["machine_size_details"]),
        "status": hosted["status"],
        "platform": hosted["platform"],
        "maximum_runners": hosted["maximum_runners"],
        "public_ip_enabled": hosted["public_ip_enabled"],
        "public_ips": public_ips,
        "last_active_on": hosted["last_active_on"],
        "image_gen": hosted["image_gen"],
    }


def actions_permissions_json(org: Org, base: str) -> dict[str, Any]:
    permissions = org.actions_permissions
    url = f"{base}/orgs/{org.login}/actions/permissions"
    rendered: dict[str, Any] = {
        "enabled_repositories": permissions.enabled_repositories,
        "allowed_actions": permissions.allowed_actions,
    }
    if permissions.enabled_repositories == "selected":
        rendered["selected_repositories_url"] = f"{url}/repositories"
    if permissions.allowed_actions == "selected":
        rendered["selected_actions_url"] = f"{url}/selected-actions"
    return rendered
