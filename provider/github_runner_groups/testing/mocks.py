"""Run a Pulumi program in-process, with mocks that call the real dynamic providers (no engine, no CLI).

Where the Pulumi CLI is absent, this is how the demo and the program tests run the examples:
`pulumi.runtime.set_mocks` hands every resource registration to `ProviderMocks`, which unpickles the resource's
own provider and runs its check and create against GitHub (or the emulator). It is an `up` of a new stack, not the
engine: no diff, update or delete happens, and outputs come back in one pass.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import os
import runpy
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dill
import pulumi
import pulumi.runtime
from pulumi.dynamic import ResourceProvider
from pulumi.runtime import rpc
from pulumi.runtime.settings import reset_options
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

from .. import resolve
from ..client import reset_clients
from ..errors import GitHubRunnerGroupsError
from .fake import DEMO_TOKEN

PROVIDER_KEY = "__provider"
# Stack config every mocked run starts from: no pause between writes (the emulator's limits are off by default).
MOCK_CONFIG = {"github:writeDelayMs": "0"}
# Mock outputs for resource types of other providers that a program uses, by type token.
OtherResource = Callable[[pulumi.runtime.MockResourceArgs], tuple[str, dict[str, Any]]]


class ProgramCheckFailed(GitHubRunnerGroupsError):
    """A resource's inputs failed check: what `pulumi preview` would have reported."""


class ProgramNotRunnable(GitHubRunnerGroupsError):
    """The program needs what an in-process run cannot give it: a package not installed, another provider."""


@dataclass
class MockedResource:
    type: str
    name: str
    id: str
    outputs: dict[str, Any]


class ProviderMocks(pulumi.runtime.Mocks):
    """Dynamic resources go through their provider's check and create; other types through `others` (or echo)."""

    def __init__(self, others: Mapping[str, OtherResource] | None = None) -> None:
        self.others = dict(others or {})
        self.resources: list[MockedResource] = []
        self.failed: list[str] = []  # names of the resources whose registration failed, in order

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        try:
            return self._new_resource(args)
        except GitHubRunnerGroupsError:
            self.failed.append(args.name)
            raise

    def _new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        if args.typ.startswith("pulumi-python:dynamic"):
            id_, outputs = _create(args)
        elif args.typ in self.others:
            id_, outputs = self.others[args.typ](args)
        elif getattr(args, "custom", True):
            # Echoing its inputs would hand the program None for every output (a repository's id, say) and fail
            # later with a message about the wrong resource.
            raise ProgramNotRunnable(
                f"{args.typ} '{args.name}' belongs to another provider ({args.typ.split(':')[0]}), whose resources "
                "an in-process run cannot create (no engine, no plugin): run this program with the pulumi CLI. "
                "tests/program shows how a test stands in for them."
            )
        else:  # a component: nothing to create
            id_, outputs = f"{args.name}-id", dict(args.inputs)
        self.resources.append(MockedResource(args.typ, args.name, id_, outputs))
        return id_, outputs

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        return {}, None


