"""The enterprise runner-group operations (`ghec` and `ghes-*`): groups, which orgs may use them, their runners.

As on GitHub: the enterprise's `Default` group can be neither deleted nor renamed; organization access only for
`selected` groups and only for member orgs (by id); runners taken out of a group go back to Default; unknown ids
are refused with 422 before anything changes. A change here shows at once in the orgs' view of the group.
"""

from __future__ import annotations

from typing import Any

from .handlers import Reply, Request, check_known, group_fields, ids_in, leave_group, set_group_runners
from .rendering import HttpError, enterprise_group_json, organization_json
from .state import Enterprise, new_enterprise_group
from .surface_state import check_network_configuration_known

ENTERPRISE_VISIBILITIES = ("all", "selected")


def _enterprise(request: Request) -> Enterprise:
    return request.state.find_enterprise(request.params["enterprise"])


def _group(request: Request, enterprise: Enterprise) -> dict[str, Any]:
    return request.state.find_group(enterprise, request.params["runner_group_id"])


def _render(request: Request, enterprise: Enterprise, group: dict[str, Any]) -> dict[str, Any]:
    return enterprise_group_json(enterprise, group, request.base_url, request.state.flavour)


def _member_orgs(request: Request, enterprise: Enterprise) -> dict[int, Any]:
    """The enterprise's orgs by id: the only ids an enterprise group may be shared with."""
    orgs = (request.state.orgs[login] for login in enterprise.orgs)
    return {org.id: org for org in orgs}


# Groups


def list_groups(request: Request) -> Reply:
    """`visible_to_organization` (a login) keeps the groups that org may use: Default, `all`, or shared with it."""
    enterprise = _enterprise(request)
    groups = list(enterprise.groups.values())
    visible_to = request.query.get("visible_to_organization")
    if visible_to:
        org = request.state.orgs.get(visible_to.lower())
        org_id = org.id if org is not None and org.login.lower() in enterprise.orgs else None
        groups = [g for g in groups if org_id is not None and enterprise.shares(g, org_id)]
    return 200, request.page([_render(request, enterprise, g) for g in groups], "runner_groups")


def get_group(request: Request) -> Reply:
    enterprise = _enterprise(request)
    return 200, _render(request, enterprise, _group(request, enterprise))


def create_group(request: Request) -> Reply:
    enterprise = _enterprise(request)
    fields = group_fields(request, ENTERPRISE_VISIBILITIES, require_name=True)
    check_network_configuration_known(enterprise.surface, fields)
    if any(g["name"].lower() == fields["name"].lower() for g in enterprise.groups.values()):
        raise HttpError(409, f"A runner group with the name '{fields['name']}' already exists.")
    org_ids = ids_in(request.payload, "selected_organization_ids")
    runner_ids = ids_in(request.payload, "runners")
    check_known(_member_orgs(request, enterprise), org_ids, "selected_organization_ids")
    check_known(enterprise.runners, runner_ids, "runners")
    group = new_enterprise_group(next(request.state.ids), fields.pop("name"), fields)
    enterprise.groups[group["id"]] = group
    enterprise.group_orgs[group["id"]] = set(org_ids) if group["visibility"] == "selected" else set()
    for runner_id in runner_ids:
        enterprise.runners[runner_id]["runner_group_id"] = group["id"]
    return 201, _render(request, enterprise, group)


def update_group(request: Request) -> Reply:
    """PATCH: unlike the org operation, `name` is optional here (the enterprise description does not require it)."""
    enterprise = _enterprise(request)
    group = _group(request, enterprise)
    fields = group_fields(request, ENTERPRISE_VISIBILITIES, require_name=False)
    check_network_configuration_known(enterprise.surface, fields)
    name = fields.get("name", group["name"])
    if group["default"] and name != group["name"]:
        raise HttpError(422, "The default runner group cannot be renamed.")
    if any(g["name"].lower() == name.lower() and g["id"] != group["id"] for g in enterprise.groups.values()):
        raise HttpError(409, f"A runner group with the name '{name}' already exists.")
    group.update(fields)
    if not group["restricted_to_workflows"]:
        group["selected_workflows"] = []
    if group["visibility"] != "selected":
        enterprise.group_orgs[group["id"]] = set()
    return 200, _render(request, enterprise, group)


def delete_group(request: Request) -> Reply:
    enterprise = _enterprise(request)
    group = _group(request, enterprise)
    if group["default"]:
        raise HttpError(422, "The default runner group cannot be deleted.")
    request.state.drop_group(enterprise, group["id"])
    return 204, None


# Organization access


def _selected_group(request: Request, enterprise: Enterprise) -> dict[str, Any]:
    group = _group(request, enterprise)
    if group["visibility"] != "selected":
        raise HttpError(
            422, "Organization access can only be changed for runner groups whose visibility is 'selected'."
        )
    return group


def list_organizations(request: Request) -> Reply:
    enterprise = _enterprise(request)
    group = _group(request, enterprise)
    members = _member_orgs(request, enterprise)
    ids = sorted(enterprise.group_orgs.get(group["id"], set()))
    orgs = [organization_json(members[i], request.base_url) for i in ids if i in members]
    return 200, request.page(orgs, "organizations")


def set_organizations(request: Request) -> Reply:
    enterprise = _enterprise(request)
    group = _selected_group(request, enterprise)
    ids = ids_in(request.payload, "selected_organization_ids", required=True)
    check_known(_member_orgs(request, enterprise), ids, "selected_organization_ids")
    enterprise.group_orgs[group["id"]] = set(ids)
    return 204, None


def add_organization(request: Request) -> Reply:
    enterprise = _enterprise(request)
    group = _selected_group(request, enterprise)
    enterprise.group_orgs.setdefault(group["id"], set()).add(_org_id(request, enterprise))
    return 204, None


def remove_organization(request: Request) -> Reply:
    enterprise = _enterprise(request)
    group = _selected_group(request, enterprise)
    enterprise.group_orgs.setdefault(group["id"], set()).discard(_org_id(request, enterprise))
    return 204, None


def _org_id(request: Request, enterprise: Enterprise) -> int:
    org_id = int(request.params["org_id"])
    if org_id not in _member_orgs(request, enterprise):
        raise HttpError(404)
    return org_id


# Runners


def list_members(request: Request) -> Reply:
    enterprise = _enterprise(request)
    group = _group(request, enterprise)
    members = [dict(r) for r in enterprise.runners.values() if r["runner_group_id"] == group["id"]]
    return 200, request.page(members, "runners")


def set_members(request: Request) -> Reply:
    enterprise = _enterprise(request)
    group = _group(request, enterprise)
    return set_group_runners(enterprise.runners, group["id"], request.payload)


def add_member(request: Request) -> Reply:
    enterprise = _enterprise(request)
    group = _group(request, enterprise)
    _runner(request, enterprise)["runner_group_id"] = group["id"]
    return 204, None


def remove_member(request: Request) -> Reply:
    enterprise = _enterprise(request)
    group = _group(request, enterprise)
    return leave_group(_runner(request, enterprise), group["id"])


def _runner(request: Request, enterprise: Enterprise) -> dict[str, Any]:
    runner = enterprise.runners.get(int(request.params["runner_id"]))
    if runner is None:
        raise HttpError(404)
    return runner


def list_runners(request: Request) -> Reply:
    enterprise = _enterprise(request)
    name = request.query.get("name")
    runners = [dict(r) for r in enterprise.runners.values() if name is None or r["name"] == name]
    return 200, request.page(runners, "runners")
