"""One function per REST operation: a `Request` in, (status, body) out, the state changed as GitHub would.

What they mimic because the providers depend on it: org logins are case-insensitive, the `Default` group can be
neither deleted nor renamed, repository access only for `selected` groups, `selected_workflows` dropped unless
`restricted_to_workflows`, unknown ids refused with 422 before anything changes, enterprise groups shared with an
org listed there as `inherited`, where the org may change only its repository access (`inherited_groups`),
fields a flavour lacks ignored as GitHub ignores unknown ones.
The enterprise and hosted-runner operations live in `enterprise_handlers` and `hosted_handlers`. Authentication,
rate limits and faults are the gateway's; a handler runs only for a request the gateway let through, under the
state's lock.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from typing import Any

from . import hosted_lifecycle, inherited_groups
from .app_jwt import verify_app_jwt
from .flavours import NETWORK_CONFIGURATION
from .rendering import (
    HttpError,
    Page,
    actions_permissions_json,
    group_json,
    hosted_runner_json,
    organization_json,
    paginate,
    repository_json,
    unknown_ids,
)
from .state import ADMIN_SCOPE, DEFAULT_GROUP_ID, Credential, EmulatorState, Org, new_group
from .surface_state import check_network_configuration_known

Reply = tuple[int, Any]
INHERITED_READ_ONLY = (
    "This runner group is inherited from the enterprise; an organization cannot delete it or move runners in or "
    "out of it: change it at the enterprise level (/enterprises/{enterprise}/actions/runner-groups)."
)
ORG_VISIBILITIES = ("all", "selected", "private")


@dataclass(frozen=True)
class Request:
    """A request the gateway admitted: its route's path parameters, query, JSON payload, and the state it acts on."""

    state: EmulatorState
    method: str
    path: str
    params: Mapping[str, str]
    query: Mapping[str, str]
    payload: Any
    base_url: str
    credential: str | None
    now: float

    @property
    def org(self) -> Org:
        org = self.state.find_org(self.params["org"])
        hosted_lifecycle.sweep(org, self.now)  # hosted runners whose teardown is over are gone
        return org

    def group(self, org: Org) -> dict[str, Any]:
        return self.state.find_group(org, self.params["runner_group_id"])

    def own_group(self, org: Org) -> dict[str, Any]:
        """The group, refused with GitHub's 422 when the enterprise owns it (a write the org may not make)."""
        group = self.group(org)
        if group["inherited"]:
            raise HttpError(422, INHERITED_READ_ONLY)
        return group

    def render(self, org: Org, group: Mapping[str, Any]) -> dict[str, Any]:
        return group_json(org, group, self.base_url, self.state.flavour)

    def page(self, items: list[Any], key: str | None) -> Page:
        return paginate(items, self.query, self.base_url, self.path, key)


Handler = Callable[[Request], Reply]


# Runner groups


def list_groups(request: Request) -> Reply:
    org = request.org
    groups = list(org.groups.values()) + request.state.inherited_groups(org)
    visible_to = request.query.get("visible_to_repository")
    if visible_to:
        repo = next((r for r in org.repositories.values() if r["name"].lower() == visible_to.lower()), None)
        if repo is None:
            raise HttpError(404)
        groups = [g for g in groups if _visible(g, repo, org.group_repositories.get(g["id"], set()))]
    rendered = [request.render(org, g) for g in groups]
    return 200, request.page(rendered, "runner_groups")


def get_group(request: Request) -> Reply:
    org = request.org
    return 200, request.render(org, request.group(org))


def create_group(request: Request) -> Reply:
    org = request.org
    fields = group_fields(request, ORG_VISIBILITIES, require_name=True)
    check_network_configuration_known(org.surface, fields)
    if any(g["name"].lower() == fields["name"].lower() for g in org.groups.values()):
        raise HttpError(409, f"A runner group with the name '{fields['name']}' already exists.")
    repository_ids = ids_in(request.payload, "selected_repository_ids")
    runner_ids = ids_in(request.payload, "runners")
    check_known(org.repositories, repository_ids, "selected_repository_ids")
    check_known(org.runners, runner_ids, "runners")
    group = new_group(next(request.state.ids), fields.pop("name"), fields)
    org.groups[group["id"]] = group
    org.group_repositories[group["id"]] = set(repository_ids) if group["visibility"] == "selected" else set()
    for runner_id in runner_ids:
        org.runners[runner_id]["runner_group_id"] = group["id"]
    return 201, request.render(org, group)