def _create(args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
    # The mock monitor leaves secrets wrapped ({sig, value}); the engine would unwrap them for the provider.
    inputs = {key: value.get("value") if _is_secret(value) else value for key, value in args.inputs.items()}
    provider: ResourceProvider = dill.loads(base64.b64decode(inputs[PROVIDER_KEY]))  # noqa: S301 - our own pickle
    checked = provider.check({}, inputs)
    if checked.failures:
        reasons = "; ".join(f"{f.property}: {f.reason}" for f in checked.failures)
        raise ProgramCheckFailed(f"{args.typ} '{args.name}': {reasons}")
    checked_inputs = dict(checked.inputs or {})
    created = provider.create(checked_inputs)
    merged = {**checked_inputs, **(created.outs or {})}
    return str(created.id), {key: value for key, value in merged.items() if key != PROVIDER_KEY}


def _is_secret(value: Any) -> bool:
    return isinstance(value, dict) and value.get(rpc._special_sig_key) == rpc._special_secret_sig


def run_program(
    program: Callable[[], None],
    *,
    base_url: str,
    token: str = DEMO_TOKEN,
    owner: str = "acme",
    config: Mapping[str, str] | None = None,
    others: Mapping[str, OtherResource] | None = None,
    paced: bool = False,
) -> list[MockedResource]:
    """Run `program` as a fresh `pulumi up` would create its resources, against the GitHub at `base_url`.

    The providers read their settings from the environment (nothing calls `configure` under mocks), the write
    spacing included: unpaced unless `paced` (then GitHub's pacing defaults apply). The program sees
    `MOCK_CONFIG` (unless `paced`), github:owner and `config` (which wins) through `pulumi.Config`. Process-wide
    caches are cleared first, as a new provider process would start without them.
    """
    mocks = ProviderMocks(others)
    program_config = {**({} if paced else MOCK_CONFIG), "github:owner": owner, **(config or {})}
    settings = {"GITHUB_BASE_URL": base_url, "GITHUB_TOKEN": token, "GITHUB_OWNER": owner}
    if "github:writeDelayMs" in program_config:
        settings["GITHUB_WRITE_DELAY_MS"] = program_config["github:writeDelayMs"]
    with _environment(settings), _reported_failures_quiet():
        reset_clients()
        resolve.forget()
        reset_options()  # a new root stack: the SDK's runtime state is global to the process
        pulumi.runtime.set_all_config(program_config)
        try:
            pulumi.runtime.set_mocks(mocks, project="runner-groups", stack="mock", preview=False)
            _sync_await(run_pulumi_func(program))
        except GitHubRunnerGroupsError as failure:
            also = [name for name in mocks.failed if f"'{name}'" not in str(failure)]
            if also:
                shown = ", ".join(also[:5]) + (", ..." if len(also) > 5 else "")
                raise type(failure)(f"{failure} ({len(also)} more resources failed too: {shown})") from None
            raise
        finally:
            pulumi.runtime.set_all_config({})
            reset_options()
    return mocks.resources


def _quiet_handler(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    """Drop asyncio's "Future exception was never retrieved" for our own errors: run_program reports them, once.

    Every resource whose registration failed leaves such a future; left to the default handler, each prints its
    traceback (thousands of lines for a program of a few dozen resources) after the one message that matters.
    """
    if isinstance(context.get("exception"), GitHubRunnerGroupsError):
        return
    loop.default_exception_handler(context)


@contextmanager
def _reported_failures_quiet() -> Iterator[None]:
    """Every event loop the run makes (and the current one) hands our own errors to `_quiet_handler`."""
    policy = asyncio.get_event_loop_policy()
    new_event_loop = policy.new_event_loop

    def quiet() -> asyncio.AbstractEventLoop:
        loop = new_event_loop()
        loop.set_exception_handler(_quiet_handler)
        return loop

    policy.new_event_loop = quiet  # type: ignore[method-assign]
    with contextlib.suppress(RuntimeError):  # no current loop yet: the run makes one
        asyncio.get_event_loop_policy().get_event_loop().set_exception_handler(_quiet_handler)
    try:
        yield
    finally:
        policy.new_event_loop = new_event_loop  # type: ignore[method-assign]


def program_file(directory: str | Path) -> Callable[[], None]:
    """The `__main__.py` of a Pulumi project directory as a program, run with that directory as cwd."""
    folder = Path(directory).resolve()

    def program() -> None:
        previous = Path.cwd()
        os.chdir(folder)
        try:
            runpy.run_path(str(folder / "__main__.py"), run_name="__main__")
        except ModuleNotFoundError as missing:
            requirements = folder / "requirements.txt"
            fix = f"pip install -r {requirements}" if requirements.exists() else f"install {missing.name}"
            raise ProgramNotRunnable(
                f"{folder / '__main__.py'} imports {missing.name}, which is not installed in this Python "
                f"({sys.executable}): {fix}."
            ) from None
        finally:
            os.chdir(previous)

    return program


@contextmanager
def _environment(values: Mapping[str, str]) -> Iterator[None]:
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
