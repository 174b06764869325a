"""What an org or an enterprise holds beyond its runner groups: hosted compute networking (network settings made
in Azure, network configurations) and custom images for hosted runners (the self-hosted-runner policy lives
with the org's other Actions policies, in `policy_state`).

Kept apart from `state` (one `surface` attribute per org and enterprise) and rendered here in GitHub's JSON. No
imports from `state`: it imports this module.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .rendering import HttpError

# GitHub's ids of network configurations and settings are upper-case hexadecimal text (`123ABC456DEF789`).
NETWORK_ID_WIDTH = 16
CREATED_ON = "2024-04-26T11:31:07Z"


@dataclass
class SurfaceState:
    """Network settings (id -> `{id, name, subnet_id, region}`), network configurations (id -> GitHub's fields),
    custom images (id -> image with `versions`)."""

    network_settings: dict[str, dict[str, Any]] = field(default_factory=dict)
    network_configurations: dict[str, dict[str, Any]] = field(default_factory=dict)
    custom_images: dict[int, dict[str, Any]] = field(default_factory=dict)

    def configuration_using(self, settings_id: str) -> str | None:
        """The network configuration that uses a network settings resource (as primary or failover)."""
        return next(
            (
                c["id"]
                for c in self.network_configurations.values()
                if settings_id in c["network_settings_ids"] or settings_id in c["failover_network_settings_ids"]
            ),
            None,
        )

    def custom_image(self, image_id: str) -> dict[str, Any] | None:
        """A custom image by its id as a hosted runner's `image.id` names it (digits as text)."""
        return self.custom_images.get(int(image_id)) if image_id.isascii() and image_id.isdigit() else None

    def custom_catalog_image(self, image_id: str) -> dict[str, Any] | None:
        """A `Ready` custom image as a hosted runner's image details show it (the catalog images' shape)."""
        image = self.custom_image(image_id)
        if image is None or image["state"] != "Ready" or not image["versions"]:
            return None
        latest = image["versions"][-1]
        return {
            "id": str(image["id"]),
            "platform": image["platform"],
            "size_gb": latest["size_gb"],
            "display_name": image["name"],
            "source": "custom",
        }


def check_network_configuration_known(surface: SurfaceState, fields: Mapping[str, Any]) -> None:
    """A group's `network_configuration_id` must name one of the owner's network configurations (422 otherwise,
    like unknown repository or runner ids; nothing is applied)."""
    value = fields.get("network_configuration_id")
    if isinstance(value, str) and value not in surface.network_configurations:
        raise HttpError(
            422,
            errors=[
                {"resource": "RunnerGroup", "field": "network_configuration_id", "code": "invalid", "value": value}
            ],
        )


def check_custom_version(surface: SurfaceState, image: Mapping[str, Any], version: str | None) -> None:
    """A custom image's pinned version must be `latest` or one of its `Ready` versions (422 otherwise)."""
    if image.get("source") != "custom" or version in (None, "latest"):
        return
    custom = surface.custom_image(str(image["id"]))
    ready = [v["version"] for v in (custom or {}).get("versions", []) if v["state"] == "Ready"]
    if version not in ready:
        raise HttpError(
            422,
            f"Version '{version}' is not a ready version of custom image '{image['id']}'.",
            errors=[{"resource": "HostedRunner", "field": "image_version", "code": "invalid", "value": str(version)}],
        )


def network_id(number: int) -> str:
    return f"{number:0{NETWORK_ID_WIDTH}X}"


def network_configuration_json(configuration: Mapping[str, Any]) -> dict[str, Any]:
    return {
        key: list(value) if isinstance(value, list) else value
        for key, value in configuration.items()
        if key
        in (
            "id",
            "name",
            "compute_service",
            "network_settings_ids",
            "failover_network_settings_ids",
            "failover_network_enabled",
            "created_on",
        )
    }


def network_settings_json(settings: Mapping[str, Any], surface: SurfaceState) -> dict[str, Any]:
    rendered = {key: settings[key] for key in ("id", "name", "subnet_id", "region")}
    using = surface.configuration_using(settings["id"])
    if using is not None:
        rendered["network_configuration_id"] = using
    return rendered


def custom_image_json(image: Mapping[str, Any]) -> dict[str, Any]:
    versions = image["versions"]
    return {
        "id": image["id"],
        "platform": image["platform"],
        "name": image["name"],
        "source": "custom",
        "versions_count": len(versions),
        "total_versions_size": sum(v["size_gb"] for v in versions),
        "latest_version": versions[-1]["version"] if versions else "",
        "state": image["state"],
    }


def custom_image_version_json(version: Mapping[str, Any]) -> dict[str, Any]:
    return {key: version[key] for key in ("version", "state", "size_gb", "created_on", "state_details")}
