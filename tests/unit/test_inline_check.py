"""RunnerGroup's inline lists in check and diff: judged without any API call, like the separate resources."""

from __future__ import annotations

from typing import Any

import pytest
from github_runner_groups.resources.enterprise_runner_group import EnterpriseRunnerGroupProvider
from github_runner_groups.resources.runner_group import RunnerGroupProvider
from github_runner_groups.settings import resolve_settings
from pulumi.output import Unknown


def unknown() -> Any:
    return Unknown()  # type: ignore[no-untyped-call]


@pytest.fixture
def provider() -> RunnerGroupProvider:
    made = RunnerGroupProvider()
    made._settings = resolve_settings(None, {"GITHUB_TOKEN": "t", "GITHUB_OWNER": "acme"})
    return made


def checked(provider: RunnerGroupProvider, **inputs: Any) -> tuple[dict[str, Any], dict[str, str]]:
    result = provider.check({}, {"__provider": "p", "name": "ci", **inputs})
    return dict(result.inputs), {f.property: f.reason for f in result.failures}


def test_lists_are_normalised_and_omitted_ones_stay_unowned(provider: RunnerGroupProvider) -> None:
    inputs, problems = checked(provider, visibility="selected", repositories=["api", 12.0])
    assert problems == {}
    assert inputs["repositories"] == ["api", 12] and "runners" not in inputs


@pytest.mark.parametrize(
    ("inputs", "field", "fragment"),
    [
        ({"repositories": []}, "repositories", "visibility is 'all'"),
        ({"visibility": "selected", "repositories": ["api", "acme/api"]}, "repositories[1]", "twice"),
        ({"visibility": "selected", "repositories": ["other/api"]}, "repositories[0]", "repository of 'other'"),
        ({"runners": [""]}, "runners[0]", "self-hosted runner name"),
        ({"runners": {"a": 1}}, "runners", "must be a list"),
    ],
)
def test_bad_lists_are_named(provider: RunnerGroupProvider, inputs: dict[str, Any], field: str, fragment: str) -> None:
    _, problems = checked(provider, **inputs)
    assert fragment in problems[field]


def test_unknown_items_pass_check(provider: RunnerGroupProvider) -> None:
    assert checked(provider, visibility="selected", repositories=[unknown(), "api"], runners=unknown())[1] == {}


OLDS = {
    "org": "acme",
    "name": "ci",
    "visibility": "selected",
    "repositories": ["api"],
    "repository_ids": [10],
    "repository_names": ["api"],
    "runners": None,
}


@pytest.mark.parametrize(
    ("news", "changes"),
    [
        ({"repositories": [10]}, False),  # the same repository, by id
        ({"repositories": ["ACME/api"]}, False),
        ({"repositories": ["api", "web"]}, True),
        ({"repositories": [unknown()]}, True),
        ({"repositories": None}, True),  # no longer owned: a change of state, with no write
        ({"repositories": ["api"], "runners": []}, True),  # owned from now on
    ],
)
def test_diff_of_lists(provider: RunnerGroupProvider, news: dict[str, Any], changes: bool) -> None:
    result = provider.diff("7", OLDS, {**OLDS, **news})
    assert result.changes is changes and not result.replaces


def test_drift_seen_by_refresh_is_a_change(provider: RunnerGroupProvider) -> None:
    drifted = {**OLDS, "repository_ids": [10, 11], "repository_names": ["api", "web"]}
    assert provider.diff("7", drifted, OLDS).changes is True


def test_an_enterprise_group_has_no_repository_list() -> None:
    """An enterprise group is shared with organizations, not repositories: its inline lists are `organizations`
    and `runners`, and `repositories` is an unknown input there."""
    enterprise = EnterpriseRunnerGroupProvider()
    enterprise._settings = resolve_settings(None, {"GITHUB_TOKEN": "t", "GITHUB_ENTERPRISE": "acme-corp"})
    result = enterprise.check({}, {"__provider": "p", "name": "ci", "visibility": "selected", "repositories": ["x"]})
    problems = {f.property: f.reason for f in result.failures}
    assert set(enterprise.scope.lists) == {"organizations", "runners"}
    assert set(problems) == {"repositories"} and "unknown input 'repositories'" in problems["repositories"]
