"""An organization's GitHub-hosted larger runners (github.com and GHEC; GitHub Enterprise Server has none), or with
`location='enterprise'` an enterprise's own (GHEC): the runners, and the machine sizes, images, platforms and
public IP limits they are built from."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from ..client import GitHubClient
from ._answers import identified, is_id, listed, listed_in, mapping, number, text
from ._listing import listing
from ._paths import enterprise_path, org_path
from .models import RequestBody

__all__ = [
    "HostedImage",
    "HostedRunner",
    "MachineSize",
    "PublicIpLimits",
    "create_hosted_runner",
    "delete_hosted_runner",
    "get_hosted_runner",
    "get_hosted_runner_limits",
    "list_hosted_images",
    "list_hosted_machine_sizes",
    "list_hosted_platforms",
    "list_hosted_runners",
    "update_hosted_runner",
]


@dataclass(frozen=True)
class MachineSize:
    """GitHub's `actions-hosted-runner-machine-spec`: a size an org may give its hosted runners."""

    id: str
    cpu_cores: int
    memory_gb: int
    storage_gb: int

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> MachineSize:
        return cls(
            id=str(data.get("id")),
            cpu_cores=number(data.get("cpu_cores")),
            memory_gb=number(data.get("memory_gb")),
            storage_gb=number(data.get("storage_gb")),
        )


@dataclass(frozen=True)
class HostedImage:
    """An image an org may build hosted runners from (`actions-hosted-runner-curated-image`)."""

    id: str
    source: str
    platform: str
    size_gb: int
    display_name: str

    @classmethod
    def from_json(cls, data: Mapping[str, Any], source: str) -> HostedImage:
        return cls(
            id=str(data.get("id")),
            source=str(data.get("source") or source),
            platform=str(data.get("platform") or ""),
            size_gb=number(data.get("size_gb")),
            display_name=str(data.get("display_name") or data.get("id")),
        )


@dataclass(frozen=True)
class PublicIpLimits:
    """How many static public IP ranges the org may use, and how many its hosted runners use now."""

    maximum: int
    current_usage: int


@dataclass(frozen=True)
class HostedRunner:
    """GitHub's `actions-hosted-runner`, flattened: the image and machine size details become plain attributes
    named as the PATCH body names them (image_id, image_source, image_version, size)."""

    id: int
    name: str
    runner_group_id: int | None
    image_id: str
    image_source: str
    image_version: str | None
    size: str
    maximum_runners: int | None
    public_ip_enabled: bool
    image_gen: bool
    status: str
    platform: str
    machine_size_details: dict[str, Any]
    public_ips: tuple[str, ...] = ()
    last_active_on: str | None = None

    @classmethod
    def from_json(cls, data: object, action: str) -> HostedRunner:
        data = identified(data, action, "a GitHub-hosted runner")
        image = mapping(data.get("image_details"))
        machine = mapping(data.get("machine_size_details"))
        ips = data.get("public_ips")
        group_id = data.get("runner_group_id")
        maximum = data.get("maximum_runners")
        return cls(
            id=int(data["id"]),
            name=str(data["name"]),
            runner_group_id=group_id if is_id(group_id) else None,
            image_id=str(image.get("id") or ""),
            image_source=str(image.get("source") or "github"),
            image_version=text(image.get("version")),
            size=str(machine.get("id") or ""),
            maximum_runners=maximum if is_id(maximum) else None,
            public_ip_enabled=data.get("public_ip_enabled") is True,
            image_gen=data.get("image_gen") is True,
            status=str(data.get("status") or ""),
            platform=str(data.get("platform") or ""),
            machine_size_details=dict(machine),
            public_ips=tuple(
                f"{ip.get('prefix')}/{ip.get('length')}"
                for ip in listed(ips)
                if isinstance(ip, Mapping) and ip.get("enabled")
            ),
            last_active_on=text(data.get("last_active_on")),
        )


