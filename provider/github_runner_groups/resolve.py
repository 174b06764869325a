"""Repository and runner names -> ids, from one paginated listing per org per process.

A stack with 200 access resources must not make 200 GETs: the first resource to ask lists the org once
(ceil(N/100) calls) and every other one reads the cached index. A miss re-lists once (the repository may have
been created earlier in the same `pulumi up`); a second miss is an error that lists close matches.
"""

from __future__ import annotations

import difflib
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from . import api
from .client import GitHubClient
from .errors import GitHubRunnerGroupsError


class UnknownNameError(GitHubRunnerGroupsError, LookupError):
    """A repository or runner name that the org does not have."""


@dataclass(frozen=True)
class NameKind:
    noun: str
    plural: str
    list_items: Callable[[GitHubClient, str], Sequence[Any]]
    hint: str


REPOSITORIES = NameKind(
    noun="repository",
    plural="repositories",
    list_items=api.list_org_repositories,
    hint="Check the spelling, that the repository belongs to this org, and that the token can see it (repo scope "
    "for private repositories).",
)
RUNNERS = NameKind(
    noun="self-hosted runner",
    plural="self-hosted runners",
    list_items=api.list_org_runners,
    hint="Check the runner's name in the org's Settings > Actions > Runners; a runner registered at repository "
    "level cannot join an org runner group.",
)


@dataclass
class _Index:
    ids_by_name: dict[str, int]
    names_by_id: dict[int, str]
    lock: threading.Lock


_indexes: dict[tuple[int, str, str], _Index] = {}
_indexes_lock = threading.Lock()


def _index(client: GitHubClient, kind: NameKind, org: str, *, refresh: bool) -> _Index:
    key = (id(client), kind.noun, org.lower())
    with _indexes_lock:
        index = _indexes.get(key)
        if index is None:
            index = _Index({}, {}, threading.Lock())
            _indexes[key] = index
            refresh = True
    with index.lock:
        if refresh:
            items = kind.list_items(client, org)
            index.ids_by_name = {str(item["name"]).lower(): int(item["id"]) for item in items}
            index.names_by_id = {int(item["id"]): str(item["name"]) for item in items}
        return index


def _is_loaded(client: GitHubClient, kind: NameKind, org: str) -> bool:
    with _indexes_lock:
        return (id(client), kind.noun, org.lower()) in _indexes


def resolve_ids(client: GitHubClient, kind: NameKind, org: str, refs: Iterable[str | int]) -> dict[str | int, int]:
    """Map each reference (a name, `org/name` for repositories, or a numeric id) to its id."""
    refs = list(refs)
    names = {ref: _bare_name(kind, org, ref) for ref in refs if not isinstance(ref, int)}
    result: dict[str | int, int] = {ref: int(ref) for ref in refs if isinstance(ref, int)}
    if not names:
        return result
    fresh = not _is_loaded(client, kind, org)
    index = _index(client, kind, org, refresh=False)
    if any(name.lower() not in index.ids_by_name for name in names.values()) and not fresh:
        index = _index(client, kind, org, refresh=True)
    missing = [ref for ref, name in names.items() if name.lower() not in index.ids_by_name]
    if missing:
        raise UnknownNameError(_unknown_message(kind, org, [str(m) for m in missing], index))
    result.update({ref: index.ids_by_name[name.lower()] for ref, name in names.items()})
    return result


def names_for_ids(client: GitHubClient, kind: NameKind, org: str, ids: Iterable[int]) -> dict[int, str]:
    """Best-effort names for display; ids the cached index does not know keep no name (no extra listing)."""
    index = _index(client, kind, org, refresh=False)
    return {int(i): index.names_by_id[int(i)] for i in ids if int(i) in index.names_by_id}


def forget(client: GitHubClient | None = None) -> None:
    """Drop cached indexes (tests; or after a run that changed repositories)."""
    with _indexes_lock:
        for key in [k for k in _indexes if client is None or k[0] == id(client)]:
            del _indexes[key]


def foreign_repository(org: str, ref: str) -> str | None:
    """Why `ref` cannot be given access to a group of `org` (it is `other/name`), or None when it can."""
    owner, slash, name = ref.partition("/")
    if not slash or owner.lower() == org.lower():
        return None
    return (
        f"{ref!r} is a repository of '{owner}', but the runner group is in org '{org}': only the org's own "
        f"repositories can use its runner groups. Use '{name}' if you meant {org}/{name}."
    )


def bare_name(org: str, ref: str) -> str:
    """`acme/api` is `api` in org acme; anything else is left as it is."""
    owner, slash, name = ref.partition("/")
    return name if slash and owner.lower() == org.lower() else ref


def _bare_name(kind: NameKind, org: str, ref: str) -> str:
    if kind is not REPOSITORIES:
        return ref
    problem = foreign_repository(org, ref)
    if problem:
        raise UnknownNameError(problem)
    return bare_name(org, ref)


def _unknown_message(kind: NameKind, org: str, missing: list[str], index: _Index) -> str:
    known = list(index.names_by_id.values())
    parts = []
    for name in missing:
        bare = name.rsplit("/", 1)[-1]
        close = difflib.get_close_matches(bare, known, n=3, cutoff=0.6)
        suggestion = f" (did you mean {', '.join(repr(c) for c in close)}?)" if close else ""
        parts.append(f"'{name}'{suggestion}")
    noun = kind.noun if len(missing) == 1 else kind.plural
    return f"org '{org}' has no {noun} named {', '.join(parts)}. {kind.hint}"
