"""What a request returns to the api package."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

# Covariant: a listing of repositories is a listing of named members.
T_co = TypeVar("T_co", covariant=True)


@dataclass(frozen=True)
class ApiResponse:
    """One answer. A 304 is returned as the cached 200 (status and body) with `from_cache=True`."""

    status: int
    body: Any
    headers: Mapping[str, str]
    from_cache: bool = False


@dataclass(frozen=True)
class Conditional(Generic[T_co]):
    """A read made with an ETag from an earlier run: `body` is None when GitHub answered 304 Not Modified.

    The client returns the parsed JSON (`Conditional[Any]`); the api package makes the body a model.
    """

    body: T_co | None
    etag: str | None

    @property
    def unchanged(self) -> bool:
        return self.body is None
