"""Run a Pulumi program through the engine-protocol rig: the program side of `pulumi up`, without the CLI.

The SDK runs the program in-process under `pulumi.runtime.set_mocks`, with a monitor that hands every custom
resource registration (type, name, inputs with secrets and unknowns, dependencies, ignoreChanges) to the rig's
Deployment, which checks, diffs and applies it through the SDK's provider server, and answers with the id and
outputs the engine would. Component resources are the program's own and echo their inputs, as under the
engine. Resources of other providers (`others`, by type token) are answered by the test, outside the state.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Mapping
from typing import Any

import dill
import pulumi
import pulumi.runtime
from pulumi.output import Unknown
from pulumi.runtime import rpc
from pulumi.runtime.mocks import MockMonitor
from pulumi.runtime.proto import resource_pb2
from pulumi.runtime.settings import reset_options
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await
from rig import PROVIDER_KEY, UNKNOWN, Deployment, Engine, Res, RunResult
from rig.program import PROJECT, STACK
from rig.wire import config_text, unwrap_secrets

DYNAMIC = "pulumi-python:dynamic/"
Program = Callable[[], None]
# Another provider's resource: (its inputs, whether this is a preview) -> (id, outputs); UNKNOWN where not known.
OtherResource = Callable[[dict[str, Any], bool], tuple[str, dict[str, Any]]]


class _NoMocks(pulumi.runtime.Mocks):
    """Nothing is mocked: the RigMonitor answers every registration itself."""

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        raise AssertionError(f"unexpected registration of {args.typ} {args.name}")

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        raise AssertionError(f"unexpected invoke of {args.token}")


class RigMonitor(MockMonitor):
    """The resource monitor of one run: registrations of dynamic resources go to the rig's Deployment."""

    def __init__(self, deployment: Deployment, others: Mapping[str, OtherResource]) -> None:
        super().__init__(_NoMocks())
        self.deployment = deployment
        self.others = others

    def RegisterResource(self, request: Any) -> Any:
        urn = self.make_urn(request.parent, request.type, request.name)
        if request.type == "pulumi:pulumi:Stack" or not request.custom:
            return resource_pb2.RegisterResourceResponse(urn=urn, object=request.object)
        properties = _sentinels(rpc.deserialize_properties(request.object, keep_unknowns=True))
        values, secrets = unwrap_secrets(properties)
        if request.type.startswith(DYNAMIC):
            res = Res(
                request.name,
                dill.loads(base64.b64decode(values[PROVIDER_KEY])),
                {k: v for k, v in values.items() if k != PROVIDER_KEY},
                type_name=request.type.removeprefix(DYNAMIC),
                ignore_changes=tuple(request.ignoreChanges),
                urn=urn,
                aliases=self._alias_urns(request),
            )
            id_, outputs = self.deployment.register(res, values, secrets, list(request.dependencies))
        else:
            id_, outputs = self.others[request.type](values, self.deployment.preview)
        answer = _sync_await(rpc.serialize_properties(outputs, {}))
        return resource_pb2.RegisterResourceResponse(urn=urn, id="" if id_ == UNKNOWN else id_, object=answer)

    def _alias_urns(self, request: Any) -> tuple[str, ...]:
        """The old URNs `ResourceOptions(aliases=[...])` names, as the engine resolves alias specs: an unset name,
        type, or parent is the resource's own (`no_parent`: none); another stack or project's URN cannot be in
        this stack's state, so it is kept as the engine would compute it and simply never matches."""
        urns: list[str] = [*request.aliasURNs]
        for alias in request.aliases:
            if alias.urn:
                urns.append(alias.urn)
                continue
            spec = alias.spec
            parent = "" if spec.noParent else (spec.parentUrn or request.parent)
            urn = self.make_urn(parent, spec.type or request.type, spec.name or request.name)
            if spec.project or spec.stack:
                qualified_type, name = urn.split("::")[2:]
                urn = f"urn:pulumi:{spec.stack or STACK}::{spec.project or PROJECT}::{qualified_type}::{name}"
            urns.append(urn)
        return tuple(dict.fromkeys(urns))


def _sentinels(value: Any) -> Any:
    """Unknowns (in preview) as the engine carries them on the wire: the UNKNOWN sentinel, anywhere in the value."""
    if isinstance(value, Unknown):
        return UNKNOWN
    if isinstance(value, dict):
        return {k: _sentinels(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_sentinels(v) for v in value]
    return value


def driver(
    stack: Engine, program: Program, config: Mapping[str, str] | None = None, others: Mapping[str, OtherResource] = {}
) -> Callable[[Deployment], None]:
    """Runs `program` once per process of a run, seeing the stack config (plus `config`) through pulumi.Config."""

    def drive(deployment: Deployment) -> None:
        settings = {**{k: config_text(v) for k, v in stack.config.items()}, **(config or {})}
        reset_options()  # a new root stack: the SDK's runtime state is global to the process
        pulumi.runtime.set_all_config(settings, sorted(stack.secret_keys))
        try:
            monitor = RigMonitor(deployment, others)
            pulumi.runtime.set_mocks(
                _NoMocks(), project=PROJECT, stack=STACK, preview=deployment.preview, monitor=monitor
            )
            _sync_await(run_pulumi_func(program))
        finally:
            pulumi.runtime.set_all_config({})
            reset_options()

    return drive


def up(stack: Engine, program: Program, **options: Any) -> RunResult:
    """`pulumi up` of `program`: a preview in one provider process, then the update in a fresh one."""
    return stack.up_with(driver(stack, program, **options))


def preview(stack: Engine, program: Program, **options: Any) -> RunResult:
    return stack.preview_with(driver(stack, program, **options))
