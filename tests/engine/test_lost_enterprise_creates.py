"""An enterprise runner group's create whose answer is lost claims only what it made (as an org group's does):
someone else's same-named group, made while the answer was held, is refused and left untouched."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from enterprise_seed import two_org_enterprise
from enterprise_stack import ENTERPRISE, group
from github_runner_groups.testing import SEEDED_ENTERPRISE, FakeGitHub
from harness import Engine, HarnessError
from test_lost_creates import during_the_lost_post

MakeEngine = Callable[..., Engine]


@pytest.fixture
def fake() -> FakeGitHub:
    return two_org_enterprise()


def test_a_lost_enterprise_group_post_never_claims_someone_elses_group(engine: MakeEngine, fake: FakeGitHub) -> None:
    made: list[dict[str, Any]] = []

    def someone_else() -> None:
        made.append(fake.add_enterprise_group(SEEDED_ENTERPRISE, "shared", visibility="all"))

    stack = engine(ENTERPRISE)
    path = f"/enterprises/{SEEDED_ENTERPRISE}/actions/runner-groups$"
    with during_the_lost_post(fake, path, someone_else), pytest.raises(HarnessError) as failure:
        stack.up([group(visibility="selected", organizations=["acme"])])
    assert "its answer was lost" in failure.value.message
    assert "not claimed" in failure.value.message
    assert stack.state == {}
    (theirs,) = [g for g in fake.enterprise_groups(SEEDED_ENTERPRISE) if g["name"] == "shared"]
    assert theirs["id"] == made[0]["id"] and theirs["visibility"] == "all"
    assert not [r for r in fake.requests if r.method in ("PATCH", "DELETE", "PUT")]
