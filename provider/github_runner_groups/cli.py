"""`github-runner-groups`: export an org's runner groups, audit who can reach its runners, run the demo, or serve
the emulator."""

from __future__ import annotations

import argparse
import sys
import traceback
from pathlib import Path
from typing import TYPE_CHECKING

from .audit.render import FORMATS
from .audit.rules import SEVERITIES
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


if TYPE_CHECKING:
    from .audit import Report
    from .audit.model import Runner
    from .client import GitHubClient
    from .spec import OrgSpec


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
        "GITHUB_OWNER. With --spec, shows what applying the spec would change instead. Exit codes: 0 nothing at "
        "or above --fail-on; 1 a (new) finding at or above it; 2 a usage or read error; 3 with --spec, `pulumi up` "
        "of the spec would fail.",
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
        help="exit 1 when a finding (with --spec: a new or worse one) is this severe or worse and not accepted by "
        "--baseline",
    )
    audit.add_argument(
        "--baseline",
        type=Path,
        help="a YAML file of accepted findings (fingerprint, reason, optional expires); see docs/audit.md",
    )
    audit.add_argument(
        "--repository-runners",
        choices=("public", "all"),
        default="public",
        help="whose own self-hosted runners to read: public repositories (default) or all (one call each)",
    )
    audit.add_argument(
        "--workflows",
        action="store_true",
        help="also read every repository's .github/workflows/*.yml (one listing per repository, one read per file) "
        "and report who uses which runner; its cost is printed on stderr",
    )
    audit.add_argument(
        "--workflows-max-requests",
        type=int,
        default=2000,
        metavar="N",
        help="with --workflows: read at most N requests' worth (default 2000); repositories left unread are said",
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
        return AUDIT_ERROR if options.command == "audit" else 1
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


AUDIT_FINDINGS, AUDIT_ERROR, AUDIT_SPEC_FAILS = 1, 2, 3


def _audit(options: argparse.Namespace) -> int:
    from .audit import audit_org, spec_delta
    from .audit.baseline import accepted_now, load_baseline
    from .audit.render import render, render_delta
    from .audit.sarif import sarif
    from .client import get_client
    from .settings import resolve_settings
    from .spec import load_spec

    if options.complete and not options.spec:
        raise ConfigError("--complete describes a spec: pass --spec FILE with it.")
    if options.spec and options.format == "mermaid":
        raise ConfigError("--format mermaid draws the org as it is; with --spec use table, markdown, json or sarif.")
    baseline = load_baseline(options.baseline) if options.baseline else ()
    spec = load_spec(options.spec) if options.spec else None
    settings = resolve_settings()
    org = options.org or (spec.org if spec else None) or settings.owner
    if not org:
        raise ConfigError("No organization: pass --org ORG, or set GITHUB_OWNER.")
    client = get_client(settings.client)
    report = audit_org(client, org, options.sensitive_label, repository_runners=options.repository_runners)
    if options.workflows:
        report = _with_workflows(client, report, options.workflows_max_requests)
    failing = 0
    if spec is None:
        findings = report.findings
        text = render(report, options.format)
    else:
        delta = spec_delta(report, spec, complete=options.complete, enterprise_runners=_enterprise_runners(spec))
        findings = (*delta.added, *(w.after for w in delta.worse))
        if options.format == "sarif":
            spec_text = options.spec.read_text(errors="replace")
            new = frozenset(f.key for f in findings)
            text = sarif(org, delta.after, spec_path=str(options.spec), spec_text=spec_text, new_keys=new)
        else:
            text = render_delta(delta, options.format, options.spec.name)
        for note in delta.unseen:
            print(f"github-runner-groups audit: {note}", file=sys.stderr)
        failing = AUDIT_SPEC_FAILS if delta.notes else 0
    _write(text, options.output)
    accepted = accepted_now(findings, baseline)
    if failing:
        return failing
    if options.fail_on and any(
        SEVERITIES.index(f.severity) <= SEVERITIES.index(options.fail_on) and f.fingerprint not in accepted
        for f in findings
    ):
        return AUDIT_FINDINGS
    return 0


def _with_workflows(client: GitHubClient, report: Report, max_requests: int) -> Report:
    from .audit import read_workflows, with_usage

    if max_requests < 1:
        raise ConfigError(f"--workflows-max-requests {max_requests} reads nothing; give at least 1 (default 2000).")
    usage = read_workflows(client, report, max_requests=max_requests)
    print(
        f"github-runner-groups audit: --workflows read {usage.files} files of {len(usage.read_repositories)} "
        f"repositories with {usage.requests} requests in {usage.seconds:.1f} s"
        + (
            f"; {usage.unread_repositories} repositories unread or read in part (the request cap, or files it could "
            "not read: raise --workflows-max-requests, or see the skipped files)"
            if usage.unread_repositories
            else ""
        ),
        file=sys.stderr,
    )
    return with_usage(report, usage)


def _enterprise_runners(spec: OrgSpec) -> tuple[Runner, ...]:
    """The runners of the spec's enterprise, for the groups it shares anew (their labels, state, ephemerality);
    when the token may not list them, the delta draws them without labels, and says so."""
    from .audit import read_enterprise_runners
    from .audit.model import Unknown
    from .client import get_client
    from .settings import resolve_settings

    if spec.enterprise is None or not any(g.runners for g in spec.enterprise.groups):
        return ()
    settings = resolve_settings()
    slug = spec.enterprise.enterprise or settings.enterprise
    found = read_enterprise_runners(get_client(settings.client), slug) if slug else Unknown("an enterprise slug")
    if isinstance(found, Unknown):
        print(
            f"github-runner-groups audit: the enterprise's runners could not be read ({found}): runners the spec "
            "moves into a newly shared group are shown without their labels",
            file=sys.stderr,
        )
        return ()
    return found


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
