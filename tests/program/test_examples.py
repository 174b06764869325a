"""Every example program runs, under mocks that call the real providers, against the emulator.

This is not the Pulumi engine (tests/engine is): each run is the create pass of a new stack. It checks that the
programs are correct Python, that their resources pass check, and that the emulator ends as each program says.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

import pytest
from github_runner_groups.testing import EmulatorServer, FakeGitHub
from github_runner_groups.testing.mocks import ProgramCheckFailed, program_file, run_program
from stand_ins import stand_in_pulumi_github

ROOT = Path(__file__).parents[2]
EXAMPLES = ROOT / "examples"


def group_named(fake: FakeGitHub, name: str) -> dict[str, Any]:
    (group,) = [g for g in fake.groups("acme") if g["name"] == name]
    return group


def names(fake: FakeGitHub, kind: str, ids: set[int]) -> set[str]:
    items = fake.repositories("acme") if kind == "repos" else fake.runners("acme")
    return {item["name"] for item in items if item["id"] in ids}


def test_quickstart(fake: FakeGitHub, emulator: EmulatorServer) -> None:
    release_before = group_named(fake, "release")
    created = run_program(program_file(ROOT), base_url=emulator.url)
    assert sorted(r.type.rsplit(":", 1)[-1] for r in created).count("RunnerGroup") == 3
    ci = group_named(fake, "ci-linux")
    assert ci["visibility"] == "selected"
    assert names(fake, "repos", fake.group_repository_ids("acme", ci["id"])) == {"design-system", "secrets-vault"}
    assert names(fake, "runners", fake.group_runner_ids("acme", ci["id"])) == {"linux-3", "linux-4"}
    gpu = group_named(fake, "gpu")
    assert names(fake, "runners", fake.group_runner_ids("acme", gpu["id"])) == {"linux-gpu-1"}
    release = group_named(fake, "release")  # adopted, not recreated: its workflow pinned, its runners given
    assert release["id"] == release_before["id"]
    assert release["selected_workflows"] == [
        "acme/deploy/.github/workflows/release.yml@3f786850e387550fdab836ed7e6dc881de23001b"
    ]
    assert names(fake, "runners", fake.group_runner_ids("acme", release["id"])) == {"mac-1", "windows-1"}
    assert (fake.count("POST"), fake.count("PATCH"), fake.count("PUT")) == (2, 1, 1)


def test_python_resources(fake: FakeGitHub, emulator: EmulatorServer) -> None:
    run_program(program_file(EXAMPLES / "python-resources"), base_url=emulator.url)
    build, deploy = group_named(fake, "build"), group_named(fake, "deploy")
    assert names(fake, "repos", fake.group_repository_ids("acme", build["id"])) == {"api", "web"}
    assert names(fake, "runners", fake.group_runner_ids("acme", build["id"])) == {"linux-3", "linux-4"}
    assert deploy["restricted_to_workflows"] and deploy["selected_workflows"]
    assert names(fake, "runners", fake.group_runner_ids("acme", deploy["id"])) == {"mac-1"}


def test_python_resources_takes_repositories_from_config(fake: FakeGitHub, emulator: EmulatorServer) -> None:
    program = program_file(EXAMPLES / "python-resources")
    run_program(program, base_url=emulator.url, config={"runner-groups:buildRepositories": '["docs"]'})
    build = group_named(fake, "build")
    assert names(fake, "repos", fake.group_repository_ids("acme", build["id"])) == {"docs"}


def test_with_pulumi_github(fake: FakeGitHub, emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch) -> None:
    if importlib.util.find_spec("pulumi_github") is None:
        print("pulumi_github is not installed: a minimal stand-in Repository of the same type token is used")
        monkeypatch.setitem(sys.modules, "pulumi_github", stand_in_pulumi_github())

    def repository(args: Any) -> tuple[str, dict[str, Any]]:
        made = fake.add_repo("acme", args.inputs["name"], private=True)  # the repository pulumi_github would create
        return args.inputs["name"], {**args.inputs, "repo_id": made["id"]}

    run_program(
        program_file(EXAMPLES / "with-pulumi-github"),
        base_url=emulator.url,
        others={"github:index/repository:Repository": repository},
    )
    services = group_named(fake, "services")
    assert names(fake, "repos", fake.group_repository_ids("acme", services["id"])) == {"orders", "billing"}


def test_a_bad_spec_fails_before_any_request(fake: FakeGitHub, emulator: EmulatorServer, tmp_path: Path) -> None:
    (tmp_path / "__main__.py").write_text(
        "from github_runner_groups.component import OrgRunnerGroups\nOrgRunnerGroups('acme', spec_file='groups.yaml')\n"
    )
    (tmp_path / "groups.yaml").write_text("groups:\n  ci: {visibility: selected, repositories: [api], adopt: maybe}\n")
    with pytest.raises(Exception, match=r"groups.yaml: line \d+, group 'ci': adopt must be true or false"):
        run_program(program_file(tmp_path), base_url=emulator.url)
    assert fake.count() == 0


def test_check_failures_stop_the_program(fake: FakeGitHub, emulator: EmulatorServer, tmp_path: Path) -> None:
    (tmp_path / "__main__.py").write_text("import github_runner_groups as rg\nrg.RunnerGroup('bad', name='x' * 70)\n")
    with pytest.raises(ProgramCheckFailed, match="name is 70 characters long"):
        run_program(program_file(tmp_path), base_url=emulator.url)
    assert fake.count() == 0
