"""Custom images for GitHub-hosted runners, of an org (github.com and GHEC) or of an enterprise (GHEC): the
images and their versions, read-only here (GitHub builds them from an image-generation runner; the emulator's
tests seed them)."""

from __future__ import annotations

from typing import Any

from .handlers import Reply, Request
from .rendering import HttpError
from .surface_state import SurfaceState, custom_image_json, custom_image_version_json


def _surface(request: Request) -> SurfaceState:
    if "enterprise" in request.params:
        return request.state.find_enterprise(request.params["enterprise"]).surface
    return request.org.surface


def _image(request: Request) -> dict[str, Any]:
    found = _surface(request).custom_images.get(int(request.params["image_definition_id"]))
    if found is None:
        raise HttpError(404)
    return found


def list_images(request: Request) -> Reply:
    images = [custom_image_json(i) for i in _surface(request).custom_images.values()]
    return 200, {"total_count": len(images), "images": images}


def get_image(request: Request) -> Reply:
    return 200, custom_image_json(_image(request))


def list_versions(request: Request) -> Reply:
    versions = [custom_image_version_json(v) for v in _image(request)["versions"]]
    return 200, {"total_count": len(versions), "image_versions": versions}


def get_version(request: Request) -> Reply:
    wanted = request.params["version"]
    found = next((v for v in _image(request)["versions"] if v["version"] == wanted), None)
    if found is None:
        raise HttpError(404)
    return 200, custom_image_version_json(found)
