"""The Actions policies an audit reads: an org's self-hosted-runner and fork pull-request policies, a repository's
own Actions switch, fork pull-request policies and self-hosted runners. GHES 3.17 and 3.18 do not document the
self-hosted-runner and fork pull-request policy endpoints: the route table leaves them out there (a 404)."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from .handlers import Reply, Request
from .policy_state import RepositoryPolicies
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
    ids = sorted(i for i in org.policies.self_hosted_ids if i in org.repositories)
    repositories = [repository_json(org, org.repositories[i], request.base_url, detailed=True) for i in ids]
    return 200, request.page(repositories, "repositories")


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
