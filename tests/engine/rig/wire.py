"""The engine's encodings on the gRPC wire: property maps, secret markers, unknowns, config text."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from google.protobuf import json_format, struct_pb2
from google.protobuf.message import Message
from pulumi.dynamic.dynamic import PROVIDER_KEY
from pulumi.runtime import rpc

__all__ = ["PROVIDER_KEY", "REDACTED", "SECRET_SIG", "SIG_KEY", "UNKNOWN"]

UNKNOWN = rpc.UNKNOWN
SIG_KEY = rpc._special_sig_key
SECRET_SIG = rpc._special_secret_sig
# How the CLI displays a secret; the transcript shows the engine's own secrets (the config) this way.
REDACTED = "[secret]"


def marshal(values: Mapping[str, Any], secrets: Iterable[str], *, keep_secrets: bool) -> struct_pb2.Struct:
    """A property map on the wire; secret keys are wrapped in the secret signature only if the receiver accepts them."""
    wrapped = set(secrets) if keep_secrets else set()
    struct = struct_pb2.Struct()
    struct.update({k: secret(v) if k in wrapped else v for k, v in values.items()})
    return struct


def unmarshal(struct: struct_pb2.Struct) -> tuple[dict[str, Any], frozenset[str]]:
    """A property map from the wire, with the top-level keys that came wrapped as secrets unwrapped and listed."""
    values = json_format.MessageToDict(struct)
    return unwrap_secrets(values)


def secret(value: Any) -> dict[str, Any]:
    return {SIG_KEY: SECRET_SIG, "value": value}


def is_secret(value: Any) -> bool:
    return isinstance(value, dict) and value.get(SIG_KEY) == SECRET_SIG


def unwrap_secrets(values: Mapping[str, Any]) -> tuple[dict[str, Any], frozenset[str]]:
    """Top-level values with their secret markers removed, and the keys that had one."""
    marked = frozenset(k for k, v in values.items() if is_secret(v))
    return {k: values[k]["value"] if k in marked else v for k, v in values.items()}, marked


def as_json(message: Message) -> dict[str, Any]:
    return dict(json_format.MessageToDict(message, always_print_fields_with_no_presence=True))


def config_text(value: Any) -> str:
    """A stack config value as the engine holds it: text (an object or number set with --path becomes JSON)."""
    return value if isinstance(value, str) else json.dumps(value)
