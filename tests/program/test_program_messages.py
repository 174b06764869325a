"""A program that cannot run in-process says why in one message: no traceback, no flood of asyncio's reports."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from github_runner_groups.testing import EmulatorServer, FakeGitHub
from github_runner_groups.testing.mocks import ProgramNotRunnable, program_file, run_program

ROOT = Path(__file__).parents[2]


def project(folder: Path, program: str) -> Path:
    (folder / "Pulumi.yaml").write_text("name: messages\nruntime: python\n")
    (folder / "__main__.py").write_text(program)
    return folder


def test_a_demo_whose_resources_all_fail_check_prints_one_line(tmp_path: Path) -> None:
    """Each failed registration leaves a future whose error nobody retrieves: asyncio printed each one's traceback."""
    bad = "import github_runner_groups as rg\nfor i in range(30):\n    rg.RunnerGroup(f'bad{i}', name='x' * 70)\n"
    done = subprocess.run(
        [sys.executable, "-m", "github_runner_groups.cli", "demo", "--project", str(project(tmp_path, bad))],
        capture_output=True,
        text=True,
        env={**os.environ, "PATH": str(Path(sys.executable).parent)},  # in-process, whatever is installed
        timeout=120,
    )
    assert done.returncode == 1
    (line,) = done.stderr.splitlines()
    assert line.startswith("github-runner-groups demo: pulumi-python:dynamic/github:RunnerGroup 'bad")
    assert "name is 70 characters long; use at most 64. (29 more resources failed too: " in line


def test_a_program_importing_a_package_not_installed_names_it_and_the_fix(
    fake: FakeGitHub, emulator: EmulatorServer, tmp_path: Path
) -> None:
    (tmp_path / "requirements.txt").write_text("not-installed-anywhere\n")
    with pytest.raises(ProgramNotRunnable, match=r"imports not_installed_anywhere, which is not installed") as error:
        run_program(program_file(project(tmp_path, "import not_installed_anywhere\n")), base_url=emulator.url)
    assert f"pip install -r {tmp_path / 'requirements.txt'}" in str(error.value)
    assert fake.count() == 0


def test_another_providers_resource_is_named_not_echoed(fake: FakeGitHub, emulator: EmulatorServer) -> None:
    """Echoing inputs gave the program None for a repository's id, and an error about the wrong resource."""
    import pulumi

    def program() -> None:
        pulumi.CustomResource("github:index/repository:Repository", "orders", {"name": "orders"})

    with pytest.raises(ProgramNotRunnable, match=r"'orders' belongs to another provider \(github\)"):
        run_program(program, base_url=emulator.url)
    assert fake.count() == 0
