"""`python -m github_runner_groups.testing --port 8080 --seed demo`: the emulator on loopback until Ctrl-C."""

from __future__ import annotations

import argparse
import threading

from .fake import DEMO_TOKEN, FakeGitHub
from .server import serve


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m github_runner_groups.testing", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="loopback address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port (default: a free one, printed)")
    parser.add_argument("--seed", default="demo", choices=["demo"], help="initial state (org 'acme')")
    parser.add_argument("--latency-ms", type=float, default=0.0, help="delay added to every answer")
    args = parser.parse_args(argv)
    fake = FakeGitHub.seeded(args.seed)
    fake.latency_seconds = args.latency_ms / 1000
    server = serve(fake, args.host, args.port)
    print(f"GitHub emulator listening on {server.url} (org 'acme')", flush=True)
    print(f"  GITHUB_BASE_URL={server.url} GITHUB_TOKEN={DEMO_TOKEN} GITHUB_OWNER=acme", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
