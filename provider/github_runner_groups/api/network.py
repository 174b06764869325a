"""Hosted compute networking (github.com and GHEC; GitHub Enterprise Server has none): an org's or an enterprise's
network configurations, and the network settings resources (made in Azure) they use. `location` is `org` or
`enterprise`, as for runner groups; the two differ only in their path."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from ..client import GitHubClient
from ._answers import listed, text, unexpected
from ._listing import listing
from ._paths import enterprise_path, org_path
from .models import RequestBody

__all__ = [
    "NetworkConfiguration",
    "NetworkSettings",
    "create_network_configuration",
    "delete_network_configuration",
    "get_network_configuration",
    "get_network_settings",
    "list_network_configurations",
    "update_network_configuration",
]


@dataclass(frozen=True)
class NetworkConfiguration:
    """GitHub's `network-configuration`: its id is text (`123ABC456DEF789`), not a number."""

    id: str
    name: str
    compute_service: str = "none"
    network_settings_ids: tuple[str, ...] = ()
    failover_network_settings_ids: tuple[str, ...] = ()
    failover_network_enabled: bool = False
    created_on: str | None = None

    @classmethod
    def from_json(cls, data: object, action: str) -> NetworkConfiguration:
        if (
            not isinstance(data, Mapping)
            or not isinstance(data.get("id"), str)
            or not isinstance(data.get("name"), str)
        ):
            raise unexpected(action, "a network configuration (it has no id and name)")
        return cls(
            id=data["id"],
            name=data["name"],
            compute_service=str(data.get("compute_service") or "none"),
            network_settings_ids=_ids(data.get("network_settings_ids")),
            failover_network_settings_ids=_ids(data.get("failover_network_settings_ids")),
            failover_network_enabled=data.get("failover_network_enabled") is True,
            created_on=text(data.get("created_on")),
        )


@dataclass(frozen=True)
class NetworkSettings:
    """GitHub's `network-settings`: a subnet made known to GitHub from Azure; `network_configuration_id` names the
    configuration using it, if any."""

    id: str
    name: str
    subnet_id: str
    region: str
    network_configuration_id: str | None = None

    @classmethod
    def from_json(cls, data: object, action: str) -> NetworkSettings:
        if not isinstance(data, Mapping) or not isinstance(data.get("id"), str):
            raise unexpected(action, "a network settings resource (it has no id)")
        return cls(
            id=data["id"],
            name=str(data.get("name") or ""),
            subnet_id=str(data.get("subnet_id") or ""),
            region=str(data.get("region") or ""),
            network_configuration_id=text(data.get("network_configuration_id")),
        )


def _ids(value: Any) -> tuple[str, ...]:
    return tuple(str(item) for item in listed(value) if isinstance(item, str))


def _owner(location: str, owner: str) -> str:
    return enterprise_path(owner) if location == "enterprise" else org_path(owner)


def _configurations(location: str, owner: str) -> str:
    if location == "enterprise":
        return f"{enterprise_path(owner)}/network-configurations"
    return f"{org_path(owner)}/settings/network-configurations"


def _one(location: str, owner: str, configuration_id: str) -> str:
    return f"{_configurations(location, owner)}/{quote(configuration_id, safe='')}"


def _label(location: str, owner: str, configuration_id: str) -> str:
    return f"network configuration {configuration_id} of {location} '{owner}'"


def list_network_configurations(client: GitHubClient, location: str, owner: str) -> list[NetworkConfiguration]:
    action = f"listing the network configurations of {location} '{owner}'"
    return listing(
        client, _configurations(location, owner), action, "network_configurations", NetworkConfiguration.from_json
    )


def get_network_configuration(
    client: GitHubClient, location: str, owner: str, configuration_id: str
) -> NetworkConfiguration:
    action = f"reading {_label(location, owner, configuration_id)}"
    body = client.get(_one(location, owner, configuration_id), action=action)
    return NetworkConfiguration.from_json(body, action)


def create_network_configuration(
    client: GitHubClient, location: str, owner: str, body: RequestBody
) -> NetworkConfiguration:
    action = f"creating network configuration '{body.get('name')}' in {location} '{owner}'"
    response = client.request("POST", _configurations(location, owner), action=action, json_body=dict(body))
    return NetworkConfiguration.from_json(response.body, action)


def update_network_configuration(
    client: GitHubClient, location: str, owner: str, configuration_id: str, body: RequestBody
) -> NetworkConfiguration:
    action = f"updating {_label(location, owner, configuration_id)}"
    response = client.request("PATCH", _one(location, owner, configuration_id), action=action, json_body=dict(body))
    return NetworkConfiguration.from_json(response.body, action)


def delete_network_configuration(client: GitHubClient, location: str, owner: str, configuration_id: str) -> None:
    action = f"deleting {_label(location, owner, configuration_id)}"
    client.request("DELETE", _one(location, owner, configuration_id), action=action)


def get_network_settings(client: GitHubClient, location: str, owner: str, settings_id: str) -> NetworkSettings:
    action = f"reading network settings {settings_id} of {location} '{owner}'"
    path = f"{_owner(location, owner)}/{'' if location == 'enterprise' else 'settings/'}network-settings"
    body = client.get(f"{path}/{quote(settings_id, safe='')}", action=action)
    return NetworkSettings.from_json(body, action)
