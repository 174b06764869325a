"""The emulator behind a loopback HTTP server, for what talks real HTTP: the provider server, the CLI, the demo."""

from __future__ import annotations

import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import urlsplit

from .fake import DropConnection, FakeGitHub


class EmulatorServer:
    """A running server: `url` is the API root to configure as github:baseUrl."""

    def __init__(self, fake: FakeGitHub, host: str, port: int) -> None:
        self.fake = fake
        self._httpd = ThreadingHTTPServer((host, port), _handler_for(fake))
        self._httpd.daemon_threads = True
        self.url = "http://{}:{}".format(*self._httpd.server_address[:2])
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, args=(0.05,), name="github-emulator", daemon=True
        )
        self._thread.start()

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
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
            outcome = fake.handle(
                self.command, parts.path, parts.query, dict(self.headers.items()), body, base_url=f"http://{host}"
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

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

        def log_message(self, format: str, *args: object) -> None:
            """Quiet: the fake keeps its own request log."""

    return Handler
