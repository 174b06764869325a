"""The engine's logic: what preview, up, refresh, destroy and import do with a program and the stack's state.

Modelled as `pulumi` does it with a dynamic provider: each run starts a fresh provider process and boots it
(rig.process); `up` is a preview in one process (Check and Diff only) and then the update in another, so nothing
survives in memory from one to the other; ignoreChanges is applied to the new inputs before Check (old values
kept) and passed to Diff; aliases move an old URN's state entry to the new URN (no create, no delete: Check,
Diff and Update as usual); Check gets a random seed; Diff gets the old *outputs* and the checked inputs; a
replacement is re-checked without olds; Read gets the old outputs and inputs, and its inputs (when returned) replace
the state's; with a checkpoint file the state is written after every step and read back by the next Engine.
"""

from __future__ import annotations

import dataclasses
import json
import os
import secrets as random_bytes
import threading
import time
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pulumi.runtime.proto import provider_pb2

from .checkpoint import Checkpoint, DefaultProvider, StateResource
from .process import Boot, ProviderServer, stack_config_inputs
from .program import Program, Ref, Res
from .wire import UNKNOWN

_DIFF = provider_pb2.DiffResponse
# The engine's random seed for Check is 32 bytes.
SEED_BYTES = 32

Node = TypeVar("Node", bound=Hashable)
# Makes a run's registrations on its Deployment: the rig's own graph of Res, or a program run by a bridge.
Driver = Callable[["Deployment"], None]


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
        return self.ops[resource.urn if isinstance(resource, Res) else urn_of(resource, self.ops)]

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
    `record=False` keeps only failed calls in the transcript. `preview_before_up=False` makes `up` skip the
    preview the CLI runs first (the benchmark does, to measure the update alone). With `checkpoint` (a file path)
    the state is read from that file if it exists and written to it after every step.
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
        preview_before_up: bool = True,
        checkpoint: Path | None = None,
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
        self.preview_before_up = preview_before_up
        self.checkpoint = checkpoint
        loaded = Checkpoint.read(checkpoint) if checkpoint is not None and checkpoint.exists() else Checkpoint()
        self.state: dict[str, StateResource] = loaded.resources
        # Replaced resources whose delete (create-before-delete) has not succeeded yet; retried by up and destroy.
        self.pending_deletes: list[StateResource] = loaded.pending_deletes
        # The default provider as the last update/refresh/destroy configured it (None before the first).
        self.provider: DefaultProvider | None = loaded.provider
        self.startup_seconds: list[float] = []
        self._entries: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._runs = 0
        self._shared: ProviderServer | None = None

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
        return self.preview_with(self._graph(resources))

    def up(self, resources: Sequence[Res]) -> RunResult:
        """Bring the state and GitHub to `resources`: create, update, replace, and delete what the program dropped."""
        return self.up_with(self._graph(resources))

    def preview_with(self, drive: Driver) -> RunResult:
        """A preview of the registrations `drive` makes on the Deployment it is given (a program, run by a bridge)."""
        return self._drive("preview", drive)

    def up_with(self, drive: Driver) -> RunResult:
        """An up of the registrations `drive` makes; as the CLI does, a preview runs first in its own process.

        A failing preview stops the up before the update starts. `drive` runs once per process, like the program.
        """
        if self.preview_before_up:
            self._drive("preview", drive, label=f"{self._runs + 1}:up:preview", count=False)
        return self._drive("up", drive)

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

    def import_(self, res: Res, id_: str) -> RunResult:
        """`pulumi import` of an existing resource: Read with the id alone, then the resource joins the state."""
        with self._run("import") as (server, result):
            found_id, outputs, inputs = server.import_read(res, id_)
            self._store(StateResource(res.urn, res.type, found_id or id_, inputs or {}, outputs))
            result.ops[res.urn] = "import"
            result.outputs[res.urn] = outputs
        return result

    @contextmanager
    def deployment(self, kind: str, label: str | None = None, count: bool = True) -> Iterator[Deployment]:
        """A preview or update whose registrations arrive one at a time (as a running program makes them).

        On a clean exit of an update, what the program did not register is deleted (a preview reports it).
        """
        with self._run(kind, label, count) as (server, result):
            deployment = Deployment(self, server, result)
            try:
                yield deployment
                deployment.finish()
            finally:
                with self._lock:
                    order = [*(u for u in deployment.registered if u in self.state), *self.state]
                    self.state = {urn: self.state[urn] for urn in dict.fromkeys(order)}
                    self._persist()

    # State and records

    def get(self, name: str) -> StateResource:
        """The state entry of the resource called `name` (KeyError when absent)."""
        return self.state[urn_of(name, self.state)]

    def calls(self, method: str | None = None) -> list[dict[str, Any]]:
        """Recorded exchanges (`run`, `method`, `urn`, `request`, `response` or `error`), oldest first."""
        with self._lock:
            return [json.loads(json.dumps(e)) for e in self._entries if method is None or e["method"] == method]

    def transcript(self) -> str:
        """Every request and response of every run, and each provider server's stderr, as JSON text.

        Recorded verbatim except the engine's own secrets (config set with --secret) in the boot calls, shown as
        "[secret]" the way the CLI shows them: anything the provider sends back appears exactly as sent.
        """
        with self._lock:
            return json.dumps(self._entries, indent=1)

    def state_blob(self) -> str:
        """The state as `pulumi stack export --show-secrets` prints it: secrets as {sig, plaintext}."""
        with self._lock:
            return self._checkpoint().to_json()

    # Internals

    def _drive(self, kind: str, drive: Driver, label: str | None = None, count: bool = True) -> RunResult:
        with self.deployment(kind, label, count) as deployment:
            drive(deployment)
        return deployment.result

    def _graph(self, resources: Sequence[Res]) -> Driver:
        """Registrations of `resources` in dependency order, `parallel` at a time, as the program would make them."""
        program = Program(resources)

        def drive(deployment: Deployment) -> None:
            deployment.registered.extend(program.resources)  # the program's order, whichever step finishes first

            def step(urn: str) -> None:
                res = program.resources[urn]
                news, secrets = res.registration(deployment.ref_value, deployment.preview)
                deployment.register(res, news, secrets, program.dependencies[urn])

            self._run_graph(list(program.resources), program.dependencies, step)

        return drive

    def _delete_all(self, server: ProviderServer, result: RunResult, urns: list[str]) -> None:
        """Delete pending replaced resources, then `urns` with dependents first (as destroy orders them)."""
        for old in list(self.pending_deletes):
            server.delete(old)
            with self._lock:
                self.pending_deletes.remove(old)
                self._persist()
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
            self._persist()

    def _forget(self, urn: str) -> None:
        with self._lock:
            self.state.pop(urn, None)
            self._persist()

    def _pending_delete(self, resource: StateResource) -> None:
        with self._lock:
            self.pending_deletes.append(resource)
            self._persist()

    def _checkpoint(self) -> Checkpoint:
        return Checkpoint(self.provider, dict(self.state), list(self.pending_deletes))

    def _persist(self) -> None:
        """Write the checkpoint (the caller holds the lock), as the engine does after every step."""
        if self.checkpoint is not None:
            self._checkpoint().write(self.checkpoint)

    @contextmanager
    def _run(
        self, kind: str, label: str | None = None, count: bool = True
    ) -> Iterator[tuple[ProviderServer, RunResult]]:
        """One run: a configured provider server (fresh unless process_per_run=False) and the result to fill."""
        if count:
            self._runs += 1
        label = label or f"{self._runs}:{kind}"
        started = time.perf_counter()
        provider = DefaultProvider(
            self.provider.id if self.provider else DefaultProvider().id,
            stack_config_inputs(self.config),
            self.secret_keys,
        )
        boot = Boot(self.env, provider, self.provider, self.timeout_seconds, self.prestart, self.record)
        if self.process_per_run:
            server = ProviderServer(boot, label, self._record)
        else:
            if self._shared is None:
                self._shared = ProviderServer(boot, label, self._record)
            server = self._shared
            server.run = label
        if kind != "preview":
            with self._lock:
                self.provider = provider
                self._persist()
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


