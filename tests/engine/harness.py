"""Play the Pulumi engine against the Python SDK's dynamic provider server, over gRPC.

The Pulumi CLI is not available to the test suite, so this module does what `pulumi preview/up/refresh/destroy`
do with a dynamic provider: start `python -m pulumi.dynamic` (one process per run, as the engine does), send it the
whole stack config in Configure, and call Check/Diff/Create/Update/Read/Delete with the engine's encodings:

- numbers travel as doubles, so ids and counts come back as floats (`3.0`), as they do from real state;
- unknowns (the `04da6b54-...` sentinel) appear only in preview, for values not known before the run;
- `__provider` is the dill pickle `pulumi.dynamic.Resource` sends, held as a secret; because the SDK server answers
  Configure with acceptSecrets=false, secret markers are stripped from everything sent after Configure and put back
  on the engine side (by property name, like the engine's `annotateSecrets`);
- Diff gets the old *outputs* and the checked inputs; a replacement is re-checked without olds; Read gets the old
  outputs and inputs, and its inputs (when returned) replace the state's.

Not modelled: provider resources and DiffConfig, protect/ignoreChanges/aliases/retainOnDelete, replacing the
dependents of a delete-before-replace resource, partial-create failures and `--target`.
"""

from __future__ import annotations

import atexit
import dataclasses
import json
import os
import select
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from typing import IO, Any, TypeVar

import grpc
from google.protobuf import json_format, struct_pb2
from google.protobuf.message import Message
from pulumi.dynamic import ResourceProvider
from pulumi.dynamic.dynamic import serialize_provider
from pulumi.runtime import rpc
from pulumi.runtime._grpc_settings import _GRPC_CHANNEL_OPTIONS
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

UNKNOWN = rpc.UNKNOWN
SIG_KEY = rpc._special_sig_key
SECRET_SIG = rpc._special_secret_sig
PROVIDER_KEY = "__provider"
PROJECT = "github-runner-groups"
STACK = "dev"
# How the CLI displays a secret; the transcript shows the engine's own secrets (the config) this way.
REDACTED = "[secret]"
_DIFF = provider_pb2.DiffResponse

Node = TypeVar("Node", bound=Hashable)


class HarnessError(Exception):
    """A provider call failed (gRPC status): `message` is the provider's text, as the CLI would print it."""

    def __init__(self, step: str, urn: str, message: str) -> None:
        self.step = step
        self.urn = urn
        self.message = message
        super().__init__(f"{step} {urn or '(provider)'}: {message}")


class CheckFailed(HarnessError):
    """Check returned failures: the engine stops before any write, as for a failed `pulumi preview`."""

    def __init__(self, urn: str, failures: list[tuple[str, str]]) -> None:
        self.failures = failures
        super().__init__("check", urn, "; ".join(f"{prop}: {reason}" for prop, reason in failures))


def make_urn(type_: str, name: str) -> str:
    return f"urn:pulumi:{STACK}::{PROJECT}::{type_}::{name}"


@dataclass(frozen=True)
class Later:
    """A program value the engine does not know in preview (an output of a resource not yet run), known in up."""

    value: Any


@dataclass(frozen=True)
class Ref:
    """An output of another resource of the program (`group.id`, `group.group_id`); also a dependency."""

    resource: Res
    field: str = "id"


