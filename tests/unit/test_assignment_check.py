"""check and diff of RunnerGroupRepositoryAccess / RunnerGroupMembership: no API, errors name field and fix."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import github_runner_groups as rg
import pulumi
import pulumi.runtime
import pytest
from github_runner_groups.client import ClientSettings, GitHubClient
from github_runner_groups.resources._assignment import AssignmentProvider
from github_runner_groups.resources._facet import MEMBERSHIP, REPOSITORY_ACCESS
from github_runner_groups.resources._ownership import OwnershipConflict, claim
from github_runner_groups.resources.membership import RunnerGroupMembershipProvider
from github_runner_groups.resources.repository_access import RunnerGroupRepositoryAccessProvider
from github_runner_groups.settings import resolve_settings
from pulumi.output import Unknown
from pulumi.runtime.settings import reset_options

# The SDK's Unknown has an untyped constructor; this name gives it a type.
unknown: Callable[[], Any] = Unknown


def provider(kind: type[AssignmentProvider] = RunnerGroupRepositoryAccessProvider) -> AssignmentProvider:
    made = kind()
    made._settings = resolve_settings(None, {"GITHUB_TOKEN": "t", "GITHUB_OWNER": "acme"})
    return made


def failures(made: AssignmentProvider, **inputs: Any) -> dict[str, str]:
    return {f.property: f.reason for f in made.check({}, {"__provider": "p", **inputs}).failures}


def test_defaults_and_normalisation() -> None:
    result = provider().check({}, {"__provider": "p", "runner_group_id": 7.0, "repositories": ["api", 12.0]})
    assert result.failures == []
    assert result.inputs == {
        "__provider": "p",
        "org": "acme",
        "runner_group_id": "7",
        "repositories": ["api", 12],
        "exclusive": True,
    }


@pytest.mark.parametrize(
    ("kind", "inputs", "field", "fragment"),
    [
        (RunnerGroupRepositoryAccessProvider, {"repositories": ["api"]}, "runner_group_id", "group.id"),
        (RunnerGroupRepositoryAccessProvider, {"runner_group_id": "x", "repositories": []}, "runner_group_id", "'x'"),
        (RunnerGroupRepositoryAccessProvider, {"runner_group_id": 0, "repositories": []}, "runner_group_id", "got 0"),
        (RunnerGroupRepositoryAccessProvider, {"runner_group_id": 1}, "repositories", "is required"),
        (RunnerGroupRepositoryAccessProvider, {"runner_group_id": 1, "repositories": "api"}, "repositories", "list"),
        (RunnerGroupRepositoryAccessProvider, {"runner_group_id": 1, "repositories": [""]}, "repositories[0]", "name"),
        (RunnerGroupRepositoryAccessProvider, {"runner_group_id": 1, "repositories": [-3]}, "repositories[0]", "-3"),
        (
            RunnerGroupRepositoryAccessProvider,
            {"runner_group_id": 1, "repositories": ["api", "API"]},
            "repositories[1]",
            "twice",
        ),
        (
            RunnerGroupRepositoryAccessProvider,
            {"runner_group_id": 1, "repositories": ["other/api"]},
            "repositories[0]",
            "a repository of 'other'",
        ),
        (
            RunnerGroupRepositoryAccessProvider,
            {"runner_group_id": 1, "repositories": [], "exclusive": "no"},
            "exclusive",
            "true or false",
        ),
        (RunnerGroupMembershipProvider, {"runner_group_id": 1, "runners": [True]}, "runners[0]", "True"),
        (RunnerGroupMembershipProvider, {"runner_group_id": 1, "runner": ["x"]}, "runner", "valid inputs are"),
    ],
)
def test_bad_input_is_named(kind: type[AssignmentProvider], inputs: dict[str, Any], field: str, fragment: str) -> None:
    found = failures(provider(kind), **inputs)
    assert field in found, found
    assert fragment in found[field]


def test_unknowns_pass_check() -> None:
    assert failures(provider(), runner_group_id=unknown(), repositories=[unknown(), "api"]) == {}
    assert failures(provider(RunnerGroupMembershipProvider), runner_group_id=3, runners=unknown()) == {}


OLD = {
    "org": "acme",
    "runner_group_id": "7",
    "repositories": ["api", "web"],
    "exclusive": True,
    "repository_ids": [10.0, 11.0],
    "repository_names": ["api", "web"],
}


@pytest.mark.parametrize(
    ("news", "changes", "replaces"),
    [
        ({"repositories": ["web", "api"]}, False, []),
        ({"repositories": ["acme/API", 11]}, False, []),
        ({"repositories": ["api"]}, True, []),
        ({"repositories": ["api", "web", "docs"]}, True, []),
        ({"repositories": ["api", unknown()]}, True, []),
        ({"exclusive": False}, True, []),
        ({"runner_group_id": 8}, True, ["runner_group_id"]),
        ({"runner_group_id": unknown()}, True, ["runner_group_id"]),
        ({"org": "ACME"}, False, []),
        ({"org": "other"}, True, ["org"]),
    ],
)
def test_diff(news: dict[str, Any], changes: bool, replaces: list[str]) -> None:
    inputs = {key: OLD[key] for key in ("org", "runner_group_id", "repositories", "exclusive")}
    result = provider().diff("acme/7/repositories", dict(OLD), {**inputs, **news})
    assert (result.changes, result.replaces) == (changes, replaces)


def test_drift_seen_by_refresh_is_a_change() -> None:
    refreshed = {**OLD, "repository_ids": [10, 11, 12], "repository_names": ["api", "web", "docs"]}
    inputs = {key: OLD[key] for key in ("org", "runner_group_id", "repositories", "exclusive")}
    assert provider().diff("id", refreshed, inputs).changes
    # An additive resource's outputs hold only its own members, so others' entries never show up there.
    additive = {**inputs, "exclusive": False}
    assert not provider().diff("id", {**OLD, "exclusive": False}, additive).changes


# Exclusive lists of the Default group


@pytest.mark.parametrize("kind", [RunnerGroupRepositoryAccessProvider, RunnerGroupMembershipProvider])
def test_exclusive_list_of_the_default_group_is_refused(kind: type[AssignmentProvider]) -> None:
    refs = kind.facet.refs_field
    found = failures(provider(kind), runner_group_id="1", **{refs: ["x"]})
    assert "is the org's Default group" in found["runner_group_id"]
    assert "set exclusive=False" in found["runner_group_id"]
    assert failures(provider(kind), runner_group_id=1.0, exclusive=False, **{refs: ["x"]}) == {}
    assert failures(provider(kind), runner_group_id=unknown(), **{refs: ["x"]}) == {}


# Two owners of one list, found while the program constructs its resources (no API call, also in preview)


class EchoMocks(pulumi.runtime.Mocks):
    """Registrations come back as they went in: nothing reaches a provider or GitHub."""

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        return f"{args.name}-id", dict(args.inputs)

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        return {}, None


@pytest.fixture
def preview_program() -> Iterator[None]:
    """A program in preview under mocks, as `pulumi preview` would construct it."""
    reset_options()
    pulumi.runtime.set_mocks(EchoMocks(), project="runner-groups", stack="test", preview=True)
    try:
        yield
    finally:
        reset_options()


def access(name: str, group: Any, repositories: list[Any], **extra: Any) -> rg.RunnerGroupRepositoryAccess:
    return rg.RunnerGroupRepositoryAccess(name, runner_group_id=group, repositories=repositories, **extra)


def members(name: str, group: Any, runners: list[Any], **extra: Any) -> rg.RunnerGroupMembership:
    return rg.RunnerGroupMembership(name, runner_group_id=group, runners=runners, **extra)


CONFLICTS: list[tuple[str, Callable[[rg.RunnerGroup], object], Callable[[rg.RunnerGroup], object], str]] = [
    (
        "exclusive twice on one group",
        lambda g: access("a", g.id, ["api"]),
        lambda g: access("b", g.id, ["web"]),
        "the repository list of the same runner group",
    ),
    (
        "exclusive and additive on one group",
        lambda g: access("a", g.id, ["api"]),
        lambda g: access("b", g.id, ["web"], exclusive=False),
        "one of them is exclusive",
    ),
    (
        "same literal id, org spelled differently",
        lambda g: members("a", 7, ["linux-1"], org="acme"),
        lambda g: members("b", "7", ["linux-2"], org="ACME", exclusive=False),
        "runner list of runner group 7",
    ),
    (
        "one runner in two exclusive memberships",
        lambda g: members("a", g.id, ["linux-1", "linux-2"]),
        lambda g: members("b", 42, ["Linux-2"]),
        "runner 'Linux-2' (a runner sits in one group only)",
    ),
    (
        "one runner id in two additive memberships",
        lambda g: members("a", 41, [1234], exclusive=False),
        lambda g: members("b", 42, [1234.0], exclusive=False),
        "runner '1234.0'",
    ),
    (
        "one repository in two additive accesses of a group",
        lambda g: access("a", g.id, ["api"], exclusive=False, org="acme"),
        lambda g: access("b", g.id, ["acme/API"], exclusive=False, org="acme"),
        "repository 'acme/API' for the same runner group",
    ),
]


@pytest.mark.parametrize(("case", "first", "second", "fragment"), CONFLICTS, ids=[c[0] for c in CONFLICTS])
def test_two_owners_of_one_list_fail_when_constructed(
    preview_program: None,
    case: str,
    first: Callable[[rg.RunnerGroup], object],
    second: Callable[[rg.RunnerGroup], object],
    fragment: str,
) -> None:
    group = rg.RunnerGroup("ci", name="ci", visibility="selected")  # still to be created: its id is unknown
    first(group)
    with pytest.raises(OwnershipConflict) as failed:
        second(group)
    message = str(failed.value)
    assert fragment in message
    assert re.search(r"RunnerGroup\w+ 'b' and RunnerGroup\w+ 'a'", message), message


def test_lists_that_do_not_overlap_are_fine(preview_program: None) -> None:
    ci, gpu = rg.RunnerGroup("ci", name="ci"), rg.RunnerGroup("gpu", name="gpu")
    access("ci-access", ci.id, ["api"])
    access("gpu-access", gpu.id, ["api"])  # one repository may use many groups
    access("shared-a", 7, ["web"], exclusive=False)
    access("shared-b", 7, ["docs"], exclusive=False)
    members("ci-members", ci.id, ["linux-1"])
    members("gpu-members", gpu.group_id, ["linux-gpu-1"])
    members("from-config", 9, [pulumi.Output.from_input("linux-1")])  # not literal: checked at apply


def test_a_resource_without_org_is_in_the_stacks_owner(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_OWNER", raising=False)
    reset_options()
    pulumi.runtime.set_all_config({"github:owner": "Acme"})
    pulumi.runtime.set_mocks(EchoMocks(), project="runner-groups", stack="test", preview=True)
    try:
        members("a", 7, ["linux-1"])
        members("elsewhere", 7, ["linux-1"], org="other", exclusive=False)  # group 7 and linux-1 of another org
        members("unknown-org", 7, ["linux-3"], org=pulumi.Output.from_input("acme"), exclusive=False)
        with pytest.raises(OwnershipConflict, match="'b' and RunnerGroupMembership 'a'"):
            members("b", 7, ["linux-4"], org="acme", exclusive=False)
    finally:
        pulumi.runtime.set_all_config({})
        reset_options()


def test_each_program_starts_with_no_owners(preview_program: None) -> None:
    access("a", 7, ["api"])
    reset_options()
    pulumi.runtime.set_mocks(EchoMocks(), project="runner-groups", stack="test", preview=True)
    access("a", 7, ["api"])  # the same program again, as the next `pulumi up` runs it


# Claims of one run, in the provider process (names already resolved to ids)


def run_client() -> GitHubClient:
    return GitHubClient(ClientSettings(token="t"))


def test_claims_of_a_run() -> None:
    repositories, runners = REPOSITORY_ACCESS.owners, MEMBERSHIP.owners
    client = run_client()
    claim(client, repositories, "acme", 7, False, {10: "api"})
    claim(client, repositories, "acme", 7, False, {10: "api"})  # the same claim again is one claim
    claim(client, repositories, "ACME", 7, False, {11: "web"})  # another additive entry of the same list
    claim(client, repositories, "acme", 8, True, {10: "api"})  # a repository may use many groups
    with pytest.raises(OwnershipConflict, match="already owns that repository list in this run"):
        claim(client, repositories, "acme", 7, True, {12: "docs"})
    with pytest.raises(OwnershipConflict, match=r"repository 'api' \(id 10\) is already claimed"):
        claim(client, repositories, "acme", 7, False, {10: "api", 13: "infra"})
    claim(client, runners, "acme", 7, True, {5: "linux-1"})
    with pytest.raises(OwnershipConflict, match="a runner sits in one group only"):
        claim(client, runners, "acme", 9, False, {5: "linux-1"})
    claim(run_client(), runners, "acme", 9, False, {5: "linux-1"})  # a new run (client) starts with no claims
