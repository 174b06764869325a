"""The GitHub-hosted larger runners of an org (`api.github.com` and `ghec`): the runners and what they are built from.

Validated as GitHub validates, with its 422 shape (`errors[]` naming resource, field, code and value): the name
(1-64 of letters, digits, '.', '-', '_', unique in the org), the image (known to the org for its source), the
size (one of the org's machine sizes, and one that serves the image: `hosted_sizes`), the group (one the org can
use), `maximum_runners` and static public IPs against the org's limit. A runner moved by PATCH leaves its old
group's `/hosted-runners` listing at once; a deleted one stays `Deleting` for a while (`hosted_lifecycle`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from . import hosted_lifecycle, hosted_sizes
from .handlers import Reply, Request, invalid_property
from .rendering import HttpError, hosted_runner_json
from .state import Enterprise, Org, new_hosted_runner
from .surface_state import check_custom_version

IMAGE_SOURCES = ("github", "partner", "custom")
MAXIMUM_RUNNERS_CAP = 1000  # the largest "maximum concurrency" GitHub lets a hosted runner have
_NAME = re.compile(r"[A-Za-z0-9._-]{1,64}")


def _invalid(field_name: str, value: Any, message: str, code: str = "invalid") -> HttpError:
    # `errors[].value` may be a string, an integer or a list of strings in GitHub's schema.
    shown = value if isinstance(value, (str, int)) and not isinstance(value, bool) else str(value)
    return HttpError(
        422, message, errors=[{"resource": "HostedRunner", "field": field_name, "code": code, "value": shown}]
    )


def _owner(request: Request) -> Org | Enterprise:
    """The org, or on GHEC the enterprise (`/enterprises/{enterprise}/actions/hosted-runners...`): both hold hosted
    runners, a catalog and groups, and answer alike."""
    if "enterprise" in request.params:
        enterprise = request.state.find_enterprise(request.params["enterprise"])
        hosted_lifecycle.sweep(enterprise, request.now)  # as `request.org` does: runners whose teardown is over
        return enterprise
    return request.org


def _hosted(request: Request, org: Org | Enterprise) -> dict[str, Any]:
    hosted = org.hosted_runners.get(int(request.params["hosted_runner_id"]))
    if hosted is None:
        raise HttpError(404)
    return hosted


# The runners


def list_runners(request: Request) -> Reply:
    org = _owner(request)
    return 200, request.page([hosted_runner_json(h) for h in org.hosted_runners.values()], "runners")


def get_runner(request: Request) -> Reply:
    org = _owner(request)
    return 200, hosted_runner_json(_hosted(request, org))


def create_runner(request: Request) -> Reply:
    """POST: name, image, size and runner_group_id required; everything is checked before the runner exists."""
    org = _owner(request)
    payload = _body(request.payload)
    for required in ("name", "image", "size", "runner_group_id"):
        if required not in payload:
            raise HttpError(422, f'Invalid request.\n\n"{required}" wasn\'t supplied.')
    name = _name(org, payload["name"], None)
    image = payload["image"]
    if not isinstance(image, dict) or not isinstance(image.get("id"), str):
        raise invalid_property("image", image)
    source = image.get("source", "github")
    found = _image(org, source, image["id"])
    version = _image_version(image.get("version"))
    check_custom_version(org.surface, found, version)
    machine = _size(org, payload["size"])
    _fits(found, found["platform"], machine)
    group_id = _group_id(request, org, payload["runner_group_id"])
    hosted = new_hosted_runner(
        next(request.state.ids) + 9000,
        name,
        group_id,
        found,
        machine,
        _maximum_runners(payload.get("maximum_runners", 10)),
    )
    hosted["public_ip_enabled"] = _static_ip(org, payload.get("enable_static_ip", False), None)
    hosted["image_gen"] = _flag("image_gen", payload.get("image_gen", False))
    if version is not None:
        hosted["image_details"]["version"] = version
    org.hosted_runners[hosted["id"]] = hosted
    # The answer shows it `Provisioning`; the emulator provisions at once, so the next read shows it `Ready`.
    return 201, {**hosted_runner_json(hosted), "status": "Provisioning"}


def update_runner(request: Request) -> Reply:
    """PATCH: every field optional; all are checked before any is applied."""
    org = _owner(request)
    hosted = _hosted(request, org)
    payload = _body(request.payload)
    changes: dict[str, Any] = {}
    if "name" in payload:
        changes["name"] = _name(org, payload["name"], hosted["id"])
    if "runner_group_id" in payload:
        changes["runner_group_id"] = _group_id(request, org, payload["runner_group_id"])
    if "maximum_runners" in payload:
        changes["maximum_runners"] = _maximum_runners(payload["maximum_runners"])
    if "enable_static_ip" in payload:
        changes["public_ip_enabled"] = _static_ip(org, payload["enable_static_ip"], hosted)
    if "size" in payload:
        changes["machine_size_details"] = dict(_size(org, payload["size"]))
    image_details = dict(hosted["image_details"])
    if "image_id" in payload or "image_source" in payload:
        source = payload.get("image_source", image_details["source"])
        image = _image(org, source, payload.get("image_id", image_details["id"]))
        image_details = {k: image[k] for k in ("id", "size_gb", "display_name", "source")}
        changes["platform"] = image["platform"]
    if "image_version" in payload:
        image_details.pop("version", None)
        version = _image_version(payload["image_version"])
        if version is not None:
            image_details["version"] = version
    check_custom_version(org.surface, image_details, image_details.get("version"))
    changes["image_details"] = image_details
    _fits(
        image_details,
        changes.get("platform", hosted["platform"]),
        changes.get("machine_size_details", hosted["machine_size_details"]),
    )
    if "image_gen" in payload:
        changes["image_gen"] = _flag("image_gen", payload["image_gen"])
    hosted.update(changes)
    return 200, hosted_runner_json(hosted)


def delete_runner(request: Request) -> Reply:
    """GitHub answers 202 with the runner, now `Deleting`; it is gone once its teardown is over
    (`hosted_lifecycle`)."""
    org = _owner(request)
    hosted = _hosted(request, org)
    answer = hosted_runner_json(
        hosted_lifecycle.start_deleting(org, hosted, request.now, request.state.hosted_deletion_seconds)
    )
    return 202, answer


# What the org offers


def list_github_images(request: Request) -> Reply:
    images = _owner(request).hosted_catalog.github_images
    return 200, {"total_count": len(images), "images": [dict(i) for i in images]}


def list_partner_images(request: Request) -> Reply:
    images = _owner(request).hosted_catalog.partner_images
    return 200, {"total_count": len(images), "images": [dict(i) for i in images]}


def list_machine_sizes(request: Request) -> Reply:
    sizes = _owner(request).hosted_catalog.machine_sizes
    return 200, {"total_count": len(sizes), "machine_specs": [dict(s) for s in sizes]}


def list_platforms(request: Request) -> Reply:
    platforms = _owner(request).hosted_catalog.platforms
    return 200, {"total_count": len(platforms), "platforms": list(platforms)}


def get_limits(request: Request) -> Reply:
    org = _owner(request)
    return 200, {
        "public_ips": {"maximum": org.hosted_catalog.public_ip_limit, "current_usage": org.public_ips_in_use()}
    }


# Request bodies


def _body(payload: Any) -> Mapping[str, Any]:
    if not isinstance(payload, dict):
        raise HttpError(400, "Problems parsing JSON")
    return payload


def _name(org: Org | Enterprise, name: Any, own_id: int | None) -> str:
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise _invalid(
            "name",
            name,
            "Name must be 1-64 characters long and may only contain letters, digits, '.', '-' and '_'.",
        )
    if any(h["name"].lower() == name.lower() and h["id"] != own_id for h in org.hosted_runners.values()):
        raise _invalid("name", name, f"A hosted runner with the name '{name}' already exists.", "already_exists")
    return name


def _image(org: Org | Enterprise, source: Any, image_id: Any) -> dict[str, Any]:
    if source not in IMAGE_SOURCES:
        raise invalid_property("image/source", source)
    found = org.hosted_catalog.image(source, image_id) if isinstance(image_id, str) else None
    if found is None and source == "custom" and isinstance(image_id, str):
        found = org.surface.custom_catalog_image(image_id)
    if found is None:
        raise _invalid("image", image_id, f"Image '{image_id}' is not available for source '{source}' in this org.")
    return found


def _image_version(version: Any) -> str | None:
    """A pinned image version (`latest` or a version the image has); None: GitHub's default, not shown."""
    if version is not None and not isinstance(version, str):
        raise invalid_property("image/version", version)
    return version


