"""Regenerate the audit samples in docs/audit.md by running the commands their markers name against the demo org.

    python scripts/readme_audit_samples.py          # rewrite the samples
    python scripts/readme_audit_samples.py --check  # exit 1 if a sample no longer matches its command

Each sample sits between `<!-- audit-sample: COMMAND -->` and `<!-- /audit-sample -->`; COMMAND is a
`github-runner-groups` command line, run here against the emulator's demo org (the one `make demo` starts from),
with the repository root as the working directory. Mermaid output is fenced so that GitHub draws it.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shlex
import sys
from collections.abc import Iterator
from pathlib import Path

from github_runner_groups import cli
from github_runner_groups.client import reset_clients
from github_runner_groups.testing import DEMO_TOKEN, FakeGitHub, serve

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "docs" / "audit.md"
SAMPLE = re.compile(r"(<!-- audit-sample: (?P<command>.+?) -->\n)(?P<body>.*?)(<!-- /audit-sample -->)", re.DOTALL)
PROGRAM = "github-runner-groups "


def output_of(command: str) -> str:
    """What `command` prints against a fresh demo org."""
    if not command.startswith(PROGRAM):
        raise ValueError(f"a sample's command must start with {PROGRAM!r}, got {command!r}")
    argv = shlex.split(command)[1:]
    with serve(FakeGitHub.seeded("demo")) as server, _settings(server.url):
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            code = cli.main(argv)
    if code not in (0, 1):  # 1: --fail-on found something, which a sample may well show
        raise RuntimeError(f"`{command}` exited {code}")
    text = printed.getvalue()
    return f"```mermaid\n{text}```\n" if "--format mermaid" in command else text


def regenerated(readme: str) -> str:
    return SAMPLE.sub(lambda m: m.group(1) + output_of(m.group("command")) + m.group(4), readme)


@contextlib.contextmanager
def _settings(base_url: str) -> Iterator[None]:
    values = {"GITHUB_TOKEN": DEMO_TOKEN, "GITHUB_BASE_URL": base_url, "GITHUB_OWNER": "acme"}
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    reset_clients()
    previous = Path.cwd()
    os.chdir(ROOT)
    try:
        yield
    finally:
        os.chdir(previous)
        reset_clients()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def main(argv: list[str]) -> int:
    current = README.read_text()
    fresh = regenerated(current)
    if "--check" in argv:
        if fresh != current:
            print("docs/audit.md: an audit sample no longer matches its command; run scripts/readme_audit_samples.py")
            return 1
        return 0
    README.write_text(fresh)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
