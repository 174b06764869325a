"""check and diff of RunnerGroupRepositoryAccess / RunnerGroupMembership: no API, errors name field and fix."""

from __future__ import annotations

from typing import Any

import pytest
from github_runner_groups.resources._assignment import AssignmentProvider
from github_runner_groups.resources.membership import RunnerGroupMembershipProvider
from github_runner_groups.resources.repository_access import RunnerGroupRepositoryAccessProvider
from github_runner_groups.settings import resolve_settings
from pulumi.output import Unknown


def provider(kind: type[AssignmentProvider] = RunnerGroupRepositoryAccessProvider) -> AssignmentProvider:
    made = kind()
    made._settings = resolve_settings(None, {"GITHUB_TOKEN": "t", "GITHUB_OWNER": "acme"})
    return made


def failures(made: AssignmentProvider, **inputs: Any) -> dict[str, str]:
    return {f.property: f.reason for f in made.check({}, {"__provider": "p", **inputs}).failures}


def test_defaults_and_normalisation() -> None:
    result = provider().check({}, {"__provider": "p", "runner_group_id": 7.0, "repositories": [" api ", 12.0]})
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
    assert failures(provider(), runner_group_id=Unknown(), repositories=[Unknown(), "api"]) == {}
    assert failures(provider(RunnerGroupMembershipProvider), runner_group_id=3, runners=Unknown()) == {}


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
        ({"repositories": ["api", Unknown()]}, True, []),
        ({"exclusive": False}, True, []),
        ({"runner_group_id": 8}, True, ["runner_group_id"]),
        ({"runner_group_id": Unknown()}, True, ["runner_group_id"]),
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
