"""Every shell command README.md and docs/*.md show, run against the emulator as a reader would run it.

Each ```sh block runs as one bash script (`set -euo pipefail`) in a scratch folder holding a copy of the
repository's quickstart files (`runner-groups.yaml`, `Pulumi.yaml`, `__main__.py`, `examples/`), with this
interpreter's `github-runner-groups` first on PATH and the settings the emulator prints (`GITHUB_BASE_URL`,
`GITHUB_TOKEN`, `GITHUB_OWNER=acme`) in the environment, against a fresh demo emulator on a free port: the
address the docs give, 127.0.0.1:8080, is replaced by that port's. The line before a block may hold a marker:

    <!-- docs-test: skip (REASON) -->     the block is not run here; REASON says what it needs (github.com,
                                          the pulumi CLI, a network install, ...)
    <!-- docs-test: flavour NAME -->      the emulator plays flavour NAME (e.g. ghes-3.19)
    <!-- docs-test: seed NAME -->         the emulator starts from seed NAME (enterprise: GHEC, `acme-corp`)

A block with neither runs, and must exit 0; a command whose comment starts with `exit N` (`... --fail-on high
# exit 3 on a high finding`) must exit N instead.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from github_runner_groups.testing import DEMO_TOKEN, FakeGitHub, serve

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTED_ADDRESS = "127.0.0.1:8080"
FENCE = re.compile(
    r"^(?P<indent>[ \t]*)(?:<!-- docs-test: (?P<marker>[^>]*?) -->\n(?P=indent))?"
    r"```(?P<lang>[a-z]*)\n(?P<body>.*?)^(?P=indent)```",
    re.DOTALL | re.MULTILINE,
)
SHELLS = ("sh", "bash", "shell", "console")
COPIED = ("runner-groups.yaml", "Pulumi.yaml", "__main__.py", "examples")
EXPECTED_EXIT = re.compile(r"^(?P<command>[^#]*\S)\s+#\s*exit (?P<code>[0-9]+)\b.*$")


def as_script(block: str) -> str:
    """The block as bash runs it, each `# exit N` command checked for that exit code."""
    lines = ["set -euo pipefail"]
    for line in block.splitlines():
        expected = EXPECTED_EXIT.match(line)
        if expected:
            command, code = expected.group("command"), expected.group("code")
            line = (
                f"code=0; {command} || code=$?; "
                f'[ "$code" -eq {code} ] || {{ echo "expected exit {code}, got $code: {command}" >&2; exit 1; }}'
            )
        lines.append(line)
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Block:
    file: str
    line: int
    marker: str | None
    script: str

    @property
    def id(self) -> str:
        return f"{self.file}:{self.line}"


def documents() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def shell_blocks(path: Path) -> list[Block]:
    """The shell code blocks of one Markdown file, each with its marker (None when it has none)."""
    text = path.read_text()
    blocks = []
    for match in FENCE.finditer(text):
        if match.group("lang") not in SHELLS:
            continue
        indent = match.group("indent")
        body = "\n".join(line.removeprefix(indent) for line in match.group("body").splitlines())
        line = text.count("\n", 0, match.start("body"))
        blocks.append(Block(str(path.relative_to(ROOT)), line, match.group("marker"), body))
    return blocks


ALL_BLOCKS = [block for path in documents() for block in shell_blocks(path)]


def test_a_command_documented_to_exit_3_must_exit_3(tmp_path: Path) -> None:
    script = as_script("true  # exit 0\nfalse  # exit 1 when it fails\n")
    assert subprocess.run(["bash", "-c", script], cwd=tmp_path, check=False).returncode == 0
    wrong = as_script("true  # exit 3 on a finding\n")
    assert subprocess.run(["bash", "-c", wrong], cwd=tmp_path, capture_output=True, check=False).returncode == 1


def test_the_docs_show_shell_commands_and_mark_every_one_not_run_with_its_reason() -> None:
    assert len([b for b in ALL_BLOCKS if b.marker is None]) >= 3
    for block in ALL_BLOCKS:
        if block.marker is not None:
            assert re.fullmatch(r"skip \(.{10,}\)|(flavour|seed) [a-z0-9.-]+", block.marker), (
                f"{block.id}: the marker {block.marker!r} must be `skip (REASON)`, `flavour NAME` or `seed NAME`"
            )


@pytest.mark.parametrize(
    "block", [b for b in ALL_BLOCKS if not (b.marker or "").startswith("skip")], ids=lambda block: block.id
)
def test_documented_command_runs_against_the_emulator(block: Block, tmp_path: Path) -> None:
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name)
        else:
            shutil.copy(source, tmp_path / name)
    kind, _, name = (block.marker or "").partition(" ")
    seeded = FakeGitHub.seeded(name if kind == "seed" else "demo", flavour=name if kind == "flavour" else None)
    with serve(seeded) as server:
        address = server.url.removeprefix("http://").split("/")[0]
        env = {key: value for key, value in os.environ.items() if not key.startswith("GITHUB_")}
        env.update(
            PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
            GITHUB_BASE_URL=server.url,
            GITHUB_TOKEN=DEMO_TOKEN,
            GITHUB_OWNER="acme",
        )
        script = as_script(block.script.replace(DOCUMENTED_ADDRESS, address))
        done = subprocess.run(
            ["bash", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=180, check=False
        )
    assert done.returncode == 0, f"{block.id} exited {done.returncode}:\n{block.script}\n{done.stdout}{done.stderr}"
