"""Custom images for GitHub-hosted runners, of an org (github.com and GHEC) or an enterprise (GHEC), and their
versions: what a HostedRunner with `image_source='custom'` may be built from (its `image_id` is the image's
numeric id as text, its `image_version` one of the image's versions, or 'latest')."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..client import GitHubClient
from ._answers import is_id, listed_in, number, unexpected
from ._paths import enterprise_path, org_path

__all__ = [
    "CustomImage",
    "CustomImageVersion",
    "list_custom_image_versions",
    "list_custom_images",
]


@dataclass(frozen=True)
class CustomImage:
    """GitHub's `actions-hosted-runner-custom-image`."""

    id: int
    name: str
    platform: str
    state: str
    latest_version: str
    versions_count: int
    total_versions_size: int

    @classmethod
    def from_json(cls, data: object, action: str) -> CustomImage:
        if not isinstance(data, Mapping) or not is_id(data.get("id")):
            raise unexpected(action, "a custom image (it has no numeric id)")
        return cls(
            id=int(data["id"]),
            name=str(data.get("name") or ""),
            platform=str(data.get("platform") or ""),
            state=str(data.get("state") or ""),
            latest_version=str(data.get("latest_version") or ""),
            versions_count=number(data.get("versions_count")),
            total_versions_size=number(data.get("total_versions_size")),
        )


@dataclass(frozen=True)
class CustomImageVersion:
    """GitHub's `actions-hosted-runner-custom-image-version`."""

    version: str
    state: str
    size_gb: int
    created_on: str

    @classmethod
    def from_json(cls, data: object, action: str) -> CustomImageVersion:
        if not isinstance(data, Mapping) or not isinstance(data.get("version"), str):
            raise unexpected(action, "a custom image version (it has no version)")
        return cls(
            version=data["version"],
            state=str(data.get("state") or ""),
            size_gb=number(data.get("size_gb")),
            created_on=str(data.get("created_on") or ""),
        )


def _custom(location: str, owner: str) -> str:
    base = enterprise_path(owner) if location == "enterprise" else org_path(owner)
    return f"{base}/actions/hosted-runners/images/custom"


def list_custom_images(client: GitHubClient, location: str, owner: str) -> list[CustomImage]:
    action = f"listing the custom images of {location} '{owner}'"
    body = client.get(_custom(location, owner), action=action)
    return [CustomImage.from_json(item, action) for item in listed_in(body, "images")]


def list_custom_image_versions(
    client: GitHubClient, location: str, owner: str, image_id: int
) -> list[CustomImageVersion]:
    action = f"listing the versions of custom image {int(image_id)} of {location} '{owner}'"
    body = client.get(f"{_custom(location, owner)}/{int(image_id)}/versions", action=action)
    return [CustomImageVersion.from_json(item, action) for item in listed_in(body, "image_versions")]
