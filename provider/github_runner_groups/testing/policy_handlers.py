"""An org's self-hosted-runner policy (`/orgs/{org}/actions/permissions/self-hosted-runners`, github.com, GHEC and
GHES from 3.19): which repositories may use repository-level self-hosted runners, `all`, `selected` (the list at
`/repositories`) or `none`.

Beyond the description (docs/fidelity/surface.md): the list is kept only while the policy is `selected`; the
list's writes on another policy answer 409, a conflict with the org's current setting (409 is documented for
them); an unknown repository id is a 422.
"""

from __future__ import annotations

from typing import Any

from .handlers import Reply, Request, check_known, ids_in, invalid_property
from .rendering import HttpError, repository_json
from .state import Org
from .surface_state import POLICIES

_NOT_SELECTED = (
    "The organization's self-hosted runners policy is not 'selected': set enabled_repositories to 'selected' "
    "before changing its repository list."
)


def get_policy(request: Request) -> Reply:
    org = request.org
    body: dict[str, Any] = {"enabled_repositories": org.surface.self_hosted_policy}
    if org.surface.self_hosted_policy == "selected":
        body["selected_repositories_url"] = (
            f"{request.base_url}/orgs/{org.login}/actions/permissions/self-hosted-runners/repositories"
        )
    return 200, body


def set_policy(request: Request) -> Reply:
    org = request.org
    payload = request.payload
    if not isinstance(payload, dict) or "enabled_repositories" not in payload:
        raise HttpError(422, 'Invalid request.\n\n"enabled_repositories" wasn\'t supplied.')
    policy = payload["enabled_repositories"]
    if policy not in POLICIES:
        raise invalid_property("enabled_repositories", policy)
    if policy != "selected":
        org.surface.self_hosted_repository_ids = []
    org.surface.self_hosted_policy = policy
    return 204, None


def list_repositories(request: Request) -> Reply:
    org = request.org
    repos = [
        repository_json(org, org.repositories[i], request.base_url, detailed=True)
        for i in org.surface.self_hosted_repository_ids
        if i in org.repositories
    ]
    return 200, request.page(repos, "repositories")


def set_repositories(request: Request) -> Reply:
    org = _selected(request)
    ids = ids_in(request.payload, "selected_repository_ids", required=True)
    check_known(org.repositories, ids, "selected_repository_ids")
    org.surface.self_hosted_repository_ids = ids
    return 204, None


def add_repository(request: Request) -> Reply:
    org = _selected(request)
    repository_id = _repository_id(request, org)
    if repository_id not in org.surface.self_hosted_repository_ids:
        org.surface.self_hosted_repository_ids.append(repository_id)
    return 204, None


def remove_repository(request: Request) -> Reply:
    org = _selected(request)
    repository_id = _repository_id(request, org)
    if repository_id in org.surface.self_hosted_repository_ids:
        org.surface.self_hosted_repository_ids.remove(repository_id)
    return 204, None


def _selected(request: Request) -> Org:
    org = request.org
    if org.surface.self_hosted_policy != "selected":
        raise HttpError(409, _NOT_SELECTED)
    return org


def _repository_id(request: Request, org: Org) -> int:
    repository_id = int(request.params["repository_id"])
    check_known(org.repositories, [repository_id], "repository_id")
    return repository_id
