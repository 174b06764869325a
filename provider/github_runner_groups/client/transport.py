"""One HTTP exchange: GitHub's headers, the bearer credential, TLS, no redirect for writes, an overall deadline.

requests' timeout applies to each read, so a server sending one byte a second never times out. Here one
deadline covers the whole answer: while the status line and headers arrive, the process's one watchdog thread
cuts the connection when the deadline passes; the body is then read in pieces against the same deadline, and
against a size cap.
"""

from __future__ import annotations

import contextlib
import contextvars
import heapq
import itertools
import socket
import threading
import time
from typing import Any

import requests
import urllib3
from requests.adapters import HTTPAdapter
from requests.auth import AuthBase

from .._version import __version__
from ..redaction import logger
from .failures import BodyTooLarge, DeadlineExceeded

API_VERSION = "2022-11-28"
_POOL_SIZE = 16
_READ_SIZE = 65536

log = logger("github_runner_groups.http")


USER_AGENT = f"github-runner-groups/{__version__}"


class BearerAuth(AuthBase):
    """Sets Authorization per request; passing any `auth` also stops requests applying ~/.netrc over it."""

    def __init__(self, credential: str) -> None:
        self._credential = credential

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self._credential}"
        return request

    def __repr__(self) -> str:
        return "BearerAuth(<redacted>)"


# The deadline of the request this thread is sending, read by the connection while it waits for headers.
_deadline: contextvars.ContextVar[float | None] = contextvars.ContextVar("deadline", default=None)


def _cut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


class _Watchdog:
    """One thread for every connection of the process: cuts a connection whose deadline passed. (A Timer per
    request was a thread started and stopped per request: a fifth of a no-op refresh's time.)"""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._due: list[tuple[float, int, socket.socket]] = []
        self._cancelled: set[int] = set()
        self._ids = itertools.count()
        self._thread: threading.Thread | None = None

    def watch(self, deadline: float, sock: socket.socket) -> int:
        with self._condition:
            ticket = next(self._ids)
            heapq.heappush(self._due, (deadline, ticket, sock))
            if self._thread is None or not self._thread.is_alive():  # first use, or after a fork
                self._thread = threading.Thread(target=self._run, name="github-runner-groups-deadlines", daemon=True)
                self._thread.start()
            elif self._due[0][1] == ticket:
                self._condition.notify()
        return ticket

    def cancel(self, ticket: int) -> None:
        with self._condition:
            self._cancelled.add(ticket)

    def _run(self) -> None:
        with self._condition:
            while True:
                while self._due and self._due[0][1] in self._cancelled:
                    self._cancelled.discard(heapq.heappop(self._due)[1])
                if not self._due:
                    self._condition.wait()
                    continue
                deadline, _, sock = self._due[0]
                left = deadline - time.monotonic()
                if left > 0:
                    self._condition.wait(left)
                    continue
                heapq.heappop(self._due)
                _cut(sock)


_WATCHDOG = _Watchdog()


class _DeadlineMixin:
    """Cuts the connection if the status line and headers have not all arrived by the thread's deadline."""

    sock: socket.socket | None

    def getresponse(self, *args: Any, **kwargs: Any) -> Any:
        deadline = _deadline.get()
        ticket = None
        if deadline is not None and self.sock is not None:
            ticket = _WATCHDOG.watch(deadline, self.sock)
        try:
            return super().getresponse(*args, **kwargs)  # type: ignore[misc]  # the urllib3 class mixed in
        finally:
            if ticket is not None:
                _WATCHDOG.cancel(ticket)


class _HTTPConnection(_DeadlineMixin, urllib3.connection.HTTPConnection):
    pass


class _HTTPSConnection(_DeadlineMixin, urllib3.connection.HTTPSConnection):
    pass


class _HTTPPool(urllib3.HTTPConnectionPool):
    ConnectionCls = _HTTPConnection


class _HTTPSPool(urllib3.HTTPSConnectionPool):
    ConnectionCls = _HTTPSConnection


class _DeadlineAdapter(HTTPAdapter):
    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _HTTPPool, "https": _HTTPSPool}


def new_session() -> requests.Session:
    session = requests.Session()
    adapter = _DeadlineAdapter(pool_connections=4, pool_maxsize=_POOL_SIZE)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


class Transport:
    """Sends one request and returns the answer with its whole body read, or raises a requests exception."""

    def __init__(self, session: requests.Session, verify: bool | str, timeout: float, max_body_bytes: int) -> None:
        self.session = session
        self._verify = verify
        self._timeout = timeout
        self._max_body = max_body_bytes

    def send(self, method: str, url: str, json_body: Any, credential: str, etag: str | None) -> requests.Response:
        headers = {
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": API_VERSION,
            "User-Agent": USER_AGENT,
        }
        if etag is not None:
            headers["If-None-Match"] = etag
        started = time.monotonic()
        deadline = started + self._timeout
        outcome = "no answer"
        token = _deadline.set(deadline)
        try:
            response = self.session.request(
                method,
                url,
                headers=headers,
                json=json_body,
                auth=BearerAuth(credential),
                timeout=self._timeout,
                verify=self._verify,
                allow_redirects=method == "GET",  # a write is never replayed elsewhere (or turned into a GET)
                stream=True,
            )
            outcome = str(response.status_code)
            self._read_body(response, deadline)
            return response
        except requests.ConnectionError:
            if time.monotonic() >= deadline:  # the timer cut it
                raise DeadlineExceeded() from None
            raise
        finally:
            _deadline.reset(token)
            log.debug(
                "%s %s -> %s in %.3fs, headers %s",
                method,
                url,
                outcome,
                time.monotonic() - started,
                {**headers, "Authorization": "<redacted>"},
            )

    def _read_body(self, response: requests.Response, deadline: float) -> None:
        """Read the whole body before `deadline` and within the size cap; `response.content` then holds it."""
        chunks: list[bytes] = []
        size = 0
        try:
            while chunk := response.raw.read1(_READ_SIZE, decode_content=True):
                size += len(chunk)
                if size > self._max_body:
                    raise BodyTooLarge(f"its answer is larger than {self._max_body // (1024 * 1024)} MiB")
                if time.monotonic() > deadline:
                    raise DeadlineExceeded()
                chunks.append(chunk)
        except (BodyTooLarge, DeadlineExceeded):
            response.close()
            raise
        except Exception as exc:  # urllib3's read errors: the answer was cut off
            response.close()
            raise requests.exceptions.ChunkedEncodingError(type(exc).__name__) from None
        response._content = b"".join(chunks)
        response._content_consumed = True  # type: ignore[attr-defined]  # requests' own flag, not in its stubs
        response.close()  # returns the connection to the pool