@dataclass(eq=False)
class Res:
    """One resource registration, as `RunnerGroup(name, args, opts)` sends it to the engine.

    `inputs` is a mapping or an Args dataclass (whose fields are sent, like the Resource subclasses do); values may
    hold `Ref`s and `Later`s anywhere. Top-level None values are dropped, as the SDK drops them. `type_name`
    defaults to `github:<provider class name without "Provider">`, the names the Resource subclasses register.
    """

    name: str
    provider: ResourceProvider
    inputs: Any = field(default_factory=dict)
    type_name: str = ""
    depends_on: Sequence[Res] = ()

    def __post_init__(self) -> None:
        if not self.type_name:
            self.type_name = "github:" + type(self.provider).__name__.removesuffix("Provider")

    @property
    def type(self) -> str:
        return f"pulumi-python:dynamic/{self.type_name}"

    @property
    def urn(self) -> str:
        return make_urn(self.type, self.name)

    @cached_property
    def serialized_provider(self) -> str:
        """The `__provider` value, pickled exactly as `pulumi.dynamic.Resource` pickles it."""
        return str(serialize_provider(self.provider))

    def program_inputs(self) -> dict[str, Any]:
        if dataclasses.is_dataclass(self.inputs) and not isinstance(self.inputs, type):
            return {f.name: getattr(self.inputs, f.name) for f in dataclasses.fields(self.inputs)}
        return dict(self.inputs)

    def dependencies(self) -> list[Res]:
        return [*self.depends_on, *_refs(self.program_inputs())]

    def registration(self, ref_value: Callable[[Ref], Any], preview: bool) -> tuple[dict[str, Any], frozenset[str]]:
        """The properties the engine receives (Refs and Laters resolved) and which of them are secret."""
        values = {k: v for k, v in _resolve(self.program_inputs(), ref_value, preview).items() if v is not None}
        if PROVIDER_KEY in values:
            raise ValueError("a dynamic resource must not define the __provider key")
        values[PROVIDER_KEY] = self.serialized_provider
        secret = getattr(self.provider, "serialize_as_secret_always", True)
        return values, frozenset({PROVIDER_KEY} if secret else ())


@dataclass
class StateResource:
    """One resource of the stack's state; `secrets` are the top-level keys held as secrets (in inputs and outputs)."""

    urn: str
    type: str
    id: str
    inputs: dict[str, Any]
    outputs: dict[str, Any]
    dependencies: list[str] = field(default_factory=list)
    secrets: frozenset[str] = frozenset()

    @property
    def name(self) -> str:
        return self.urn.rsplit("::", 1)[-1]


@dataclass
class RunResult:
    """What one preview/up/refresh/destroy did: the operation per URN and the resulting (or planned) outputs.

    Operations: create, update, same, replace, delete; refresh reports update when it found drift.
    Preview outputs hold UNKNOWN where the engine would not know a value yet.
    """

    kind: str
    ops: dict[str, str] = field(default_factory=dict)
    outputs: dict[str, dict[str, Any]] = field(default_factory=dict)
    startup_seconds: float = 0.0
    seconds: float = 0.0

    def op(self, resource: Res | str) -> str:
        return self.ops[resource.urn if isinstance(resource, Res) else _urn_of(resource, self.ops)]

    @property
    def summary(self) -> dict[str, int]:
        """Counts per operation, like the CLI's summary ("+ 1 to create, 2 unchanged")."""
        return dict(Counter(self.ops.values()))


