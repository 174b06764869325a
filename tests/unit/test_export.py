"""The exporter: an existing org -> YAML spec or Python program that adopts every group without changing it."""

from __future__ import annotations

from pathlib import Path

import pytest
from github_runner_groups import cli
from github_runner_groups.client import ClientSettings, GitHubClient, PacingSettings
from github_runner_groups.export import export_org, to_python, to_yaml
from github_runner_groups.spec import load_spec
from github_runner_groups.testing import DEMO_TOKEN, EmulatorServer, FakeGitHub
from github_runner_groups.testing.mocks import program_file, run_program

WRITES = ("POST", "PATCH", "PUT", "DELETE")


def snapshot(fake: FakeGitHub) -> list[tuple[object, ...]]:
    return [
        (
            g["name"],
            g["visibility"],
            g["allows_public_repositories"],
            g["network_configuration_id"],
            g["restricted_to_workflows"],
            tuple(g["selected_workflows"]),
            frozenset(fake.group_repository_ids("acme", g["id"])),
            frozenset(fake.group_runner_ids("acme", g["id"])),
        )
        for g in fake.groups("acme")
    ]


@pytest.fixture
def client(emulator: EmulatorServer) -> GitHubClient:
    unpaced = PacingSettings(write_delay_seconds=0)  # tests do not wait between writes
    return GitHubClient(ClientSettings(base_url=emulator.url, token=DEMO_TOKEN, pacing=unpaced))


def test_export_reads_groups_members_and_skips_default(fake: FakeGitHub, client: GitHubClient) -> None:
    fake.add_group("acme", "enterprise-wide", inherited=True)
    exported = export_org(client, "acme")
    assert [g.name for g in exported.spec.groups] == ["build-linux", "release"]
    build = exported.spec.groups[0]
    assert (build.repositories, build.runners, build.adopt) == (("api", "web"), ("linux-1", "linux-2"), True)
    assert any("Default" in reason for reason in exported.skipped)
    assert any("enterprise-wide" in reason and "inherited" in reason for reason in exported.skipped)
    assert sum(fake.count(method=m) for m in WRITES) == 0


@pytest.mark.parametrize("output_format", ["yaml", "python"])
def test_exported_stack_adopts_everything_without_changing_it(
    fake: FakeGitHub, emulator: EmulatorServer, client: GitHubClient, tmp_path: Path, output_format: str
) -> None:
    network = fake.add_network_configuration("acme", "net", fake.add_network_settings("acme", "subnet")["id"])["id"]
    fake.add_group("acme", "larger-runners", allows_public_repositories=True, network_configuration_id=network)
    exported = export_org(client, "acme")
    if output_format == "yaml":
        (tmp_path / "groups.yaml").write_text(to_yaml(exported))
        assert load_spec(tmp_path / "groups.yaml") == exported.spec
        program = (
            "from github_runner_groups.component import OrgRunnerGroups\n"
            "OrgRunnerGroups('acme', spec_file='groups.yaml')\n"
        )
    else:
        program = to_python(exported)
    (tmp_path / "__main__.py").write_text(program)
    before = snapshot(fake)
    fake.reset_log()
    run_program(program_file(tmp_path), base_url=emulator.url)
    assert snapshot(fake) == before
    # Groups are adopted with their lists inline: each list is read, matches, and is not written.
    assert (fake.count("POST"), fake.count("PATCH"), fake.count("PUT"), fake.count("DELETE")) == (0, 0, 0, 0)


def test_cli_export_writes_a_file_and_never_prints_the_token(
    emulator: EmulatorServer, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", DEMO_TOKEN)
    monkeypatch.setenv("GITHUB_BASE_URL", emulator.url)
    target = tmp_path / "out.py"
    assert cli.main(["export", "--org", "acme", "--format", "python", "--output", str(target)]) == 0
    assert "adopt=True" in target.read_text()
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_wrongToken000000000000000000000000000")
    assert cli.main(["export", "--org", "acme"]) == 1
    errors = capsys.readouterr().err
    assert "401" in errors and "invalid, expired or revoked" in errors
    assert "ghp_wrong" not in errors and DEMO_TOKEN not in errors
    monkeypatch.setenv("GITHUB_BASE_URL", "http://github.example.com")
    assert cli.main(["export", "--org", "acme"]) == 1
    assert "unencrypted" in capsys.readouterr().err
    with pytest.raises(SystemExit) as usage:
        cli.main(["export"])
    assert usage.value.code == 2


def test_export_writes_every_setting_and_no_computed_field(fake: FakeGitHub, client: GitHubClient) -> None:
    fake.add_group("acme", "gpu", visibility="private", allows_public_repositories=True, network_configuration_id="n1")
    text = to_yaml(export_org(client, "acme"))
    gpu = text[text.index("  gpu:") :]
    for line in ("visibility: private", "allows_public_repositories: true", "restricted_to_workflows: false"):
        assert line in gpu
    assert "network_configuration_id: n1" in gpu
    assert "runners_url" not in text and "workflow_restrictions_read_only" not in text and "default:" not in text
    program = to_python(export_org(client, "acme"))
    assert 'network_configuration_id="n1"' in program and "allows_public_repositories=True" in program


def test_export_from_ghes_leaves_out_what_ghes_lacks(fake: FakeGitHub) -> None:
    import responses
    from github_runner_groups.testing.responses_adapter import add_to_responses

    fake.add_group("acme", "gpu", network_configuration_id="n1")
    ghes = "https://ghe.example.com/api/v3"
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mocked:
        add_to_responses(fake, mocked, ghes)
        exported = export_org(GitHubClient(ClientSettings(base_url=ghes, token=DEMO_TOKEN)), "acme")
    assert "gpu" in [g.name for g in exported.spec.groups]
    assert all(g.network_configuration_id is None for g in exported.spec.groups)


def test_the_exported_program_is_as_ruff_format_writes_it(fake: FakeGitHub, emulator: EmulatorServer) -> None:
    """Users commit it and run their formatter: with ruff's defaults (88 columns) it must change nothing."""
    import subprocess
    import sys

    fake.add_group("acme", "n" * 40, visibility="selected")  # a long line, split one argument per line
    many = fake.add_group("acme", "many", visibility="selected")
    repos = [r["id"] for r in fake.repositories("acme")]
    fake.set_group_repository_ids("acme", many["id"], set(repos))  # a list too long for one line
    fake.add_group("acme", 'quote"s', visibility="all")
    client = GitHubClient(ClientSettings(base_url=emulator.url, token=DEMO_TOKEN))
    program = to_python(export_org(client, "acme"))
    assert '    repositories=[\n        "api",\n' in program
    ruff = Path(sys.executable).parent / "ruff"
    done = subprocess.run(
        [str(ruff), "format", "--isolated", "--diff", "--stdin-filename", "exported.py", "-"],
        input=program,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    compile(program, "exported.py", "exec")
