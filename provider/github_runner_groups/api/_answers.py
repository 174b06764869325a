"""Reading GitHub's answers defensively: what a body must hold to be the object asked for, and the error when
it is not (a proxy's page, another API, an empty body)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeGuard

from ..errors import GitHubRunnerGroupsError


class UnexpectedAnswer(GitHubRunnerGroupsError):
    """An answer that is not the object the request returns (a proxy's page, another API, an empty body)."""


def identified(data: object, action: str, what: str) -> Mapping[str, Any]:
    """`data` as an object with GitHub's numeric id and a name, which every object this package reads has."""
    if not isinstance(data, Mapping) or not is_id(data.get("id")) or not isinstance(data.get("name"), str):
        raise unexpected(action, f"{what} (it has no numeric id and name)")
    return data


def unexpected(action: str, what: str) -> UnexpectedAnswer:
    return UnexpectedAnswer(
        f"{action} failed: GitHub's answer is not {what}. Check github:baseUrl: it must point at GitHub's REST API "
        "(https://HOST/api/v3 on Enterprise Server)."
    )


def is_id(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def text(value: object) -> str | None:
    return str(value) if value is not None else None


def listed(value: object) -> list[object]:
    """A JSON list, or none: a lone string or object where GitHub gives a list is not read item by item."""
    return value if isinstance(value, list) else []


def listed_in(body: object, key: str) -> list[Any]:
    """The list under `key` of a wrapper object (`{"total_count": N, key: [...]}`), or none."""
    return [item for item in listed(body.get(key) if isinstance(body, Mapping) else None) if item is not None]


def mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def number(value: object) -> int:
    return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0
