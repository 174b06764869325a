"""Hosted compute networking of an org (`/orgs/{org}/settings/network-...`, github.com and GHEC) and of an
enterprise (`/enterprises/{enterprise}/network-...`, GHEC): network configurations, and the network settings
resources (made in Azure, seeded here) they use.

Validated as the description states it: the name (1-100 of letters, digits, '.', '-', '_'), `compute_service`
(`none`|`actions`), exactly one network settings id, at most one failover id. Beyond it (docs/emulator-fidelity.md):
a settings id must be one of the owner's network settings resources, used by no other configuration (a settings
resource names the one configuration using it).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .handlers import Reply, Request, invalid_property
from .rendering import HttpError
from .surface_state import (
    CREATED_ON,
    SurfaceState,
    network_configuration_json,
    network_id,
    network_settings_json,
)

_NAME = re.compile(r"[A-Za-z0-9._-]{1,100}")
COMPUTE_SERVICES = ("none", "actions")


def _surface(request: Request) -> SurfaceState:
    """The org's or the enterprise's networking, by the route's owner parameter."""
    if "enterprise" in request.params:
        return request.state.find_enterprise(request.params["enterprise"]).surface
    return request.org.surface


def _configuration(request: Request, surface: SurfaceState) -> dict[str, Any]:
    found = surface.network_configurations.get(request.params["network_configuration_id"])
    if found is None:
        raise HttpError(404)
    return found


def list_configurations(request: Request) -> Reply:
    surface = _surface(request)
    items = [network_configuration_json(c) for c in surface.network_configurations.values()]
    return 200, request.page(items, "network_configurations")


def get_configuration(request: Request) -> Reply:
    return 200, network_configuration_json(_configuration(request, _surface(request)))


def create_configuration(request: Request) -> Reply:
    surface = _surface(request)
    payload = _body(request.payload)
    for required in ("name", "network_settings_ids"):
        if required not in payload:
            raise HttpError(422, f'Invalid request.\n\n"{required}" wasn\'t supplied.')
    fields = _fields(surface, payload, None)
    configuration = {
        "id": network_id(next(request.state.ids) + 0xC0FFEE00),
        "compute_service": "none",
        "failover_network_settings_ids": [],
        "failover_network_enabled": False,
        "created_on": CREATED_ON,
        **fields,
    }
    surface.network_configurations[configuration["id"]] = configuration
    return 201, network_configuration_json(configuration)


def update_configuration(request: Request) -> Reply:
    """PATCH: every field optional; all are checked before any is applied."""
    surface = _surface(request)
    configuration = _configuration(request, surface)
    configuration.update(_fields(surface, _body(request.payload), configuration["id"]))
    return 200, network_configuration_json(configuration)


def delete_configuration(request: Request) -> Reply:
    surface = _surface(request)
    del surface.network_configurations[_configuration(request, surface)["id"]]
    return 204, None


def get_settings(request: Request) -> Reply:
    surface = _surface(request)
    found = surface.network_settings.get(request.params["network_settings_id"])
    if found is None:
        raise HttpError(404)
    return 200, network_settings_json(found, surface)


# Request bodies


def _body(payload: Any) -> Mapping[str, Any]:
    if not isinstance(payload, dict):
        raise HttpError(400, "Problems parsing JSON")
    return payload


def _invalid(field_name: str, value: Any, message: str) -> HttpError:
    shown = value if isinstance(value, (str, int)) and not isinstance(value, bool) else str(value)
    return HttpError(
        422,
        message,
        errors=[{"resource": "NetworkConfiguration", "field": field_name, "code": "invalid", "value": shown}],
    )


def _fields(surface: SurfaceState, payload: Mapping[str, Any], own_id: str | None) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    if "name" in payload:
        name = payload["name"]
        if not isinstance(name, str) or not _NAME.fullmatch(name):
            raise _invalid(
                "name",
                name,
                "Name must be between 1 and 100 characters and may only contain upper and lowercase letters a-z, "
                "numbers 0-9, '.', '-', and '_'.",
            )
        fields["name"] = name
    if "compute_service" in payload:
        if payload["compute_service"] not in COMPUTE_SERVICES:
            raise invalid_property("compute_service", payload["compute_service"])
        fields["compute_service"] = payload["compute_service"]
    if "failover_network_enabled" in payload:
        if not isinstance(payload["failover_network_enabled"], bool):
            raise invalid_property("failover_network_enabled", payload["failover_network_enabled"])
        fields["failover_network_enabled"] = payload["failover_network_enabled"]
    for key, least in (("network_settings_ids", 1), ("failover_network_settings_ids", 0)):
        if key in payload:
            fields[key] = _settings_ids(surface, key, payload[key], least, own_id)
    return fields


def _settings_ids(surface: SurfaceState, key: str, value: Any, least: int, own_id: str | None) -> list[str]:
    """`least` to one ids of the owner's network settings resources, none used by another configuration."""
    if not isinstance(value, list) or not all(isinstance(i, str) for i in value):
        raise invalid_property(key, value)
    if not least <= len(value) <= 1:
        wanted = "Exactly one" if least else "At most one"
        raise _invalid(key, value, f"{wanted} network settings resource identifier must be specified.")
    for settings_id in value:
        if settings_id not in surface.network_settings:
            raise _invalid(key, settings_id, f"Network settings '{settings_id}' does not exist.")
        using = surface.configuration_using(settings_id)
        if using not in (None, own_id):
            raise _invalid(
                key, settings_id, f"Network settings '{settings_id}' is already used by network configuration {using}."
            )
    return list(value)
