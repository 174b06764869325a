"""YAML specs: problems name the file, the group and the field; dump_spec round-trips."""

from __future__ import annotations

from pathlib import Path

import pytest
from github_runner_groups.spec import GroupSpec, OrgSpec, SpecError, dump_spec, load_spec, parse_spec

WORKFLOW = "acme/deploy/.github/workflows/release.yml@main"


def test_the_quickstart_spec_loads() -> None:
    spec = load_spec(Path(__file__).parents[2] / "runner-groups.yaml")
    assert spec.org == "acme"
    by_name = {g.name: g for g in spec.groups}
    assert by_name["ci-linux"].repositories == ("design-system", "secrets-vault")
    pinned = "acme/deploy/.github/workflows/release.yml@3f786850e387550fdab836ed7e6dc881de23001b"
    assert by_name["release"].adopt and by_name["release"].selected_workflows == (pinned,)


@pytest.mark.parametrize(
    ("document", "fragments"),
    [
        ({"org": "acme", "grups": {}}, ["unknown top-level key 'grups' (did you mean 'groups'?)"]),
        ({"org": "acme"}, ["groups must be a mapping"]),
        ({"groups": {"ci": {"adopt": 2}}}, ["line 2, group 'ci': adopt must be true or false"]),
        (
            {"groups": {"ci": {"visiblity": "all"}}},
            ["group 'ci': unknown field 'visiblity' (did you mean 'visibility'?)"],
        ),
        (
            {"groups": {"ci": {"visibility": "public"}}},
            ["group 'ci': visibility must be one of 'all', 'selected', 'private', got 'public'"],
        ),
        ({"groups": {"ci": {"adopt": "yes"}}}, ["group 'ci': adopt must be true or false, got 'yes'"]),
        (
            {"groups": {"ci": {"repositories": ["api"]}}},
            ["group 'ci': repositories are listed but visibility is 'all'"],
        ),
        ({"groups": {"ci": {"selected_workflows": [WORKFLOW]}}}, ["add 'restricted_to_workflows: true'"]),
        (
            {"groups": {"ci": {"adopt": True, "repositories": ["api"]}}},
            ["group 'ci': repositories are listed but visibility is not set; GitHub keeps a repository list only"],
        ),
        ({"groups": {"ci": {"runners": "linux-1"}}}, ["group 'ci': runners must be a list"]),
        ({"groups": {"ci": {"runners": [1.5]}}}, ["group 'ci': runners[0] at ", "is 1.5", "quote it: '1.5'"]),
        ({"groups": {"ci": [1]}}, ["group 'ci': settings must be a mapping"]),
        ({"groups": {"CI": {}, "ci": {}}}, ["group 'ci': the same name as group 'CI'"]),
        ({"groups": {"c\ni": {}}}, ["group 'c\\ni': name 'c\\ni' contains control or format characters (U+000A)"]),
        (
            {"groups": {"ci": {"restricted_to_workflows": True, "selected_workflows": [WORKFLOW + "\n"]}}},
            ["group 'ci': selected_workflows[0] is", "OWNER/REPO/.github/workflows/FILE.yml@REF"],
        ),
        ({"groups": {"ci": {"network_configuration_id": 5}}}, ["group 'ci': network_configuration_id must be the id"]),
        ({"groups": {" ci": {}}}, ["group ' ci': name ' ci' has leading or trailing spaces; use 'ci'"]),
        (
            {"org": 5, "groups": {"a": {"adopt": 1}, "b": {"visibility": "x"}}},
            ["org must be", "group 'a'", "group 'b'"],
        ),
    ],
)
def test_problems_name_file_group_and_field(tmp_path: Path, document: dict[str, object], fragments: list[str]) -> None:
    import yaml

    path = tmp_path / "groups.yaml"
    path.write_text(yaml.safe_dump(document))
    with pytest.raises(SpecError) as failed:
        load_spec(path)
    assert str(failed.value).startswith(f"{path}: ")
    for fragment in fragments:
        assert fragment in str(failed.value)


def test_unreadable_and_invalid_yaml(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match="cannot read the spec file"):
        load_spec(tmp_path / "missing.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("groups: {ci: [\n")
    with pytest.raises(SpecError, match="not valid YAML"):
        load_spec(broken)
    with pytest.raises(SpecError, match="expected a mapping"):
        parse_spec(["ci"], "inline")


def test_dump_round_trips(tmp_path: Path) -> None:
    spec = OrgSpec(
        org="acme",
        groups=(
            GroupSpec("ci", visibility="selected", repositories=("api", 42), runners=("linux-1",), exclusive=False),
            GroupSpec("release", restricted_to_workflows=True, selected_workflows=(WORKFLOW,), adopt=True),
            GroupSpec("plain"),
        ),
    )
    path = tmp_path / "out.yaml"
    path.write_text(dump_spec(spec))
    assert load_spec(path) == spec


def test_a_utf8_byte_order_mark_and_repeated_field_names_in_different_groups_are_fine(tmp_path: Path) -> None:
    path = tmp_path / "groups.yaml"
    path.write_bytes("\ufefforg: acme\ngroups:\n  ci: {adopt: true}\n  gpu: {adopt: true}\n".encode())
    assert [g.name for g in load_spec(path).groups] == ["ci", "gpu"]


def test_an_anchor_without_alias_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "groups.yaml"
    path.write_text("groups:\n  ci: &shared {visibility: private}\n")
    assert load_spec(path).groups == (GroupSpec("ci", visibility="private"),)


def test_many_problems_make_one_capped_message(tmp_path: Path) -> None:
    path = tmp_path / "groups.yaml"
    path.write_text("groups:\n" + "".join(f"  g{i}: {{colour{i}: red}}\n" for i in range(500)))
    with pytest.raises(SpecError) as failed:
        load_spec(path)
    message = str(failed.value)
    assert message.startswith(f"{path}: line 2, group 'g0': unknown field 'colour0'")
    assert "line 501, group 'g499'" in failed.value.uncapped
    assert len(message) < 2100 and "more characters left out" in message[-40:]


def test_duplicate_keys_name_both_lines_even_deep_in_a_list(tmp_path: Path) -> None:
    path = tmp_path / "groups.yaml"
    path.write_text("groups:\n  ci:\n    runners:\n      - {name: a,\n         name: b}\n")
    with pytest.raises(SpecError, match=r"line 5: the key 'name' is given twice \(lines 4 and 5\)"):
        load_spec(path)


def test_unset_settings_stay_unset_so_adopt_leaves_them_alone() -> None:
    spec = parse_spec({"groups": {"legacy": {"adopt": True, "selected_workflows": [WORKFLOW]}, "plain": {}}})
    legacy, plain = spec.groups
    assert (legacy.visibility, legacy.restricted_to_workflows, legacy.network_configuration_id) == (None, None, None)
    assert legacy.selected_workflows == (WORKFLOW,)  # with adopt, GitHub's restricted_to_workflows stands
    assert plain == GroupSpec("plain")


def test_network_configuration_round_trips(tmp_path: Path) -> None:
    spec = OrgSpec(org="acme", groups=(GroupSpec("gpu", visibility="all", network_configuration_id="nc-1"),))
    path = tmp_path / "out.yaml"
    path.write_text(dump_spec(spec))
    assert "network_configuration_id: nc-1" in path.read_text()
    assert load_spec(path) == spec


def test_reading_a_spec_does_not_load_pulumi_or_the_http_client() -> None:
    import subprocess
    import sys

    code = "import sys, github_runner_groups.spec; print(sorted({'pulumi', 'requests'} & set(sys.modules)))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"