class Engine:
    """A stack (config + state) that previews, updates, refreshes and destroys programs of `Res`.

    `config` is the whole stack config (`{"github:owner": "acme"}`), `secret_keys` the keys set with `--secret`,
    `env` the provider server's environment (default: this process's). Each run starts a fresh provider server,
    like `pulumi up` starts one per run, so process-wide caches (clients, name lookups) never outlive a run;
    `process_per_run=False` keeps one server for the Engine's life instead. With `prestart` the next server is
    started while the current run works (never configured before its run, so still fresh), which hides its ~0.4 s
    of imports; `startup_seconds` records how long each run waited for its server. Independent resources run in
    up to `parallel` threads; after a failure no new step starts, running ones finish, and the first error is raised.
    `record=False` keeps only failed calls in the transcript.
    """

    def __init__(
        self,
        config: Mapping[str, Any],
        secret_keys: Iterable[str] = (),
        env: Mapping[str, str] | None = None,
        *,
        parallel: int = 4,
        process_per_run: bool = True,
        prestart: bool = True,
        timeout_seconds: float = 60.0,
        record: bool = True,
    ) -> None:
        self.config = dict(config)
        self.secret_keys = frozenset(secret_keys)
        if not self.secret_keys <= set(self.config):
            raise ValueError(f"secret keys not in config: {sorted(self.secret_keys - set(self.config))}")
        self.env = dict(os.environ if env is None else env)
        self.parallel = parallel
        self.process_per_run = process_per_run
        self.prestart = prestart
        self.timeout_seconds = timeout_seconds
        # Turning every message into JSON is the rig's CPU, not the run's: the benchmark switches it off.
        self.record = record
        self.state: dict[str, StateResource] = {}
        # Replaced resources whose delete (create-before-delete) has not succeeded yet; retried by up and destroy.
        self.pending_deletes: list[StateResource] = []
        self.startup_seconds: list[float] = []
        self._entries: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._runs = 0
        self._shared: _ProviderServer | None = None

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._shared is not None:
            self._shared.close()
            self._shared = None

    # Runs

    def preview(self, resources: Sequence[Res]) -> RunResult:
        """Check and Diff every resource, never Create/Update/Delete; the state is left as it was."""
        return self._deploy("preview", resources)

    def up(self, resources: Sequence[Res]) -> RunResult:
        """Bring the state and GitHub to `resources`: create, update, replace, and delete what the program dropped."""
        return self._deploy("up", resources)

    def refresh(self) -> RunResult:
        """Read every resource; a resource Read reports gone (empty id) leaves the state."""
        with self._run("refresh") as (server, result):

            def read(urn: str) -> None:
                old = self.state[urn]
                id_, outputs, inputs = server.read(old)
                if not id_:
                    self._forget(urn)
                    result.ops[urn] = "delete"
                    return
                new = dataclasses.replace(
                    old,
                    id=id_,
                    outputs=outputs,
                    inputs=old.inputs if inputs is None else inputs,
                )
                self._store(new)
                result.ops[urn] = "same" if (new.outputs, new.inputs) == (old.outputs, old.inputs) else "update"
                result.outputs[urn] = new.outputs

            self._run_graph(list(self.state), {}, read)
        return result

    def destroy(self) -> RunResult:
        """Delete every resource, dependents before what they depend on."""
        with self._run("destroy") as (server, result):
            self._delete_all(server, result, list(self.state))
        return result

    # State and records

    def get(self, name: str) -> StateResource:
        """The state entry of the resource called `name` (KeyError when absent)."""
        return self.state[_urn_of(name, self.state)]

    def calls(self, method: str | None = None) -> list[dict[str, Any]]:
        """Recorded exchanges (`run`, `method`, `urn`, `request`, `response` or `error`), oldest first."""
        with self._lock:
            return [json.loads(json.dumps(e)) for e in self._entries if method is None or e["method"] == method]

    def transcript(self) -> str:
        """Every request and response of every run, and each provider server's stderr, as JSON text.

        Recorded verbatim except the engine's own secrets (config set with --secret) in Configure, shown as
        "[secret]" the way the CLI shows them: anything the provider sends back appears exactly as sent.
        """
        with self._lock:
            return json.dumps(self._entries, indent=1)

    def state_blob(self) -> str:
        """The state as `pulumi stack export --show-secrets` prints it: secrets as {sig, plaintext}."""
        resources = [_blob_entry(r) for r in self.state.values()]
        resources += [{**_blob_entry(r), "delete": True} for r in self.pending_deletes]
        deployment = {"manifest": {"version": "tests/engine/harness.py"}, "resources": resources}
        return json.dumps({"version": 3, "deployment": deployment}, indent=2)

    # Internals

    def _deploy(self, kind: str, resources: Sequence[Res]) -> RunResult:
        preview = kind == "preview"
        program = _Program(resources)
        planned: dict[str, tuple[str, dict[str, Any]]] = {}  # preview: urn -> (id, outputs) the program would see

        def ref_value(ref: Ref) -> Any:
            urn = ref.resource.urn
            id_, outputs = planned[urn] if preview else (self.state[urn].id, self.state[urn].outputs)
            return id_ if ref.field == "id" else outputs.get(ref.field, UNKNOWN if preview else None)

        with self._run(kind) as (server, result):

            def step(urn: str) -> None:
                res = program.resources[urn]
                news, secrets = res.registration(ref_value, preview)
                old = self.state.get(urn)
                inputs = server.check(res, old.inputs if old else {}, news, secrets)
                diff = None if old is None else server.diff(old, inputs, secrets)
                op = "create" if old is None else _decide(diff, old, inputs)
                if op == "replace":
                    # The engine re-checks a replacement without olds so that defaults are computed afresh.
                    inputs = server.check(res, {}, news, secrets)
                result.ops[urn] = op
                if preview:
                    known_id = UNKNOWN if old is None or op == "replace" else old.id
                    planned[urn] = (known_id, old.outputs if op == "same" and old else inputs)
                    result.outputs[urn] = planned[urn][1]
                    return
                delete_first = bool(diff is not None and diff.deleteBeforeReplace)
                new = self._apply(server, op, res, old, inputs, secrets, program.dependencies[urn], delete_first)
                result.outputs[urn] = new.outputs

            try:
                self._run_graph(list(program.resources), program.dependencies, step)
                dropped = [urn for urn in self.state if urn not in program.resources]
                if preview:
                    result.ops.update(dict.fromkeys(dropped, "delete"))
                else:
                    self._delete_all(server, result, dropped)
            finally:
                order = [*(u for u in program.resources if u in self.state), *self.state]
                self.state = {urn: self.state[urn] for urn in dict.fromkeys(order)}
        return result

    def _apply(
        self,
        server: _ProviderServer,
        op: str,
        res: Res,
        old: StateResource | None,
        inputs: dict[str, Any],
        secrets: frozenset[str],
        dependencies: list[str],
        delete_first: bool,
    ) -> StateResource:
        """Carry out one decided operation and record it in the state.

        A same step keeps the old outputs but takes the new inputs; a replacement deletes the old resource first
        when Diff asked for deleteBeforeReplace, else after the whole run (the old one becomes a pending delete).
        """
        new = StateResource(res.urn, res.type, "", inputs, {}, dependencies, secrets)
        if old is not None and op in ("same", "update"):
            new.id, new.outputs = old.id, old.outputs
            if op == "update":
                new.outputs, returned_secrets = server.update(old, inputs, secrets)
                new.secrets |= returned_secrets
        else:
            if old is not None and delete_first:
                server.delete(old)
                self._forget(old.urn)
            elif old is not None:
                with self._lock:
                    self.pending_deletes.append(old)
            new.id, new.outputs, returned_secrets = server.create(res, inputs, secrets)
            new.secrets |= returned_secrets
        self._store(new)
        return new

    def _delete_all(self, server: _ProviderServer, result: RunResult, urns: list[str]) -> None:
        """Delete pending replaced resources, then `urns` with dependents first (as destroy orders them)."""
        for old in list(self.pending_deletes):
            server.delete(old)
            with self._lock:
                self.pending_deletes.remove(old)
        targets = set(urns)
        dependents: dict[str, set[str]] = {urn: set() for urn in urns}
        for urn in urns:
            for dependency in self.state[urn].dependencies:
                if dependency in targets:
                    dependents[dependency].add(urn)

        def delete(urn: str) -> None:
            server.delete(self.state[urn])
            self._forget(urn)
            result.ops[urn] = "delete"

        self._run_graph(urns, dependents, delete)

    def _store(self, resource: StateResource) -> None:
        with self._lock:
            self.state[resource.urn] = resource

    def _forget(self, urn: str) -> None:
        with self._lock:
            self.state.pop(urn, None)

    @contextmanager
    def _run(self, kind: str) -> Iterator[tuple[_ProviderServer, RunResult]]:
        """One run: a configured provider server (fresh unless process_per_run=False) and the result to fill."""
        self._runs += 1
        label = f"{self._runs}:{kind}"
        started = time.perf_counter()
        if self.process_per_run:
            server = _ProviderServer(self, label)
        else:
            if self._shared is None:
                self._shared = _ProviderServer(self, label)
            server = self._shared
            server.run = label
        result = RunResult(kind, startup_seconds=server.startup_seconds if server.run_count == 0 else 0.0)
        server.run_count += 1
        self.startup_seconds.append(result.startup_seconds)
        try:
            yield server, result
        finally:
            if self.process_per_run:
                server.close()
            result.seconds = time.perf_counter() - started

    def _run_graph(
        self, nodes: list[Node], dependencies: Mapping[Node, Iterable[Node]], work: Callable[[Node], None]
    ) -> None:
        """Run `work` on each node once its dependencies (among `nodes`) are done, `parallel` at a time.

        Like the engine: after a failure no new node starts, running ones finish, then the first error is raised
        (the transcript holds any others).
        """
        members = set(nodes)
        waiting = {node: set(dependencies.get(node, ())) & members for node in nodes}
        done: set[Node] = set()
        errors: list[BaseException] = []
        running: dict[Future[None], Node] = {}
        slots = max(1, self.parallel)
        with ThreadPoolExecutor(max_workers=slots) as pool:
            while waiting or running:
                ready = [n for n, deps in waiting.items() if deps <= done] if not errors else []
                for node in ready[: slots - len(running)]:
                    del waiting[node]
                    running[pool.submit(work, node)] = node
                if not running:
                    break
                finished, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in finished:
                    node = running.pop(future)
                    error = future.exception()
                    if error is None:
                        done.add(node)
                    else:
                        errors.append(error)
        if errors:
            raise errors[0]
        if waiting:
            raise ValueError(f"dependency cycle among {sorted(map(str, waiting))}")

    def _record(self, entry: dict[str, Any]) -> None:
        with self._lock:
            self._entries.append(entry)


