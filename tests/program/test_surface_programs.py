"""The private-networking example and specs with network configurations, the self-hosted-runner policy and an
enterprise's own hosted runners, run under mocks that call the real providers against the emulator."""

from __future__ import annotations

from pathlib import Path

import pytest
from github_runner_groups.testing import SEEDED_ENTERPRISE, EmulatorServer, FakeGitHub, serve
from github_runner_groups.testing.mocks import program_file, run_program

EXAMPLE = Path(__file__).parents[2] / "examples" / "private-networking"


def test_the_private_networking_example(fake: FakeGitHub, emulator: EmulatorServer) -> None:
    subnet = fake.add_network_settings("acme", "runners-subnet")["id"]
    run_program(program_file(EXAMPLE), base_url=emulator.url, config={"runner-groups:network-settings-id": subnet})
    (network,) = fake.network_configurations("acme")
    assert (network["name"], network["network_settings_ids"], network["compute_service"]) == (
        "private-net",
        [subnet],
        "actions",
    )
    group = next(g for g in fake.groups("acme") if g["name"] == "private-runners")
    assert group["network_configuration_id"] == network["id"]
    (runner,) = fake.hosted_runners("acme")
    assert runner["runner_group_id"] == group["id"]
    infra = next(r["id"] for r in fake.repositories("acme") if r["name"] == "infra")
    assert fake.self_hosted_policy("acme") == ("selected", [infra])


SPEC = """\
org: acme
network_configurations:
  private-net:
    network_settings_ids: [{subnet}]
groups:
  private:
    visibility: private
    network_configuration_id: private-net
self_hosted_runners:
  enabled_repositories: none
"""


def test_a_spec_with_a_network_configuration_a_group_uses_by_name_and_the_policy(
    fake: FakeGitHub, emulator: EmulatorServer, tmp_path: Path
) -> None:
    subnet = fake.add_network_settings("acme", "subnet")["id"]
    (tmp_path / "groups.yaml").write_text(SPEC.format(subnet=subnet))
    (tmp_path / "__main__.py").write_text(
        "from github_runner_groups import OrgRunnerGroups\n"
        f"OrgRunnerGroups('acme', spec_file={str(tmp_path / 'groups.yaml')!r})\n"
    )
    made = run_program(program_file(tmp_path), base_url=emulator.url)
    types = sorted(r.type.rsplit(":", 1)[-1] for r in made)
    assert types == ["NetworkConfiguration", "OrgRunnerGroups", "RunnerGroup", "SelfHostedRunnerPolicy"]
    (network,) = fake.network_configurations("acme")
    group = next(g for g in fake.groups("acme") if g["name"] == "private")
    assert group["network_configuration_id"] == network["id"]
    assert fake.self_hosted_policy("acme") == ("none", [])


ENTERPRISE_SPEC = """\
enterprise:
  slug: {slug}
  network_configurations:
    ent-net:
      network_settings_ids: [{subnet}]
  groups:
    shared:
      network_configuration_id: ent-net
      hosted_runners:
        ent-linux: {{image_id: ubuntu-24.04, size: 8-core, maximum_runners: 4}}
"""


def test_an_enterprise_spec_with_its_network_and_its_own_hosted_runner(tmp_path: Path) -> None:
    fake = FakeGitHub.seeded("demo", flavour="ghec")
    subnet = fake.add_network_settings(SEEDED_ENTERPRISE, "ent-subnet", enterprise=True)["id"]
    (tmp_path / "groups.yaml").write_text(ENTERPRISE_SPEC.format(slug=SEEDED_ENTERPRISE, subnet=subnet))
    (tmp_path / "__main__.py").write_text(
        "from github_runner_groups import OrgRunnerGroups\n"
        f"OrgRunnerGroups('acme', spec_file={str(tmp_path / 'groups.yaml')!r})\n"
    )
    with serve(fake) as emulator:
        made = run_program(program_file(tmp_path), base_url=emulator.url)
    names = sorted(r.name for r in made)
    assert names == [
        "acme",
        "acme-enterprise-hosted-ent-linux",
        "acme-enterprise-network-ent-net",
        "acme-enterprise-shared",
    ]
    (network,) = fake.network_configurations(SEEDED_ENTERPRISE, enterprise=True)
    shared = next(g for g in fake.enterprise_groups(SEEDED_ENTERPRISE) if g["name"] == "shared")
    assert shared["network_configuration_id"] == network["id"]
    with fake.lock:
        (runner,) = fake.find_enterprise(SEEDED_ENTERPRISE).hosted_runners.values()
    assert (runner["runner_group_id"], runner["maximum_runners"]) == (shared["id"], 4)


def test_two_owners_of_one_policy_fail_while_the_program_is_built(
    fake: FakeGitHub, emulator: EmulatorServer, tmp_path: Path
) -> None:
    """When the second is constructed, before its provider runs (so `pulumi preview` shows it too): one exclusive
    policy per org, `org` unset meaning the provider's owner. (Under mocks the first one is applied at once.)"""
    (tmp_path / "__main__.py").write_text(
        "import github_runner_groups as rg\n"
        "rg.SelfHostedRunnerPolicy('a', enabled_repositories='none')\n"
        "rg.SelfHostedRunnerPolicy('b', org='ACME', enabled_repositories='all')\n"
    )
    with pytest.raises(Exception, match="both manage the self-hosted-runner policy of org 'ACME'"):
        run_program(program_file(tmp_path), base_url=emulator.url)
    assert fake.self_hosted_policy("acme") == ("none", [])  # the first one's; the second never ran
