"""`github-runner-groups`: export an org's runner groups, run the demo, or serve the emulator."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .errors import GitHubRunnerGroupsError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="github-runner-groups", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    export = commands.add_parser(
        "export",
        help="write an org's runner groups as a YAML spec or a Pulumi program (adopt=True)",
        description="Settings come from GITHUB_TOKEN (or the GitHub App variables) and GITHUB_BASE_URL.",
    )
    export.add_argument("--org", required=True, help="organization login")
    export.add_argument("--format", choices=("yaml", "python"), default="yaml")
    export.add_argument("--output", type=Path, help="file to write (default: standard output)")
    demo = commands.add_parser("demo", help="run the quickstart against the embedded GitHub emulator")
    demo.add_argument("--project", type=Path, default=Path.cwd(), help="the quickstart project (default: here)")
    # The emulator's own parser reads its options (--port, --host, ...; see `emulator --help`).
    commands.add_parser("emulator", help="serve the GitHub emulator on loopback (--port N)", add_help=False)
    options, emulator_args = parser.parse_known_args(argv)
    if emulator_args and options.command != "emulator":
        parser.error(f"unrecognized arguments: {' '.join(emulator_args)}")
    try:
        if options.command == "export":
            return _export(options.org, options.format, options.output)
        if options.command == "demo":
            from . import demo as demo_module

            return demo_module.run(options.project)
        from .testing.__main__ import main as serve_emulator

        return serve_emulator(emulator_args)
    except GitHubRunnerGroupsError as exc:
        print(f"github-runner-groups {options.command}: {exc}", file=sys.stderr)
        return 1


def _export(org: str, output_format: str, output: Path | None) -> int:
    from . import export
    from .client import get_client
    from .settings import resolve_settings

    settings = resolve_settings()
    exported = export.export_org(get_client(settings.client), org)
    text = export.to_yaml(exported) if output_format == "yaml" else export.to_python(exported)
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text)
        print(f"wrote {len(exported.spec.groups)} groups of '{org}' to {output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
