"""What the enterprise engine tests share: the stack config, enterprise group resources and views of the
emulator's enterprise (tests/enterprise_seed.py makes the enterprise itself)."""

from __future__ import annotations

from typing import Any

from github_runner_groups.resources.enterprise_runner_group import (
    EnterpriseRunnerGroupArgs,
    EnterpriseRunnerGroupProvider,
)
from github_runner_groups.testing import SEEDED_ENTERPRISE, FakeGitHub
from harness import Res

WRITES = ("POST", "PATCH", "PUT", "DELETE")
ENTERPRISE = {"github-runner-groups:enterprise": SEEDED_ENTERPRISE}
GROUPS_PATH = f"/enterprises/{SEEDED_ENTERPRISE}/actions/runner-groups"


def group(name: str = "shared", resource: str = "shared", **args: Any) -> Res:
    return Res(resource, EnterpriseRunnerGroupProvider(), EnterpriseRunnerGroupArgs(name=name, **args))


def writes(fake: FakeGitHub) -> list[tuple[str, str]]:
    return [(r.method, r.path) for r in fake.requests if r.method in WRITES]


def runner_ids(fake: FakeGitHub, *names: str) -> set[int]:
    return {r["id"] for r in fake.enterprise_runners(SEEDED_ENTERPRISE) if r["name"] in names}


def runners_in(fake: FakeGitHub, group_id: int) -> set[int]:
    return {r["id"] for r in fake.enterprise_runners(SEEDED_ENTERPRISE) if r["runner_group_id"] == group_id}