def _size(org: Org | Enterprise, size: Any) -> dict[str, Any]:
    found = org.hosted_catalog.size(size) if isinstance(size, str) else None
    if found is None:
        raise _invalid("size", size, f"Size '{size}' is not a machine size available to this org.")
    return found


def _fits(image: Mapping[str, Any], platform: str, machine: Mapping[str, Any]) -> None:
    """Not every size serves every image (`hosted_sizes`)."""
    problem = hosted_sizes.mismatch(image, platform, machine)
    if problem is not None:
        raise _invalid("size", str(machine.get("id")), problem)


def _group_id(request: Request, org: Org | Enterprise, group_id: Any) -> int:
    if not isinstance(group_id, int) or isinstance(group_id, bool):
        raise invalid_property("runner_group_id", group_id)
    try:
        request.state.find_group(org, group_id)
    except HttpError:
        raise _invalid("runner_group_id", group_id, f"Runner group {group_id} does not exist in this org.") from None
    return group_id


def _maximum_runners(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= MAXIMUM_RUNNERS_CAP:
        raise _invalid("maximum_runners", value, f"maximum_runners must be between 1 and {MAXIMUM_RUNNERS_CAP}.")
    return value


def _flag(field_name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise invalid_property(field_name, value)
    return value


def _static_ip(org: Org | Enterprise, enable: Any, hosted: Mapping[str, Any] | None) -> bool:
    """Turning a static IP on takes one of the org's public IP ranges: refused at the limit."""
    wanted = _flag("enable_static_ip", enable)
    already = hosted is not None and hosted["public_ip_enabled"]
    if wanted and not already and org.public_ips_in_use() >= org.hosted_catalog.public_ip_limit:
        raise _invalid(
            "enable_static_ip",
            "true",
            f"The organization has used all {org.hosted_catalog.public_ip_limit} of its static public IP ranges.",
        )
    return wanted