class _Program:
    """The resources of one preview/up by URN, each with the URNs it depends on (depends_on and Refs)."""

    def __init__(self, resources: Sequence[Res]) -> None:
        self.resources: dict[str, Res] = {}
        for res in resources:
            if res.urn in self.resources:
                raise ValueError(f"duplicate resource URN {res.urn}")
            self.resources[res.urn] = res
        self.dependencies: dict[str, list[str]] = {}
        for urn, res in self.resources.items():
            deps = list(dict.fromkeys(dep.urn for dep in res.dependencies()))
            missing = [dep for dep in deps if dep not in self.resources]
            if missing:
                raise ValueError(f"{urn} depends on resources missing from the program: {missing}")
            self.dependencies[urn] = deps


class _ProviderServer:
    """One `python -m pulumi.dynamic` process, configured with the stack config, and typed calls into it."""

    def __init__(self, engine: Engine, run: str) -> None:
        self.run = run
        self.run_count = 0
        self._engine = engine
        self._timeout = engine.timeout_seconds
        started = time.perf_counter()
        booting = _SPARES.take(engine.env) if engine.prestart else _Booting.spawn(engine.env)
        self._process, self._stderr = booting.process, booting.stderr
        try:
            port = self._read_port()
            self._channel = grpc.insecure_channel(f"127.0.0.1:{port}", options=_GRPC_CHANNEL_OPTIONS)
            grpc.channel_ready_future(self._channel).result(timeout=self._timeout)
            self._stub = provider_pb2_grpc.ResourceProviderStub(self._channel)
            self.startup_seconds = time.perf_counter() - started
            self.accept_secrets = self._configure()
        except BaseException:
            self.close()
            raise

    def _read_port(self) -> int:
        """The server prints its port on stdout once listening; anything else means it failed to start."""
        assert self._process.stdout is not None
        ready, _, _ = select.select([self._process.stdout], [], [], self._timeout)
        line = self._process.stdout.readline() if ready else b""
        if not line.strip().isdigit():
            raise RuntimeError(f"provider server did not start: {line!r} {self._stderr_text()}")
        return int(line)

    def _stderr_text(self) -> str:
        self._stderr.seek(0)
        return self._stderr.read().decode(errors="replace")

    def close(self) -> None:
        if getattr(self, "_channel", None) is not None:
            self._channel.close()
        _stop(self._process)
        text = self._stderr_text()
        if text:
            self._engine._record({"run": self.run, "method": "stderr", "urn": "", "text": text})
        self._stderr.close()

    def call(self, method: str, request: Message, urn: str = "", shown: dict[str, Any] | None = None) -> Any:
        """One RPC, recorded; a gRPC error becomes HarnessError carrying the provider's message."""
        record = self._engine.record
        entry: dict[str, Any] = {"run": self.run, "method": method, "urn": urn}
        if record:
            entry["request"] = shown or _json(request)
        try:
            response = getattr(self._stub, method)(request, timeout=self._timeout)
        except grpc.RpcError as exc:
            details = exc.details() or exc.code().name
            entry["error"] = {"code": exc.code().name, "message": details}
            self._engine._record(entry)
            raise HarnessError(method.lower(), urn, details) from None
        if record:
            entry["response"] = _json(response)
            self._engine._record(entry)
        return response

    def _configure(self) -> bool:
        """Send the whole stack config as the engine does (variables as text, args with secrets marked)."""
        config, secret_keys = self._engine.config, self._engine.secret_keys
        variables = {f"pulumi-python:config:{k}": _config_text(v) for k, v in config.items()}
        request = provider_pb2.ConfigureRequest(
            variables=variables,
            args=_marshal(config, secret_keys, keep_secrets=True),
            acceptSecrets=True,
            acceptResources=True,
            sends_old_inputs=True,
            sends_old_inputs_to_delete=True,
        )
        shown = _json(request)
        for key in secret_keys:
            shown["variables"][f"pulumi-python:config:{key}"] = REDACTED
            shown["args"][key]["value"] = REDACTED
        response = self.call("Configure", request, shown=shown)
        return bool(response.acceptSecrets)

    def _props(self, values: Mapping[str, Any], secrets: frozenset[str]) -> struct_pb2.Struct:
        return _marshal(values, secrets, keep_secrets=self.accept_secrets)

    def check(
        self, res: Res, olds: Mapping[str, Any], news: Mapping[str, Any], secrets: frozenset[str]
    ) -> dict[str, Any]:
        request = provider_pb2.CheckRequest(
            urn=res.urn,
            name=res.name,
            type=res.type,
            olds=self._props(olds, secrets),
            news=self._props(news, secrets),
        )
        response = self.call("Check", request, res.urn)
        if response.failures:
            raise CheckFailed(res.urn, [(f.property, f.reason) for f in response.failures])
        return _unmarshal(response.inputs)[0]

    def _change(self, old: StateResource, news: Mapping[str, Any], secrets: frozenset[str]) -> dict[str, Any]:
        """What Diff and Update both carry: the resource, its old outputs and inputs, and the new inputs."""
        return {
            "id": old.id,
            "urn": old.urn,
            "name": old.name,
            "type": old.type,
            "olds": self._props(old.outputs, old.secrets),
            "old_inputs": self._props(old.inputs, old.secrets),
            "news": self._props(news, secrets),
        }

    def diff(self, old: StateResource, news: Mapping[str, Any], secrets: frozenset[str]) -> Any:
        request = provider_pb2.DiffRequest(**self._change(old, news, secrets))
        return self.call("Diff", request, old.urn)

    def create(
        self, res: Res, inputs: Mapping[str, Any], secrets: frozenset[str]
    ) -> tuple[str, dict[str, Any], frozenset[str]]:
        request = provider_pb2.CreateRequest(
            urn=res.urn, name=res.name, type=res.type, properties=self._props(inputs, secrets)
        )
        response = self.call("Create", request, res.urn)
        if not response.id:
            raise HarnessError("create", res.urn, "provider returned an empty resource ID from create")
        outputs, returned = _unmarshal(response.properties)
        return response.id, outputs, returned

    def update(
        self, old: StateResource, news: Mapping[str, Any], secrets: frozenset[str]
    ) -> tuple[dict[str, Any], frozenset[str]]:
        request = provider_pb2.UpdateRequest(**self._change(old, news, secrets))
        return _unmarshal(self.call("Update", request, old.urn).properties)

    def read(self, old: StateResource) -> tuple[str, dict[str, Any], dict[str, Any] | None]:
        request = provider_pb2.ReadRequest(
            id=old.id,
            urn=old.urn,
            name=old.name,
            type=old.type,
            properties=self._props(old.outputs, old.secrets),
            inputs=self._props(old.inputs, old.secrets),
        )
        response = self.call("Read", request, old.urn)
        inputs = _unmarshal(response.inputs)[0] if response.HasField("inputs") else None
        return response.id, _unmarshal(response.properties)[0], inputs

    def delete(self, old: StateResource) -> None:
        request = provider_pb2.DeleteRequest(
            id=old.id,
            urn=old.urn,
            name=old.name,
            type=old.type,
            properties=self._props(old.outputs, old.secrets),
            old_inputs=self._props(old.inputs, old.secrets),
        )
        self.call("Delete", request, old.urn)


