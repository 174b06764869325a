"""The package as another repository installs it: its metadata, its version, the examples' requirements."""

from __future__ import annotations

import re
import sys
from importlib.metadata import version
from pathlib import Path

import pytest
from github_runner_groups import cli

ROOT = Path(__file__).resolve().parents[2]
NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def _pyproject() -> dict[str, object]:
    if sys.version_info < (3, 11):
        pytest.skip("tomllib is Python 3.11+")
    import tomllib

    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def _names(requirements: list[str]) -> list[str]:
    found = [NAME.match(requirement) for requirement in requirements]
    return [match.group(1).lower().replace("_", "-") for match in found if match]


def test_no_requirement_is_listed_twice() -> None:
    project = _pyproject()["project"]
    assert isinstance(project, dict)
    lists = {"dependencies": project["dependencies"], **project["optional-dependencies"]}
    for where, requirements in lists.items():
        names = _names(requirements)
        assert sorted(names) == sorted(set(names)), f"{where} lists a requirement twice: {names}"


def test_version_is_the_installed_distributions(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as shown:
        cli.main(["--version"])
    assert shown.value.code == 0
    assert capsys.readouterr().out == f"github-runner-groups {version('github-runner-groups')}\n"


def test_the_changelog_has_a_section_for_this_version() -> None:
    assert f"\n## {version('github-runner-groups')}\n" in (ROOT / "CHANGELOG.md").read_text()


@pytest.mark.parametrize("example", sorted(p.parent.name for p in (ROOT / "examples").glob("*/__main__.py")))
def test_each_example_installs_this_repository_as_it_stands(example: str) -> None:
    """From the example's folder, where `pulumi up` installs its requirements.txt."""
    folder = ROOT / "examples" / example
    lines = [line.strip() for line in (folder / "requirements.txt").read_text().splitlines()]
    (path,) = [line.removeprefix("-e").strip() for line in lines if line.startswith(("-e ", "."))]
    assert (folder / path).resolve() == ROOT
    assert 'name = "github-runner-groups"' in (ROOT / "pyproject.toml").read_text()
