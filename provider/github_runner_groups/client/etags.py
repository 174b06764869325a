"""The ETag cache: a 304 to a GET this process has made before costs no rate limit and returns the cached copy."""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from dataclasses import dataclass

import requests
from requests.structures import CaseInsensitiveDict

from .response import ApiResponse

_ENTRIES = 2048


@dataclass(frozen=True)
class CachedGet:
    etag: str
    status: int
    content: bytes
    headers: CaseInsensitiveDict[str]

    def answer(self, not_modified: requests.Response) -> ApiResponse:
        """The cached 200 with the 304's headers (fresh rate-limit counts) on top."""
        headers = CaseInsensitiveDict(self.headers)
        headers.update(not_modified.headers)
        return ApiResponse(self.status, json.loads(self.content), headers, from_cache=True)


class EtagCache:
    """Least-recently-used, bounded, shared by every thread of the process."""

    def __init__(self, entries: int = _ENTRIES) -> None:
        self._lock = threading.Lock()
        self._entries: OrderedDict[str, CachedGet] = OrderedDict()
        self._limit = entries

    def get(self, url: str) -> CachedGet | None:
        with self._lock:
            entry = self._entries.get(url)
            if entry is not None:
                self._entries.move_to_end(url)
            return entry

    def keep(self, url: str, response: requests.Response) -> None:
        etag = response.headers.get("ETag")
        if not etag:
            return
        entry = CachedGet(etag, response.status_code, response.content, CaseInsensitiveDict(response.headers))
        with self._lock:
            self._entries[url] = entry
            self._entries.move_to_end(url)
            while len(self._entries) > self._limit:
                self._entries.popitem(last=False)