class Deployment:
    """One preview or update in progress: registrations in, the engine's steps out, against one provider server."""

    def __init__(self, engine: Engine, server: ProviderServer, result: RunResult) -> None:
        self.engine = engine
        self.server = server
        self.result = result
        self.preview = result.kind == "preview"
        self.registered: list[str] = []
        # Old URN -> the URN that took its state over through an alias (neither created nor deleted).
        self.aliased: dict[str, str] = {}
        # Preview: urn -> (id, outputs) the program would see.
        self.planned: dict[str, tuple[str, dict[str, Any]]] = {}

    def ref_value(self, ref: Ref) -> Any:
        urn, state = ref.resource.urn, self.engine.state
        id_, outputs = self.planned[urn] if self.preview else (state[urn].id, state[urn].outputs)
        return id_ if ref.field == "id" else outputs.get(ref.field, UNKNOWN if self.preview else None)

    def register(
        self,
        res: Res,
        news: dict[str, Any],
        secrets: frozenset[str],
        dependencies: list[str],
    ) -> tuple[str, dict[str, Any]]:
        """Check, Diff and (in an update) apply one resource; the id and outputs the program then sees."""
        with self.engine._lock:
            if res.urn not in self.registered:
                self.registered.append(res.urn)
        server, urn = self.server, res.urn
        old = self.engine.state.get(urn) or self._take_alias(res)
        if old is not None:
            news = ignore_changes(news, old.inputs, res.ignore_changes)
        seed = random_bytes.token_bytes(SEED_BYTES)
        inputs = server.check(res, old.inputs if old else {}, news, secrets, seed)
        diff = None if old is None else server.diff(old, inputs, secrets, list(res.ignore_changes))
        op = "create" if old is None or diff is None else decide(diff, old.inputs, inputs)
        if op == "replace":
            # The engine re-checks a replacement without olds so that defaults are computed afresh.
            inputs = server.check(res, {}, news, secrets, seed)
        self.result.ops[urn] = op
        if self.preview:
            known_id = UNKNOWN if old is None or op == "replace" else old.id
            self.planned[urn] = (known_id, old.outputs if op == "same" and old else inputs)
            self.result.outputs[urn] = self.planned[urn][1]
            return self.planned[urn]
        delete_first = bool(diff is not None and diff.deleteBeforeReplace)
        new = self._apply(op, res, old, inputs, secrets, dependencies, delete_first)
        self.result.outputs[urn] = new.outputs
        return new.id, new.outputs

    def _take_alias(self, res: Res) -> StateResource | None:
        """The state entry of an alias of `res` (the first one in the state), now under `res.urn`, as the engine
        does it: the resource keeps its id and outputs and goes on to Diff. In an update the state is re-keyed at
        once; a preview only notes it. Two resources claiming one old URN fail, as in the engine."""
        with self.engine._lock:
            for alias in res.aliases:
                if alias == res.urn or alias not in self.engine.state:
                    continue
                if alias in self.aliased:
                    raise ValueError(f"{res.urn}: alias {alias} is already taken by {self.aliased[alias]}")
                if alias in self.registered:
                    raise ValueError(f"{res.urn}: alias {alias} names a resource the program also registers")
                self.aliased[alias] = res.urn
                old = dataclasses.replace(self.engine.state[alias], urn=res.urn)
                if not self.preview:
                    self.engine.state = {
                        (res.urn if key == alias else key): (old if key == alias else value)
                        for key, value in self.engine.state.items()
                    }
                    for entry in self.engine.state.values():
                        entry.dependencies = [res.urn if dep == alias else dep for dep in entry.dependencies]
                    self.engine._persist()
                return old
        return None

    def finish(self) -> None:
        dropped = [urn for urn in self.engine.state if urn not in self.registered and urn not in self.aliased]
        if self.preview:
            self.result.ops.update(dict.fromkeys(dropped, "delete"))
        else:
            self.engine._delete_all(self.server, self.result, dropped)

    def _apply(
        self,
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
        server, engine = self.server, self.engine
        new = StateResource(res.urn, res.type, "", inputs, {}, dependencies, secrets)
        if old is not None and op in ("same", "update"):
            new.id, new.outputs = old.id, old.outputs
            if op == "update":
                new.outputs, returned_secrets = server.update(old, inputs, secrets)
                new.secrets |= returned_secrets
        else:
            if old is not None and delete_first:
                server.delete(old)
                engine._forget(old.urn)
            elif old is not None:
                engine._pending_delete(old)
            new.id, new.outputs, returned_secrets = server.create(res, inputs, secrets)
            new.secrets |= returned_secrets
        engine._store(new)
        return new


def ignore_changes(news: Mapping[str, Any], old_inputs: Mapping[str, Any], names: Iterable[str]) -> dict[str, Any]:
    """The new inputs with each ignored property set back to its old input (dropped when it had none)."""
    kept = dict(news)
    for name in names:
        if name in old_inputs:
            kept[name] = old_inputs[name]
        else:
            kept.pop(name, None)
    return kept


def decide(diff: Any, old_inputs: Mapping[str, Any], inputs: Mapping[str, Any]) -> str:
    """The engine's reading of a DiffResponse; DIFF_UNKNOWN falls back to comparing old and new inputs."""
    if diff.changes == _DIFF.DIFF_UNKNOWN:
        changed = dict(old_inputs) != dict(inputs)
    else:
        changed = diff.changes == _DIFF.DIFF_SOME
    if not changed:
        return "same"
    return "replace" if diff.replaces else "update"


def urn_of(name: str, urns: Iterable[str]) -> str:
    """The one URN among `urns` whose resource is called `name` (a URN is accepted as is)."""
    matches = [urn for urn in urns if urn == name or urn.rsplit("::", 1)[-1] == name]
    if len(matches) != 1:
        raise KeyError(f"{len(matches)} resources named {name!r}")
    return matches[0]
