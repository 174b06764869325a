"""`audit --workflows`: the jobs of the org's workflows (read through the emulator's contents API) joined with
who can reach which runners: jobs per target, jobs no reachable runner serves, fork-triggered jobs on persistent
self-hosted runners, groups admitting repositories that never use them, and what reading cost."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from github_runner_groups import cli
from github_runner_groups.audit import audit_org, read_workflows, with_usage, workflows
from github_runner_groups.audit.workflows import parse_workflow
from github_runner_groups.client import ClientSettings, GitHubClient, PacingSettings, reset_clients
from github_runner_groups.testing import DEMO_TOKEN, EmulatorServer, FakeGitHub
from test_audit import server

__all__ = ["server"]  # the imported fixtures (on this module's `org`), which pytest finds by name
ORG = "acme"
SCHEMA = "provider/github_runner_groups/audit/audit-report.schema.json"
BUILD = "on: [push, pull_request]\njobs:\n  build:\n    runs-on: [self-hosted, linux]\n    steps: []\n"
TARGET = "on:\n  pull_request_target: {}\njobs:\n  label:\n    runs-on:\n      group: open\n"
HOSTED = "on: push\njobs:\n  lint:\n    runs-on: ubuntu-latest\n"
GPU = "on: push\njobs:\n  train:\n    runs-on: [self-hosted, gpu]\n  matrix:\n    runs-on: ${{ matrix.os }}\n"


@pytest.fixture
def org() -> FakeGitHub:
    fake = FakeGitHub()
    fake.add_org(ORG)
    for name, visibility in (("site", "public"), ("app", "private"), ("tools", "private")):
        fake.add_repo(ORG, name, visibility=visibility)
    gid = int(fake.add_group(ORG, "open", allows_public_repositories=True)["id"])
    fake.add_runner(ORG, "box-1", group_id=gid, labels=("self-hosted", "linux"))
    fake.add_workflow_file(ORG, "site", "build.yml", BUILD)
    fake.add_workflow_file(ORG, "site", "label.yaml", TARGET)
    fake.add_workflow_file(ORG, "app", "lint.yml", HOSTED)
    fake.add_workflow_file(ORG, "app", "train.yml", GPU)
    fake.add_workflow_file(ORG, "tools", "broken.yml", "jobs: [")
    return fake


@pytest.fixture
def client(server: EmulatorServer) -> GitHubClient:
    return GitHubClient(ClientSettings(base_url=server.url, token=DEMO_TOKEN, pacing=PacingSettings(enabled=False)))


def test_jobs_are_joined_with_the_runners_that_can_serve_them(org: FakeGitHub, client: GitHubClient) -> None:
    report = audit_org(client, ORG)
    org.reset_log()
    usage = read_workflows(client, report)
    assert (usage.files, usage.requests, len(usage.read_repositories)) == (5, 8, 3)
    assert usage.requests == len(org.requests) and org.count("GET") == len(org.requests)
    assert usage.unparsed == ("tools/.github/workflows/broken.yml",)
    audited = with_usage(report, usage)
    by_code: dict[str, list[str]] = {}
    for finding in audited.findings:
        by_code.setdefault(finding.code, []).append(finding.subject)
    assert sorted(by_code[workflows.UNTRUSTED_TRIGGER]) == [
        "site/.github/workflows/build.yml#build",
        "site/.github/workflows/label.yaml#label",
    ]
    assert by_code[workflows.RUNS_ON_UNSERVED] == ["app/.github/workflows/train.yml#train"]  # no runner has gpu
    [unused] = [f for f in audited.findings if f.code == workflows.GROUP_ACCESS_UNUSED]
    assert unused.group == "open" and unused.repositories == ("site",)  # app and tools never use it
    assert "repositories: [site]" in unused.fix
    severities = {f.subject: f.severity for f in audited.findings if f.code == workflows.UNTRUSTED_TRIGGER}
    assert set(severities.values()) == {"high"}  # a public repository
    lines = workflows.usage_lines(audited, usage)
    assert "5 jobs in 5 workflow files of 3 repositories; cost 8 requests" in lines[0]
    assert any("group open" in line for line in lines) and any("[ubuntu-latest]" in line for line in lines)


def test_a_second_read_in_one_process_costs_only_not_modified_answers(org: FakeGitHub, client: GitHubClient) -> None:
    report = audit_org(client, ORG)
    read_workflows(client, report)
    org.reset_log()
    read_workflows(client, report)
    assert org.count("GET") == org.count("GET", status=304) == 8


def test_the_request_cap_reads_less_and_says_what_it_left_out(org: FakeGitHub, client: GitHubClient) -> None:
    report = audit_org(client, ORG)
    org.reset_log()
    usage = read_workflows(client, report, max_requests=2)
    assert usage.requests == len(org.requests) == 2
    assert usage.unread_repositories >= 1
    unused = [f for f in with_usage(report, usage).findings if f.code == workflows.GROUP_ACCESS_UNUSED]
    assert not unused, "with repositories unread, no smaller list is proposed"


def test_parse_reads_runs_on_in_every_form_and_the_yaml_1_1_on_key() -> None:
    text = (
        "on:\n  pull_request_target:\njobs:\n  a:\n    runs-on: linux\n  b:\n    runs-on: {group: g, labels: x}\n"
        "  c:\n    uses: acme/lib/.github/workflows/w.yml@main\n  d:\n    runs-on: ['${{ inputs.os }}']\n"
    )
    jobs = {job.job: job for job in parse_workflow(1, "w.yml", text) or []}
    assert set(jobs) == {"a", "b", "d"}
    assert (jobs["a"].labels, jobs["b"].group, jobs["b"].labels) == (("linux",), "g", ("x",))
    assert jobs["d"].dynamic and jobs["a"].triggers == frozenset({"pull_request_target"})
    assert parse_workflow(1, "x.yml", "- a list") is None
    laughs = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(20)
    )
    bomb = laughs + "on: push\njobs:\n  j:\n    runs-on: *u\n"
    [job] = parse_workflow(1, "bomb.yml", bomb) or []
    assert job.dynamic and job.labels == ()  # nested lists are no labels: not judged, never expanded


def test_cli_workflows_prints_its_cost_and_reports_usage_in_every_format(
    org: FakeGitHub, server: EmulatorServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    reset_clients()
    monkeypatch.setenv("GITHUB_TOKEN", DEMO_TOKEN)
    monkeypatch.setenv("GITHUB_BASE_URL", server.url)
    monkeypatch.setenv("GITHUB_OWNER", ORG)
    assert cli.main(["audit", "--workflows", "--format", "json"]) == 0
    captured = capsys.readouterr()
    assert "--workflows read 5 files of 3 repositories with 8 requests" in captured.err
    document = json.loads(captured.out)
    schema = json.loads((Path(__file__).parents[2] / SCHEMA).read_text())
    jsonschema.Draft202012Validator(schema).validate(document)
    assert document["workflow_usage"]["jobs_by_target"]["group open"] == 1
    assert workflows.UNTRUSTED_TRIGGER in {f["code"] for f in document["findings"]}
    assert cli.main(["audit", "--workflows", "--format", "sarif"]) == 0
    log = json.loads(capsys.readouterr().out)
    sarif_schema = json.loads((Path(__file__).parents[1] / "schemas" / "sarif-schema-2.1.0.json").read_text())
    jsonschema.Draft4Validator(sarif_schema).validate(log)
    assert workflows.RUNS_ON_UNSERVED in {r["ruleId"] for r in log["runs"][0]["results"]}
    assert cli.main(["audit", "--workflows", "--format", "markdown", "--fail-on", "high"]) == 1
    markdown = capsys.readouterr().out
    assert "Workflow usage: 5 jobs" in markdown
    assert "- `workflow_run` triggers" in markdown and "`pull_request_target` and" not in markdown
    assert cli.main(["audit", "--workflows", "--workflows-max-requests", "0"]) == 2
    assert "reads nothing" in capsys.readouterr().err
    org.reset_log()
    assert cli.main(["audit"]) in (0, 1)
    assert not org.count("GET", "/contents/"), "workflows are read only when asked"


def test_with_a_spec_the_jobs_are_judged_against_the_org_as_the_spec_leaves_it(
    org: FakeGitHub, client: GitHubClient
) -> None:
    from github_runner_groups.audit import spec_delta
    from github_runner_groups.spec import GroupSpec, OrgSpec

    report = audit_org(client, ORG)
    report = with_usage(report, read_workflows(client, report))
    closed = spec_delta(report, OrgSpec(ORG, (GroupSpec("open", allows_public_repositories=False),)))
    added = {(f.code, f.subject) for f in closed.added}
    assert (workflows.RUNS_ON_UNSERVED, "site/.github/workflows/label.yaml#label") in added  # site loses 'open'
    resolved = {(f.code, f.subject) for f in closed.resolved}
    assert (workflows.UNTRUSTED_TRIGGER, "site/.github/workflows/build.yml#build") in resolved
    assert not spec_delta(report, OrgSpec(ORG, (GroupSpec("open"),))).added


def test_a_file_that_cannot_be_read_leaves_its_repository_read_in_part(org: FakeGitHub, client: GitHubClient) -> None:
    from github_runner_groups.testing import FaultRule

    org.add_fault(FaultRule(method="GET", path="/repos/acme/app/contents/.github/workflows/lint.yml", status=403))
    report = audit_org(client, ORG)
    usage = read_workflows(client, report)
    assert "app/.github/workflows/lint.yml" in usage.unparsed
    assert usage.unread_repositories == 1 and usage.read_repositories == frozenset(
        r.id for r in report.snapshot.repositories if r.name != "app"
    )
    assert not [f for f in with_usage(report, usage).findings if f.code == workflows.GROUP_ACCESS_UNUSED]
