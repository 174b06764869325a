"""`hosted_runners:` per group in the YAML spec, the component's HostedRunners and the exporter's round trip."""

from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest
import yaml
from github_runner_groups import api
from github_runner_groups.client import ClientSettings, GitHubClient
from github_runner_groups.component import hosted_runner_args
from github_runner_groups.export import export_org, to_python, to_yaml
from github_runner_groups.resources.fields import HOSTED_RUNNER_FIELDS, Role
from github_runner_groups.resources.hosted_runner import HostedRunner, HostedRunnerArgs
from github_runner_groups.spec import GroupSpec, HostedRunnerSpec, OrgSpec, SpecError, dump_spec, load_spec, parse_spec
from github_runner_groups.testing import DEMO_TOKEN, EmulatorServer, FakeGitHub, serve
from github_runner_groups.testing.mocks import program_file, run_program

LINUX = {"image_id": "ubuntu-24.04", "size": "4-core"}


def spec_of(hosted: Any, **group: Any) -> dict[str, Any]:
    return {"org": "acme", "groups": {"ci": {**group, "hosted_runners": hosted}}}


def test_hosted_runners_are_read_with_their_settings() -> None:
    spec = parse_spec(spec_of({"linux-4core": {**LINUX, "maximum_runners": 5}, "gpu": {**LINUX, "image_gen": True}}))
    (group,) = spec.groups
    assert group.hosted_runners == (
        HostedRunnerSpec("linux-4core", "ubuntu-24.04", "4-core", maximum_runners=5),
        HostedRunnerSpec("gpu", "ubuntu-24.04", "4-core", image_gen=True),
    )


def test_the_spec_the_resource_and_the_model_follow_the_field_table() -> None:
    in_spec = {f.name for f in HOSTED_RUNNER_FIELDS if f.in_spec}
    assert {f.name for f in fields(HostedRunnerSpec)} - {"name", "renamed_from"} == in_spec
    assert {f.name for f in fields(HostedRunnerArgs)} == {
        f.name for f in HOSTED_RUNNER_FIELDS if f.role is not Role.COMPUTED
    }
    assert set(HostedRunner.__annotations__) == {f.name for f in HOSTED_RUNNER_FIELDS}
    model = {f.name for f in fields(api.HostedRunner)}
    assert {f.json_name for f in HOSTED_RUNNER_FIELDS if f.json_name} <= model


@pytest.mark.parametrize(
    ("hosted", "fragments"),
    [
        ({"linux 4core": LINUX}, ["group 'ci', hosted runner 'linux 4core'", "letters, digits"]),
        ({"linux": {"size": "4-core"}}, ["hosted runner 'linux'", "image_id is required"]),
        ({"linux": {**LINUX, "sise": "8-core"}}, ["unknown field 'sise'", "did you mean 'size'"]),
        ({"linux": {**LINUX, "maximum_runners": 0}}, ["maximum_runners", "got 0", "1 to 1000"]),
        ({"linux": {**LINUX, "image_source": "docker"}}, ["image_source", "'docker'", "'partner'"]),
        ({"linux": "ubuntu"}, ["hosted runner 'linux'", "settings must be a mapping", "'ubuntu'"]),
        (["linux"], ["hosted_runners must be a mapping of runner name", "image_id: ubuntu-24.04"]),
        ({42: LINUX}, ["hosted runner 42", "quote it"]),
    ],
)
def test_bad_hosted_runners_name_group_runner_and_fix(hosted: Any, fragments: list[str]) -> None:
    with pytest.raises(SpecError) as failed:
        parse_spec(spec_of(hosted))
    for fragment in fragments:
        assert fragment in str(failed.value)


def test_a_name_in_two_groups_is_refused() -> None:
    data = {"groups": {"a": {"hosted_runners": {"Linux": LINUX}}, "b": {"hosted_runners": {"linux": LINUX}}}}
    with pytest.raises(SpecError, match=r"group 'b', hosted runner 'linux': the same name as group 'a', hosted"):
        parse_spec(data)


def test_dump_round_trips_hosted_runners(tmp_path: Path) -> None:
    hosted = (HostedRunnerSpec("linux", "ubuntu-24.04", "4-core", image_source="github", enable_static_ip=True),)
    spec = OrgSpec(org="acme", groups=(GroupSpec("ci", hosted_runners=hosted),))
    path = tmp_path / "out.yaml"
    path.write_text(dump_spec(spec))
    assert load_spec(path) == spec


def test_the_component_gives_each_hosted_runner_its_group_and_adopt() -> None:
    group = GroupSpec("ci", adopt=True)
    args = hosted_runner_args("acme", group, HostedRunnerSpec("linux", "ubuntu-24.04", "4-core"), "17")
    assert (args.name, args.runner_group_id, args.org, args.adopt, args.size) == ("linux", "17", "acme", True, "4-core")
    assert args.maximum_runners is None  # unset: the resource's default, or with adopt GitHub's value


