"""The route table: method and path template -> handler, and how GitHub authorizes the operation."""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import handlers
from .handlers import Handler
from .state import ADMIN_SCOPE


@dataclass(frozen=True)
class Route:
    """`scope` is the OAuth scope GitHub accepts for it (x-accepted-oauth-scopes); None: an App JWT, no token."""

    method: str
    template: str
    handler: Handler
    scope: str | None = ADMIN_SCOPE


def _compiled(template: str) -> re.Pattern[str]:
    """A template's regex: an `..._id` parameter matches digits only (`/runner-groups/abc` is a 404 on GitHub)."""
    return re.compile("^" + re.sub(r"\{(\w+)\}", _parameter, template) + "$")


def _parameter(placeholder: re.Match[str]) -> str:
    name = placeholder.group(1)
    return f"(?P<{name}>{'[0-9]+' if name.endswith('_id') else '[^/]+'})"


_GROUPS = "/orgs/{org}/actions/runner-groups"
_GROUP = _GROUPS + "/{runner_group_id}"
ROUTES = (
    Route("GET", _GROUPS, handlers.list_groups),
    Route("POST", _GROUPS, handlers.create_group),
    Route("GET", _GROUP, handlers.get_group),
    Route("PATCH", _GROUP, handlers.update_group),
    Route("DELETE", _GROUP, handlers.delete_group),
    Route("GET", _GROUP + "/hosted-runners", handlers.list_hosted_runners),
    Route("GET", _GROUP + "/repositories", handlers.list_access),
    Route("PUT", _GROUP + "/repositories", handlers.set_access),
    Route("PUT", _GROUP + "/repositories/{repository_id}", handlers.add_access),
    Route("DELETE", _GROUP + "/repositories/{repository_id}", handlers.remove_access),
    Route("GET", _GROUP + "/runners", handlers.list_members),
    Route("PUT", _GROUP + "/runners", handlers.set_members),
    Route("PUT", _GROUP + "/runners/{runner_id}", handlers.add_member),
    Route("DELETE", _GROUP + "/runners/{runner_id}", handlers.remove_member),
    Route("GET", "/orgs/{org}/actions/runners", handlers.list_org_runners),
    Route("GET", "/orgs/{org}/actions/permissions", handlers.get_actions_permissions),
    Route("GET", "/orgs/{org}/actions/permissions/repositories", handlers.list_actions_enabled_repositories),
    Route("GET", "/orgs/{org}/repos", handlers.list_org_repositories, scope="repo"),
    Route("POST", "/app/installations/{installation_id}/access_tokens", handlers.mint_installation_token, scope=None),
)
_PATTERNS = [(route, _compiled(route.template)) for route in ROUTES]


def find_route(method: str, path: str) -> tuple[Route, dict[str, str]] | None:
    """The route for a request and its path parameters; None for an unknown path or method (GitHub: 404)."""
    for route, pattern in _PATTERNS:
        match = pattern.match(path)
        if match and route.method == method:
            return route, match.groupdict()
    return None
