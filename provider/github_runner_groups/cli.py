"""`github-runner-groups`: export an org's runner groups, audit who can reach its runners, run the demo, or serve
the emulator."""

from __future__ import annotations

import argparse
import sys
import traceback
from pathlib import Path
from typing import TYPE_CHECKING

from .audit.findings import SEVERITIES
from .audit.render import FORMATS
from .cli_output import diagnostics, end_progress
from .errors import ConfigError, GitHubRunnerGroupsError
from .redaction import scrub
from .settings import remember_secrets

if TYPE_CHECKING:
    from _typeshed import SupportsWrite


class _Parser(argparse.ArgumentParser):
    """argparse echoes what it refuses (an argument pasted in the wrong place may be a token): scrubbed."""

    def _print_message(self, message: str, file: SupportsWrite[str] | None = None) -> None:
        super()._print_message(scrub(message), file)


def main(argv: list[str] | None = None) -> int:
    from ._version import __version__

    parser = _Parser(prog="github-runner-groups", description=__doc__)
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    # The options of the commands that talk to GitHub: where the request log goes.
    talks = _Parser(add_help=False)
    talks.add_argument("--debug", action="store_true", help="write every request (Authorization redacted) to stderr")
    talks.add_argument("--log-file", type=Path, metavar="PATH", help="append every request to PATH")
    commands = parser.add_subparsers(dest="command", required=True)
    export = commands.add_parser(
        "export",
        parents=[talks],
        help="write an org's (and an enterprise's) runner groups as a YAML spec or a Pulumi program (adopt=True)",
        description="Settings come from GITHUB_TOKEN (or the GitHub App variables) and GITHUB_BASE_URL. "
        "--enterprise needs a classic token with manage_runners:enterprise (or admin:enterprise).",
    )
    export.add_argument("--org", help="organization login")
    export.add_argument("--enterprise", help="enterprise slug: its runner groups go into the spec's enterprise:")
    export.add_argument("--format", choices=("yaml", "python"), default="yaml")
    export.add_argument("--output", type=Path, help="file to write (default: standard output)")
    audit = commands.add_parser(
        "audit",
        parents=[talks],
        help="which repositories and workflows can send jobs to which runners, with findings",
        description="Read-only. Settings come from GITHUB_TOKEN (or the GitHub App variables), GITHUB_BASE_URL and "
        "GITHUB_OWNER. With --spec, shows what applying the spec would change instead.",
    )
    audit.add_argument("--org", help="organization login (default: the spec's org, then GITHUB_OWNER)")
    audit.add_argument("--format", choices=FORMATS, default="table")
    audit.add_argument(
        "--sensitive-label",
        action="append",
        default=[],
        metavar="LABEL",
        help="a runner label that must not be open to every repository (repeatable), e.g. gpu or prod",
    )
    audit.add_argument("--spec", type=Path, help="a YAML spec: show the delta applying it would make")
    audit.add_argument(
        "--complete",
        action="store_true",
        help="with --spec: the spec manages every group of the org (as an exported one does), so a group it does "
        "not list would be deleted",
    )
    audit.add_argument(
        "--fail-on",
        choices=SEVERITIES,
        help="exit 3 when a finding (or, with --spec, a new one) is this severe or worse",
    )
    audit.add_argument("--output", type=Path, help="file to write (default: standard output)")
    demo = commands.add_parser("demo", help="run the quickstart against the embedded GitHub emulator")
    demo.add_argument("--project", type=Path, default=Path.cwd(), help="the quickstart project (default: here)")
    demo.add_argument(
        "--seed",
        default="demo",
        help="the emulator's start: demo (org acme), or enterprise (GitHub Enterprise Cloud, enterprise acme-corp "
        "with the orgs acme and acme-labs: for examples/enterprise)",
    )
    # The emulator's own parser reads its options (--port, --host, ...; see `emulator --help`).
    commands.add_parser("emulator", help="serve the GitHub emulator on loopback (--port N)", add_help=False)
    remember_secrets()  # before anything is parsed or printed: the environment's token and App key
    options, emulator_args = parser.parse_known_args(argv)
    _say_waits_on_stderr()
    if emulator_args and options.command != "emulator":
        parser.error(f"unrecognized arguments: {' '.join(emulator_args)}")
    try:
        if getattr(options, "output", None) is not None and not options.output.parent.is_dir():
            raise ConfigError(f"cannot write --output {options.output}: no such folder; pick a writable file.")
        if options.command == "export":
            if not (options.org or options.enterprise):
                export.error("give --org ORG, --enterprise SLUG, or both")
            with diagnostics("reading runner groups", options.debug, options.log_file):
                return _export(options.org, options.enterprise, options.format, options.output)
        if options.command == "audit":
            with diagnostics("reading the org", options.debug, options.log_file):
                return _audit(options)
        if options.command == "demo":
            from . import demo as demo_module

            return demo_module.run(options.project, seed=options.seed)
        from .testing.__main__ import main as serve_emulator

        return serve_emulator(emulator_args)
    except GitHubRunnerGroupsError as exc:
        print(scrub(f"github-runner-groups {options.command}: {exc}"), file=sys.stderr)
        return 1
    except Exception as exc:  # a defect or a library's error: shown, but never with a secret in it
        print(scrub(traceback.format_exc()), file=sys.stderr, end="")
        print(scrub(f"github-runner-groups {options.command}: unexpected {type(exc).__name__}"), file=sys.stderr)
        return 2


