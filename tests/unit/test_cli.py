"""The `github-runner-groups` command as a new user meets it: the emulator on a port, a demo that ends cleanly."""

from __future__ import annotations

import asyncio
import gc
import io
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from github_runner_groups import cli, demo
from github_runner_groups.testing import DEMO_TOKEN

ROOT = Path(__file__).parents[2]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _command(*args: str) -> list[str]:
    return [sys.executable, "-m", "github_runner_groups.cli", *args]


def _without_pulumi() -> dict[str, str]:
    """The demo in-process, whatever is installed: only the interpreter's own directory on PATH."""
    return {**os.environ, "PATH": str(Path(sys.executable).parent)}


def test_emulator_serves_on_the_port_the_readme_gives() -> None:
    port = _free_port()
    server = subprocess.Popen(_command("emulator", "--port", str(port)), stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        assert f"http://127.0.0.1:{port}" in server.stdout.readline()
        answer = requests.get(
            f"http://127.0.0.1:{port}/orgs/acme/actions/runner-groups",
            headers={"Authorization": f"Bearer {DEMO_TOKEN}"},
            timeout=10,
        )
        assert answer.status_code == 200
        assert "build-linux" in {group["name"] for group in answer.json()["runner_groups"]}
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_emulator_help_is_the_emulators_own(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as shown:
        cli.main(["emulator", "--help"])
    assert shown.value.code == 0
    assert "--port" in capsys.readouterr().out


def test_other_commands_still_refuse_unknown_options(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as usage:
        cli.main(["export", "--org", "acme", "--port", "8080"])
    assert usage.value.code == 2
    assert "unrecognized arguments: --port 8080" in capsys.readouterr().err


def test_demo_leaves_no_event_loop_open() -> None:
    """What made the interpreter's shutdown print "Exception ignored ... Invalid file descriptor: -1"."""
    before = {id(o) for o in gc.get_objects() if isinstance(o, asyncio.BaseEventLoop)}
    assert demo.run(ROOT, out=io.StringIO()) == 0
    gc.collect()
    left_open = [
        loop
        for loop in gc.get_objects()
        if isinstance(loop, asyncio.BaseEventLoop) and id(loop) not in before and not loop.is_closed()
    ]
    assert left_open == []


def test_make_demo_ends_cleanly() -> None:
    done = subprocess.run(
        _command("demo", "--project", str(ROOT)), capture_output=True, text=True, env=_without_pulumi(), timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert "ci-linux" in done.stdout and "GitHub API calls:" in done.stdout
    audit = done.stdout.split("$ github-runner-groups audit --org acme --sensitive-label gpu")[1]
    assert "Runner exposure of org 'acme'" in audit
    assert "'ci-linux'" not in audit.split("findings:")[1] and "'gpu'" not in audit.split("findings:")[1]


def test_the_quickstart_spec_adds_no_finding(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Users copy it: our own audit of what applying it would change (exit 3 on any new finding) stays silent."""
    from github_runner_groups.client import reset_clients
    from github_runner_groups.testing import FakeGitHub, serve

    with serve(FakeGitHub.seeded("demo")) as server:
        monkeypatch.setenv("GITHUB_TOKEN", DEMO_TOKEN)
        monkeypatch.setenv("GITHUB_BASE_URL", server.url)
        monkeypatch.chdir(ROOT)
        reset_clients()
        code = cli.main(["audit", "--spec", "runner-groups.yaml", "--sensitive-label", "gpu", "--fail-on", "info"])
        reset_clients()
    printed = capsys.readouterr().out
    assert code == 0, printed
    assert "resolved" in printed and "added" not in printed


def _emulator_fails(*args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(_command("emulator", *args), capture_output=True, text=True, timeout=60)
    assert done.returncode != 0 and done.stdout == ""
    return done


def test_a_busy_port_is_one_line_saying_what_to_do() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        done = _emulator_fails("--port", str(taken.getsockname()[1]))
    (line,) = done.stderr.splitlines()
    assert "the port is in use by another program; pick another with --port" in line


def test_an_unknown_host_is_one_line() -> None:
    (line,) = _emulator_fails("--host", "no-such-host.invalid", "--allow-remote").stderr.splitlines()[1:]
    assert line.startswith("emulator: cannot listen on no-such-host.invalid:0: no such host")


def test_a_host_beyond_loopback_needs_allow_remote_and_then_warns() -> None:
    (line,) = _emulator_fails("--host", "0.0.0.0").stderr.splitlines()
    assert "is not a loopback address" in line and "--allow-remote" in line
    port = _free_port()
    server = subprocess.Popen(
        _command("emulator", "--host", "0.0.0.0", "--allow-remote", "--port", str(port)),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None and server.stderr is not None
        assert f":{port}" in server.stdout.readline()
        assert server.stderr.readline().startswith("warning: serving on 0.0.0.0: anyone who can reach it")
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_the_enterprise_seed_prints_the_enterprise_setting() -> None:
    port = _free_port()
    server = subprocess.Popen(
        _command("emulator", "--seed", "enterprise", "--port", str(port)), stdout=subprocess.PIPE, text=True
    )
    try:
        assert server.stdout is not None
        assert "(ghec)" in server.stdout.readline()
        assert "GITHUB_ENTERPRISE=acme-corp" in server.stdout.readline()
        answer = requests.get(
            f"http://127.0.0.1:{port}/orgs/acme-labs",
            headers={"Authorization": f"Bearer {DEMO_TOKEN}"},
            timeout=10,
        )
        assert answer.status_code == 200
    finally:
        server.terminate()
        server.wait(timeout=10)
