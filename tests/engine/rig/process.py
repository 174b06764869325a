"""The provider process: starting `python -u -m pulumi.dynamic`, its boot sequence, and typed calls into it."""

from __future__ import annotations

import atexit
import os
import select
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import IO, Any

import grpc
from google.protobuf import empty_pb2
from google.protobuf.message import Message
from pulumi.runtime._grpc_settings import _GRPC_CHANNEL_OPTIONS
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

from .checkpoint import PROVIDER_TYPE, PROVIDER_URN, DefaultProvider, StateResource
from .errors import CheckFailed, HarnessError
from .program import Res
from .wire import REDACTED, as_json, config_text, marshal, unmarshal

Recorder = Callable[[dict[str, Any]], None]


@dataclass(frozen=True)
class Boot:
    """What a provider process is started and configured with.

    `provider` is the default provider as this run configures it; `previous` is the one of the last run (from the
    checkpoint), whose config the engine compares with DiffConfig.
    """

    env: Mapping[str, str]
    provider: DefaultProvider
    previous: DefaultProvider | None
    timeout_seconds: float
    prestart: bool
    record: bool


class ProviderServer:
    """One provider process, booted and configured as the engine does it, and typed calls into it.

    Boot sequence, as the engine sends it: GetPluginInfo, Handshake, CheckConfig, DiffConfig (only when the state
    holds the provider from an earlier run), Configure. The SDK answers UNIMPLEMENTED to Handshake, CheckConfig and
    DiffConfig; the engine then keeps the config as it is, and so does the rig.
    """

    TOLERATED = frozenset({"Handshake", "CheckConfig", "DiffConfig"})

    def __init__(self, boot: Boot, run: str, record: Recorder) -> None:
        self.run = run
        self.run_count = 0
        self._boot = boot
        self._record = record
        self._timeout = boot.timeout_seconds
        started = time.perf_counter()
        booting = SPARES.take(boot.env) if boot.prestart else Booting.spawn(boot.env)
        self._process, self._stderr = booting.process, booting.stderr
        try:
            port = self._read_port()
            self._channel = grpc.insecure_channel(f"127.0.0.1:{port}", options=_GRPC_CHANNEL_OPTIONS)
            grpc.channel_ready_future(self._channel).result(timeout=self._timeout)
            self._stub = provider_pb2_grpc.ResourceProviderStub(self._channel)
            self.startup_seconds = time.perf_counter() - started
            self.accept_secrets = self._start()
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
        stop(self._process)
        text = self._stderr_text()
        if text:
            self._record({"run": self.run, "method": "stderr", "urn": "", "text": text})
        self._stderr.close()

    def call(self, method: str, request: Message, urn: str = "", shown: dict[str, Any] | None = None) -> Any:
        """One RPC, recorded; a gRPC error becomes HarnessError carrying the provider's message.

        For the calls in TOLERATED, UNIMPLEMENTED is recorded and answered with None, as the engine reads it.
        """
        entry: dict[str, Any] = {"run": self.run, "method": method, "urn": urn}
        if self._boot.record:
            entry["request"] = shown or as_json(request)
        try:
            response = getattr(self._stub, method)(request, timeout=self._timeout)
        except grpc.RpcError as exc:
            details = exc.details() or exc.code().name
            entry["error"] = {"code": exc.code().name, "message": details}
            self._record(entry)
            if method in self.TOLERATED and exc.code() == grpc.StatusCode.UNIMPLEMENTED:
                return None
            raise HarnessError(method.lower(), urn, details) from None
        if self._boot.record:
            entry["response"] = as_json(response)
            self._record(entry)
        return response

    # Boot

    def _start(self) -> bool:
        self.call("GetPluginInfo", empty_pb2.Empty())
        cwd = os.getcwd()
        handshake = provider_pb2.ProviderHandshakeRequest(
            root_directory=cwd, program_directory=cwd, configure_with_urn=True, supports_views=True
        )
        self.call("Handshake", handshake)
        provider, previous = self._boot.provider, self._boot.previous
        config = provider.inputs
        olds = previous.inputs if previous is not None else {}
        check = provider_pb2.CheckRequest(
            urn=PROVIDER_URN,
            name="default",
            type=PROVIDER_TYPE,
            olds=marshal(olds, (), keep_secrets=False),
            news=marshal(config, (), keep_secrets=False),
        )
        self.call("CheckConfig", check, PROVIDER_URN, shown=self._redacted(check, ("olds", "news")))
        if previous is not None:
            diff = provider_pb2.DiffRequest(
                id=previous.id,
                urn=PROVIDER_URN,
                name="default",
                type=PROVIDER_TYPE,
                olds=marshal(olds, (), keep_secrets=False),
                old_inputs=marshal(olds, (), keep_secrets=False),
                news=marshal(config, (), keep_secrets=False),
            )
            self.call("DiffConfig", diff, PROVIDER_URN, shown=self._redacted(diff, ("olds", "oldInputs", "news")))
        return self._configure(provider)

    def _configure(self, provider: DefaultProvider) -> bool:
        """The whole stack config, as the engine sends it to a dynamic provider.

        `args` holds every key with its namespace (`github:token`), as text, secrets marked; the deprecated
        `variables` are keyed `<package>:config:<key>`, the package being the provider's (`pulumi-python`).
        """
        request = provider_pb2.ConfigureRequest(
            variables={f"pulumi-python:config:{k}": v for k, v in provider.inputs.items()},
            args=marshal(provider.inputs, provider.secrets, keep_secrets=True),
            acceptSecrets=True,
            acceptResources=True,
            sends_old_inputs=True,
            sends_old_inputs_to_delete=True,
            id=provider.id,
            urn=PROVIDER_URN,
            name="default",
            type=PROVIDER_TYPE,
        )
        shown = as_json(request)
        for key in provider.secrets:
            shown["variables"][f"pulumi-python:config:{key}"] = REDACTED
            shown["args"][key]["value"] = REDACTED
        response = self.call("Configure", request, PROVIDER_URN, shown=shown)
        return bool(response.acceptSecrets)

    def _redacted(self, request: Message, fields: tuple[str, ...]) -> dict[str, Any]:
        """The request as the transcript shows it: the engine's own secrets (config set with --secret) hidden."""
        shown = as_json(request)
        secrets = self._boot.provider.secrets | (self._boot.previous.secrets if self._boot.previous else frozenset())
        for name in fields:
            for key in secrets & set(shown.get(name, {})):
                shown[name][key] = REDACTED
        return shown

    # Resource calls

    def _props(self, values: Mapping[str, Any], secrets: frozenset[str]) -> Any:
        return marshal(values, secrets, keep_secrets=self.accept_secrets)

    def check(
        self, res: Res, olds: Mapping[str, Any], news: Mapping[str, Any], secrets: frozenset[str], seed: bytes
    ) -> dict[str, Any]:
        request = provider_pb2.CheckRequest(
            urn=res.urn,
            name=res.name,
            type=res.type,
            olds=self._props(olds, secrets),
            news=self._props(news, secrets),
            randomSeed=seed,
        )
        response = self.call("Check", request, res.urn)
        if response.failures:
            raise CheckFailed(res.urn, [(f.property, f.reason) for f in response.failures])
        return unmarshal(response.inputs)[0]

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

    def diff(
        self, old: StateResource, news: Mapping[str, Any], secrets: frozenset[str], ignore_changes: list[str]
    ) -> Any:
        request = provider_pb2.DiffRequest(**self._change(old, news, secrets), ignoreChanges=ignore_changes)
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
        outputs, returned = unmarshal(response.properties)
        return response.id, outputs, returned

    def update(
        self, old: StateResource, news: Mapping[str, Any], secrets: frozenset[str]
    ) -> tuple[dict[str, Any], frozenset[str]]:
        request = provider_pb2.UpdateRequest(**self._change(old, news, secrets))
        return unmarshal(self.call("Update", request, old.urn).properties)

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
        inputs = unmarshal(response.inputs)[0] if response.HasField("inputs") else None
        return response.id, unmarshal(response.properties)[0], inputs

    def import_read(self, res: Res, id_: str) -> tuple[str, dict[str, Any], dict[str, Any] | None]:
        """The Read `pulumi import` (or `opts.import_`) sends: the id alone, no properties, no inputs."""
        request = provider_pb2.ReadRequest(id=id_, urn=res.urn, name=res.name, type=res.type)
        response = self.call("Read", request, res.urn)
        inputs = unmarshal(response.inputs)[0] if response.HasField("inputs") else None
        return response.id, unmarshal(response.properties)[0], inputs

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
class Booting:
    """A provider server process started but not yet talked to; its stderr goes to a file (no pipe to fill)."""

    process: subprocess.Popen[bytes]
    stderr: IO[bytes]

    @classmethod
    def spawn(cls, env: Mapping[str, str]) -> Booting:
        stderr = tempfile.TemporaryFile()
        # `-u`: the server writes its port without flushing; the engine's shim runs it unbuffered too.
        command = [sys.executable, "-u", "-m", "pulumi.dynamic"]
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=stderr, env=env)
        return cls(process, stderr)

    def discard(self) -> None:
        stop(self.process)
        self.stderr.close()


class Spares:
    """Provider servers started one run ahead, per environment, so that a run does not wait ~0.4 s for imports.

    A spare has never been configured or called: taking one is the same as the engine starting a fresh process.
    """

    KEEP = 2  # environments with a spare; older ones are stopped

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._spares: dict[frozenset[tuple[str, str]], Booting] = {}

    def take(self, env: Mapping[str, str]) -> Booting:
        key = frozenset(env.items())
        with self._lock:
            taken = self._spares.pop(key, None) or Booting.spawn(env)
            self._spares[key] = Booting.spawn(env)
            while len(self._spares) > self.KEEP:
                self._spares.pop(next(iter(self._spares))).discard()
        return taken

    def close(self) -> None:
        with self._lock:
            for spare in self._spares.values():
                spare.discard()
            self._spares.clear()


SPARES = Spares()
atexit.register(SPARES.close)


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    if process.stdout is not None:
        process.stdout.close()


def stack_config_inputs(config: Mapping[str, Any]) -> dict[str, str]:
    """The default provider's inputs: every stack config key with its namespace, its value as text."""
    return {key: config_text(value) for key, value in config.items()}
