"""Hostile and sloppy input to the enterprise runner-group resources, through the engine.

The enterprise `acme-corp` (emulator flavour `ghec`) has the orgs `acme` and `acme-labs`, and a `selected` group
`pool` shared with `acme` that holds the runner `ent-pool-1`; the org `outsider` is in no enterprise. Every case
runs a `pulumi up` and must either fail before any write, naming the culprit and the fix (`refused`), or, where
GitHub only refuses once asked, leave the enterprise and the org exactly as they were (`contained`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import pytest
from enterprise_seed import pooled_enterprise
from github_runner_groups.resources.enterprise_membership import EnterpriseRunnerGroupMembershipProvider
from github_runner_groups.resources.enterprise_organization_access import (
    EnterpriseRunnerGroupOrganizationAccessProvider,
)
from github_runner_groups.resources.enterprise_runner_group import EnterpriseRunnerGroupProvider
from github_runner_groups.resources.runner_group import RunnerGroupProvider
from github_runner_groups.testing import DEFAULT_GROUP_ID, SEEDED_ENTERPRISE, FakeGitHub, FaultRule
from harness import Engine, HarnessError, Res
from test_hostile_assignments import reported

MakeEngine = Callable[..., Engine]


class Hostile(Protocol):
    """The `hostile` fixture (tests/conftest.py): asserts and records one case of the hostile suite."""

    def refused(self, area: str, case: str, message: str, *fragments: str, outputs: tuple[str, ...] = ()) -> None: ...

    def contained(
        self, area: str, case: str, message: str, *fragments: str, expected: dict[str, Any] | None = None
    ) -> None: ...


@pytest.fixture
def fake() -> FakeGitHub:
    return pooled_enterprise()


def enterprise_snapshot(fake: FakeGitHub) -> dict[str, Any]:
    """Everything a write could change in the enterprise: each group, the orgs it is shared with, the runners."""
    return {
        "groups": {
            g["id"]: (sorted(g.items()), sorted(fake.enterprise_group_org_ids(SEEDED_ENTERPRISE, g["id"])))
            for g in fake.enterprise_groups(SEEDED_ENTERPRISE)
        },
        "runners": sorted((r["id"], r["runner_group_id"]) for r in fake.enterprise_runners(SEEDED_ENTERPRISE)),
    }


def group_id(fake: FakeGitHub, name: str) -> int:
    return next(int(g["id"]) for g in fake.enterprise_groups(SEEDED_ENTERPRISE) if g["name"] == name)


def org_id(fake: FakeGitHub, login: str) -> int:
    return int(fake.find_org(login).id)


def ent_group(name: str, **inputs: Any) -> Res:
    return Res("g", EnterpriseRunnerGroupProvider(), {"name": name, **inputs})


def orgs(group: int, organizations: Any, name: str = "a", **extra: Any) -> Res:
    inputs = {"runner_group_id": group, "organizations": organizations, **extra}
    return Res(name, EnterpriseRunnerGroupOrganizationAccessProvider(), inputs)


def runners(group: int, names: Any, name: str = "a", **extra: Any) -> Res:
    return Res(name, EnterpriseRunnerGroupMembershipProvider(), {"runner_group_id": group, "runners": names, **extra})


def pool(fake: FakeGitHub) -> int:
    return group_id(fake, "pool")


@dataclass(frozen=True)
class Case:
    area: str
    name: str
    program: Callable[[FakeGitHub], list[Res]]
    fragments: Callable[[FakeGitHub], tuple[str, ...]]
    config: dict[str, Any] = field(default_factory=lambda: {"github-runner-groups:enterprise": SEEDED_ENTERPRISE})
    setup: Callable[[FakeGitHub], None] | None = None
    contained: bool = False
    # resources of the program that succeed before the hostile one fails
    survivors: frozenset[str] = frozenset()


def fixed(*fragments: str) -> Callable[[FakeGitHub], tuple[str, ...]]:
    return lambda _fake: fragments


def forbid_enterprise(fake: FakeGitHub) -> None:
    fake.add_fault(FaultRule(path="^/enterprises/", status=403, message="Must be an enterprise admin", times=None))


CASES = [
    # Settings
    Case(
        "settings",
        "no enterprise anywhere",
        lambda f: [ent_group("ci")],
        fixed("enterprise", "github-runner-groups:enterprise", "GITHUB_ENTERPRISE"),
        config={},
    ),
    Case(
        "settings",
        "enterprise slug with a slash",
        lambda f: [ent_group("ci", enterprise="acme/corp")],
        fixed("enterprise", "'acme/corp'", "github.com/enterprises/ENTERPRISE"),
    ),
    Case(
        "settings",
        "token without admin:enterprise",
        lambda f: [ent_group("ci")],
        fixed("403", "admin:enterprise", "github-runner-groups:enterprise"),
        setup=forbid_enterprise,
    ),
    # The group
    Case(
        "group",
        "visibility private",
        lambda f: [ent_group("ci", visibility="private")],
        fixed("visibility", "'private'", "'all', 'selected'"),
    ),
    Case("group", "zero-width space in the name", lambda f: [ent_group("ci\u200b")], fixed("name", "U+200B")),
    Case(
        "group",
        "workflows without the restriction",
        lambda f: [
            ent_group("ci", restricted_to_workflows=False, selected_workflows=["acme/d/.github/workflows/r.yml@main"])
        ],
        fixed("selected_workflows", "restricted_to_workflows=True"),
    ),
    Case(
        "group",
        "name held by a group the stack does not own",
        lambda f: [ent_group("POOL")],
        lambda f: ("'pool'", f"id {pool(f)}", "adopt=True"),
    ),
    Case(
        "group",
        "org view of an inherited group",
        lambda f: [Res("g", RunnerGroupProvider(), {"name": "pool", "adopt": True, "visibility": "all"})],
        fixed("inherited from the enterprise", "EnterpriseRunnerGroup", "admin:enterprise"),
    ),
    # Organizations
    Case(
        "organizations",
        "a login with a typo",
        lambda f: [orgs(pool(f), ["acme", "acme-lab"])],
        fixed("no organization named 'acme-lab'", "login"),
    ),
    Case(
        "organizations",
        "one org by login and by id",
        lambda f: [orgs(pool(f), ["acme", org_id(f, "acme")])],
        lambda f: (f"organization with id {org_id(f, 'acme')} twice", "'acme'"),
    ),
    Case(
        "organizations",
        "one org twice, by case",
        lambda f: [orgs(pool(f), ["acme", "ACME"])],
        fixed("organizations lists 'ACME' twice"),
    ),
    Case(
        "organizations",
        "exclusive list of the Default group",
        lambda f: [orgs(DEFAULT_GROUP_ID, ["acme"])],
        fixed("runner_group_id 1", "enterprise's Default group", "exclusive=False"),
    ),
    Case(
        "organizations",
        "an org outside the enterprise",
        lambda f: [orgs(pool(f), ["acme", "outsider"])],
        fixed("setting the organization list", "belongs to the enterprise"),
        contained=True,
    ),
    Case(
        "organizations",
        "a group visible to all orgs",
        lambda f: [orgs(group_id(f, "everyone"), ["acme"])],
        fixed("visibility='selected'"),
        contained=True,
    ),
    Case(
        "undo",
        "second of two additions refused",
        lambda f: [orgs(pool(f), ["acme-labs", org_id(f, "outsider")], exclusive=False)],
        lambda f: (f"organization {org_id(f, 'outsider')}", "were undone first"),
        contained=True,
    ),
    # Runners
    Case(
        "runners",
        "an org runner in an enterprise group",
        lambda f: [runners(pool(f), ["linux-1"])],
        fixed("enterprise 'acme-corp' has no enterprise self-hosted runner named 'linux-1'", "registered at an org"),
    ),
    Case(
        "runners",
        "one runner in two groups",
        lambda f: [
            runners(pool(f), ["ent-pool-1"], exclusive=False),  # already there: found, not written
            runners(group_id(f, "everyone"), ["ent-pool-1"], name="b", exclusive=False),
        ],
        fixed("'ent-pool-1'", "already claimed in this run", "one group only"),
        survivors=frozenset({"a"}),
    ),
    Case(
        "runners",
        "an org group's id",
        lambda f: [runners(next(g["id"] for g in f.groups("acme") if g["name"] == "build-linux"), ["ent-linux-2"])],
        fixed("does not exist in enterprise 'acme-corp'", "admin:enterprise"),
        contained=True,
    ),
]


@pytest.fixture
def case(request: pytest.FixtureRequest, fake: FakeGitHub) -> Case:
    """The case, with its out-of-band setup made before `hostile` snapshots the org."""
    chosen: Case = request.param
    if chosen.setup is not None:
        chosen.setup(fake)
    return chosen


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES], indirect=True)
def test_hostile_enterprise(case: Case, hostile: Hostile, engine: MakeEngine, fake: FakeGitHub) -> None:
    before = enterprise_snapshot(fake)
    stack = engine(case.config, parallel=1)
    with pytest.raises(HarnessError) as failed:
        stack.up(case.program(fake))
    message = reported(failed.value.message)
    if case.contained:
        hostile.contained(case.area, case.name, message, *case.fragments(fake))
    else:
        hostile.refused(case.area, case.name, message, *case.fragments(fake))
    assert enterprise_snapshot(fake) == before, f"{case.name}: the enterprise changed"
    assert {resource.name for resource in stack.state.values()} == set(case.survivors)
