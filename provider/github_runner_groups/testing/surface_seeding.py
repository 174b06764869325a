"""Seeding and reading what `surface_state` holds, as out-of-band changes a person would make: network settings
made in Azure, network configurations edited in the web UI, the self-hosted-runner policy, custom images."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .flavours import ENTERPRISE_CLOUD, NETWORK_CONFIGURATIONS
from .state import EmulatorState
from .surface_state import (
    CREATED_ON,
    SurfaceState,
    network_configuration_json,
    network_id,
)


class SurfaceSeeding(EmulatorState):
    """`owner` is an org login, or with `enterprise=True` an enterprise slug."""

    def _surface_of(self, owner: str, enterprise: bool) -> SurfaceState:
        if enterprise:
            if not self.flavour.serves(ENTERPRISE_CLOUD):
                raise ValueError(f"{self.flavour.name} has no enterprise networking; use flavour 'ghec'")
            return self.find_enterprise(owner).surface
        return self.find_org(owner).surface

    def add_network_settings(
        self, owner: str, name: str, *, region: str = "eastus", enterprise: bool = False
    ) -> dict[str, Any]:
        """A network settings resource (made in Azure for the org's or enterprise's database id); returns it."""
        if not self.flavour.serves(NETWORK_CONFIGURATIONS):
            raise ValueError(f"{self.flavour.name} has no hosted compute networking; use 'api.github.com' or 'ghec'")
        with self.lock:
            surface = self._surface_of(owner, enterprise)
            settings_id = network_id(next(self.ids) + 0xA5E77000)
            subnet = (
                f"/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet/subnets/{name}"
            )
            settings = {"id": settings_id, "name": name, "subnet_id": subnet, "region": region}
            surface.network_settings[settings_id] = settings
            return dict(settings)

    def add_network_configuration(
        self, owner: str, name: str, settings_id: str, *, enterprise: bool = False, **fields: Any
    ) -> dict[str, Any]:
        """A network configuration made in the web UI (GitHub's field names); returns it as the API shows it."""
        with self.lock:
            surface = self._surface_of(owner, enterprise)
            configuration = {
                "id": network_id(next(self.ids) + 0xC0FFEE00),
                "name": name,
                "compute_service": "actions",
                "network_settings_ids": [settings_id],
                "failover_network_settings_ids": [],
                "failover_network_enabled": False,
                "created_on": CREATED_ON,
                **fields,
            }
            surface.network_configurations[configuration["id"]] = configuration
            return network_configuration_json(configuration)

    def update_network_configuration(
        self, owner: str, configuration_id: str, *, enterprise: bool = False, **fields: Any
    ) -> None:
        with self.lock:
            self._surface_of(owner, enterprise).network_configurations[configuration_id].update(fields)

    def remove_network_configuration(self, owner: str, configuration_id: str, *, enterprise: bool = False) -> None:
        with self.lock:
            del self._surface_of(owner, enterprise).network_configurations[configuration_id]

    def network_configurations(self, owner: str, *, enterprise: bool = False) -> list[dict[str, Any]]:
        with self.lock:
            surface = self._surface_of(owner, enterprise)
            return [network_configuration_json(c) for c in surface.network_configurations.values()]

    def self_hosted_policy(self, org: str) -> tuple[str, list[int]]:
        """The org's self-hosted-runner policy and, for `selected`, the repository ids it lists (seeded with
        `set_self_hosted_runner_policy`)."""
        with self.lock:
            policies = self.find_org(org).policies
            return policies.self_hosted, list(policies.self_hosted_ids)

    def add_custom_image(
        self,
        owner: str,
        name: str,
        *,
        platform: str = "linux-x64",
        versions: Iterable[str] = ("1.0.0",),
        state: str = "Ready",
        enterprise: bool = False,
    ) -> dict[str, Any]:
        """A custom image with its versions (oldest first, each `Ready`); returns `{id, name, ...}` as stored."""
        with self.lock:
            surface = self.find_enterprise(owner).surface if enterprise else self.find_org(owner).surface
            image_id = next(self.ids) + 7000
            image: dict[str, Any] = {
                "id": image_id,
                "name": name,
                "platform": platform,
                "state": state,
                "versions": [_version(v) for v in versions],
            }
            surface.custom_images[image_id] = image
            return dict(image)


def _version(version: str | Mapping[str, Any]) -> dict[str, Any]:
    if isinstance(version, Mapping):
        return {"state": "Ready", "size_gb": 86, "created_on": CREATED_ON, "state_details": "", **version}
    return {"version": version, "state": "Ready", "size_gb": 86, "created_on": CREATED_ON, "state_details": ""}