def _say_waits_on_stderr() -> None:
    """The client's long waits (on the shared budget, for a limit's reset), as the providers say them to Pulumi."""
    import logging

    from .client.core import waits_log

    if not waits_log.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("github-runner-groups: %(message)s"))
        waits_log.addHandler(handler)
        waits_log.propagate = False


def _export(org: str | None, enterprise: str | None, output_format: str, output: Path | None) -> int:
    from . import export
    from .client import get_client
    from .settings import resolve_settings

    client = get_client(resolve_settings().client)
    exported = export.export_org(client, org) if org else None
    if enterprise:
        of_enterprise = export.export_enterprise(client, enterprise)
        exported = of_enterprise if exported is None else export.merged(exported, of_enterprise)
    assert exported is not None  # main() requires --org or --enterprise
    text = export.to_yaml(exported) if output_format == "yaml" else export.to_python(exported)
    _write(text, output)
    if output is not None:
        shared = exported.spec.enterprise
        count = len(exported.spec.groups) + (len(shared.groups) if shared is not None else 0)
        print(scrub(f"wrote {count} groups of {export.describe_source(exported.spec)} to {output}"), file=sys.stderr)
    return 0


def _audit(options: argparse.Namespace) -> int:
    from .audit import audit_org, spec_delta
    from .audit.render import render, render_delta
    from .client import get_client
    from .settings import resolve_settings
    from .spec import load_spec

    if options.complete and not options.spec:
        raise ConfigError("--complete describes a spec: pass --spec FILE with it.")
    if options.spec and options.format == "mermaid":
        raise ConfigError("--format mermaid draws the org as it is; with --spec use table, markdown or json.")
    spec = load_spec(options.spec) if options.spec else None
    settings = resolve_settings()
    org = options.org or (spec.org if spec else None) or settings.owner
    if not org:
        raise ConfigError("No organization: pass --org ORG, or set GITHUB_OWNER.")
    report = audit_org(get_client(settings.client), org, options.sensitive_label)
    if spec is None:
        text, findings = render(report, options.format), report.findings
    else:
        delta = spec_delta(report, spec, complete=options.complete)
        text, findings = render_delta(delta, options.format, options.spec.name), delta.added
    _write(text, options.output)
    if options.fail_on and any(SEVERITIES.index(f.severity) <= SEVERITIES.index(options.fail_on) for f in findings):
        return 3
    return 0


def _write(text: str, output: Path | None) -> None:
    end_progress()
    text = scrub(text)
    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.write_text(text)
    except OSError as exc:
        raise ConfigError(f"cannot write --output {output}: {exc.strerror or exc}; pick a writable file.") from None


if __name__ == "__main__":
    raise SystemExit(main())