@pytest.fixture
def client(emulator: EmulatorServer) -> GitHubClient:
    return GitHubClient(ClientSettings(base_url=emulator.url, token=DEMO_TOKEN))


def test_export_lists_hosted_runners_under_their_groups(fake: FakeGitHub, client: GitHubClient, tmp_path: Path) -> None:
    build = next(g["id"] for g in fake.groups("acme") if g["name"] == "build-linux")
    fake.add_hosted_runner("acme", build, "linux-large", image="ubuntu-24.04", size="8-core", maximum_runners=4)
    fake.add_hosted_runner("acme", 1, "in-default")
    exported = export_org(client, "acme")
    by_name = {g.name: g for g in exported.spec.groups}
    assert by_name["build-linux"].hosted_runners == (
        HostedRunnerSpec(
            "linux-large",
            "ubuntu-24.04",
            "8-core",
            image_source="github",
            maximum_runners=4,
            enable_static_ip=False,
            image_gen=False,
        ),
    )
    assert any("hosted runner in-default" in reason and "not exported" in reason for reason in exported.skipped)
    path = tmp_path / "exported.yaml"
    path.write_text(to_yaml(exported))
    assert load_spec(path) == exported.spec
    program = to_python(exported)
    assert (
        'rg.HostedRunner(\n    "linux-large",\n    name="linux-large",\n    runner_group_id=build_linux.id,' in program
    )
    calls_adopting = re.findall(r"adopt=True,?\s*\)", program)
    assert len(calls_adopting) == len(exported.spec.groups) + 1  # each group and the hosted runner


def test_export_on_ghes_reads_no_hosted_runners() -> None:
    ghes_fake = FakeGitHub.seeded("demo", flavour="ghes-3.19")
    with serve(ghes_fake) as ghes:
        exported = export_org(GitHubClient(ClientSettings(base_url=ghes.url, token=DEMO_TOKEN)), "acme")
    assert all(g.hosted_runners is None for g in exported.spec.groups)
    assert not any("/hosted-runners" in r.path for r in ghes_fake.requests)


@pytest.mark.parametrize("output_format", ["yaml", "python"])
def test_the_exported_hosted_runners_are_adopted_without_a_write(
    fake: FakeGitHub, client: GitHubClient, emulator: EmulatorServer, tmp_path: Path, output_format: str
) -> None:
    build = next(g["id"] for g in fake.groups("acme") if g["name"] == "build-linux")
    fake.add_hosted_runner("acme", build, "linux-large", image="ubuntu-24.04", size="8-core", public_ip=True)
    fake.add_hosted_runner("acme", build, "gpu", image="nvidia-gpu-ubuntu-22.04", image_source="partner")
    exported = export_org(client, "acme")
    if output_format == "yaml":
        (tmp_path / "groups.yaml").write_text(to_yaml(exported))
        program = "from github_runner_groups import OrgRunnerGroups\nOrgRunnerGroups('acme', spec_file='groups.yaml')\n"
    else:
        program = to_python(exported)
    (tmp_path / "__main__.py").write_text(program)
    before = fake.hosted_runners("acme")
    fake.reset_log()
    created = run_program(program_file(tmp_path), base_url=emulator.url)
    assert sum(r.type.endswith(":HostedRunner") for r in created) == 2
    assert fake.hosted_runners("acme") == before
    assert not [r for r in fake.requests if "hosted-runners" in r.path and r.method != "GET"]


def test_enterprise_groups_hold_the_enterprises_own_hosted_runners() -> None:
    """An enterprise group's `hosted_runners` are the enterprise's own (EnterpriseHostedRunner), checked alike."""
    good = {"enterprise": {"slug": "acme-corp", "groups": {"shared": {"hosted_runners": {"linux-4core": LINUX}}}}}
    enterprise = parse_spec(good).enterprise
    assert enterprise is not None
    assert enterprise.groups[0].hosted_runners == (HostedRunnerSpec("linux-4core", "ubuntu-24.04", "4-core"),)
    bad = {"enterprise": {"slug": "acme-corp", "groups": {"shared": {"hosted_runners": {"linux 4core": LINUX}}}}}
    with pytest.raises(SpecError) as failed:
        parse_spec(bad)
    assert "enterprise group 'shared', hosted runner 'linux 4core'" in str(failed.value)


def test_dump_round_trips_hosted_runners_next_to_an_enterprise_section() -> None:
    data = {
        "org": "acme",
        "groups": {"ci": {"hosted_runners": {"linux": {**LINUX, "maximum_runners": 5}}}},
        "enterprise": {
            "slug": "acme-corp",
            "groups": {"shared": {"visibility": "selected", "organizations": ["acme"]}},
        },
    }
    spec = parse_spec(data)
    assert spec.groups[0].hosted_runners == (HostedRunnerSpec("linux", "ubuntu-24.04", "4-core", maximum_runners=5),)
    assert spec.enterprise is not None and spec.enterprise.groups[0].organizations == ("acme",)
    assert parse_spec(yaml.safe_load(dump_spec(spec))) == spec