def _hosted(org: str, location: str = "org") -> str:
    """An org's hosted runners, or with `location` 'enterprise' an enterprise's (GHEC): the same operations."""
    base = enterprise_path(org) if location == "enterprise" else org_path(org)
    return f"{base}/actions/hosted-runners"


def _hosted_label(org: str, hosted_runner_id: int, location: str) -> str:
    return f"GitHub-hosted runner {int(hosted_runner_id)} in {location} '{org}'"


def list_hosted_runners(client: GitHubClient, org: str, *, location: str = "org") -> list[HostedRunner]:
    action = f"listing GitHub-hosted runners of {location} '{org}'"
    return listing(client, _hosted(org, location), action, "runners", HostedRunner.from_json)


def get_hosted_runner(client: GitHubClient, org: str, hosted_runner_id: int, *, location: str = "org") -> HostedRunner:
    action = f"reading {_hosted_label(org, hosted_runner_id, location)}"
    path = f"{_hosted(org, location)}/{int(hosted_runner_id)}"
    return HostedRunner.from_json(client.get(path, action=action), action)


def create_hosted_runner(client: GitHubClient, org: str, body: RequestBody, *, location: str = "org") -> HostedRunner:
    action = f"creating GitHub-hosted runner '{body.get('name')}' in {location} '{org}'"
    response = client.request("POST", _hosted(org, location), action=action, json_body=dict(body))
    return HostedRunner.from_json(response.body, action)


def update_hosted_runner(
    client: GitHubClient, org: str, hosted_runner_id: int, body: RequestBody, *, location: str = "org"
) -> HostedRunner:
    action = f"updating {_hosted_label(org, hosted_runner_id, location)}"
    path = f"{_hosted(org, location)}/{int(hosted_runner_id)}"
    response = client.request("PATCH", path, action=action, json_body=dict(body))
    return HostedRunner.from_json(response.body, action)


def delete_hosted_runner(client: GitHubClient, org: str, hosted_runner_id: int, *, location: str = "org") -> None:
    """GitHub answers 202 with the runner, now `Deleting`: it goes away shortly after."""
    action = f"deleting {_hosted_label(org, hosted_runner_id, location)}"
    client.request("DELETE", f"{_hosted(org, location)}/{int(hosted_runner_id)}", action=action)


def list_hosted_machine_sizes(client: GitHubClient, org: str, *, location: str = "org") -> list[MachineSize]:
    action = f"listing the machine sizes {location} '{org}' offers for hosted runners"
    body = client.get(f"{_hosted(org, location)}/machine-sizes", action=action)
    return [MachineSize.from_json(item) for item in listed_in(body, "machine_specs")]


def list_hosted_images(client: GitHubClient, org: str, source: str, *, location: str = "org") -> list[HostedImage]:
    """The `github`-owned or `partner` images the org (or enterprise) may use. Custom images are listed by
    `custom_images` (`/orgs/{org}/actions/hosted-runners/images/custom` and its `/versions`, github.com and GHEC)."""
    path = "github-owned" if source == "github" else source
    body = client.get(
        f"{_hosted(org, location)}/images/{quote(path, safe='')}",
        action=f"listing the {source} images {location} '{org}' offers for hosted runners",
    )
    return [HostedImage.from_json(item, source) for item in listed_in(body, "images")]


def list_hosted_platforms(client: GitHubClient, org: str, *, location: str = "org") -> list[str]:
    action = f"listing the platforms {location} '{org}' offers for hosted runners"
    body = client.get(f"{_hosted(org, location)}/platforms", action=action)
    return [str(item) for item in listed_in(body, "platforms")]


def get_hosted_runner_limits(client: GitHubClient, org: str, *, location: str = "org") -> PublicIpLimits:
    action = f"reading the hosted-runner limits of {location} '{org}'"
    body = client.get(f"{_hosted(org, location)}/limits", action=action)
    ips = mapping(mapping(body).get("public_ips"))
    return PublicIpLimits(maximum=number(ips.get("maximum")), current_usage=number(ips.get("current_usage")))
