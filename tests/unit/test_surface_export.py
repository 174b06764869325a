"""The exporter with network configurations, the self-hosted-runner policy and an enterprise's own hosted runners
(`ghec`): the YAML reads back to the same spec, and the exported stack (YAML or Python) takes everything over on
its first run without a single write."""

from __future__ import annotations

from pathlib import Path

import pytest
from github_runner_groups.client import ClientSettings, GitHubClient, PacingSettings
from github_runner_groups.export import export_enterprise, export_org, merged, to_python, to_yaml
from github_runner_groups.spec import load_spec
from github_runner_groups.testing import DEMO_TOKEN, SEEDED_ENTERPRISE, EmulatorServer, FakeGitHub, serve
from github_runner_groups.testing.mocks import program_file, run_program
from github_runner_groups.testing.state import new_hosted_runner

WRITES = ("POST", "PATCH", "PUT", "DELETE")


@pytest.fixture
def fake() -> FakeGitHub:
    seeded = FakeGitHub.seeded("demo", flavour="ghec")
    subnet = seeded.add_network_settings("acme", "subnet")["id"]
    failover = seeded.add_network_settings("acme", "failover")["id"]
    seeded.add_network_configuration(
        "acme", "private-net", subnet, failover_network_settings_ids=[failover], failover_network_enabled=True
    )
    ent_subnet = seeded.add_network_settings(SEEDED_ENTERPRISE, "ent-subnet", enterprise=True)["id"]
    seeded.add_network_configuration(SEEDED_ENTERPRISE, "ent-net", ent_subnet, enterprise=True)
    seeded.set_self_hosted_runner_policy("acme", "selected", ["infra", "api"])
    shared = seeded.add_enterprise_group(SEEDED_ENTERPRISE, "shared")
    with seeded.lock:
        enterprise = seeded.find_enterprise(SEEDED_ENTERPRISE)
        catalog = enterprise.hosted_catalog
        runner = new_hosted_runner(
            99001, "ent-linux", shared["id"], catalog.github_images[1], catalog.machine_sizes[1], 7
        )
        enterprise.hosted_runners[runner["id"]] = runner
    return seeded


@pytest.fixture
def client(emulator: EmulatorServer) -> GitHubClient:
    unpaced = PacingSettings(write_delay_seconds=0)
    return GitHubClient(ClientSettings(base_url=emulator.url, token=DEMO_TOKEN, pacing=unpaced))


def test_the_export_holds_them_and_reads_back(fake: FakeGitHub, client: GitHubClient, tmp_path: Path) -> None:
    exported = merged(export_org(client, "acme"), export_enterprise(client, SEEDED_ENTERPRISE))
    spec = exported.spec
    (network,) = spec.network_configurations
    assert (network.name, network.failover_network_enabled, network.adopt) == ("private-net", True, True)
    assert spec.self_hosted_runners is not None
    assert (spec.self_hosted_runners.enabled_repositories, spec.self_hosted_runners.repositories) == (
        "selected",
        ("api", "infra"),
    )
    assert spec.enterprise is not None
    assert [c.name for c in spec.enterprise.network_configurations] == ["ent-net"]
    shared = next(g for g in spec.enterprise.groups if g.name == "shared")
    assert shared.hosted_runners is not None and shared.hosted_runners[0].maximum_runners == 7
    (tmp_path / "groups.yaml").write_text(to_yaml(exported))
    assert load_spec(tmp_path / "groups.yaml") == spec
    program = to_python(exported)
    for line in (
        'rg.NetworkConfiguration(\n    "network-private-net",',
        "rg.SelfHostedRunnerPolicy(",
        "rg.EnterpriseHostedRunner(",
    ):
        assert line in program, program
    compile(program, "exported.py", "exec")
    assert sum(fake.count(method=m) for m in WRITES) == 0


@pytest.mark.parametrize("output_format", ["yaml", "python"])
def test_the_exported_stack_takes_everything_over_without_a_write(
    fake: FakeGitHub, client: GitHubClient, tmp_path: Path, output_format: str
) -> None:
    exported = merged(export_org(client, "acme"), export_enterprise(client, SEEDED_ENTERPRISE))
    if output_format == "yaml":
        (tmp_path / "groups.yaml").write_text(to_yaml(exported))
        spec_file = str(tmp_path / "groups.yaml")
        program = f"from github_runner_groups import OrgRunnerGroups\nOrgRunnerGroups('x', spec_file={spec_file!r})\n"
    else:
        program = to_python(exported)
    (tmp_path / "__main__.py").write_text(program)
    fake.reset_log()
    with serve(fake) as emulator:
        made = run_program(program_file(tmp_path), base_url=emulator.url)
    kinds = {r.type.rsplit(":", 1)[-1] for r in made}
    assert {"NetworkConfiguration", "EnterpriseNetworkConfiguration", "SelfHostedRunnerPolicy"} <= kinds
    assert "EnterpriseHostedRunner" in kinds
    assert [(r.method, r.path) for r in fake.requests if r.method in WRITES] == []
