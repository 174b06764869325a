"""`renamed_from:` in a spec: earlier keys of a group (or hosted runner), checked when the spec is loaded, and the
aliases the component gives the renamed resources."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from github_runner_groups.spec import SpecError, dump_spec, parse_spec


def spec(groups: dict[str, Any]) -> dict[str, Any]:
    return {"org": "acme", "groups": groups}


def test_renamed_from_takes_one_earlier_key_or_a_list() -> None:
    loaded = parse_spec(spec({"CI": {"renamed_from": "ci"}, "gpu": {"renamed_from": ["gpu-old", "gpu-older"]}}))
    assert [g.renamed_from for g in loaded.groups] == [("ci",), ("gpu-old", "gpu-older")]
    assert parse_spec(yaml.safe_load(dump_spec(loaded))) == loaded  # the exporter writes it back as it was


@pytest.mark.parametrize(
    ("groups", "fragment"),
    [
        ({"ci": {"renamed_from": "ci"}}, "is the key itself"),
        ({"ci": {"renamed_from": 3}}, "renamed_from must be the earlier key"),
        ({"ci": {"renamed_from": []}}, "renamed_from must be the earlier key"),
        ({"ci": {"renamed_from": ["old", "old"]}}, "lists a key twice"),
        ({"ci": {"renamed_from": "bad name\n"}}, "renamed_from 'bad name\\n'"),
        ({"ci": {}, "gpu": {"renamed_from": "ci"}}, "is the key of another group"),
        ({"a": {"renamed_from": "old"}, "b": {"renamed_from": "old"}}, "is also claimed by group 'a'"),
        (
            {"ci": {"hosted_runners": {"big": {"image_id": "ubuntu-24.04", "size": "4-core", "renamed_from": "big"}}}},
            "is the key itself",
        ),
    ],
)
def test_bad_renamed_from_is_refused_at_load(groups: dict[str, Any], fragment: str) -> None:
    with pytest.raises(SpecError) as failure:
        parse_spec(spec(groups))
    assert fragment in str(failure.value)


def test_a_hosted_runner_may_say_its_earlier_name() -> None:
    hosted = {"large": {"image_id": "ubuntu-24.04", "size": "4-core", "renamed_from": "Large"}}
    (group,) = parse_spec(spec({"ci": {"hosted_runners": hosted}})).groups
    assert group.hosted_runners is not None and group.hosted_runners[0].renamed_from == ("Large",)