def update_group(request: Request) -> Reply:
    org = request.org
    group = request.group(org)
    fields = group_fields(request, ORG_VISIBILITIES, require_name=True)
    if group["inherited"]:
        inherited_groups.update(org, group, fields)
        return 200, request.render(org, request.group(org))
    check_network_configuration_known(org.surface, fields)
    name = fields["name"]
    if group["default"] and name != group["name"]:
        raise HttpError(422, "The default runner group cannot be renamed.")
    if any(g["name"].lower() == name.lower() and g["id"] != group["id"] for g in org.groups.values()):
        raise HttpError(409, f"A runner group with the name '{name}' already exists.")
    if group["workflow_restrictions_read_only"] and {"restricted_to_workflows", "selected_workflows"} & set(fields):
        raise HttpError(422, "The workflow restrictions of this runner group are read-only.")
    group.update(fields)
    if not group["restricted_to_workflows"]:
        group["selected_workflows"] = []
    if group["visibility"] != "selected":
        org.group_repositories[group["id"]] = set()
    return 200, request.render(org, group)


def delete_group(request: Request) -> Reply:
    org = request.org
    group = request.own_group(org)
    if group["default"]:
        raise HttpError(422, "The default runner group cannot be deleted.")
    request.state.drop_group(org, group["id"])
    return 204, None


def list_hosted_runners(request: Request) -> Reply:
    org = request.org
    group = request.group(org)
    hosted = [hosted_runner_json(h) for h in org.hosted_runners.values() if h["runner_group_id"] == group["id"]]
    return 200, request.page(hosted, "runners")


# Repository access


def list_access(request: Request) -> Reply:
    org = request.org
    group = request.group(org)
    ids = sorted(org.group_repositories.get(group["id"], set()))
    repos = [repository_json(org, org.repositories[i], request.base_url) for i in ids if i in org.repositories]
    return 200, request.page(repos, "repositories")


def set_access(request: Request) -> Reply:
    org = request.org
    group = _selected_group(request, org)
    ids = ids_in(request.payload, "selected_repository_ids", required=True)
    check_known(org.repositories, ids, "selected_repository_ids")
    org.group_repositories[group["id"]] = set(ids)
    return 204, None


def add_access(request: Request) -> Reply:
    org = request.org
    group = _selected_group(request, org)
    org.group_repositories.setdefault(group["id"], set()).add(_repository_id(request, org))
    return 204, None


def remove_access(request: Request) -> Reply:
    org = request.org
    group = _selected_group(request, org)
    org.group_repositories.setdefault(group["id"], set()).discard(_repository_id(request, org))
    return 204, None


def _selected_group(request: Request, org: Org) -> dict[str, Any]:
    """The group (its own, or an inherited one: the org chooses which of its repositories may use that too)."""
    group = request.group(org)
    if group["visibility"] != "selected":
        raise HttpError(422, "Repository access can only be changed for runner groups whose visibility is 'selected'.")
    return group


def _repository_id(request: Request, org: Org) -> int:
    repository_id = int(request.params["repository_id"])
    if repository_id not in org.repositories:
        raise HttpError(404)
    return repository_id


# Runners


def list_members(request: Request) -> Reply:
    org = request.org
    group = request.group(org)
    enterprise = request.state.enterprise_of_group(group["id"]) if group["inherited"] else None
    runners = enterprise.runners if enterprise is not None else org.runners
    members = [dict(r) for r in runners.values() if r["runner_group_id"] == group["id"]]
    return 200, request.page(members, "runners")


def set_members(request: Request) -> Reply:
    org = request.org
    group = request.own_group(org)
    return set_group_runners(org.runners, group["id"], request.payload)


def add_member(request: Request) -> Reply:
    org = request.org
    group = request.own_group(org)
    _runner(request, org)["runner_group_id"] = group["id"]
    return 204, None


def remove_member(request: Request) -> Reply:
    org = request.org
    group = request.own_group(org)
    return leave_group(_runner(request, org), group["id"])


def set_group_runners(runners: Mapping[int, dict[str, Any]], group_id: int, payload: Any) -> Reply:
    """Exactly the runners in `payload` sit in the group; the others it had go back to Default (org or enterprise)."""
    ids = ids_in(payload, "runners", required=True)
    check_known(runners, ids, "runners")
    for runner in runners.values():
        if runner["id"] in ids:
            runner["runner_group_id"] = group_id
        elif runner["runner_group_id"] == group_id:
            runner["runner_group_id"] = DEFAULT_GROUP_ID
    return 204, None


def leave_group(runner: dict[str, Any], group_id: int) -> Reply:
    """GitHub returns a runner removed from its group to the Default group; one in another group stays there."""
    if runner["runner_group_id"] == group_id:
        runner["runner_group_id"] = DEFAULT_GROUP_ID
    return 204, None


def _runner(request: Request, org: Org) -> dict[str, Any]:
    runner = org.runners.get(int(request.params["runner_id"]))
    if runner is None:
        raise HttpError(404)
    return runner


# Org-wide listings and policies


