"""Stand-ins for other providers' SDKs that an example program imports but this project does not install."""

from __future__ import annotations

import types
from typing import Any

import pulumi


def stand_in_pulumi_github() -> types.ModuleType:
    """`pulumi_github` with a minimal Repository of the same type token, whose `repo_id` the test supplies."""
    module = types.ModuleType("pulumi_github")

    class Repository(pulumi.CustomResource):
        repo_id: pulumi.Output[int]

        def __init__(self, resource_name: str, **props: Any) -> None:
            super().__init__("github:index/repository:Repository", resource_name, {**props, "repo_id": None})

    module.Repository = Repository  # type: ignore[attr-defined]
    return module
