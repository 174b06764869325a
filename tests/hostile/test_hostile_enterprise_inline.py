"""Hostile and sloppy inline lists on EnterpriseRunnerGroup (`organizations`, `runners`), through the engine.

The enterprise `acme-corp` (emulator flavour `ghec`) has the orgs `acme` and `acme-labs`, a `selected` group `pool`
shared with `acme` that holds the runner `ent-pool-1`, a group `everyone` visible to all, and the runners
`ent-linux-1` and `ent-linux-2` in Default; the org `outsider` is in no enterprise. Every case runs a `pulumi up`
and must fail before any write, naming the culprit and the fix (`refused`), or, where only GitHub can judge (an
org's membership of the enterprise), fail on a create GitHub refuses whole, leaving nothing (`contained`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from enterprise_seed import pooled_enterprise
from github_runner_groups.resources.enterprise_membership import EnterpriseRunnerGroupMembershipProvider
from github_runner_groups.resources.enterprise_organization_access import (
    EnterpriseRunnerGroupOrganizationAccessProvider,
)
from github_runner_groups.resources.enterprise_runner_group import EnterpriseRunnerGroupProvider
from github_runner_groups.testing import SEEDED_ENTERPRISE, EmulatorServer, FakeGitHub
from harness import Engine, HarnessError, Ref, Res
from hostile_check import HostileCheck
from stacks import Stacks
from test_hostile_assignments import reported
from test_hostile_enterprise import enterprise_snapshot, group_id, org_id

CONFIG = {"github-runner-groups:enterprise": SEEDED_ENTERPRISE}


@pytest.fixture
def fake() -> FakeGitHub:
    return pooled_enterprise()


@pytest.fixture
def stacks(emulator: EmulatorServer) -> Iterator[Stacks]:
    made = Stacks(emulator.url)
    yield made
    made.close()


def ent_group(name: str = "ci", resource: str = "ci", **inputs: Any) -> Res:
    return Res(resource, EnterpriseRunnerGroupProvider(), {"name": name, **inputs})


def selected(name: str = "ci", resource: str = "ci", **inputs: Any) -> Res:
    return ent_group(name, resource, visibility="selected", **inputs)


def pool_as_it_is() -> Res:
    """Adopting `pool` with exactly its lists: a claim of both lists, and no write."""
    return selected("pool", "pool", organizations=["acme"], runners=["ent-pool-1"], adopt=True)


def with_access(group: Res) -> list[Res]:
    """The group, and an additive organization access to the same group."""
    inputs = {"runner_group_id": Ref(group), "organizations": ["acme-labs"], "exclusive": False}
    return [group, Res("access", EnterpriseRunnerGroupOrganizationAccessProvider(), inputs)]


def runner_id(fake: FakeGitHub, name: str) -> int:
    return next(int(r["id"]) for r in fake.enterprise_runners(SEEDED_ENTERPRISE) if r["name"] == name)


@dataclass(frozen=True)
class Case:
    area: str
    name: str
    program: Callable[[FakeGitHub], list[Res]]
    fragments: Callable[[FakeGitHub], tuple[str, ...]]
    contained: bool = False
    # The resources that end in state (those before the one refused).
    kept: frozenset[str] = frozenset()


def fixed(*fragments: str) -> Callable[[FakeGitHub], tuple[str, ...]]:
    return lambda _fake: fragments


CASES = [
    # Lists GitHub would refuse, drop or fight
    Case(
        "enterprise inline",
        "organizations on a group visible to all",
        lambda f: [ent_group(organizations=["acme"])],
        fixed("organizations are listed but visibility is 'all'", "visibility='selected'"),
    ),
    Case(
        "enterprise inline",
        "adopting with organizations, visibility unset",
        lambda f: [ent_group("everyone", organizations=["acme"], adopt=True)],
        fixed("organizations", "visibility is not set", "leave organizations unset"),
    ),
    Case(
        "enterprise inline",
        "lists on the enterprise Default group",
        lambda f: [ent_group("Default", runners=["ent-linux-1"], adopt=True)],
        fixed("runners is given for 'Default'", "Default runner group", "exclusive=False"),
    ),
    Case(
        "enterprise inline",
        "repositories on an enterprise group",
        lambda f: [selected(repositories=["api"])],
        fixed("unknown input 'repositories'"),
    ),
    # Shapes and references
    Case(
        "enterprise inline",
        "organizations as one string",
        lambda f: [selected(organizations="acme")],
        fixed("organizations must be a list", "'acme'"),
    ),
    Case(
        "enterprise inline",
        "boolean as an organization",
        lambda f: [selected(organizations=[True])],
        fixed("organizations[0] must be an organization name", "True"),
    ),
    Case(
        "enterprise inline",
        "a login with a typo",
        lambda f: [selected(organizations=["acme", "acme-lab"])],
        fixed("no organization named 'acme-lab'", "login"),
    ),
    Case(
        "enterprise inline",
        "one org by login and by id",
        lambda f: [selected(organizations=["acme", org_id(f, "acme")])],
        lambda f: (f"organizations names the organization with id {org_id(f, 'acme')} twice", "list it once"),
    ),
    Case(
        "enterprise inline",
        "one org twice, by case",
        lambda f: [selected(organizations=["acme", "ACME"])],
        fixed("organizations[1]", "organizations lists 'ACME' twice"),
    ),
    Case(
        "enterprise inline",
        "an org runner in an enterprise group",
        lambda f: [selected(runners=["linux-1"])],
        fixed("enterprise 'acme-corp' has no enterprise self-hosted runner named 'linux-1'"),
    ),
    Case(
        "enterprise inline",
        "unknown runner id",
        lambda f: [selected(runners=["ent-linux-1", 999999])],
        fixed("no enterprise self-hosted runner with id 999999"),
    ),
    Case(
        "enterprise inline",
        "an org outside the enterprise",
        lambda f: [selected(organizations=["acme", "outsider"], runners=["ent-linux-1"])],
        fixed("creating runner group 'ci'", "selected_organization_ids", "belongs to the enterprise"),
        contained=True,
    ),
    # Two owners in one run
    Case(
        "enterprise inline ownership",
        "separate access on an inline list",
        lambda f: with_access(pool_as_it_is()),
        fixed("inline `organizations`", "already owns that list", "leave `organizations` unset on the Enterprise"),
        kept=frozenset({"pool"}),
    ),
    Case(
        "enterprise inline ownership",
        "runner of an adopted group listed by a new one",
        lambda f: [pool_as_it_is(), selected(runners=[runner_id(f, "ent-pool-1")])],
        fixed("'ent-pool-1'", "is already claimed in this run", "the inline `runners` of runner group"),
        kept=frozenset({"pool"}),
    ),
    Case(
        "enterprise inline ownership",
        "runner of a separate membership listed inline",
        lambda f: [
            Res(  # ent-pool-1 is in pool already: found, not written
                "members",
                EnterpriseRunnerGroupMembershipProvider(),
                {"runner_group_id": group_id(f, "pool"), "runners": ["ent-pool-1"], "exclusive": False},
            ),
            selected(runners=["ent-pool-1"]),
        ],
        fixed("'ent-pool-1'", "already claimed in this run", "additive EnterpriseRunnerGroupMembership"),
        kept=frozenset({"members"}),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_enterprise_inline(case: Case, hostile: HostileCheck, stacks: Stacks, fake: FakeGitHub) -> None:
    before = enterprise_snapshot(fake)
    stack: Engine = stacks(CONFIG, parallel=1)
    program = case.program(fake)
    with pytest.raises(HarnessError) as failed:
        stack.up(program)
    message = reported(failed.value.message)
    if case.contained:
        hostile.contained(case.area, case.name, message, *case.fragments(fake))
    else:
        hostile.refused(case.area, case.name, message, *case.fragments(fake))
    kept = {resource.name for resource in stack.state.values()}
    assert kept == case.kept
    assert enterprise_snapshot(fake) == before, f"{case.name}: the enterprise changed"
