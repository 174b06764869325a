"""RunnerGroup check and diff: every bad input is caught before any API call, naming field, value and fix."""

from __future__ import annotations

from typing import Any

import pytest
from github_runner_groups.resources.runner_group import RunnerGroupProvider
from github_runner_groups.settings import resolve_settings
from pulumi.output import Unknown

WORKFLOW = "acme/deploy/.github/workflows/release.yml@main"


@pytest.fixture
def provider() -> RunnerGroupProvider:
    provider = RunnerGroupProvider()
    provider._settings = resolve_settings(None, {"GITHUB_TOKEN": "t", "GITHUB_OWNER": "acme"})
    return provider


def failures(provider: RunnerGroupProvider, **inputs: Any) -> dict[str, str]:
    result = provider.check({}, {"__provider": "p", **inputs})
    return {f.property: f.reason for f in result.failures}


def test_defaults_are_filled_in(provider: RunnerGroupProvider) -> None:
    result = provider.check({}, {"__provider": "p", "name": "ci"})
    assert result.failures == []
    assert result.inputs == {
        "__provider": "p",
        "name": "ci",
        "org": "acme",
        "visibility": "all",
        "allows_public_repositories": False,
        "restricted_to_workflows": False,
        "selected_workflows": [],
        "adopt": False,
    }


@pytest.mark.parametrize(
    ("inputs", "field", "fragment"),
    [
        ({}, "name", "name is required"),
        ({"name": ""}, "name", "must not be empty"),
        ({"name": "  "}, "name", "must not be empty"),
        ({"name": " ci"}, "name", "use 'ci'"),
        ({"name": "x" * 65}, "name", "65 characters long; use at most 64"),
        ({"name": 5}, "name", "must be text, got 5"),
        (
            {"name": "ci", "visibility": "public"},
            "visibility",
            "one of 'all', 'selected', 'private', got 'public'",
        ),
        ({"name": "ci", "allows_public_repositories": "yes"}, "allows_public_repositories", "true or false"),
        ({"name": "ci", "restricted_to_workflows": 1}, "restricted_to_workflows", "true or false, got 1"),
        ({"name": "ci", "adopt": "true"}, "adopt", "true or false"),
        ({"name": "ci", "org": "-acme"}, "org", "organization login"),
        ({"name": "ci", "org": "a" * 40}, "org", "at most 39"),
        ({"name": "ci", "visiblity": "all"}, "visiblity", "unknown input 'visiblity'"),
        (
            {"name": "ci", "network_configuration_id": ""},
            "network_configuration_id",
            "hosted compute network",
        ),
        (
            {"name": "ci", "restricted_to_workflows": True, "selected_workflows": "x"},
            "selected_workflows",
            "must be a list",
        ),
        (
            {
                "name": "ci",
                "restricted_to_workflows": True,
                "selected_workflows": ["acme/deploy/release.yml@main"],
            },
            "selected_workflows[0]",
            "OWNER/REPO/.github/workflows/FILE.yml@REF",
        ),
        (
            {
                "name": "ci",
                "restricted_to_workflows": True,
                "selected_workflows": ["acme/deploy/.github/workflows/release.yml"],
            },
            "selected_workflows[0]",
            "REF is a branch, a tag or a full commit SHA",
        ),
        (
            {"name": "ci", "restricted_to_workflows": True, "selected_workflows": [WORKFLOW, WORKFLOW]},
            "selected_workflows[1]",
            "repeats",
        ),
        (
            {"name": "ci", "selected_workflows": [WORKFLOW]},
            "selected_workflows",
            "set restricted_to_workflows=True",
        ),
    ],
)
def test_bad_input_is_named(provider: RunnerGroupProvider, inputs: dict[str, Any], field: str, fragment: str) -> None:
    found = failures(provider, **inputs)
    assert field in found, found
    assert fragment in found[field]


def test_missing_org_says_where_to_set_it() -> None:
    provider = RunnerGroupProvider()
    provider._settings = resolve_settings(None, {"GITHUB_TOKEN": "t"})
    assert "github:owner" in failures(provider, name="ci")["org"]


def test_http_to_a_remote_host_fails_check(provider: RunnerGroupProvider) -> None:
    provider._settings = resolve_settings(None, {"GITHUB_TOKEN": "t", "GITHUB_BASE_URL": "http://ghe.example.com"})
    reason = failures(provider, name="ci", org="acme")["provider"]
    assert "http://ghe.example.com" in reason and "https" in reason


def test_unknowns_are_not_validated(provider: RunnerGroupProvider) -> None:
    assert (
        failures(
            provider,
            name=Unknown(),
            visibility=Unknown(),
            restricted_to_workflows=Unknown(),
            selected_workflows=[Unknown(), WORKFLOW],
        )
        == {}
    )


def test_good_workflow_refs(provider: RunnerGroupProvider) -> None:
    refs = [
        WORKFLOW,
        "acme/web/.github/workflows/ci.yaml@v1.2.3",
        "acme/web/.github/workflows/a.yml@" + "a" * 40,
    ]
    assert failures(provider, name="ci", restricted_to_workflows=True, selected_workflows=refs) == {}


OLD = {
    "org": "acme",
    "name": "ci",
    "visibility": "all",
    "allows_public_repositories": False,
    "restricted_to_workflows": True,
    "selected_workflows": [WORKFLOW, "acme/web/.github/workflows/ci.yml@main"],
    "network_configuration_id": None,
    "adopt": False,
    "group_id": 7.0,
    "__provider": "old",
}


def test_no_diff_for_provider_blob_order_or_org_case(provider: RunnerGroupProvider) -> None:
    news = {
        **OLD,
        "__provider": "new",
        "org": "ACME",
        "selected_workflows": list(reversed(OLD["selected_workflows"])),
    }
    del news["group_id"]
    result = provider.diff("7", OLD, news)
    assert result.changes is False and result.replaces == []


def test_adopt_flag_alone_is_not_a_change(provider: RunnerGroupProvider) -> None:
    assert provider.diff("7", OLD, {**OLD, "adopt": True}).changes is False


def test_changed_field_is_an_update(provider: RunnerGroupProvider) -> None:
    result = provider.diff("7", OLD, {**OLD, "visibility": "selected"})
    assert result.changes is True and result.replaces == []


def test_org_change_replaces(provider: RunnerGroupProvider) -> None:
    result = provider.diff("7", OLD, {**OLD, "org": "other"})
    assert result.changes is True and result.replaces == ["org"]


def test_unknown_is_a_possible_change(provider: RunnerGroupProvider) -> None:
    assert provider.diff("7", OLD, {**OLD, "name": Unknown()}).changes is True
