"""YAML for specs a whole org is built from: one meaning per file, bounded in size, depth and message length.

PyYAML's `safe_load` still lets a later duplicate key silently replace an earlier one (a second `groups:` block
would drop every group of the first, and the next `up` would delete them), expands aliases without bound (a
billion-laughs file) and recurses without a depth limit. This loader refuses each of those with the line numbers,
so that the file means exactly what a reviewer reads.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode

MAX_BYTES = 4 * 1024 * 1024  # far above any org's spec (10,000 repository names are ~200 KiB)
MAX_DEPTH = 32  # a spec nests 4 deep (org, groups, group, list)
MESSAGE_LIMIT = 2000
VALUE_LIMIT = 60
MERGE_KEY_TAG = "tag:yaml.org,2002:merge"
_DECIMAL = re.compile(r"-?(?:0|[1-9][0-9]*)")


class YamlProblem(ValueError):
    """The text is not a YAML document this library will read; the message names the line and the fix."""


def shown(value: Any, limit: int = VALUE_LIMIT) -> str:
    """`repr(value)` cut to `limit` characters, for any value that goes into a message."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[: limit - 15]}... ({len(text)} chars)"


def capped(message: str, limit: int = MESSAGE_LIMIT) -> str:
    """A message cut to `limit` characters, saying how much was left out."""
    if len(message) <= limit:
        return message
    return f"{message[:limit]} ... ({len(message) - limit} more characters left out)"


def read_text(path: str, limit: int = MAX_BYTES) -> str:
    """The file's UTF-8 text (a leading byte-order mark dropped), reading at most `limit` bytes."""
    with open(path, "rb") as stream:  # a bounded read, also of devices and pipes
        data = stream.read(limit + 1)
    if len(data) > limit:
        raise YamlProblem(f"the file is larger than {limit // (1024 * 1024)} MiB; a spec is never that large")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise YamlProblem(
            f"line {line}: not UTF-8 text (byte {data[exc.start]:#04x}); save the file as UTF-8"
        ) from None


def load(text: str, inspect: Callable[[Node], list[str]] | None = None) -> tuple[Any, dict[Any, int]]:
    """The single YAML document in `text` as plain data (dict, list, str, int, float, bool, None), and the line
    of each key of its top-level `groups` mapping, so that a problem with a group can say where the group is.

    `inspect` judges the parsed nodes first (they still hold each value's text and line); its problems refuse the
    document."""
    try:
        loader = _StrictLoader(text)
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1
        raise YamlProblem(f"line {line}: not valid YAML (the character {exc.character!r} is not allowed)") from None
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}
        problems = inspect(node) if inspect is not None else []
        if problems:
            raise YamlProblem(capped("; ".join(problems)))
        group_lines = _group_lines(loader, node)
        return loader.construct_document(node), group_lines
    except yaml.MarkedYAMLError as exc:
        raise YamlProblem(_describe(exc)) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(capped(str(exc))) from None
    finally:
        loader.dispose()


def _group_lines(loader: _StrictLoader, root: Node) -> dict[Any, int]:
    if not isinstance(root, MappingNode):
        return {}
    for key_node, value_node in root.value:
        if isinstance(key_node, ScalarNode) and key_node.value == "groups" and isinstance(value_node, MappingNode):
            return {
                loader.construct_object(group_key, deep=True): _line(group_key)
                for group_key, _ in value_node.value
                if isinstance(group_key, ScalarNode)
            }
    return {}


def _line(node_or_mark: Any) -> int:
    mark = getattr(node_or_mark, "start_mark", node_or_mark)
    return int(mark.line) + 1


def _describe(exc: yaml.MarkedYAMLError) -> str:
    where = f"line {_line(exc.problem_mark)}" if exc.problem_mark else "somewhere"
    problem = "; ".join(str(part) for part in (exc.context, exc.problem) if part) or "not valid YAML"
    if isinstance(exc, ConstructorError) and "could not determine a constructor" in problem:
        tag = problem.rsplit(" ", 1)[-1]
        return capped(f"{where}: the tag {tag} is not allowed; a spec holds only plain mappings, lists and values")
    hint = ""
    if "'\\t'" in problem or "\\t" in problem:
        hint = "; YAML indents with spaces, not tabs"
    return capped(f"{where}: not valid YAML ({problem}){hint}")


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses aliases, merge keys and duplicate keys, and bounds nesting."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        event = self.peek_event()  # type: ignore[no-untyped-call]
        if isinstance(event, yaml.AliasEvent):
            raise YamlProblem(
                f"line {_line(event)}: the alias *{event.anchor} is not allowed; write the values out (anchors and "
                "aliases hide what a group gets, and can expand without bound)"
            )
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise YamlProblem(f"line {_line(event)}: nested more than {MAX_DEPTH} levels deep; a spec nests 4")
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        first_line: dict[Any, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == MERGE_KEY_TAG:
                raise YamlProblem(
                    f"line {_line(key_node)}: the merge key '<<' is not allowed; write the fields out in each group"
                )
            key = self.construct_object(key_node, deep=True)
            try:
                earlier = first_line.get(key)
            except TypeError:
                raise YamlProblem(
                    f"line {_line(key_node)}: a key must be text, got {shown(key)}; use a plain name"
                ) from None
            if earlier is not None:
                raise YamlProblem(
                    f"line {_line(key_node)}: the key {shown(key)} is given twice (lines {earlier} and "
                    f"{_line(key_node)}); YAML would silently keep only the last: merge them into one"
                )
            first_line[key] = _line(key_node)
        return SafeConstructor.construct_mapping(self, node, deep=deep)

    def construct_plain_int(self, node: ScalarNode) -> int:
        """Only a plain decimal number is a number: YAML 1.1 also reads 0123 (83), 0x1F, 1_000 and 12:30 (750)."""
        text = str(node.value)
        if not _DECIMAL.fullmatch(text):
            read = SafeConstructor.construct_yaml_int(self, node)
            raise YamlProblem(
                f"line {_line(node)}: {shown(text)} is read by YAML as the number {read}: write {read} if that is "
                f"meant, or quote it: '{text}'"
            )
        return int(text)


_StrictLoader.add_constructor("tag:yaml.org,2002:int", _StrictLoader.construct_plain_int)