@dataclass
class _Booting:
    """A provider server process started but not yet talked to; its stderr goes to a file (no pipe to fill)."""

    process: subprocess.Popen[bytes]
    stderr: IO[bytes]

    @classmethod
    def spawn(cls, env: Mapping[str, str]) -> _Booting:
        stderr = tempfile.TemporaryFile()
        command = [sys.executable, "-u", "-m", "pulumi.dynamic"]  # unbuffered, as the engine's shim runs it
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=stderr, env=env)
        return cls(process, stderr)

    def discard(self) -> None:
        _stop(self.process)
        self.stderr.close()


class _Spares:
    """Provider servers started one run ahead, per environment, so that a run does not wait ~0.4 s for imports.

    A spare has never been configured or called: taking one is the same as the engine starting a fresh process.
    """

    KEEP = 2  # environments with a spare; older ones are stopped

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._spares: dict[frozenset[tuple[str, str]], _Booting] = {}

    def take(self, env: Mapping[str, str]) -> _Booting:
        key = frozenset(env.items())
        with self._lock:
            taken = self._spares.pop(key, None) or _Booting.spawn(env)
            self._spares[key] = _Booting.spawn(env)
            while len(self._spares) > self.KEEP:
                self._spares.pop(next(iter(self._spares))).discard()
        return taken

    def close(self) -> None:
        with self._lock:
            for spare in self._spares.values():
                spare.discard()
            self._spares.clear()


