"""Hostile and sloppy YAML specs and command lines: each fails before any write, naming file, line, group, field.

Specs run as the quickstart does, through `OrgRunnerGroups(spec_file=...)` in a Pulumi program (mocks that call
the real providers) against the emulator, so "nothing written" is what GitHub saw, not an assumption.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from github_runner_groups import cli, lookups
from github_runner_groups.client import reset_clients
from github_runner_groups.errors import GitHubRunnerGroupsError
from github_runner_groups.testing import DEMO_TOKEN, EmulatorServer
from github_runner_groups.testing.mocks import program_file, run_program
from hostile_check import HostileCheck

SPEC = "runner-groups.yaml"
PROGRAM = f"from github_runner_groups.component import OrgRunnerGroups\nOrgRunnerGroups('acme', spec_file='{SPEC}')\n"
LAUGHS = "org: acme\na: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]\n" for i in range(8)
)
DEEP = "org: acme\ngroups:\n  ci:\n    runners: " + "[" * 500 + "]" * 500 + "\n"

# (case, file content, fragments the error must name)
SPECS: list[tuple[str, str | bytes, tuple[str, ...]]] = [
    (
        "duplicate group",
        "org: acme\ngroups:\n  ci: {}\n  gpu: {}\n  ci:\n    visibility: selected\n",
        (SPEC, "'ci'", "lines 3 and 5"),
    ),
    (
        "second groups block",
        "org: acme\ngroups:\n  ci: {}\nother: 1\ngroups:\n  gpu: {}\n",
        (SPEC, "'groups'", "lines 2 and 5", "merge them"),
    ),
    (
        "duplicate field",
        "groups:\n  ci:\n    visibility: all\n    adopt: true\n    visibility: selected\n",
        (SPEC, "'visibility'", "lines 3 and 5"),
    ),
    ("duplicate org", "org: acme\ngroups: {ci: {}}\norg: evil\n", (SPEC, "'org'", "lines 1 and 3")),
    (
        "duplicate in flow mapping",
        "groups: {ci: {adopt: true, adopt: false}}\n",
        (SPEC, "'adopt'", "given twice"),
    ),
    (
        "merge key with alias",
        "base: &base {visibility: selected}\ngroups:\n  ci:\n    <<: *base\n",
        (SPEC, "line 4", "alias *base"),
    ),
    ("merge key inline", "groups:\n  ci:\n    <<: {visibility: selected}\n", (SPEC, "line 3", "'<<'")),
    (
        "alias for a list",
        "groups:\n  ci:\n    visibility: selected\n    runners: &r [linux-1]\n  gpu:\n    runners: *r\n",
        (SPEC, "line 6", "alias *r", "write the values out"),
    ),
    ("billion laughs", LAUGHS, (SPEC, "line 3", "alias *a")),
    (
        "python object tag",
        "groups:\n  ci: !!python/object/apply:os.system ['touch /tmp/pwned']\n",
        (SPEC, "line 2", "tag:yaml.org,2002:python/object/apply:os.system", "not allowed"),
    ),
    ("python name tag", "org: !!python/name:os.getcwd ''\n", (SPEC, "line 1", "python/name:os.getcwd", "not allowed")),
    ("custom tag", "groups:\n  ci:\n    runners: !Ref runners\n", (SPEC, "line 3", "!Ref", "not allowed")),
    ("huge file", "org: acme\n" + "# padding\n" * 500_000, (SPEC, "larger than 4 MiB")),
    ("deep nesting", DEEP, (SPEC, "line 4", "more than 32 levels")),
    ("list root", "- ci\n- gpu\n", (SPEC, "expected a mapping", "list")),
    ("scalar root", "just some text\n", (SPEC, "expected a mapping", "str")),
    ("empty file", "", (SPEC, "the file is empty")),
    ("comments only", "# nothing here\n", (SPEC, "the file is empty")),
    ("UTF-16 with BOM", "org: acme\n".encode("utf-16"), (SPEC, "line 1", "not UTF-8", "save the file as UTF-8")),
    ("NUL byte", b"org: acme\ngroups:\n  ci\x00: {}\n", (SPEC, "line 3", "not valid YAML")),
    ("tab indentation", "groups:\n\tci: {}\n", (SPEC, "line 2", "spaces, not tabs")),
    ("two documents", "org: acme\n---\norg: evil\n", (SPEC, "line 2", "single document")),
    ("list as key", "groups:\n  [ci, gpu]: {}\n", (SPEC, "line 2", "a key must be text")),
    (
        "wrong type visibility",
        "groups:\n  ci:\n    visibility: [all]\n",
        (SPEC, "line 2, group 'ci'", "visibility must be one of 'all', 'selected', 'private'", "['all']"),
    ),
    (
        "misspelled field",
        "groups:\n  ci:\n    repositores: [api]\n",
        (SPEC, "line 2, group 'ci'", "unknown field 'repositores'", "did you mean 'repositories'?"),
    ),
    ("misspelled top level", "org: acme\ngroup:\n  ci: {}\n", (SPEC, "'group'", "did you mean 'groups'?")),
    ("number as group name", "groups:\n  123: {}\n", (SPEC, "line 2, group 123", "1-64 characters")),
    (
        "boolean as a string",
        "groups:\n  ci:\n    allows_public_repositories: 'false'\n",
        (SPEC, "line 2, group 'ci'", "allows_public_repositories must be true or false", "'false'"),
    ),
    (
        "yes is not a boolean",
        "groups:\n  ci:\n    adopt: yes please\n",
        (SPEC, "line 2, group 'ci'", "adopt must be true or false"),
    ),
    (
        "YAML 1.1 octal id",
        "org: acme\ngroups:\n  ci:\n    visibility: selected\n    repositories: [api, 0123]\n",
        (SPEC, "line 3, group 'ci'", "repositories[1] at ", ":5 is 0123", "the number 83", "quote it: '0123'"),
    ),
    (
        "YAML 1.1 sexagesimal id",
        "org: acme\ngroups:\n  ci:\n    visibility: selected\n    repositories: [api, 12:30]\n",
        (SPEC, "the number 750", "quote it: '12:30'"),
    ),
    (
        "YAML 1.1 hex id",
        "org: acme\ngroups:\n  ci:\n    visibility: selected\n    repositories: [api, 0x1F]\n",
        (SPEC, "the number 31", "quote it: '0x1F'"),
    ),
    (
        "YAML 1.1 underscore id",
        "org: acme\ngroups:\n  ci:\n    visibility: selected\n    repositories: [api, 1_000]\n",
        (SPEC, "the number 1000", "quote it: '1_000'"),
    ),
    (
        "YAML 1.2 octal id",
        "org: acme\ngroups:\n  ci:\n    visibility: selected\n    repositories: [api, 0o17]\n",
        (SPEC, "YAML 1.2 tools read as a number", "quote it: '0o17'"),
    ),
    (
        "plus-signed id",
        "org: acme\ngroups:\n  ci:\n    visibility: selected\n    repositories: [api, +5]\n",
        (SPEC, "the number 5", "quote it: '+5'"),
    ),
    (
        "exponent id",
        "org: acme\ngroups:\n  ci:\n    visibility: selected\n    repositories: [api, 1e3]\n",
        (SPEC, "YAML 1.2 tools read as a number", "quote it: '1e3'"),
    ),
    (
        "binary id",
        "org: acme\ngroups:\n  ci:\n    visibility: selected\n    repositories: [api, 0b101]\n",
        (SPEC, "the number 5", "quote it: '0b101'"),
    ),
    (
        "float id",
        "org: acme\ngroups:\n  ci:\n    visibility: selected\n    repositories: [api, 12.0]\n",
        (SPEC, "the number 12.0", "quote it: '12.0'"),
    ),
    (
        "boolean entry",
        "org: acme\ngroups:\n  ci:\n    visibility: selected\n    repositories: [api, yes]\n",
        (SPEC, "reads as True", "quote it: 'yes'"),
    ),
    (
        "hex maximum runners",
        "groups:\n  ci:\n    hosted_runners:\n      linux: {image_id: ubuntu-24.04, size: 4-core,"
        " maximum_runners: 0x10}\n",
        (SPEC, "line 4", "'0x10' is read by YAML as the number 16", "quote it: '0x10'"),
    ),
    ("octal group name", "groups:\n  0123: {}\n", (SPEC, "line 2", "the number 83", "quote it: '0123'")),
    (
        "runner name with a trailing newline",
        'org: acme\ngroups:\n  ci:\n    runners: ["linux-1\\n"]\n',
        (SPEC, "line 3, group 'ci'", "runners[0] at ", "'linux-1\\n'", "spaces, newlines or control characters"),
    ),
    (
        "empty workflow list key",
        "org: acme\ngroups:\n  ci:\n    restricted_to_workflows: true\n    selected_workflows:\n",
        (SPEC, "line 3, group 'ci'", "selected_workflows at ", "is empty", "'selected_workflows: []'"),
    ),
    (
        "empty list key",
        "org: acme\ngroups:\n  ci:\n    visibility: selected\n    repositories:\n    # - api\n    # - web\n",
        (SPEC, "line 3, group 'ci'", "repositories at ", "is empty", "write 'repositories: []'"),
    ),
    (
        "null list key",
        "org: acme\ngroups:\n  ci:\n    runners: ~\n",
        (SPEC, "line 3, group 'ci'", "runners at ", "is empty", "'runners: []'"),
    ),
    (
        "repository listed three ways",
        "org: acme\ngroups:\n  ci:\n    visibility: selected\n    repositories: [api, api, ACME/api]\n",
        (SPEC, "line 3, group 'ci'", "repositories[1] at ", "repositories[2] at ", "'ACME/api', already listed"),
    ),
    (
        "runner listed in two cases",
        "org: acme\ngroups:\n  ci:\n    runners:\n      - linux-1\n      - LINUX-1\n",
        (SPEC, "line 3, group 'ci'", "runners[1] at ", ":6 is 'LINUX-1', already listed on line 5"),
    ),
    (
        "impossible runner ids",
        "org: acme\ngroups:\n  ci:\n    runners: [-3, 0]\n",
        (SPEC, "line 3, group 'ci'", "runners[0] at ", "is -3", "runners[1] at ", "is 0", "from 1 to 2**53"),
    ),
    (
        "enterprise organizations as octal",
        "enterprise:\n  slug: acme-corp\n  groups:\n    shared:\n      visibility: selected\n"
        "      organizations: [0755]\n",
        (SPEC, "enterprise group 'shared'", "organizations[0] at ", "the number 493", "quote it: '0755'"),
    ),
    (
        "megabyte value",
        "groups:\n  ci:\n    visibility: " + "x" * 1_000_000 + "\n",
        (SPEC, "line 2, group 'ci'", "visibility must be one of", "(1000000 characters)"),
    ),
]


@pytest.mark.parametrize(("case", "content", "fragments"), SPECS, ids=[case for case, _, _ in SPECS])
def test_hostile_spec_is_refused_before_any_write(
    hostile: HostileCheck,
    emulator: EmulatorServer,
    tmp_path: Path,
    case: str,
    content: str | bytes,
    fragments: tuple[str, ...],
) -> None:
    spec = tmp_path / SPEC
    if isinstance(content, bytes):
        spec.write_bytes(content)
    else:
        spec.write_text(content)
    (tmp_path / "__main__.py").write_text(PROGRAM)
    with pytest.raises(GitHubRunnerGroupsError) as refused:
        run_program(program_file(tmp_path), base_url=emulator.url)
    message = str(refused.value)
    assert len(message) <= 2100, f"{case}: a {len(message)}-character message"
    hostile.refused("yaml", case, message, *fragments)


def test_spec_that_is_a_device_or_a_directory_is_refused(hostile: HostileCheck, tmp_path: Path) -> None:
    from github_runner_groups.spec import SpecError, load_spec

    with pytest.raises(SpecError) as endless:
        load_spec("/dev/zero")
    hostile.refused("yaml", "/dev/zero as spec", str(endless.value), "/dev/zero", "larger than 4 MiB")
    with pytest.raises(SpecError) as folder:
        load_spec(tmp_path)
    hostile.refused("yaml", "directory as spec", str(folder.value), str(tmp_path), "cannot read the spec file")


@pytest.fixture
def environment(emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch) -> None:
    reset_clients()
    monkeypatch.setenv("GITHUB_TOKEN", DEMO_TOKEN)
    monkeypatch.setenv("GITHUB_BASE_URL", emulator.url)
    monkeypatch.setenv("GITHUB_OWNER", "acme")


ORGS = [("path traversal", ".."), ("trailing newline", "acme\n"), ("slash", "acme/evil"), ("query", "acme?x=1")]


@pytest.mark.parametrize(("case", "org"), ORGS, ids=[case for case, _ in ORGS])
def test_cli_export_refuses_a_bad_org_before_any_request(
    hostile: HostileCheck, environment: None, capsys: pytest.CaptureFixture[str], case: str, org: str
) -> None:
    hostile.fake.reset_log()
    assert cli.main(["export", "--org", org]) == 1
    captured = capsys.readouterr()
    assert hostile.fake.requests == [], f"{case}: a request reached GitHub"
    assert captured.out == ""
    hostile.refused("cli", f"export --org: {case}", captured.err, repr(org), "organization login")


@pytest.mark.parametrize(("case", "org"), ORGS[:2], ids=[case for case, _ in ORGS[:2]])
def test_lookups_refuse_a_bad_org_before_any_request(
    hostile: HostileCheck, environment: None, case: str, org: str
) -> None:
    hostile.fake.reset_log()
    with pytest.raises(GitHubRunnerGroupsError) as refused:
        lookups.get_group_runners(1, org=org)
    assert hostile.fake.requests == []
    hostile.refused("lookups", f"org: {case}", str(refused.value), repr(org), "organization login")


def test_lookups_refuse_a_group_id_that_is_not_ascii_digits(hostile: HostileCheck, environment: None) -> None:
    hostile.fake.reset_log()
    with pytest.raises(GitHubRunnerGroupsError) as refused:
        lookups.get_group_repositories("²")
    assert hostile.fake.requests == []
    hostile.refused("lookups", "group id '²'", str(refused.value), "group_id", "'²'", "positive whole number")


def test_emulator_port_that_is_not_a_number(hostile: HostileCheck, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as usage:
        cli.main(["emulator", "--port", "http"])
    assert usage.value.code == 2
    hostile.refused("cli", "emulator --port http", capsys.readouterr().err, "--port", "'http'")


AUDIT_CASES = [
    ("spec with duplicate group", ["--spec", "{spec}"], "groups:\n  ci: {}\n  ci: {}\n", ("lines 2 and 3", "'ci'")),
    ("spec with an alias", ["--spec", "{spec}"], "a: &x 1\ngroups: {ci: {adopt: *x}}\n", ("line 2", "alias *x")),
    ("spec that does not exist", ["--spec", "{missing}"], None, ("missing.yaml", "cannot read the spec file")),
    ("spec drawn as mermaid", ["--spec", "{spec}", "--format", "mermaid"], "groups: {ci: {}}\n", ("--spec",)),
    ("org with a slash", ["--org", "acme/../evil"], None, ("'acme/../evil'", "organization login")),
    ("complete without a spec", ["--complete"], None, ("--complete", "--spec FILE")),
    ("output into a missing folder", ["--output", "{missing}/out.md"], None, ("missing.yaml/out.md", "writable")),
    ("spec org with a newline", ["--spec", "{spec}"], 'org: "acme\\n"\ngroups: {ci: {}}\n', ("'acme\\n'", "login")),
]


@pytest.mark.parametrize(("case", "args", "content", "fragments"), AUDIT_CASES, ids=[c[0] for c in AUDIT_CASES])
def test_cli_audit_refuses_before_any_request(
    hostile: HostileCheck,
    environment: None,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    case: str,
    args: list[str],
    content: str | None,
    fragments: tuple[str, ...],
) -> None:
    spec = tmp_path / SPEC
    if content is not None:
        spec.write_text(content)
    argv = [arg.format(spec=spec, missing=tmp_path / "missing.yaml") for arg in args]
    hostile.fake.reset_log()
    assert cli.main(["audit", *argv]) == 2  # audit's exit code for a usage error (docs/audit.md, "Exit codes")
    captured = capsys.readouterr()
    assert hostile.fake.requests == [], f"{case}: a request reached GitHub"
    assert captured.out == ""
    hostile.refused("cli", f"audit: {case}", captured.err, "github-runner-groups audit: ", *fragments)
