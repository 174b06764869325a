"""The route table: method and path template -> handler, how GitHub authorizes the operation, and which flavours
serve it (a route whose feature the flavour lacks is a 404, as on that flavour of GitHub)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import custom_image_handlers as custom_images
from . import enterprise_handlers as enterprise
from . import handlers
from . import hosted_handlers as hosted
from . import network_handlers as network
from . import policy_handlers as policy
from .flavours import (
    ACTIONS_POLICIES,
    ENTERPRISE,
    ENTERPRISE_CLOUD,
    HOSTED_RUNNERS,
    NETWORK_CONFIGURATIONS,
    Flavour,
)
from .handlers import Handler
from .state import ADMIN_SCOPE, ENTERPRISE_SCOPE, MANAGE_RUNNERS_ENTERPRISE, MANAGE_RUNNERS_ORG


@dataclass(frozen=True)
class Route:
    """`scope` is the OAuth scope GitHub accepts for it (x-accepted-oauth-scopes); None: an App JWT, no token.
    `feature` is what a flavour must serve for the route to exist there (None: every flavour)."""

    method: str
    template: str
    handler: Handler
    scope: str | None = ADMIN_SCOPE
    feature: str | None = None


def _compiled(template: str) -> re.Pattern[str]:
    """A template's regex: an `..._id` parameter matches digits only (`/runner-groups/abc` is a 404 on GitHub)."""
    return re.compile("^" + re.sub(r"\{(\w+)\}", _parameter, template) + "$")


# `..._id` parameters GitHub spells as text (hexadecimal network ids), not digits.
_TEXT_IDS = ("network_configuration_id", "network_settings_id")


def _parameter(placeholder: re.Match[str]) -> str:
    name = placeholder.group(1)
    if name == "path":  # a file path in a repository: slashes and all
        return "(?P<path>.+)"
    return f"(?P<{name}>{'[0-9]+' if name.endswith('_id') and name not in _TEXT_IDS else '[^/]+'})"


