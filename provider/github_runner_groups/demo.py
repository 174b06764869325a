"""`github-runner-groups demo`: the quickstart against the embedded GitHub emulator, nothing else needed.

With the Pulumi CLI on PATH the quickstart runs for real (local file backend, a throwaway stack: up, a second
preview that must show no changes, destroy). Without it the same program runs in-process under
`pulumi.runtime.set_mocks`, with mocks that call the real providers: the demo says which one ran. It ends
with the runner exposure audit of the demo org.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from .errors import ConfigError
from .testing import DEMO_TOKEN, SEEDED_ENTERPRISE, FakeGitHub, SecondaryLimits, serve

ORG = "acme"
WRITES = ("POST", "PATCH", "PUT", "DELETE")


def run(project_dir: str | Path, out: TextIO = sys.stdout, seed: str = "demo") -> int:
    """Run the quickstart in `project_dir` (Pulumi.yaml, __main__.py, runner-groups.yaml); 0 on success.

    `seed` "enterprise" serves GitHub Enterprise Cloud with the enterprise `acme-corp` (orgs `acme`, `acme-labs`)
    and sets the stack's default enterprise to it: what examples/enterprise needs.
    """
    project = Path(project_dir).resolve()
    if not (project / "Pulumi.yaml").exists():
        print(f"demo: no Pulumi.yaml in {project}: run it from the repository root (`make demo`).", file=out)
        return 1
    try:
        fake = FakeGitHub.seeded(seed, secondary_limits=SecondaryLimits())
    except ValueError as error:
        raise ConfigError(f"--seed {seed}: {error}") from None
    stack = {"github-runner-groups:enterprise": SEEDED_ENTERPRISE} if fake.enterprises else {}
    with serve(fake) as server:
        print(
            f"GitHub emulator on {server.url}, org '{ORG}', with GitHub's secondary rate limits "
            "(nothing leaves this machine).\n",
            file=out,
        )
        print("Before:", file=out)
        _print_groups(fake, out)
        pulumi_cli = shutil.which("pulumi")
        if pulumi_cli:
            code = _run_cli(pulumi_cli, project, server.url, out, stack)
        else:
            print(
                "\npulumi CLI not found on PATH: running the quickstart in-process under pulumi.runtime.set_mocks, "
                "with mocks that call the real providers against the emulator (this is not the Pulumi engine: "
                "install the CLI to see a real `pulumi up`).",
                file=out,
            )
            code = _run_mocked(project, server.url, out, stack)
        print("\nAfter:", file=out)
        _print_groups(fake, out)
        calls = {method: fake.count(method=method) for method in ("GET", *WRITES)}
        print("\nGitHub API calls: " + ", ".join(f"{m} {n}" for m, n in calls.items() if n), file=out)
        print(f"Secondary rate limit hits: {fake.secondary_limit_hits}", file=out)
        print(f"\n$ github-runner-groups audit --org {ORG} --sensitive-label gpu\n", file=out)
        _print_audit(server.url, out)
    return code


def _run_mocked(project: Path, base_url: str, out: TextIO, stack: dict[str, str]) -> int:
    from .testing.mocks import program_file, run_program

    with _event_loops_closed():
        # Writes paced as for GitHub itself (1 s apart, the default), not as the tests run them.
        resources = run_program(
            program_file(project), base_url=base_url, owner=ORG, config={"github:writeDelayMs": "1000", **stack}
        )
    for resource in resources:
        print(f"  + {resource.type:58} {resource.name:32} id={resource.id}", file=out)
    return 0


@contextmanager
def _event_loops_closed() -> Iterator[None]:
    """Close every event loop the mocked program makes, and the main loop's worker threads, when it ends.

    The SDK's mock monitor gives each of its worker threads an event loop and never closes it; left open, the
    interpreter's shutdown would close their sockets first and then print "Exception ignored ... Invalid file
    descriptor: -1" from each loop's finaliser.
    """
    made: list[asyncio.AbstractEventLoop] = []
    policy = asyncio.get_event_loop_policy()
    new_event_loop = policy.new_event_loop

    def recorded() -> asyncio.AbstractEventLoop:
        loop = new_event_loop()
        made.append(loop)
        return loop

    policy.new_event_loop = recorded  # type: ignore[method-assign]
    try:
        yield
    finally:
        policy.new_event_loop = new_event_loop  # type: ignore[method-assign]
        for loop in made:
            if not loop.is_closed() and not loop.is_running():
                loop.run_until_complete(loop.shutdown_default_executor())
                loop.close()
        if made:
            asyncio.set_event_loop_policy(None)  # a fresh policy: no thread refers to a closed loop


def _run_cli(pulumi_cli: str, project: Path, base_url: str, out: TextIO, stack: dict[str, str]) -> int:
    with tempfile.TemporaryDirectory(prefix="runner-groups-demo-") as state:
        env = {
            **os.environ,
            "PULUMI_BACKEND_URL": f"file://{state}",
            "PULUMI_CONFIG_PASSPHRASE": "demo",
            "PULUMI_SKIP_UPDATE_CHECK": "true",
        }
        for key in ("GITHUB_TOKEN", "GITHUB_OWNER", "GITHUB_BASE_URL", "GITHUB_ENTERPRISE"):
            env.pop(key, None)  # the demo's stack config alone: no warning that the environment differs

        def pulumi(*args: str, secret_input: str | None = None) -> int:
            print(f"\n$ pulumi {' '.join(args)}", file=out, flush=True)
            done = subprocess.run([pulumi_cli, *args], cwd=project, env=env, input=secret_input, text=True, check=False)
            return done.returncode

        steps: list[tuple[tuple[str, ...], str | None]] = [
            (("stack", "init", "demo"), None),
            (("config", "set", "github:owner", ORG), None),
            (("config", "set", "github:baseUrl", base_url), None),
            (("config", "set", "--secret", "github:token"), DEMO_TOKEN),
            *((("config", "set", key, value), None) for key, value in stack.items()),
            (("up", "--yes", "--skip-preview"), None),
            (("preview", "--expect-no-changes"), None),
            (("destroy", "--yes", "--skip-preview"), None),
            (("stack", "rm", "--yes", "demo"), None),
        ]
        for args, secret in steps:
            code = pulumi(*args, secret_input=secret)
            if code:
                print(f"demo: `pulumi {' '.join(args)}` failed (exit {code}).", file=out)
                return code
    return 0


def _print_audit(base_url: str, out: TextIO) -> None:
    from .audit import audit_org
    from .audit.render import render
    from .client import ClientSettings, GitHubClient

    client = GitHubClient(ClientSettings(base_url=base_url, token=DEMO_TOKEN))
    try:
        out.write(render(audit_org(client, ORG, ["gpu"]), "table"))
    finally:
        client.close()


def _print_groups(fake: FakeGitHub, out: TextIO) -> None:
    repos = {r["id"]: r["name"] for r in fake.repositories(ORG)}
    runners = {r["id"]: r["name"] for r in fake.runners(ORG)}
    print(f"  {'group':14} {'visibility':10} {'repositories':36} runners", file=out)
    for group in fake.groups(ORG):
        members = sorted(runners[i] for i in fake.group_runner_ids(ORG, group["id"]))
        shown = f"({group['visibility']} repositories)"
        if group["visibility"] == "selected":
            shown = ", ".join(sorted(repos[i] for i in fake.group_repository_ids(ORG, group["id"])))
        print(f"  {group['name']:14} {group['visibility']:10} {shown:36} {', '.join(members)}", file=out)
