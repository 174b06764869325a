"""A local emulator of GitHub's runner-group endpoints (org and enterprise groups, hosted runners), in the flavours
of github.com, GHEC and GHES: the demo's default target and the tests' double.

`add_to_responses` is loaded on first use because `responses` is a test dependency, not a runtime one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .fake import DEMO_TOKEN, SEEDED_ENTERPRISE, FakeGitHub
from .flavours import FLAVOURS, OPENAPI_VERSION, Flavour
from .limits import SecondaryLimits, SecondaryUsage
from .server import EmulatorServer, serve
from .state import DEFAULT_GROUP_ID
from .wire import DropConnection, FakeResponse, FaultRule, RecordedRequest

if TYPE_CHECKING:
    from .responses_adapter import add_to_responses as add_to_responses

__all__ = [
    "DEFAULT_GROUP_ID",
    "DEMO_TOKEN",
    "FLAVOURS",
    "OPENAPI_VERSION",
    "SEEDED_ENTERPRISE",
    "DropConnection",
    "EmulatorServer",
    "FakeGitHub",
    "FakeResponse",
    "FaultRule",
    "Flavour",
    "RecordedRequest",
    "SecondaryLimits",
    "SecondaryUsage",
    "add_to_responses",
    "serve",
]


def __getattr__(name: str) -> Any:
    if name == "add_to_responses":
        from .responses_adapter import add_to_responses

        return add_to_responses
    raise AttributeError(f"module 'github_runner_groups.testing' has no attribute {name!r}")
