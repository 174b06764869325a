"""The README's quick-start program runs against the emulator as shown: its groups are new to the demo org."""

from __future__ import annotations

import re
from pathlib import Path

from github_runner_groups.testing import EmulatorServer, FakeGitHub
from github_runner_groups.testing.mocks import run_program

README = Path(__file__).parents[2] / "README.md"


def test_the_readme_quick_start_program_creates_its_groups(fake: FakeGitHub, emulator: EmulatorServer) -> None:
    blocks = re.findall(r"^```python\n(.*?)^```", README.read_text(), re.DOTALL | re.MULTILINE)
    program = next(block for block in blocks if "rg.RunnerGroup(" in block)
    seeded = {group["name"] for group in fake.groups("acme")}

    def run() -> None:
        exec(compile(program, "README.md", "exec"), {"__name__": "__main__"})

    created = run_program(run, base_url=emulator.url)
    made = {r.outputs["name"] for r in created if r.type.endswith(":RunnerGroup")}
    assert made and made.isdisjoint(seeded)  # no name the emulator's org already has (build-linux did)
    assert {group["name"] for group in fake.groups("acme")} == seeded | made
    assert fake.count("POST") == len(made)  # each group and its inline lists: one POST
