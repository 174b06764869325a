"""RunnerGroup check and diff: every bad input is caught before any API call, naming field, value and fix."""

from __future__ import annotations

from typing import Any

import pytest
from github_runner_groups.resources._common import MAX_ID, Checker, parse_id
from github_runner_groups.resources.runner_group import RunnerGroupProvider
from github_runner_groups.settings import resolve_settings
from pulumi.output import Unknown

WORKFLOW = "acme/deploy/.github/workflows/release.yml@main"


def unknown() -> Any:
    """A value the engine does not know yet, as the SDK hands it to check and diff in preview."""
    return Unknown()  # type: ignore[no-untyped-call]


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
        ({"name": 5}, "name", "must be text of 1-64 characters, got 5"),
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
            name=unknown(),
            visibility=unknown(),
            restricted_to_workflows=unknown(),
            selected_workflows=[unknown(), WORKFLOW],
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


OLD: dict[str, Any] = {
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
    assert provider.diff("7", OLD, {**OLD, "name": unknown()}).changes is True


@pytest.mark.parametrize(
    ("inputs", "field", "fragment"),
    [
        ({"name": "c\ni\x00"}, "name", "control or format characters (U+000A, U+0000)"),
        ({"name": "ci\n"}, "name", "U+000A"),
        ({"name": "ci\u200b"}, "name", "U+200B"),
        ({"name": "\u202eic"}, "name", "U+202E"),
        ({"name": "ci", "org": "acme\n"}, "org", "got 'acme\\n'"),
        ({"name": "ci", "org": "acme/../other"}, "org", "organization login"),
        (
            {"name": "ci", "restricted_to_workflows": True, "selected_workflows": [WORKFLOW + "\n"]},
            "selected_workflows[0]",
            "OWNER/REPO/.github/workflows/FILE.yml@REF",
        ),
        ({"name": "ci", "network_configuration_id": "nc\n"}, "network_configuration_id", "hosted compute"),
        ({"name": "x" * 5000}, "name", "5000 characters long"),
    ],
)
def test_hidden_characters_and_final_newlines_are_refused(
    provider: RunnerGroupProvider, inputs: dict[str, Any], field: str, fragment: str
) -> None:
    found = failures(provider, **inputs)
    assert field in found, found
    assert fragment in found[field]


def test_a_huge_value_is_capped_in_the_message(provider: RunnerGroupProvider) -> None:
    reason = failures(provider, name="ci", visibility="v" * 100_000)["visibility"]
    assert len(reason) < 300 and "100000 characters" in reason


@pytest.mark.parametrize(
    "value", ["\u00b2", "\u0663", "1e3", "0x10", "-5", "0", str(MAX_ID + 1), float(MAX_ID * 2), True]
)
def test_ids_are_ascii_digits_up_to_2_to_the_53(value: object) -> None:
    assert parse_id(value) is None
    checker = Checker({"runner_group_id": value})
    checker.group_id()
    assert [f.property for f in checker.failures] == ["runner_group_id"]
    assert "ASCII digits" in checker.failures[0].reason


@pytest.mark.parametrize(
    ("value", "parsed"), [(" 42 ", 42), (42.0, 42), (MAX_ID, MAX_ID), ("9007199254740992", MAX_ID)]
)
def test_good_ids(value: object, parsed: int) -> None:
    assert parse_id(value) == parsed


def test_adopt_leaves_unset_settings_unset(provider: RunnerGroupProvider) -> None:
    result = provider.check({}, {"__provider": "p", "name": "ci", "adopt": True, "visibility": "private"})
    assert result.failures == []
    assert result.inputs == {"__provider": "p", "name": "ci", "org": "acme", "adopt": True, "visibility": "private"}


def test_adopted_diff_ignores_unset_settings(provider: RunnerGroupProvider) -> None:
    news = {"org": "acme", "name": "ci", "adopt": True, "visibility": "all"}
    assert provider.diff("7", {**OLD, "allows_public_repositories": True}, news).changes is False


def test_network_configuration_is_refused_on_ghes(provider: RunnerGroupProvider) -> None:
    provider._settings = resolve_settings(
        None, {"GITHUB_TOKEN": "t", "GITHUB_OWNER": "acme", "GITHUB_BASE_URL": "https://ghe.example.com/api/v3"}
    )
    reason = failures(provider, name="ci", network_configuration_id="nc-1")["network_configuration_id"]
    assert "GitHub Enterprise Server" in reason and "'nc-1'" in reason


def test_org_replacement_creates_before_deleting(provider: RunnerGroupProvider) -> None:
    assert provider.diff("7", OLD, {**OLD, "org": "other"}).delete_before_replace is False


def test_every_typed_declaration_follows_the_field_table() -> None:
    """The typed classes users and type checkers see are written out; the table is the one source they match."""
    from dataclasses import fields as dataclass_fields

    from github_runner_groups import api
    from github_runner_groups.resources.fields import ENTERPRISE_RUNNER_GROUP_FIELDS, RUNNER_GROUP_FIELDS, Role
    from github_runner_groups.resources.runner_group import RunnerGroup, RunnerGroupArgs
    from github_runner_groups.spec import GroupSpec

    inputs = {f.name for f in RUNNER_GROUP_FIELDS if f.role is not Role.COMPUTED}
    in_spec = {f.name for f in RUNNER_GROUP_FIELDS if f.in_spec}
    outputs = {f.name for f in RUNNER_GROUP_FIELDS}
    assert {f.name for f in dataclass_fields(RunnerGroupArgs)} == inputs
    assert set(RunnerGroup.__annotations__) == outputs
    assert in_spec <= {f.name for f in dataclass_fields(GroupSpec)}
    assert in_spec | {"name"} == {f.name for f in dataclass_fields(GroupSpec)} - {
        "repositories",
        "runners",
        "hosted_runners",
        "exclusive",
        "renamed_from",
    }
    model = {f.name for f in dataclass_fields(api.RunnerGroup)}
    # one model for org and enterprise groups: every attribute is read by one of the two tables
    assert {f.json_name for f in RUNNER_GROUP_FIELDS + ENTERPRISE_RUNNER_GROUP_FIELDS if f.json_name} == model
    assert all(f.default is None for f in RUNNER_GROUP_FIELDS if f.role is Role.COMPUTED)


def test_a_reference_id_above_2_to_the_53_says_why() -> None:
    checker = Checker({"runners": ["linux-1", MAX_ID + 2]})
    checker.reference_list("runners", "runner", "['linux-1']")
    assert [(f.property, f.reason) for f in checker.failures] == [
        (
            "runners[1]",
            f"runners[1] must be a runner name (non-empty text) or a numeric id from 1 to 2**53, got {MAX_ID + 2}.",
        )
    ]