def list_org_runners(request: Request) -> Reply:
    org = request.org
    name = request.query.get("name")
    runners = [dict(r) for r in org.runners.values() if name is None or r["name"] == name]
    return 200, request.page(runners, "runners")


def list_org_repositories(request: Request) -> Reply:
    org = request.org
    # The `type` filter by visibility; the emulator has no forks, so "forks" lists none and "sources" all.
    kind = request.query.get("type", "all")
    wanted = {"public": ("public",), "private": ("private", "internal"), "forks": ()}.get(
        kind, ("public", "private", "internal")
    )
    repos = [r for r in org.repositories.values() if r["visibility"] in wanted]
    page = request.page(repos, None)  # rendered a page at a time: an org of 10,000 repositories has 100 pages
    return 200, replace(page, content=[repository_json(org, r, request.base_url) for r in page.content])


def get_org(request: Request) -> Reply:
    """The org's id and login (and the rest of `organization-full`): how a login becomes an org id."""
    return 200, organization_json(request.org, request.base_url, full=True)


def get_actions_permissions(request: Request) -> Reply:
    return 200, actions_permissions_json(request.org, request.base_url)


def list_actions_enabled_repositories(request: Request) -> Reply:
    """Only meaningful when `enabled_repositories` is `selected`; GitHub then lists those repositories."""
    org = request.org
    ids = org.actions_permissions.selected_repository_ids
    repos = [repository_json(org, org.repositories[i], request.base_url, detailed=True) for i in ids]
    return 200, request.page(repos, "repositories")


# GitHub App installation tokens


def mint_installation_token(request: Request) -> Reply:
    state = request.state
    app = state.apps.get(int(request.params["installation_id"]))
    if app is None:
        raise HttpError(404)
    verify_app_jwt(request.credential or "", app, request.now)
    token = f"ghs_emulator{next(state.ids):030d}"
    expires_at = request.now + 3600
    state.tokens[token] = Credential(frozenset({ADMIN_SCOPE, "repo"}), expires_at=expires_at)
    expiry = datetime.fromtimestamp(expires_at, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return 201, {"token": token, "expires_at": expiry, "permissions": {"organization_self_hosted_runners": "write"}}


# Request bodies, validated as GitHub does


def group_fields(request: Request, visibilities: tuple[str, ...], *, require_name: bool) -> dict[str, Any]:
    """Validate a group's POST/PATCH body like GitHub: `name` where required, types and the visibility enum.

    Fields a flavour does not document (GHES: `network_configuration_id`) are ignored, as GitHub ignores unknown
    body fields: its descriptions do not forbid additional properties.
    """
    payload = request.payload
    if not isinstance(payload, dict):
        raise HttpError(400, "Problems parsing JSON")
    name = payload.get("name")
    if require_name and not isinstance(name, str):
        raise HttpError(422, 'Invalid request.\n\n"name" wasn\'t supplied.')
    if isinstance(name, str) and not name.strip():
        raise HttpError(422, errors=[{"resource": "RunnerGroup", "field": "name", "code": "missing_field"}])
    checks: dict[str, Callable[[Any], bool]] = {
        "name": lambda v: isinstance(v, str),
        "visibility": lambda v: v in visibilities,
        "allows_public_repositories": lambda v: isinstance(v, bool),
        "restricted_to_workflows": lambda v: isinstance(v, bool),
        "selected_workflows": lambda v: isinstance(v, list) and all(isinstance(w, str) and "@" in w for w in v),
    }
    if request.state.flavour.serves(NETWORK_CONFIGURATION):
        checks["network_configuration_id"] = lambda v: v is None or isinstance(v, str)
    fields = {}
    for key, value in payload.items():
        check = checks.get(key)
        if check is None:
            continue
        if not check(value):
            raise invalid_property(key, value)
        fields[key] = value
    return fields


def invalid_property(key: str, value: Any) -> HttpError:
    return HttpError(422, f"Invalid request.\n\nInvalid property /{key}: {json.dumps(value)} is not a valid value.")


def ids_in(payload: Any, key: str, *, required: bool = False) -> list[int]:
    value = payload.get(key) if isinstance(payload, dict) else None
    if value is None and not required:
        return []
    if not isinstance(value, list) or not all(isinstance(i, int) and not isinstance(i, bool) for i in value):
        raise HttpError(422, f'Invalid request.\n\n"{key}" must be a list of integers.')
    return list(dict.fromkeys(value))


def check_known(known: Mapping[int, Any], ids: list[int], field_name: str) -> None:
    unknown = [i for i in ids if i not in known]
    if unknown:
        raise unknown_ids(field_name, unknown)


def _visible(group: Mapping[str, Any], repo: Mapping[str, Any], selected: set[int]) -> bool:
    if group["visibility"] == "selected":
        return repo["id"] in selected
    if group["visibility"] == "private":
        return bool(repo["private"])
    return True
