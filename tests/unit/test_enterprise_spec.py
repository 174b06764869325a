"""The spec's `enterprise:` section: typed like the org groups (from the EnterpriseRunnerGroup field table),
problems named with their place and fix, and dump_spec round-trips it."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

import pytest
from github_runner_groups.resources.enterprise_runner_group import EnterpriseRunnerGroup, EnterpriseRunnerGroupArgs
from github_runner_groups.resources.fields import ENTERPRISE_RUNNER_GROUP_FIELDS, Role, named
from github_runner_groups.spec import (
    EnterpriseGroupSpec,
    EnterpriseSpec,
    OrgSpec,
    SpecError,
    dump_spec,
    parse_spec,
)


def test_the_typed_declarations_follow_the_enterprise_field_table() -> None:
    inputs = {f.name for f in ENTERPRISE_RUNNER_GROUP_FIELDS if f.role is not Role.COMPUTED}
    assert {f.name for f in fields(EnterpriseRunnerGroupArgs)} == inputs
    assert set(EnterpriseRunnerGroup.__annotations__) == {f.name for f in ENTERPRISE_RUNNER_GROUP_FIELDS}
    in_spec = {f.name for f in ENTERPRISE_RUNNER_GROUP_FIELDS if f.in_spec}
    lists = set(named(ENTERPRISE_RUNNER_GROUP_FIELDS, Role.MEMBERS))
    assert lists == {"organizations", "runners"}
    # `hosted_runners`: the enterprise's own, as EnterpriseHostedRunner's table has them (test_surface_spec.py).
    extra = {"name", "exclusive", "hosted_runners", "renamed_from"}
    assert in_spec | lists | extra == {f.name for f in fields(EnterpriseGroupSpec)}


def test_an_enterprise_section_round_trips() -> None:
    spec = OrgSpec(
        org="acme",
        enterprise=EnterpriseSpec(
            "acme-corp",
            (
                EnterpriseGroupSpec("shared", visibility="selected", organizations=("acme", 42), runners=("r1",)),
                EnterpriseGroupSpec("everyone", adopt=True),
            ),
        ),
    )
    import yaml

    assert parse_spec(yaml.safe_load(dump_spec(spec))) == spec


def test_a_spec_of_enterprise_groups_only_needs_no_org_groups() -> None:
    spec = parse_spec({"enterprise": {"groups": {"shared": {"visibility": "all"}}}})
    assert spec.groups == () and spec.enterprise == EnterpriseSpec(None, (EnterpriseGroupSpec("shared", "all"),))


@pytest.mark.parametrize(
    ("enterprise", "fragment"),
    [
        ("acme-corp", "enterprise must be a mapping with 'slug' and 'groups'"),
        ({"slug": "acme corp", "groups": {"a": {}}}, "enterprise: enterprise must be an enterprise slug"),
        ({"sluggish": "x", "groups": {"a": {}}}, "enterprise: unknown key 'sluggish' (did you mean 'slug'?)"),
        ({"groups": {}}, "enterprise: groups must be a mapping of group name to settings"),
        (
            {"groups": {"a": {"visibility": "private"}}},
            "enterprise group 'a': visibility must be one of 'all', 'selected', got 'private'",
        ),
        (
            {"groups": {"a": {"organizations": ["acme"], "adopt": True}}},
            "enterprise group 'a': organizations are listed but visibility is not set",
        ),
        (
            {"groups": {"a": {"visibility": "selected", "organizations": "acme"}}},
            "enterprise group 'a': organizations must be a list, got 'acme'",
        ),
        (
            {"groups": {"a": {"organizations": ["acme"]}}},
            "enterprise group 'a': organizations are listed but visibility is 'all'; GitHub keeps an organization "
            "list only for groups with visibility 'selected': set visibility='selected' (in a spec: 'visibility: "
            "selected')",
        ),
        ({"groups": {"a": {"repositories": ["api"]}}}, "enterprise group 'a': unknown field 'repositories'"),
        ({"groups": {"a": {}, "A": {}}}, "enterprise group 'A': the same name as enterprise group 'a'"),
    ],
)
def test_enterprise_section_problems_name_the_place_and_the_fix(enterprise: Any, fragment: str) -> None:
    with pytest.raises(SpecError) as failure:
        parse_spec({"org": "acme", "groups": {"ci": {}}, "enterprise": enterprise})
    assert fragment in str(failure.value)
