"""The emulator behind a loopback HTTP server, for what talks real HTTP: the provider server, the CLI, the demo."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, cast
from urllib.parse import urlsplit

from .fake import FakeGitHub
from .wire import DropConnection


class _Httpd(ThreadingHTTPServer):
    """Keeps its open connections, so that closing the server also ends idle keep-alive connections."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler]) -> None:
        super().__init__(address, handler)
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        self.closing = False

    def process_request(self, request: socket.socket | tuple[bytes, socket.socket], client_address: Any) -> None:
        with self._connections_lock:
            self._connections.add(cast(socket.socket, request))
        super().process_request(request, client_address)

    def shutdown_request(self, request: socket.socket | tuple[bytes, socket.socket]) -> None:
        with self._connections_lock:
            self._connections.discard(cast(socket.socket, request))
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """Without this, a client's pooled connection would still get answers from a closed server."""
        self.closing = True
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: socket.socket | tuple[bytes, socket.socket], client_address: Any) -> None:
        if not self.closing:  # an answer cut off by close() is expected, not an error worth a traceback
            super().handle_error(request, client_address)


class EmulatorServer:
    """A running server: `url` is the API root to configure as github:baseUrl."""

    def __init__(self, fake: FakeGitHub, host: str, port: int) -> None:
        self.fake = fake
        self._httpd = _Httpd((host, port), _handler_for(fake))
        # The API root: GHES serves its REST API under /api/v3, github.com at the root.
        self.url = "http://{}:{}".format(*self._httpd.server_address[:2]) + fake.flavour.api_prefix
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, args=(0.05,), name="github-emulator", daemon=True
        )
        self._thread.start()

    def close(self) -> None:
        """Stop listening and end every open connection: afterwards nothing answers at `url`."""
        self._httpd.shutdown()
        self._httpd.server_close()
        self._httpd.close_connections()
        self._thread.join(timeout=5)

    def __enter__(self) -> EmulatorServer:
        return self

    def __exit__(
        self, _type: type[BaseException] | None, _value: BaseException | None, _tb: TracebackType | None
    ) -> None:
        self.close()


def serve(fake: FakeGitHub, host: str = "127.0.0.1", port: int = 0) -> EmulatorServer:
    """Serve `fake` on host:port (0: a free port) in a background thread until `close()`."""
    return EmulatorServer(fake, host, port)


def _handler_for(fake: FakeGitHub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, like GitHub: the client's connection pool is exercised
        # Headers and body go out in two writes: with Nagle on, the body waits for the client's delayed ACK
        # (~40 ms on Linux) and every answer with a body would look slow.
        disable_nagle_algorithm = True

        def _serve(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            host = self.headers.get("Host") or "127.0.0.1"
            prefix = fake.flavour.api_prefix
            if not parts.path.startswith(prefix + "/"):
                self._outside_the_api(prefix)
                return
            outcome = fake.handle(
                self.command,
                parts.path[len(prefix) :],
                parts.query,
                dict(self.headers.items()),
                body,
                base_url=f"http://{host}{prefix}",
            )
            if outcome.delay_seconds:
                time.sleep(outcome.delay_seconds)
            if isinstance(outcome, DropConnection):
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            self.send_response(outcome.status)
            for name, value in outcome.headers.items():
                if value:
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(outcome.body)))
            self.end_headers()
            self.wfile.write(outcome.body)

        def _outside_the_api(self, prefix: str) -> None:
            """A path outside the API root (GHES: not under /api/v3) is the web server's 404, not the API's."""
            body = f"Not Found: the REST API is served under {prefix}/\n".encode()
            self.send_response(404)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

        def log_message(self, format: str, *args: object) -> None:
            """Quiet: the fake keeps its own request log."""

    return Handler