_GROUPS = "/orgs/{org}/actions/runner-groups"
_GROUP = _GROUPS + "/{runner_group_id}"
_HOSTED = "/orgs/{org}/actions/hosted-runners"
_HOSTED_RUNNER = _HOSTED + "/{hosted_runner_id}"
_PERMISSIONS = "/orgs/{org}/actions/permissions"
_REPO = "/repos/{owner}/{repo}"
_ENTERPRISE_GROUPS = "/enterprises/{enterprise}/actions/runner-groups"
_ENTERPRISE_GROUP = _ENTERPRISE_GROUPS + "/{runner_group_id}"
_NETWORK = "/orgs/{org}/settings/network-configurations"
_ENTERPRISE_NETWORK = "/enterprises/{enterprise}/network-configurations"
_POLICY = _PERMISSIONS + "/self-hosted-runners"
_CUSTOM = _HOSTED + "/images/custom"
_ENTERPRISE_HOSTED = "/enterprises/{enterprise}/actions/hosted-runners"
_ENTERPRISE_CUSTOM = _ENTERPRISE_HOSTED + "/images/custom"
NETWORK_SCOPE = "write:network_configurations"  # documented for classic tokens; not enforced
ROUTES = (
    Route("GET", _GROUPS, handlers.list_groups),
    Route("POST", _GROUPS, handlers.create_group),
    Route("GET", _GROUP, handlers.get_group),
    Route("PATCH", _GROUP, handlers.update_group),
    Route("DELETE", _GROUP, handlers.delete_group),
    Route("GET", _GROUP + "/repositories", handlers.list_access),
    Route("PUT", _GROUP + "/repositories", handlers.set_access),
    Route("PUT", _GROUP + "/repositories/{repository_id}", handlers.add_access),
    Route("DELETE", _GROUP + "/repositories/{repository_id}", handlers.remove_access),
    Route("GET", _GROUP + "/runners", handlers.list_members),
    Route("PUT", _GROUP + "/runners", handlers.set_members),
    Route("PUT", _GROUP + "/runners/{runner_id}", handlers.add_member),
    Route("DELETE", _GROUP + "/runners/{runner_id}", handlers.remove_member),
    Route("GET", _GROUP + "/hosted-runners", handlers.list_hosted_runners, feature=HOSTED_RUNNERS),
    Route("GET", "/orgs/{org}/actions/runners", handlers.list_org_runners),
    Route("GET", "/orgs/{org}/actions/permissions", handlers.get_actions_permissions),
    Route("GET", "/orgs/{org}/actions/permissions/repositories", handlers.list_actions_enabled_repositories),
    Route("GET", "/orgs/{org}/repos", handlers.list_org_repositories, scope="repo"),
    Route(
        "GET", _PERMISSIONS + "/fork-pr-contributor-approval", policy.get_org_fork_pr_approval, feature=ACTIONS_POLICIES
    ),
    Route(
        "GET",
        _PERMISSIONS + "/fork-pr-workflows-private-repos",
        policy.get_org_fork_pr_private,
        feature=ACTIONS_POLICIES,
    ),
    Route("GET", _REPO + "/actions/permissions", policy.get_repository_permissions, scope="repo"),
    Route(
        "GET",
        _REPO + "/actions/permissions/fork-pr-contributor-approval",
        policy.get_repository_fork_pr_approval,
        scope="repo",
        feature=ACTIONS_POLICIES,
    ),
    Route(
        "GET",
        _REPO + "/actions/permissions/fork-pr-workflows-private-repos",
        policy.get_repository_fork_pr_private,
        scope="repo",
        feature=ACTIONS_POLICIES,
    ),
    Route("GET", _REPO + "/actions/runners", policy.list_repository_runners, scope="repo"),
    Route("GET", _REPO + "/contents/{path}", policy.get_repository_content, scope="repo"),
    Route("GET", "/orgs/{org}", handlers.get_org, scope="read:org"),
    Route("POST", "/app/installations/{installation_id}/access_tokens", handlers.mint_installation_token, scope=None),
    Route("GET", _HOSTED, hosted.list_runners, scope=MANAGE_RUNNERS_ORG, feature=HOSTED_RUNNERS),
    Route("POST", _HOSTED, hosted.create_runner, scope=MANAGE_RUNNERS_ORG, feature=HOSTED_RUNNERS),
    Route(
        "GET",
        _HOSTED + "/images/github-owned",
        hosted.list_github_images,
        scope=MANAGE_RUNNERS_ORG,
        feature=HOSTED_RUNNERS,
    ),
    Route(
        "GET", _HOSTED + "/images/partner", hosted.list_partner_images, scope=MANAGE_RUNNERS_ORG, feature=HOSTED_RUNNERS
    ),
    Route(
        "GET", _HOSTED + "/machine-sizes", hosted.list_machine_sizes, scope=MANAGE_RUNNERS_ORG, feature=HOSTED_RUNNERS
    ),
    Route("GET", _HOSTED + "/platforms", hosted.list_platforms, scope=MANAGE_RUNNERS_ORG, feature=HOSTED_RUNNERS),
    Route("GET", _HOSTED + "/limits", hosted.get_limits, scope=MANAGE_RUNNERS_ORG, feature=HOSTED_RUNNERS),
    Route("GET", _HOSTED_RUNNER, hosted.get_runner, scope=MANAGE_RUNNERS_ORG, feature=HOSTED_RUNNERS),
    Route("PATCH", _HOSTED_RUNNER, hosted.update_runner, scope=MANAGE_RUNNERS_ORG, feature=HOSTED_RUNNERS),
    Route("DELETE", _HOSTED_RUNNER, hosted.delete_runner, scope=MANAGE_RUNNERS_ORG, feature=HOSTED_RUNNERS),
    *(
        Route(method, template, handler, scope=MANAGE_RUNNERS_ENTERPRISE, feature=ENTERPRISE)
        for method, template, handler in (
            ("GET", _ENTERPRISE_GROUPS, enterprise.list_groups),
            ("POST", _ENTERPRISE_GROUPS, enterprise.create_group),
            ("GET", _ENTERPRISE_GROUP, enterprise.get_group),
            ("PATCH", _ENTERPRISE_GROUP, enterprise.update_group),
            ("DELETE", _ENTERPRISE_GROUP, enterprise.delete_group),
            ("GET", _ENTERPRISE_GROUP + "/organizations", enterprise.list_organizations),
            ("PUT", _ENTERPRISE_GROUP + "/organizations", enterprise.set_organizations),
            ("PUT", _ENTERPRISE_GROUP + "/organizations/{org_id}", enterprise.add_organization),
            ("DELETE", _ENTERPRISE_GROUP + "/organizations/{org_id}", enterprise.remove_organization),
            ("GET", _ENTERPRISE_GROUP + "/runners", enterprise.list_members),
            ("PUT", _ENTERPRISE_GROUP + "/runners", enterprise.set_members),
            ("PUT", _ENTERPRISE_GROUP + "/runners/{runner_id}", enterprise.add_member),
            ("DELETE", _ENTERPRISE_GROUP + "/runners/{runner_id}", enterprise.remove_member),
            ("GET", "/enterprises/{enterprise}/actions/runners", enterprise.list_runners),
        )
    ),
    *(
        Route(method, template, handler, scope=NETWORK_SCOPE, feature=NETWORK_CONFIGURATIONS)
        for method, template, handler in (
            ("GET", _NETWORK, network.list_configurations),
            ("POST", _NETWORK, network.create_configuration),
            ("GET", _NETWORK + "/{network_configuration_id}", network.get_configuration),
            ("PATCH", _NETWORK + "/{network_configuration_id}", network.update_configuration),
            ("DELETE", _NETWORK + "/{network_configuration_id}", network.delete_configuration),
            ("GET", "/orgs/{org}/settings/network-settings/{network_settings_id}", network.get_settings),
        )
    ),
    *(
        Route(method, template, handler, scope=ENTERPRISE_SCOPE, feature=ENTERPRISE_CLOUD)
        for method, template, handler in (
            ("GET", _ENTERPRISE_NETWORK, network.list_configurations),
            ("POST", _ENTERPRISE_NETWORK, network.create_configuration),
            ("GET", _ENTERPRISE_NETWORK + "/{network_configuration_id}", network.get_configuration),
            ("PATCH", _ENTERPRISE_NETWORK + "/{network_configuration_id}", network.update_configuration),
            ("DELETE", _ENTERPRISE_NETWORK + "/{network_configuration_id}", network.delete_configuration),
            ("GET", "/enterprises/{enterprise}/network-settings/{network_settings_id}", network.get_settings),
        )
    ),
    *(
        # The enterprise hosted-runner operations name manage_runners:enterprise, as the group ones do.
        Route(method, template, handler, scope=MANAGE_RUNNERS_ENTERPRISE, feature=ENTERPRISE_CLOUD)
        for method, template, handler in (
            ("GET", _ENTERPRISE_HOSTED, hosted.list_runners),
            ("POST", _ENTERPRISE_HOSTED, hosted.create_runner),
            ("GET", _ENTERPRISE_HOSTED + "/images/github-owned", hosted.list_github_images),
            ("GET", _ENTERPRISE_HOSTED + "/images/partner", hosted.list_partner_images),
            ("GET", _ENTERPRISE_HOSTED + "/machine-sizes", hosted.list_machine_sizes),
            ("GET", _ENTERPRISE_HOSTED + "/platforms", hosted.list_platforms),
            ("GET", _ENTERPRISE_HOSTED + "/limits", hosted.get_limits),
            ("GET", _ENTERPRISE_HOSTED + "/{hosted_runner_id}", hosted.get_runner),
            ("PATCH", _ENTERPRISE_HOSTED + "/{hosted_runner_id}", hosted.update_runner),
            ("DELETE", _ENTERPRISE_HOSTED + "/{hosted_runner_id}", hosted.delete_runner),
            ("GET", _ENTERPRISE_CUSTOM, custom_images.list_images),
            ("GET", _ENTERPRISE_CUSTOM + "/{image_definition_id}", custom_images.get_image),
            ("GET", _ENTERPRISE_CUSTOM + "/{image_definition_id}/versions", custom_images.list_versions),
            ("GET", _ENTERPRISE_CUSTOM + "/{image_definition_id}/versions/{version}", custom_images.get_version),
        )
    ),
    *(
        Route(method, template, handler, feature=ACTIONS_POLICIES)
        for method, template, handler in (
            ("GET", _POLICY, policy.get_self_hosted_runner_policy),
            ("PUT", _POLICY, policy.set_policy),
            ("GET", _POLICY + "/repositories", policy.list_self_hosted_runner_repositories),
            ("PUT", _POLICY + "/repositories", policy.set_repositories),
            ("PUT", _POLICY + "/repositories/{repository_id}", policy.add_repository),
            ("DELETE", _POLICY + "/repositories/{repository_id}", policy.remove_repository),
        )
    ),
    Route("GET", _CUSTOM, custom_images.list_images, feature=HOSTED_RUNNERS),
    Route("GET", _CUSTOM + "/{image_definition_id}", custom_images.get_image, feature=HOSTED_RUNNERS),
    Route("GET", _CUSTOM + "/{image_definition_id}/versions", custom_images.list_versions, feature=HOSTED_RUNNERS),
    Route(
        "GET", _CUSTOM + "/{image_definition_id}/versions/{version}", custom_images.get_version, feature=HOSTED_RUNNERS
    ),
)
_PATTERNS = [(route, _compiled(route.template)) for route in ROUTES]


def routes_of(flavour: Flavour) -> tuple[Route, ...]:
    """The routes `flavour` serves."""
    return tuple(route for route in ROUTES if flavour.serves(route.feature))


def find_route(method: str, path: str, flavour: Flavour) -> tuple[Route, dict[str, str]] | None:
    """The route for a request and its path parameters; None for an unknown path or method, or a route the
    flavour does not serve (GitHub: 404)."""
    for route, pattern in _PATTERNS:
        match = pattern.match(path)
        if match and route.method == method and flavour.serves(route.feature):
            return route, match.groupdict()
    return None