_SPARES = _Spares()
atexit.register(_SPARES.close)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    if process.stdout is not None:
        process.stdout.close()


def _decide(diff: Any, old: StateResource, inputs: Mapping[str, Any]) -> str:
    """The engine's reading of a DiffResponse; DIFF_UNKNOWN falls back to comparing old and new inputs."""
    if diff.changes == _DIFF.DIFF_UNKNOWN:
        changed = dict(old.inputs) != dict(inputs)
    else:
        changed = diff.changes == _DIFF.DIFF_SOME
    if not changed:
        return "same"
    return "replace" if diff.replaces else "update"


def _resolve(value: Any, ref_value: Callable[[Ref], Any], preview: bool) -> Any:
    if isinstance(value, Later):
        return UNKNOWN if preview else _resolve(value.value, ref_value, preview)
    if isinstance(value, Ref):
        return ref_value(value)
    if isinstance(value, Mapping):
        return {k: _resolve(v, ref_value, preview) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_resolve(v, ref_value, preview) for v in value]
    return value


def _refs(value: Any) -> Iterator[Res]:
    if isinstance(value, Ref):
        yield value.resource
    elif isinstance(value, Later):
        yield from _refs(value.value)
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _refs(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _refs(item)


def _marshal(values: Mapping[str, Any], secrets: Iterable[str], *, keep_secrets: bool) -> struct_pb2.Struct:
    """A property map on the wire; secret keys are wrapped in the secret signature only if the receiver accepts them."""
    wrapped = set(secrets) if keep_secrets else set()
    struct = struct_pb2.Struct()
    struct.update({k: {SIG_KEY: SECRET_SIG, "value": v} if k in wrapped else v for k, v in values.items()})
    return struct


def _unmarshal(struct: struct_pb2.Struct) -> tuple[dict[str, Any], frozenset[str]]:
    """A property map from the wire, with the top-level keys that came wrapped as secrets unwrapped and listed."""
    values = json_format.MessageToDict(struct)
    secret = frozenset(k for k, v in values.items() if isinstance(v, dict) and v.get(SIG_KEY) == SECRET_SIG)
    return {k: values[k]["value"] if k in secret else v for k, v in values.items()}, secret


def _json(message: Message) -> dict[str, Any]:
    return dict(json_format.MessageToDict(message, always_print_fields_with_no_presence=True))


def _config_text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def _blob_entry(resource: StateResource) -> dict[str, Any]:
    def show(values: Mapping[str, Any]) -> dict[str, Any]:
        return {
            k: {SIG_KEY: SECRET_SIG, "plaintext": json.dumps(v)} if k in resource.secrets else v
            for k, v in values.items()
        }

    return {
        "urn": resource.urn,
        "custom": True,
        "id": resource.id,
        "type": resource.type,
        "inputs": show(resource.inputs),
        "outputs": show(resource.outputs),
        "dependencies": resource.dependencies,
    }


def _urn_of(name: str, urns: Iterable[str]) -> str:
    """The one URN among `urns` whose resource is called `name` (a URN is accepted as is)."""
    matches = [urn for urn in urns if urn == name or urn.rsplit("::", 1)[-1] == name]
    if len(matches) != 1:
        raise KeyError(f"{len(matches)} resources named {name!r}")
    return matches[0]
