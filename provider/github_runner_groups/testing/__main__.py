"""`python -m github_runner_groups.testing --port 8080 --seed demo [--flavour ghes-3.19]`: the emulator on
loopback until Ctrl-C."""

from __future__ import annotations

import argparse
import dataclasses
import errno
import socket
import sys
import threading

from ..client.config import is_loopback
from .fake import DEMO_TOKEN, SEEDED_ENTERPRISE, SEEDS, FakeGitHub
from .flavours import DEFAULT_FLAVOUR, FLAVOURS, OPENAPI_VERSION
from .limits import SecondaryLimits
from .server import serve

# Flag -> SecondaryLimits field, for the options that tune the secondary limits.
_SECONDARY_FLAGS = {
    "secondary_window_seconds": "window_seconds",
    "secondary_points": "points_per_window",
    "secondary_writes": "writes_per_window",
    "secondary_writes_per_hour": "writes_per_hour",
    "secondary_concurrency": "concurrent_requests",
}


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not is_loopback(args.host):
        if not args.allow_remote:
            print(
                f"emulator: --host {args.host} is not a loopback address: the emulator answers every request made "
                "with its well-known demo token, so anyone who can reach that address can use it. Add "
                "--allow-remote if that is what you mean.",
                file=sys.stderr,
            )
            return 2
        print(
            f"warning: serving on {args.host}: anyone who can reach it gets the emulator's answers to the demo "
            "token (printed below). Nothing real is behind it, but do not expose it beyond a network you trust.",
            file=sys.stderr,
            flush=True,
        )
    try:
        fake = FakeGitHub.seeded(args.seed, secondary_limits=_secondary_limits(parser, args), flavour=args.flavour)
    except ValueError as error:
        parser.error(str(error))
    fake.latency_seconds = args.latency_ms / 1000
    try:
        server = serve(fake, args.host, args.port)
    except OSError as error:
        print(f"emulator: cannot listen on {args.host}:{args.port}: {_why(error, args)}", file=sys.stderr)
        return 1
    enterprise = f", enterprise '{SEEDED_ENTERPRISE}'" if fake.enterprises else ""
    print(f"GitHub emulator ({fake.flavour.name}) listening on {server.url} (org 'acme'{enterprise})", flush=True)
    settings = f"GITHUB_BASE_URL={server.url} GITHUB_TOKEN={DEMO_TOKEN} GITHUB_OWNER=acme"
    if fake.enterprises:
        settings += f" GITHUB_ENTERPRISE={SEEDED_ENTERPRISE}"
    print(f"  {settings}", flush=True)
    if fake.secondary_limits is not None:
        print(f"  secondary limits: {_describe(fake.secondary_limits)}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
    return 0


def _why(error: OSError, args: argparse.Namespace) -> str:
    """One line: what went wrong binding the socket, and what to do."""
    if isinstance(error, socket.gaierror):
        return f"no such host ({error.strerror}); use a loopback address such as 127.0.0.1."
    if error.errno == errno.EADDRINUSE:
        return "the port is in use by another program; pick another with --port, or --port 0 for a free one."
    if error.errno in (errno.EACCES, errno.EPERM):
        return "permission denied (ports below 1024 need privileges); pick a port above 1024."
    if error.errno == errno.EADDRNOTAVAIL:
        return "this machine has no such address; use 127.0.0.1."
    return f"{error.strerror or error}."


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m github_runner_groups.testing", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="loopback address to listen on (default 127.0.0.1)")
    parser.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow a --host other than loopback (the emulator answers anyone who has the demo token)",
    )
    parser.add_argument("--port", type=int, default=0, help="port (default: a free one, printed)")
    parser.add_argument(
        "--seed",
        default="demo",
        choices=SEEDS,
        help="initial state: demo (org 'acme'), enterprise (also 'acme-labs', both in enterprise 'acme-corp'; ghec)",
    )
    parser.add_argument(
        "--flavour",
        choices=list(FLAVOURS),
        help=f"the GitHub to play (default {DEFAULT_FLAVOUR}, ghec for --seed enterprise); ghes-* serve under /api/v3 "
        f"(OpenAPI {OPENAPI_VERSION})",
    )
    parser.add_argument("--latency-ms", type=float, default=0.0, help="delay added to every answer")
    limits = parser.add_argument_group(
        "secondary rate limits", "GitHub's documented secondary limits; off unless --secondary-limits is given"
    )
    limits.add_argument("--secondary-limits", action="store_true", help="enforce them (403 with retry-after)")
    limits.add_argument(
        "--secondary-compress",
        type=float,
        metavar="FACTOR",
        help="run time FACTOR times faster: for 10, a 6 s window and a tenth of the budgets",
    )
    real = SecondaryLimits()
    limits.add_argument("--secondary-window-seconds", type=float, help=f"window length (default {real.window_seconds})")
    limits.add_argument("--secondary-points", type=int, help=f"points per window (default {real.points_per_window})")
    limits.add_argument("--secondary-writes", type=int, help=f"writes per window (default {real.writes_per_window})")
    limits.add_argument(
        "--secondary-writes-per-hour", type=int, help=f"writes per 60 windows (default {real.writes_per_hour})"
    )
    limits.add_argument(
        "--secondary-concurrency", type=int, help=f"requests in flight (default {real.concurrent_requests})"
    )
    return parser


def _secondary_limits(parser: argparse.ArgumentParser, args: argparse.Namespace) -> SecondaryLimits | None:
    overrides = {
        field: getattr(args, flag) for flag, field in _SECONDARY_FLAGS.items() if getattr(args, flag) is not None
    }
    if not args.secondary_limits:
        if overrides or args.secondary_compress is not None:
            parser.error("the --secondary-* options tune the limits: add --secondary-limits to turn them on")
        return None
    try:
        compress = args.secondary_compress
        base = SecondaryLimits() if compress is None else SecondaryLimits.compressed(compress)
        return dataclasses.replace(base, **overrides)
    except ValueError as error:
        parser.error(str(error))


def _describe(limits: SecondaryLimits) -> str:
    return (
        f"{limits.points_per_window} points, {limits.writes_per_window} writes per {limits.window_seconds:g} s; "
        f"{limits.writes_per_hour} writes per {limits.hour_seconds:g} s; {limits.concurrent_requests} in flight"
    )


if __name__ == "__main__":
    raise SystemExit(main())
