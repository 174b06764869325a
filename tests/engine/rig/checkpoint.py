"""The stack's state as the engine keeps it, and its checkpoint file.

The checkpoint has the shape `pulumi stack export --show-secrets` prints for a local backend: the default
provider first (its inputs are the whole stack config), then each resource with its inputs, outputs, dependencies
and provider reference; secret values are marked and held as JSON plaintext (a local backend without a
passphrase), except the engine's own secrets (config set with --secret), written as "[secret]" the way the
transcript shows them, so that a scan of the file for the token finds only what a provider let out; replaced
resources whose delete is still owed carry `"delete": true`.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .program import make_urn
from .wire import REDACTED, SECRET_SIG, SIG_KEY

PROVIDER_TYPE = "pulumi:providers:pulumi-python"
PROVIDER_URN = make_urn(PROVIDER_TYPE, "default")


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
class DefaultProvider:
    """The default `pulumi-python` provider of the stack: its id and the config it was last configured with."""

    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    inputs: dict[str, str] = field(default_factory=dict)
    secrets: frozenset[str] = frozenset()

    @property
    def reference(self) -> str:
        return f"{PROVIDER_URN}::{self.id}"


@dataclass
class Checkpoint:
    """Everything the engine carries from one run to the next."""

    provider: DefaultProvider | None = None
    resources: dict[str, StateResource] = field(default_factory=dict)
    pending_deletes: list[StateResource] = field(default_factory=list)

    def to_json(self) -> str:
        entries: list[dict[str, Any]] = []
        if self.provider is not None:
            config = {k: REDACTED if k in self.provider.secrets else v for k, v in self.provider.inputs.items()}
            shown = _show(config, self.provider.secrets)
            entries.append(
                {
                    "urn": PROVIDER_URN,
                    "custom": True,
                    "id": self.provider.id,
                    "type": PROVIDER_TYPE,
                    "inputs": shown,
                    "outputs": shown,
                }
            )
        reference = {"provider": self.provider.reference} if self.provider is not None else {}
        entries += [{**_entry(r), **reference} for r in self.resources.values()]
        entries += [{**_entry(r), **reference, "delete": True} for r in self.pending_deletes]
        deployment = {"manifest": {"version": "tests/engine/rig"}, "resources": entries}
        return json.dumps({"version": 3, "deployment": deployment}, indent=2)

    def write(self, path: Path) -> None:
        """Replace `path` whole, so that a reader never sees half a checkpoint."""
        partial = path.with_suffix(".partial")
        partial.write_text(self.to_json())
        partial.replace(path)

    @classmethod
    def read(cls, path: Path) -> Checkpoint:
        loaded = cls()
        for entry in json.loads(path.read_text())["deployment"]["resources"]:
            inputs, secrets = _hide(entry["inputs"])
            if entry["type"] == PROVIDER_TYPE:
                loaded.provider = DefaultProvider(entry["id"], inputs, secrets)
                continue
            outputs, output_secrets = _hide(entry["outputs"])
            resource = StateResource(
                entry["urn"],
                entry["type"],
                entry["id"],
                inputs,
                outputs,
                entry["dependencies"],
                secrets | output_secrets,
            )
            if entry.get("delete"):
                loaded.pending_deletes.append(resource)
            else:
                loaded.resources[resource.urn] = resource
        return loaded


def _entry(resource: StateResource) -> dict[str, Any]:
    return {
        "urn": resource.urn,
        "custom": True,
        "id": resource.id,
        "type": resource.type,
        "inputs": _show(resource.inputs, resource.secrets),
        "outputs": _show(resource.outputs, resource.secrets),
        "dependencies": resource.dependencies,
    }


def _show(values: Mapping[str, Any], secrets: frozenset[str]) -> dict[str, Any]:
    return {k: {SIG_KEY: SECRET_SIG, "plaintext": json.dumps(v)} if k in secrets else v for k, v in values.items()}


def _hide(values: Mapping[str, Any]) -> tuple[dict[str, Any], frozenset[str]]:
    marked = frozenset(k for k, v in values.items() if isinstance(v, dict) and v.get(SIG_KEY) == SECRET_SIG)
    return {k: json.loads(values[k]["plaintext"]) if k in marked else v for k, v in values.items()}, marked
