"""`python -m github_runner_groups.testing --port 8080 --seed demo [--flavour ghes-3.19]`: the emulator on
loopback until Ctrl-C."""

from __future__ import annotations

import argparse
import dataclasses
import threading

from .fake import DEMO_TOKEN, SEEDED_ENTERPRISE, FakeGitHub
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
    fake = FakeGitHub.seeded(args.seed, secondary_limits=_secondary_limits(parser, args), flavour=args.flavour)
    fake.latency_seconds = args.latency_ms / 1000
    server = serve(fake, args.host, args.port)
    enterprise = f", enterprise '{SEEDED_ENTERPRISE}'" if fake.enterprises else ""
    print(f"GitHub emulator ({args.flavour}) listening on {server.url} (org 'acme'{enterprise})", flush=True)
    print(f"  GITHUB_BASE_URL={server.url} GITHUB_TOKEN={DEMO_TOKEN} GITHUB_OWNER=acme", flush=True)
    if fake.secondary_limits is not None:
        print(f"  secondary limits: {_describe(fake.secondary_limits)}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m github_runner_groups.testing", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="loopback address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port (default: a free one, printed)")
    parser.add_argument("--seed", default="demo", choices=["demo"], help="initial state (org 'acme')")
    parser.add_argument(
        "--flavour",
        default=DEFAULT_FLAVOUR,
        choices=list(FLAVOURS),
        help=f"the GitHub to play (default {DEFAULT_FLAVOUR}); ghes-* serve under /api/v3 (OpenAPI {OPENAPI_VERSION})",
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
