"""An org's Actions policies: its self-hosted-runner policy (read and written by SelfHostedRunnerPolicy, read by the
audit: which repositories may use repository-level self-hosted runners, `all`, `selected` (the list at
`/repositories`) or `none`) and fork pull-request policies; a repository's own Actions switch, fork pull-request
policies, self-hosted runners and files. GHES 3.17 and 3.18 do not document the self-hosted-runner and fork
pull-request policy endpoints: the route table leaves them out there (a 404).

Beyond the description (docs/emulator-fidelity.md): the self-hosted list is kept only while the policy is
`selected`; the list's writes on another policy answer 409, a conflict with the org's current setting (409 is
documented for them); an unknown repository id is a 422.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from .handlers import Reply, Request, check_known, ids_in, invalid_property
from .policy_state import SELF_HOSTED_POLICIES, RepositoryPolicies
from .rendering import HttpError, repository_json
from .state import Org


def _documented(request: Request) -> Org:
    return request.org


def _repository(request: Request) -> tuple[Org, dict[str, Any], RepositoryPolicies]:
    org = request.state.find_org(request.params["owner"])
    name = request.params["repo"].lower()
    repository = next((r for r in org.repositories.values() if r["name"].lower() == name), None)
    if repository is None:
        raise HttpError(404)
    return org, repository, org.policies.repositories.get(int(repository["id"]), RepositoryPolicies())


def get_self_hosted_runner_policy(request: Request) -> Reply:
    org = _documented(request)
    policy: dict[str, Any] = {"enabled_repositories": org.policies.self_hosted}
    if org.policies.self_hosted == "selected":
        policy["selected_repositories_url"] = (
            f"{request.base_url}/orgs/{org.login}/actions/permissions/self-hosted-runners/repositories"
        )
    return 200, policy


def list_self_hosted_runner_repositories(request: Request) -> Reply:
    org = _documented(request)
    ids = [i for i in org.policies.self_hosted_ids if i in org.repositories]
    repositories = [repository_json(org, org.repositories[i], request.base_url, detailed=True) for i in ids]
    return 200, request.page(repositories, "repositories")


def set_policy(request: Request) -> Reply:
    org = request.org
    payload = request.payload
    if not isinstance(payload, dict) or "enabled_repositories" not in payload:
        raise HttpError(422, 'Invalid request.\n\n"enabled_repositories" wasn\'t supplied.')
    policy = payload["enabled_repositories"]
    if policy not in SELF_HOSTED_POLICIES:
        raise invalid_property("enabled_repositories", policy)
    if policy != "selected":
        org.policies.self_hosted_ids = []
    org.policies.self_hosted = policy
    return 204, None


def set_repositories(request: Request) -> Reply:
    org = _selected(request)
    ids = ids_in(request.payload, "selected_repository_ids", required=True)
    check_known(org.repositories, ids, "selected_repository_ids")
    org.policies.self_hosted_ids = list(dict.fromkeys(ids))
    return 204, None


def add_repository(request: Request) -> Reply:
    org = _selected(request)
    repository_id = _repository_id(request, org)
    if repository_id not in org.policies.self_hosted_ids:
        org.policies.self_hosted_ids.append(repository_id)
    return 204, None


def remove_repository(request: Request) -> Reply:
    org = _selected(request)
    repository_id = _repository_id(request, org)
    if repository_id in org.policies.self_hosted_ids:
        org.policies.self_hosted_ids.remove(repository_id)
    return 204, None


_NOT_SELECTED = (
    "The organization's self-hosted runners policy is not 'selected': set enabled_repositories to 'selected' "
    "before changing its repository list."
)


def _selected(request: Request) -> Org:
    org = request.org
    if org.policies.self_hosted != "selected":
        raise HttpError(409, _NOT_SELECTED)
    return org


def _repository_id(request: Request, org: Org) -> int:
    repository_id = int(request.params["repository_id"])
    check_known(org.repositories, [repository_id], "repository_id")
    return repository_id


def get_org_fork_pr_approval(request: Request) -> Reply:
    return 200, {"approval_policy": _documented(request).policies.approval_policy}


def get_org_fork_pr_private(request: Request) -> Reply:
    return 200, dict(_documented(request).policies.private_forks)


def get_repository_permissions(request: Request) -> Reply:
    org, _repository_found, own = _repository(request)
    enabled = own.actions_enabled and org.actions_permissions.enabled_repositories != "none"
    return 200, {"enabled": enabled, "allowed_actions": org.actions_permissions.allowed_actions}


def get_repository_fork_pr_approval(request: Request) -> Reply:
    org, _repository_found, own = _repository(request)
    return 200, {"approval_policy": own.approval_policy or org.policies.approval_policy}


def get_repository_fork_pr_private(request: Request) -> Reply:
    org, _repository_found, own = _repository(request)
    return 200, dict(own.private_forks if own.private_forks is not None else org.policies.private_forks)


def list_repository_runners(request: Request) -> Reply:
    _org, _repository_found, own = _repository(request)
    return 200, request.page([dict(r) for r in own.runners.values()], "runners")


def get_repository_content(request: Request) -> Reply:
    """`GET /repos/{owner}/{repo}/contents/{path}` on the default branch: a file (base64), or a directory's
    entries; 404 for anything else."""
    org, repository, own = _repository(request)
    path = request.params["path"].strip("/")
    base = f"{request.base_url}/repos/{org.login}/{repository['name']}/contents"
    if path in own.files:
        entry = _content_entry(base, path, own.files[path])
        encoded = base64.b64encode(own.files[path].encode()).decode()
        return 200, {**entry, "encoding": "base64", "content": encoded}
    children = sorted(p for p in own.files if p.startswith(path + "/") and "/" not in p[len(path) + 1 :])
    if not children:
        raise HttpError(404)
    return 200, [_content_entry(base, child, own.files[child]) for child in children]


def _content_entry(base: str, path: str, text: str) -> dict[str, Any]:
    sha = hashlib.sha1(f"blob {len(text.encode())}\0{text}".encode(), usedforsecurity=False).hexdigest()
    url = f"{base}/{path}"
    return {
        "type": "file",
        "size": len(text.encode()),
        "name": path.rpartition("/")[2],
        "path": path,
        "sha": sha,
        "url": url,
        "git_url": None,
        "html_url": None,
        "download_url": None,
        "_links": {"self": url, "git": None, "html": None},
    }
