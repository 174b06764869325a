"""Malformed settings holding the token, through the engine rig: every resource's check in a provider server.

The in-process table (tests/hostile/test_hostile_secrets.py) covers every form and entry point; this drives the
forms that reach the engine differently (a check failure, a failed Configure) through real provider servers, one
server per form and a preview per resource kind, and reads everything the engine got back: the failures, every
response and stderr line, and the state; not the engine's requests, which carry the config the user set.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from github_runner_groups.resources.enterprise_membership import EnterpriseRunnerGroupMembershipProvider
from github_runner_groups.resources.enterprise_organization_access import (
    EnterpriseRunnerGroupOrganizationAccessProvider,
)
from github_runner_groups.resources.enterprise_runner_group import EnterpriseRunnerGroupProvider
from github_runner_groups.resources.hosted_runner import HostedRunnerProvider
from github_runner_groups.resources.membership import RunnerGroupMembershipProvider
from github_runner_groups.resources.repository_access import RunnerGroupRepositoryAccessProvider
from github_runner_groups.resources.runner_group import RunnerGroupProvider
from github_runner_groups.testing import FakeGitHub
from harness import Engine, HarnessError, Res

MakeEngine = Callable[..., Engine]
TOKEN = "0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d"  # a GitHub Enterprise Server token: not shaped like one
RESOURCES = [
    Res("group", RunnerGroupProvider(), {"name": "ci"}),
    Res("access", RunnerGroupRepositoryAccessProvider(), {"runner_group_id": 5, "repositories": ["api"]}),
    Res("members", RunnerGroupMembershipProvider(), {"runner_group_id": 5, "runners": ["linux-1"]}),
    Res(
        "hosted",
        HostedRunnerProvider(),
        {"name": "linux-4core", "runner_group_id": 1, "image_id": "ubuntu-24.04", "size": "4-core"},
    ),
    Res("shared", EnterpriseRunnerGroupProvider(), {"name": "shared"}),
    Res("ent-members", EnterpriseRunnerGroupMembershipProvider(), {"runner_group_id": 5, "runners": ["ent-1"]}),
    Res(
        "ent-orgs", EnterpriseRunnerGroupOrganizationAccessProvider(), {"runner_group_id": 5, "organizations": ["acme"]}
    ),
]
FORMS: list[tuple[str, dict[str, Any]]] = [
    ("user before the scheme", {"github:baseUrl": f"x-access-token:{TOKEN}@https://ghe.example.com"}),
    ("pasted after a newline", {"github:baseUrl": f"https://ghe.example.com/api/v3\n{TOKEN}"}),
    ("in the path over http", {"github:baseUrl": f"http://ghe.example.com/{TOKEN}"}),
    ("owner is the token", {"github:owner": TOKEN}),
    ("enterprise is the token", {"github-runner-groups:enterprise": TOKEN}),
    ("write delay is the token", {"github:writeDelayMs": TOKEN}),
]


def pieces(text: str) -> list[str]:
    return [TOKEN[i : i + 12] for i in range(len(TOKEN) - 11) if TOKEN[i : i + 12] in text]


@pytest.mark.parametrize(("case", "config"), FORMS, ids=[form[0] for form in FORMS])
def test_every_resource_check_in_a_provider_server_keeps_the_token_out(
    engine: MakeEngine, fake: FakeGitHub, case: str, config: dict[str, Any]
) -> None:
    stack = engine({"github:token": TOKEN, **config}, process_per_run=False)
    shown: list[str] = []
    failed = 0
    for resource in RESOURCES:
        try:
            stack.preview([resource])
        except HarnessError as error:
            failed += 1
            shown += [str(error), error.message]
    answers = [{key: value for key, value in call.items() if key != "request"} for call in stack.calls()]
    shown += [json.dumps(answers), stack.state_blob()]
    assert failed >= 3, case  # every org resource, or every enterprise resource, or all of them failed
    assert [piece for text in shown for piece in pieces(text)] == []
    assert fake.count() == 0
