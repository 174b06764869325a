"""The enterprise example, the component's `enterprise:` section and the enterprise export, run under mocks that
call the real providers against the emulator's `ghec` flavour (enterprise `acme-corp` with `acme`, `acme-labs`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import rig_bridge
from enterprise_seed import two_org_enterprise
from github_runner_groups import EnterpriseRunnerGroup, EnterpriseRunnerGroupMembership
from github_runner_groups.client import ClientSettings, GitHubClient
from github_runner_groups.export import export_enterprise, export_org, merged, to_python, to_yaml
from github_runner_groups.resources._ownership import OwnershipConflict
from github_runner_groups.spec import load_spec
from github_runner_groups.testing import DEMO_TOKEN, SEEDED_ENTERPRISE, EmulatorServer, FakeGitHub
from github_runner_groups.testing.mocks import program_file, run_program
from stacks import Stacks

EXAMPLE = Path(__file__).parents[2] / "examples" / "enterprise"
CONFIG = {"github-runner-groups:enterprise": SEEDED_ENTERPRISE}
WRITES = ("POST", "PATCH", "PUT", "DELETE")


@pytest.fixture
def fake() -> FakeGitHub:
    return two_org_enterprise()


def enterprise_group(fake: FakeGitHub, name: str) -> dict[str, Any]:
    (group,) = [g for g in fake.enterprise_groups(SEEDED_ENTERPRISE) if g["name"] == name]
    return group


def shared_with(fake: FakeGitHub, group: dict[str, Any]) -> set[str]:
    ids = fake.enterprise_group_org_ids(SEEDED_ENTERPRISE, group["id"])
    return {login for login in ("acme", "acme-labs") if fake.find_org(login).id in ids}


def runners_of(fake: FakeGitHub, group: dict[str, Any]) -> set[str]:
    return {r["name"] for r in fake.enterprise_runners(SEEDED_ENTERPRISE) if r["runner_group_id"] == group["id"]}


def enterprise_snapshot(fake: FakeGitHub) -> list[tuple[Any, ...]]:
    return [
        (sorted(g.items()), shared_with(fake, g), runners_of(fake, g))
        for g in fake.enterprise_groups(SEEDED_ENTERPRISE)
    ]


def test_the_enterprise_example_shares_one_group_with_two_orgs(fake: FakeGitHub, emulator: EmulatorServer) -> None:
    run_program(program_file(EXAMPLE), base_url=emulator.url, config=CONFIG)
    shared = enterprise_group(fake, "shared-linux")
    assert shared["visibility"] == "selected"
    assert shared_with(fake, shared) == {"acme", "acme-labs"}
    assert runners_of(fake, shared) == {"ent-linux-1", "ent-linux-2"}
    assert [r.method for r in fake.requests if r.method in WRITES] == ["POST"]  # the group with both lists inline


def test_the_component_builds_the_spec_enterprise_section(
    fake: FakeGitHub, emulator: EmulatorServer, tmp_path: Path
) -> None:
    (tmp_path / "groups.yaml").write_text(
        "org: acme\n"
        "groups:\n"
        "  ci: {visibility: selected, repositories: [api]}\n"
        "enterprise:\n"
        f"  slug: {SEEDED_ENTERPRISE}\n"
        "  groups:\n"
        "    shared: {visibility: selected, organizations: [acme-labs], runners: [ent-linux-2]}\n"
        "    pooled: {visibility: selected, organizations: [acme], runners: [ent-linux-1], exclusive: false}\n"
    )
    (tmp_path / "__main__.py").write_text(
        "from github_runner_groups import OrgRunnerGroups\nOrgRunnerGroups('acme', spec_file='groups.yaml')\n"
    )
    created = run_program(program_file(tmp_path), base_url=emulator.url)
    names = sorted(r.name for r in created if "Enterprise" in r.type)
    # The exclusive group owns its lists inline; the additive one has a resource per list.
    assert names == [
        "acme-enterprise-pooled",
        "acme-enterprise-pooled-organizations",
        "acme-enterprise-pooled-runners",
        "acme-enterprise-shared",
    ]
    shared, pooled = enterprise_group(fake, "shared"), enterprise_group(fake, "pooled")
    assert shared_with(fake, shared) == {"acme-labs"} and shared_with(fake, pooled) == {"acme"}
    assert runners_of(fake, shared) == {"ent-linux-2"} and runners_of(fake, pooled) == {"ent-linux-1"}
    shared_writes = [r for r in fake.requests if r.method in WRITES and f"/runner-groups/{shared['id']}" in r.path]
    assert shared_writes == []  # the shared group's lists went in its POST (to the groups path, without an id)
    post = next(r for r in fake.requests if r.method == "POST" and r.json["name"] == "shared")
    assert post.json["selected_organization_ids"] == [fake.find_org("acme-labs").id]


@pytest.mark.parametrize("output_format", ["yaml", "python"])
def test_an_exported_enterprise_is_adopted_without_a_change(
    fake: FakeGitHub, emulator: EmulatorServer, tmp_path: Path, output_format: str
) -> None:
    legacy = fake.add_enterprise_group(
        SEEDED_ENTERPRISE, "legacy", visibility="selected", allows_public_repositories=True
    )
    fake.share_enterprise_group(SEEDED_ENTERPRISE, legacy["id"], ["acme", "acme-labs"])
    fake.add_enterprise_group(SEEDED_ENTERPRISE, "everyone", visibility="all")
    client = GitHubClient(ClientSettings(base_url=emulator.url, token=DEMO_TOKEN))
    exported = merged(export_org(client, "acme"), export_enterprise(client, SEEDED_ENTERPRISE))
    assert exported.spec.enterprise is not None
    assert [g.name for g in exported.spec.enterprise.groups] == ["legacy", "everyone"]
    assert exported.spec.enterprise.groups[0].organizations == ("acme", "acme-labs")
    assert any("Default" in reason for reason in exported.skipped)
    if output_format == "yaml":
        (tmp_path / "groups.yaml").write_text(to_yaml(exported))
        assert load_spec(tmp_path / "groups.yaml") == exported.spec
        program = "from github_runner_groups import OrgRunnerGroups\nOrgRunnerGroups('x', spec_file='groups.yaml')\n"
    else:
        program = to_python(exported)
    (tmp_path / "__main__.py").write_text(program)
    before = enterprise_snapshot(fake)
    fake.reset_log()
    run_program(program_file(tmp_path), base_url=emulator.url)
    assert enterprise_snapshot(fake) == before
    # Groups are adopted with their lists inline, each list read once: nothing is written.
    assert [r.method for r in fake.requests if r.method in WRITES] == []
    assert 'organizations=["acme", "acme-labs"]' in to_python(exported)


def test_the_enterprise_export_owns_each_list_the_group_has(fake: FakeGitHub, emulator: EmulatorServer) -> None:
    """A `selected` group's organization list is exported even empty (the group stays closed); an `all` group has
    none; a runner list only when it holds runners. The program form carries them inline."""
    closed = fake.add_enterprise_group(SEEDED_ENTERPRISE, "closed", visibility="selected")
    fake.add_enterprise_group(SEEDED_ENTERPRISE, "everyone", visibility="all")
    fake.add_enterprise_runner(SEEDED_ENTERPRISE, "ent-closed-1", group_id=closed["id"])
    client = GitHubClient(ClientSettings(base_url=emulator.url, token=DEMO_TOKEN))
    exported = export_enterprise(client, SEEDED_ENTERPRISE)
    assert exported.spec.enterprise is not None
    lists = {g.name: (g.organizations, g.runners, g.exclusive) for g in exported.spec.enterprise.groups}
    assert lists == {"closed": ((), ("ent-closed-1",), True), "everyone": (None, None, True)}
    program = to_python(exported)
    assert '    organizations=[],\n    runners=["ent-closed-1"],\n    adopt=True,\n)' in program
    assert "OrganizationAccess" not in program and "Membership" not in program


def test_cli_exports_an_enterprise_alone(
    fake: FakeGitHub,
    emulator: EmulatorServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from github_runner_groups import cli

    fake.add_enterprise_group(SEEDED_ENTERPRISE, "everyone", visibility="all")
    monkeypatch.setenv("GITHUB_TOKEN", DEMO_TOKEN)
    monkeypatch.setenv("GITHUB_BASE_URL", emulator.url)
    target = tmp_path / "enterprise.yaml"
    assert cli.main(["export", "--enterprise", SEEDED_ENTERPRISE, "--output", str(target)]) == 0
    assert "enterprise 'acme-corp'" in capsys.readouterr().err
    spec = load_spec(target)
    assert spec.org is None and spec.groups == () and spec.enterprise is not None
    assert [g.name for g in spec.enterprise.groups] == ["everyone"]
    with pytest.raises(SystemExit):
        cli.main(["export"])
    assert "--org ORG, --enterprise SLUG" in capsys.readouterr().err


def test_lookups_read_an_enterprise(
    fake: FakeGitHub, emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from github_runner_groups import lookups
    from github_runner_groups.errors import ConfigError

    shared = fake.add_enterprise_group(SEEDED_ENTERPRISE, "shared", visibility="selected")
    fake.share_enterprise_group(SEEDED_ENTERPRISE, shared["id"], ["acme-labs"])
    fake.add_enterprise_runner(SEEDED_ENTERPRISE, "ent-shared-1", group_id=shared["id"])
    monkeypatch.setenv("GITHUB_TOKEN", DEMO_TOKEN)
    monkeypatch.setenv("GITHUB_BASE_URL", emulator.url)
    monkeypatch.setenv("GITHUB_ENTERPRISE", SEEDED_ENTERPRISE)
    assert [g.name for g in lookups.get_enterprise_runner_groups()] == ["Default", "shared"]
    assert [m.name for m in lookups.get_enterprise_group_organizations(shared["id"])] == ["acme-labs"]
    assert [m.name for m in lookups.get_enterprise_group_runners(str(shared["id"]))] == ["ent-shared-1"]
    with pytest.raises(ConfigError) as failure:
        lookups.get_enterprise_runner_groups("acme corp")
    assert "'acme corp'" in str(failure.value) and "github.com/enterprises/ENTERPRISE" in str(failure.value)


def test_two_exclusive_org_lists_of_one_group_fail_when_the_program_is_built(
    fake: FakeGitHub, emulator: EmulatorServer, tmp_path: Path
) -> None:
    (tmp_path / "__main__.py").write_text(
        "import github_runner_groups as rg\n"
        "g = rg.EnterpriseRunnerGroup('g', name='g', enterprise='acme-corp', visibility='selected')\n"
        "rg.EnterpriseRunnerGroupOrganizationAccess('a', runner_group_id=g.id, enterprise='acme-corp', "
        "organizations=['acme'])\n"
        "rg.EnterpriseRunnerGroupOrganizationAccess('b', runner_group_id=g.id, enterprise='acme-corp', "
        "organizations=['acme-labs'])\n"
    )
    with pytest.raises(OwnershipConflict) as failure:
        run_program(program_file(tmp_path), base_url=emulator.url)
    assert "EnterpriseRunnerGroupOrganizationAccess 'b'" in str(failure.value)
    assert "organization list" in str(failure.value) and "exclusive=False" in str(failure.value)
    # Refused as 'b' was constructed (mocks create what came before it; a preview writes nothing): 'b' never wrote.
    assert "acme-labs" not in shared_with(fake, enterprise_group(fake, "g"))


def test_an_inline_list_and_a_separate_resource_for_it_fail_when_built(stacks: Stacks, fake: FakeGitHub) -> None:
    def both() -> None:
        group = EnterpriseRunnerGroup("g", name="g", enterprise=SEEDED_ENTERPRISE, runners=["ent-linux-1"])
        EnterpriseRunnerGroupMembership(
            "m", runner_group_id=group.id, enterprise=SEEDED_ENTERPRISE, runners=["ent-linux-2"], exclusive=False
        )

    with pytest.raises(OwnershipConflict) as failure:
        rig_bridge.preview(stacks(CONFIG), both)
    message = str(failure.value)
    assert "EnterpriseRunnerGroupMembership 'm' and EnterpriseRunnerGroup 'g' (its inline `runners`)" in message
    assert "leave `runners` unset on the EnterpriseRunnerGroup" in message
    assert fake.count() == 0


def test_one_runner_in_two_enterprise_groups_inline_lists_fails_when_built(stacks: Stacks, fake: FakeGitHub) -> None:
    def both() -> None:
        EnterpriseRunnerGroup("a", name="a", runners=["ent-linux-1"])
        EnterpriseRunnerGroup("b", name="b", runners=["ENT-LINUX-1"])

    with pytest.raises(OwnershipConflict, match=r"'ENT-LINUX-1' \(a runner sits in one group only\)"):
        rig_bridge.preview(stacks(CONFIG), both)
    assert fake.count() == 0
