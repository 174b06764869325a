"""Layer 2: one typed function per GitHub REST operation this library uses, returning typed models. Knows
nothing of Pulumi.

Each function names its action in words so that a failure reads "creating runner group 'ci' in org 'acme'
failed: GitHub answered 422 ...". Laid out by area, each area's `__all__` reached from here
(`api.create_runner_group`): `models` (the objects several areas read, what reads and writes return, request
body keys), `org_groups` (an org's groups with their repository and runner lists), `listings` (an org's
repositories and runners, an organization by login), `enterprise_groups` (an enterprise's groups with their
organization and runner lists, its runners), `server` (which GitHub answers), `permissions` (an org's Actions
permissions), `hosted` (GitHub-hosted runners and their catalog), `network` (hosted compute network
configurations), `self_hosted_policy` (which repositories may use self-hosted runners), `custom_images` (custom
hosted-runner images). What the areas share is written once:
`_answers` (reading an answer defensively), `_listing` (listings as models), `_paths` (an owner's path).

An area is imported on the first use of one of its names, so a provider process that only manages runner
groups does not load the hosted runners' models.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# Looked through in this order: what every provider uses first, what few use last.
_AREAS = (
    "models",
    "org_groups",
    "listings",
    "enterprise_groups",
    "server",
    "permissions",
    "hosted",
    "network",
    "self_hosted_policy",
    "custom_images",
    "actions_policy",
    "contents",
)

if TYPE_CHECKING:
    from .actions_policy import *  # noqa: F403
    from .contents import *  # noqa: F403
    from .custom_images import *  # noqa: F403
    from .enterprise_groups import *  # noqa: F403
    from .hosted import *  # noqa: F403
    from .listings import *  # noqa: F403
    from .models import *  # noqa: F403
    from .network import *  # noqa: F403
    from .org_groups import *  # noqa: F403
    from .permissions import *  # noqa: F403
    from .self_hosted_policy import *  # noqa: F403
    from .server import *  # noqa: F403
else:

    def __getattr__(name: str) -> Any:
        """An area's name, kept here once its area is imported (later reads find it without this call)."""
        for area in _AREAS:
            module = importlib.import_module(f".{area}", __name__)
            if name in module.__all__:
                value = globals()[name] = getattr(module, name)
                return value
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
