"""The program side: resource registrations as a Pulumi program makes them, with outputs of other resources."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from pulumi.dynamic import ResourceProvider
from pulumi.dynamic.dynamic import serialize_provider

from .wire import PROVIDER_KEY, UNKNOWN

PROJECT = "github-runner-groups"
STACK = "dev"


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
    `ignore_changes` are top-level input names, as `ResourceOptions(ignore_changes=[...])` gives them. `urn`
    defaults to the URN of a resource without a parent. `aliases` are old URNs of this resource (as
    `ResourceOptions(aliases=[...])` resolves them): a state entry under one of them becomes this resource's.
    """

    name: str
    provider: ResourceProvider
    inputs: Any = field(default_factory=dict)
    type_name: str = ""
    depends_on: Sequence[Res] = ()
    ignore_changes: Sequence[str] = ()
    urn: str = ""
    aliases: Sequence[str] = ()

    def __post_init__(self) -> None:
        if not self.type_name:
            self.type_name = "github:" + type(self.provider).__name__.removesuffix("Provider")
        if not self.urn:
            self.urn = make_urn(self.type, self.name)

    @property
    def type(self) -> str:
        return f"pulumi-python:dynamic/{self.type_name}"

    @cached_property
    def serialized_provider(self) -> str:
        """The `__provider` value, pickled exactly as `pulumi.dynamic.Resource` pickles it."""
        return str(serialize_provider(self.provider))

    def program_inputs(self) -> dict[str, Any]:
        if dataclasses.is_dataclass(self.inputs) and not isinstance(self.inputs, type):
            return {f.name: getattr(self.inputs, f.name) for f in dataclasses.fields(self.inputs)}
        return dict(self.inputs)

    def dependencies(self) -> list[Res]:
        return [*self.depends_on, *refs(self.program_inputs())]

    def registration(self, ref_value: Callable[[Ref], Any], preview: bool) -> tuple[dict[str, Any], frozenset[str]]:
        """The properties the engine receives (Refs and Laters resolved) and which of them are secret."""
        values = {k: v for k, v in resolve(self.program_inputs(), ref_value, preview).items() if v is not None}
        if PROVIDER_KEY in values:
            raise ValueError("a dynamic resource must not define the __provider key")
        values[PROVIDER_KEY] = self.serialized_provider
        secret = getattr(self.provider, "serialize_as_secret_always", True)
        return values, frozenset({PROVIDER_KEY} if secret else ())


class Program:
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


def resolve(value: Any, ref_value: Callable[[Ref], Any], preview: bool) -> Any:
    if isinstance(value, Later):
        return UNKNOWN if preview else resolve(value.value, ref_value, preview)
    if isinstance(value, Ref):
        return ref_value(value)
    if isinstance(value, Mapping):
        return {k: resolve(v, ref_value, preview) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [resolve(v, ref_value, preview) for v in value]
    return value


def refs(value: Any) -> Iterator[Res]:
    if isinstance(value, Ref):
        yield value.resource
    elif isinstance(value, Later):
        yield from refs(value.value)
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from refs(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from refs(item)
