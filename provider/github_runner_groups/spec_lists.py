"""A spec's member lists (`repositories:`, `runners:`, `organizations:`) read as written, before YAML reads them.

YAML 1.1 turns `0123`, `12:30`, `0x1F`, `1_000` into the ids 83, 750, 31 and 1000, which on a small server may
be another repository; YAML 1.2 tools read `1e3` and `0o17` as numbers where PyYAML keeps text. An empty key
(`repositories:` with its entries commented out) reads as null, which a spec would take as "own an empty list"
and remove every entry. These are judged on the parsed nodes, which still hold the text and line of each entry:
only plain decimal numbers are ids, anything else that looks like a number must be quoted, an empty list is
written `[]`, an entry appears once (GitHub ignores case; `acme/api` is `api` in org acme) and an id is 1..2**53.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .resources.fields import invisible_characters
from .resources.values import shown

MAX_ID = 2**53
# Lists that are no member lists but mean "own it, empty" just the same when left empty by mistake.
OTHER_LISTS = ("selected_workflows",)
_TAG = "tag:yaml.org,2002:"
_PLAIN_DECIMAL = re.compile(r"-?[0-9]+")
# What YAML 1.2 reads as a number although PyYAML (YAML 1.1) reads text.
YAML12_NUMBER = re.compile(
    r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?\.(?:inf|Inf|INF)"
    r"|\.(?:nan|NaN|NAN)"
)


def list_problems(
    root: Node, org_lists: tuple[str, ...], enterprise_lists: tuple[str, ...], source: str = "spec"
) -> list[str]:
    """Every problem of every member list of every group, as `line N, group 'NAME': KEY[I] at FILE:LINE ...`."""
    if not isinstance(root, MappingNode):
        return []
    org = _scalar(_value(root, "org"))
    problems: list[str] = []
    for noun, group, lists in _groups(root, org_lists, enterprise_lists):
        group_key, settings = group
        where = f"line {group_key.start_mark.line + 1}, {noun} {group_key.value!r}"
        for key_node, value_node in settings.value:
            if isinstance(key_node, ScalarNode) and key_node.value in (*lists, *OTHER_LISTS):
                members = key_node.value in lists
                problems += _list_problems(where, key_node.value, value_node, org, source, members=members)
    return problems


def _groups(
    root: MappingNode, org_lists: tuple[str, ...], enterprise_lists: tuple[str, ...]
) -> Iterator[tuple[str, tuple[ScalarNode, MappingNode], tuple[str, ...]]]:
    enterprise = _value(root, "enterprise")
    sections = [("group", _value(root, "groups"), org_lists)]
    if isinstance(enterprise, MappingNode):
        sections.append(("enterprise group", _value(enterprise, "groups"), enterprise_lists))
    for noun, groups, lists in sections:
        if not isinstance(groups, MappingNode):
            continue
        for key, settings in groups.value:
            if isinstance(key, ScalarNode) and isinstance(settings, MappingNode):
                yield noun, (key, settings), lists


def _list_problems(where: str, key: str, node: Node, org: str | None, source: str, *, members: bool) -> list[str]:
    if isinstance(node, ScalarNode) and node.tag == _TAG + "null" and not members:
        return [
            f"{where}: {key} at {source}:{node.start_mark.line + 1} is empty, which YAML reads as null, not as a list; "
            f"write '{key}: []' for none, or remove the key"
        ]
    if isinstance(node, ScalarNode) and node.tag == _TAG + "null":
        return [
            f"{where}: {key} at {source}:{node.start_mark.line + 1} is empty, which YAML reads as null, not as a list; "
            f"write '{key}: []' to own an empty list (every entry is removed), or remove the key to leave the list "
            "unmanaged"
        ]
    if not isinstance(node, SequenceNode) or not members:
        return []  # the spec's own checks say what a list must be, and what a workflow reference is
    problems: list[str] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(node.value):
        if not isinstance(item, ScalarNode):
            continue
        at = f"{where}: {key}[{index}] at {source}:{item.start_mark.line + 1}"
        problem = _entry_problem(item)
        if problem is not None:
            problems.append(f"{at} {problem}")
            continue
        same = _identity(item, org)
        if same in seen:
            problems.append(
                f"{at} is {item.value!r}, already listed on line {seen[same]} (GitHub ignores case, and "
                f"'OWNER/NAME' of the spec's org is 'NAME'): list each entry once"
            )
        seen.setdefault(same, item.start_mark.line + 1)
    return problems


def _entry_problem(item: ScalarNode) -> str | None:
    text = item.value
    quote = f"quote it: '{text}'"
    if text.strip() and (text != text.strip() or invisible_characters(text)):
        return (
            f"is {shown(text)}, with spaces, newlines or control characters around or in it: write the name with "
            "visible characters only, nothing around it"
        )
    if item.style is not None:  # quoted: text, as written
        return None
    tag = item.tag.removeprefix(_TAG)
    if tag == "int" and _PLAIN_DECIMAL.fullmatch(text) and not re.fullmatch(r"-?0[0-9]+", text):
        number = int(text)
        if 1 <= number <= MAX_ID:
            return None
        return f"is {text}: an id is a whole number from 1 to 2**53; give the name, or the id GitHub shows"
    if tag in ("int", "float"):
        return f"is {text}, which YAML reads as the number {_read(text)}: only plain decimal numbers are ids; {quote}"
    if tag == "bool":
        return f"is {text}, which YAML reads as {_read(text)}: {quote}"
    if tag == "null":
        return "is empty (YAML reads it as null): remove it, or write the name"
    if YAML12_NUMBER.fullmatch(text):
        return f"is {text}, which YAML 1.2 tools read as a number: {quote}"
    return None


def _identity(item: ScalarNode, org: str | None) -> str:
    """What GitHub takes an entry for: an id's digits, or the name in lower case without the spec org's prefix."""
    text = str(item.value).lower()
    owner, slash, name = text.partition("/")
    if slash and (org is None or owner == org.lower()):
        return name
    return text


def _read(text: str) -> object:
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return text


def _value(mapping: MappingNode, key: str) -> Node | None:
    for key_node, value_node in mapping.value:
        if isinstance(key_node, ScalarNode) and key_node.value == key and isinstance(value_node, Node):
            return value_node
    return None


def _scalar(node: Node | None) -> str | None:
    return node.value if isinstance(node, ScalarNode) and isinstance(node.value, str) else None


class SpecDumper(yaml.SafeDumper):
    """SafeDumper that also quotes text a YAML 1.2 tool would read as a number, so that what it writes loads back."""


SpecDumper.add_implicit_resolver("tag:yaml.org,2002:float", YAML12_NUMBER, list("-+.0123456789"))
