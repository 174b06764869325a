"""What every listing shares: its items made models, the conditional (ETag) form of a one-page listing, and a
list's size in words for the action text of a write that sets it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from ..client import Conditional, GitHubClient

T = TypeVar("T")


def typed(fetched: Conditional[Any], convert: Callable[[Any], T]) -> Conditional[T]:
    """A conditional read with its body made a model (an unchanged answer has none)."""
    if fetched.unchanged:
        return Conditional(None, fetched.etag)
    return Conditional(convert(fetched.body), fetched.etag)


def listing(
    client: GitHubClient,
    path: str,
    action: str,
    item_key: str | None,
    model: Callable[[object, str], T],
    params: Mapping[str, str] | None = None,
) -> list[T]:
    """Every item of a listing as a model; `action` names the listing in any error."""
    items = client.paginate(path, action=action, item_key=item_key, params=params)
    return [model(item, action) for item in items]


def listing_if_changed(
    client: GitHubClient,
    path: str,
    action: str,
    item_key: str,
    model: Callable[[object, str], T],
    etag: str | None,
) -> Conditional[list[T]]:
    """Like `listing`, or an unchanged marker when a one-page listing still matches `etag`."""
    fetched = client.paginate_if_changed(path, action=action, item_key=item_key, etag=etag)
    return typed(fetched, lambda items: [model(item, action) for item in items])


def whole(listed: Conditional[list[T]]) -> list[T]:
    """The items of a listing read without an ETag, which GitHub never answers with 304."""
    return listed.body if listed.body is not None else []


def count(ids: list[int], noun: str) -> str:
    """`1 repository`, `3 repositories`, `0 runners`."""
    plural = noun[:-1] + "ies" if noun.endswith("y") else noun + "s"
    return f"{len(ids)} {noun if len(ids) == 1 else plural}"
