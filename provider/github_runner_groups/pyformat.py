"""Python source laid out as `ruff format` (default settings, 88 columns) lays it out, for the exporter.

Users commit the exported program and run their formatter on it: an export that the formatter would rewrite
makes a noisy first diff. Only what the exporter writes is covered: assignments of calls whose arguments are
strings, numbers, booleans, `NAME.id` references and lists of those.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeAlias

LINE_LENGTH = 88
INDENT = "    "


@dataclass(frozen=True)
class Reference:
    """Source written as it is, such as `build.id`."""

    source: str


Value: TypeAlias = "str | int | bool | list[str | int] | Reference | None"


def literal(value: Value) -> str:
    """One value on one line: double quotes where the string allows (as ruff prefers), lists flat."""
    if isinstance(value, Reference):
        return value.source
    if isinstance(value, list):
        return "[" + ", ".join(literal(item) for item in value) + "]"
    if isinstance(value, str):
        return _string(value)
    return repr(value)


def _string(text: str) -> str:
    shown = repr(text)
    if shown.startswith("'") and '"' not in text:
        return '"' + shown[1:-1].replace("\\'", "'") + '"'
    return shown


def call_statement(
    target: str | None, function: str, positional: Sequence[Value], keywords: Sequence[tuple[str, Value]]
) -> list[str]:
    """`target = function(positional..., keyword=value...)` as lines, split only as far as ruff would split it."""
    head = f"{target} = {function}(" if target else f"{function}("
    arguments = [literal(value) for value in positional] + [f"{name}={literal(value)}" for name, value in keywords]
    one_line = head + ", ".join(arguments) + ")"
    if len(one_line) <= LINE_LENGTH:
        return [one_line]
    hugged = INDENT + ", ".join(arguments)
    if len(hugged) <= LINE_LENGTH:
        return [head, hugged, ")"]
    lines = [head]
    for value, prefix in [(v, "") for v in positional] + [(v, f"{n}=") for n, v in keywords]:
        lines += _argument(prefix, value)
    return [*lines, ")"]


def _argument(prefix: str, value: Value) -> list[str]:
    """One argument on its own line; a list too long for it gets one element per line, as ruff splits lists."""
    line = f"{INDENT}{prefix}{literal(value)},"
    if len(line) <= LINE_LENGTH or not isinstance(value, list) or not value:
        return [line]
    return [f"{INDENT}{prefix}[", *(f"{INDENT * 2}{literal(item)}," for item in value), f"{INDENT}],"]
