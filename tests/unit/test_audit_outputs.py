"""The audit's outputs where they go: SARIF that validates against the official SARIF 2.1.0 schema, JSON that
validates against the shipped schema, Markdown under GitHub's comment limit with names shown as they are (checked
with GitHub's own renderer, cmark-gfm), Mermaid under 500 edges, the baseline, the exit codes, and the rules
document generated from the rule table."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import cmarkgfm
import jsonschema
import pytest
from github_runner_groups import cli
from github_runner_groups.audit import audit_org, escape, findings
from github_runner_groups.audit.render import MARKER, mermaid, render
from github_runner_groups.audit.rules import rules_markdown
from github_runner_groups.client import ClientSettings, GitHubClient, PacingSettings, reset_clients
from github_runner_groups.testing import DEMO_TOKEN, EmulatorServer, FakeGitHub
from test_audit import client, server

__all__ = ["client", "server"]  # the imported fixtures (on this module's `org`), which pytest finds by name
ORG = "acme"
ROOT = Path(__file__).parents[2]
SARIF_SCHEMA = json.loads((ROOT / "tests" / "schemas" / "sarif-schema-2.1.0.json").read_text())
REPORT_SCHEMA = json.loads(
    (ROOT / "provider" / "github_runner_groups" / "audit" / "audit-report.schema.json").read_text()
)


@pytest.fixture
def org() -> FakeGitHub:
    fake = FakeGitHub()
    fake.add_org(ORG)
    for name, visibility in (("site", "public"), ("app", "private")):
        fake.add_repo(ORG, name, visibility=visibility)
    return fake


@pytest.fixture
def environment(server: EmulatorServer, monkeypatch: pytest.MonkeyPatch) -> None:
    reset_clients()
    monkeypatch.setenv("GITHUB_TOKEN", DEMO_TOKEN)
    monkeypatch.setenv("GITHUB_BASE_URL", server.url)
    monkeypatch.setenv("GITHUB_OWNER", ORG)


def rendered_text(markdown: str) -> str:
    """The text of `markdown` rendered by cmark-gfm: tags dropped, entities decoded."""
    rendered = cmarkgfm.github_flavored_markdown_to_html(markdown)
    return html.unescape(re.sub(r"<[^>]+>", "", rendered))


def visible(markdown: str) -> str:
    """The text GitHub shows for `markdown` (a word joiner shows nothing)."""
    return rendered_text(markdown).replace(escape.WORD_JOINER, "")


def test_sarif_validates_against_the_official_schema_and_locates_findings_in_the_spec(
    org: FakeGitHub, environment: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    org.add_group(ORG, "open", allows_public_repositories=True)
    gid = next(g["id"] for g in org.groups(ORG) if g["name"] == "open")
    org.add_runner(ORG, "r1", group_id=gid)
    assert cli.main(["audit", "--format", "sarif"]) == 0
    log = json.loads(capsys.readouterr().out)
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(log)
    [result] = [r for r in log["runs"][0]["results"] if r["ruleId"] == findings.PUBLIC_REACHES_SELF_HOSTED]
    assert result["level"] == "error" and len(result["partialFingerprints"]["runnerExposureFinding/v1"]) == 16
    spec = tmp_path / "groups.yaml"
    spec.write_text(
        "org: acme\ngroups:\n  quiet:\n    visibility: selected\n  open:\n    allows_public_repositories: true\n"
    )
    assert cli.main(["audit", "--spec", str(spec), "--format", "sarif"]) == 0
    log = json.loads(capsys.readouterr().out)
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(log)
    [result] = [r for r in log["runs"][0]["results"] if r["ruleId"] == findings.PUBLIC_REACHES_SELF_HOSTED]
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == str(spec) and location["region"]["startLine"] == 5
    assert result["baselineState"] == "unchanged"
    assert {rule["id"] for rule in log["runs"][0]["tool"]["driver"]["rules"]} >= {findings.PUBLIC_OWN_RUNNER}


def test_json_is_versioned_and_validates_against_the_shipped_schema(
    org: FakeGitHub, client: GitHubClient, tmp_path: Path
) -> None:
    gid = int(org.add_group(ORG, "open", allows_public_repositories=True)["id"])
    org.add_runner(ORG, "r1", group_id=gid)
    org.add_repository_runner(ORG, "site", "own")
    report = audit_org(client, ORG)
    document = json.loads(render(report, "json"))
    assert document["schema_version"] == 2
    jsonschema.Draft202012Validator(REPORT_SCHEMA).validate(document)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(REPORT_SCHEMA).validate({**document, "schema_version": 1})


def test_markdown_stays_under_60000_characters_for_a_huge_org_and_mermaid_under_500_edges(
    org: FakeGitHub, server: EmulatorServer
) -> None:
    """About 900 reads: unpaced, since the points budget (900 a minute) would make the test wait a minute."""
    for index in range(300):
        gid = int(org.add_group(ORG, f"group-{index:03d}-" + "x" * 40, allows_public_repositories=True)["id"])
        org.add_runner(ORG, f"runner-{index:03d}", group_id=gid, status="offline")
    for index in range(200):
        org.add_repo(ORG, f"repository-{index:03d}", visibility="public")
    unpaced = ClientSettings(base_url=server.url, token=DEMO_TOKEN, pacing=PacingSettings(enabled=False))
    report = audit_org(GitHubClient(unpaced), ORG)
    markdown = render(report, "markdown")
    assert len(markdown) < 60_000 and markdown.startswith(MARKER + "\n")
    assert "more rows: `--format json` lists them all" in markdown
    graph = mermaid(report)
    assert sum(1 for line in graph.splitlines() if "-->" in line or ".->" in line) < 500


HOSTILE = (
    "esc\x1b[2Jname",
    "cr\rname",
    "<!--x-->",
    "<img src=x onerror=alert(1)>",
    "[x](https://e.vil)",
    "``` `a`",
    "*b* _c_ @here",
    "https://e.vil/x http://e.vil",
    "see www.e.vil",
    "ops@e.vil",
    ":smile: :+1: x:y",
    "@acme/security #123",
)
# What GitHub links or replaces in the text once Markdown is parsed (so escapes are gone): bare URLs and www.,
# e-mail addresses and mentions, :emoji: shortcodes, #123 references.
GITHUB_TEXT_FILTERS = re.compile(r"://|\bwww\.|\w@\w|(^|\W)@\w|:[\w+-]+:|#\d", re.IGNORECASE)


@pytest.mark.parametrize("name", HOSTILE)
def test_names_show_as_they_are_in_markdown_terminal_and_mermaid(
    org: FakeGitHub, client: GitHubClient, name: str
) -> None:
    gid = int(org.add_group(ORG, name, visibility="selected")["id"])
    org.add_runner(ORG, name + "-runner", group_id=gid)
    report = audit_org(client, ORG)
    shown_name = name.replace("\x1b", "\\x1b").replace("\r", "\\x0d")
    markdown = render(report, "markdown")
    rows = [line for line in markdown.splitlines() if line.startswith("| ") and "| 0 selected |" in line]
    assert len(rows) == 1, "one table row, never broken by the name"
    cells = visible(rows[0].join(["| group | who | n | w | r |\n|---|---|---|---|---|\n", "\n"]))
    assert shown_name in cells
    rendered = cmarkgfm.github_flavored_markdown_to_html(
        rows[0].join(["| a | b | c | d | e |\n|---|---|---|---|---|\n", "\n"])
    )
    assert not re.search(r"<(img|code|em|strong|del|a)\b|<!--", rendered)
    text = rendered_text(rows[0].join(["| a | b | c | d | e |\n|---|---|---|---|---|\n", "\n"]))
    assert not GITHUB_TEXT_FILTERS.search(text), "GitHub would link or replace part of the name"
    table = render(report, "table")
    assert "\x1b" not in table and "\r" not in table
    for line in mermaid(report).splitlines()[1:]:
        assert line.count('"') % 2 == 0 and "\r" not in line and "<img" not in line


def test_a_baseline_accepts_a_finding_until_it_expires(
    org: FakeGitHub, environment: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gid = int(org.add_group(ORG, "open", allows_public_repositories=True)["id"])
    org.add_runner(ORG, "r1", group_id=gid)
    assert cli.main(["audit", "--format", "json", "--fail-on", "high"]) == 1
    fingerprint = next(
        f["fingerprint"] for f in json.loads(capsys.readouterr().out)["findings"] if f["severity"] == "high"
    )
    baseline = tmp_path / "accepted.yaml"
    baseline.write_text(f"accepted:\n  - fingerprint: {fingerprint}\n    reason: reviewed\n    expires: 2999-01-01\n")
    assert cli.main(["audit", "--fail-on", "high", "--baseline", str(baseline)]) == 0
    baseline.write_text(f"accepted:\n  - fingerprint: {fingerprint}\n    reason: reviewed\n    expires: 2000-01-01\n")
    assert cli.main(["audit", "--fail-on", "high", "--baseline", str(baseline)]) == 1
    baseline.write_text(f"accepted:\n  - fingerprint: {fingerprint}\n")
    assert cli.main(["audit", "--fail-on", "high", "--baseline", str(baseline)]) == 2
    assert "reason is None" in capsys.readouterr().err


def test_a_spec_that_would_fail_at_up_exits_3(
    org: FakeGitHub, environment: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    org.add_runner(ORG, "r1")
    spec = tmp_path / "groups.yaml"
    spec.write_text("org: acme\ngroups:\n  a:\n    runners: [r1]\n  b:\n    runners: [r1, nope]\n")
    assert cli.main(["audit", "--spec", str(spec)]) == 3
    out = capsys.readouterr().out
    assert "runner 'r1' is listed by groups 'a' and 'b'" in out and "no runner 'nope'" in out


def test_the_delta_reports_a_finding_that_gets_worse(org: FakeGitHub, client: GitHubClient) -> None:
    from github_runner_groups.audit import spec_delta
    from github_runner_groups.spec import GroupSpec, OrgSpec

    gid = int(org.add_group(ORG, "open", allows_public_repositories=True, visibility="selected")["id"])
    org.set_group_repository_ids(ORG, gid, {next(r["id"] for r in org.repositories(ORG) if r["name"] == "site")})
    org.add_runner(ORG, "r1", group_id=gid)
    org.add_repo(ORG, "blog", visibility="public")
    report = audit_org(client, ORG)
    delta = spec_delta(report, OrgSpec(ORG, (GroupSpec("open", repositories=("blog",), exclusive=False),)))
    assert not delta.added
    [worse] = delta.worse
    assert worse.after.code == findings.PUBLIC_REACHES_SELF_HOSTED and "1 more repositories: blog" in worse.why


def test_audit_spec_without_the_repo_scope_says_what_it_could_not_see(
    org: FakeGitHub,
    environment: None,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Without the repo scope the org's listing holds public repositories only; a group's list names others."""
    gid = int(org.add_group(ORG, "chosen", visibility="selected")["id"])
    org.set_group_repository_ids(ORG, gid, {next(r["id"] for r in org.repositories(ORG) if r["name"] == "app")})
    from github_runner_groups import api

    listed = api.list_org_repositories
    monkeypatch.setattr(api, "list_org_repositories", lambda c, o: [r for r in listed(c, o) if not r.private])
    spec = tmp_path / "groups.yaml"
    spec.write_text("org: acme\ngroups:\n  chosen:\n    visibility: selected\n    repositories: []\n")
    assert cli.main(["audit", "--spec", str(spec)]) == 0
    captured = capsys.readouterr()
    assert "'chosen' loses repositories app" in captured.out
    assert "cannot list them (it needs the repo scope)" in captured.err


def test_the_rules_document_is_generated_from_the_rule_table() -> None:
    assert (ROOT / "docs" / "audit-rules.md").read_text() == rules_markdown()
