"""The runner exposure audit against the emulator: GitHub's reachability rules, every finding, the spec delta,
the four output formats, the CLI and the lookup for programs."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from github_runner_groups import cli, lookups
from github_runner_groups.audit import SEVERITIES, Report, audit_org, findings, spec_delta
from github_runner_groups.audit.render import WIDTH, mermaid, render, render_delta
from github_runner_groups.client import ClientSettings, GitHubClient, reset_clients
from github_runner_groups.spec import GroupSpec, OrgSpec
from github_runner_groups.testing import DEFAULT_GROUP_ID, DEMO_TOKEN, EmulatorServer, FakeGitHub, FaultRule, serve

ORG = "acme"
SHA = "0123456789abcdef0123456789abcdef01234567"


@pytest.fixture
def org() -> FakeGitHub:
    """An org with one repository of each visibility and runners of each kind, in no group yet (Default)."""
    fake = FakeGitHub()
    fake.add_org(ORG)
    for name, visibility in (("site", "public"), ("app", "private"), ("tools", "internal"), ("docs", "public")):
        fake.add_repo(ORG, name, visibility=visibility)
    return fake


@pytest.fixture
def server(org: FakeGitHub) -> Iterator[EmulatorServer]:
    with serve(org) as running:
        yield running


@pytest.fixture
def client(server: EmulatorServer) -> GitHubClient:
    return GitHubClient(ClientSettings(base_url=server.url, token=DEMO_TOKEN))


def repo_id(fake: FakeGitHub, name: str) -> int:
    return next(int(r["id"]) for r in fake.repositories(ORG) if r["name"] == name)


def group(fake: FakeGitHub, name: str, runners: tuple[str, ...] = ("r1",), **settings: object) -> int:
    """A group holding new online runners named `runners` (labels: self-hosted, linux)."""
    group_id = int(fake.add_group(ORG, name, **settings)["id"])
    for runner in runners:
        fake.add_runner(ORG, runner, group_id=group_id, labels=("self-hosted", "linux"))
    return group_id


def reach_of(report: Report, group_name: str) -> set[str]:
    names = {r.id: r.name for r in report.snapshot.repositories}
    reach = next(r for r in report.reach if r.group.name == group_name)
    return {names[i] for i in reach.repository_ids}


def codes(report: Report, group_name: str | None = None) -> list[str]:
    return [f.code for f in report.findings if group_name is None or f.group == group_name]


# Reading


def test_reads_with_one_listing_each_and_writes_nothing(org: FakeGitHub, client: GitHubClient) -> None:
    group(org, "open", runners=("a1",))
    selected = group(org, "chosen", runners=("c1",), visibility="selected")
    group(org, "other", runners=("o1",), visibility="selected")
    org.set_group_repository_ids(ORG, selected, {repo_id(org, "app")})
    org.reset_log()
    report = audit_org(client, ORG)
    calls = Counter((r.method, r.path) for r in org.requests)
    assert all(method == "GET" for method, _ in calls)
    assert set(calls.values()) == {1}, "no listing is read twice"
    paths = {path for _, path in calls}
    assert {f"/orgs/{ORG}/actions/runner-groups", f"/orgs/{ORG}/repos", f"/orgs/{ORG}/actions/runners"} <= paths
    assert f"/orgs/{ORG}/actions/permissions" in paths
    assert not any(path.endswith("/runners") and "runner-groups/" in path for path in paths), "runners read once"
    group_repositories = [p for p in paths if p.endswith("/repositories") and "runner-groups/" in p]
    assert len(group_repositories) == 2, "only the selected groups' repository lists"
    assert {r.name for r in report.snapshot.runners} == {"a1", "c1", "o1"}


# GitHub's rules


def test_visibility_all_admits_every_repository_but_public_ones_need_the_group_to_allow_them(
    org: FakeGitHub, client: GitHubClient
) -> None:
    group(org, "closed", runners=("x1",))
    group(org, "open", runners=("x2",), allows_public_repositories=True)
    report = audit_org(client, ORG)
    assert reach_of(report, "closed") == {"app", "tools"}
    assert reach_of(report, "open") == {"app", "tools", "site", "docs"}
    assert report.runners_reachable_by("site") == ["x2"]
    assert report.runners_reachable_by("acme/app") == ["x1", "x2"]


def test_selected_admits_its_list_and_private_admits_private_and_internal_only(
    org: FakeGitHub, client: GitHubClient
) -> None:
    chosen = group(org, "chosen", visibility="selected", allows_public_repositories=True)
    org.set_group_repository_ids(ORG, chosen, {repo_id(org, "site"), repo_id(org, "app")})
    group(org, "private-only", runners=("p1",), visibility="private", allows_public_repositories=True)
    report = audit_org(client, ORG)
    assert reach_of(report, "chosen") == {"site", "app"}
    assert reach_of(report, "private-only") == {"app", "tools"}


def test_repositories_the_org_keeps_from_running_actions_reach_nothing(org: FakeGitHub, client: GitHubClient) -> None:
    group(org, "open", allows_public_repositories=True)
    org.set_actions_permissions(ORG, enabled_repositories="selected", selected_repository_ids=[repo_id(org, "app")])
    assert reach_of(audit_org(client, ORG), "open") == {"app"}
    org.set_actions_permissions(ORG, enabled_repositories="none")
    assert reach_of(audit_org(client, ORG), "open") == set()


def test_actions_permissions_that_cannot_be_read_are_assumed_open_and_said(
    org: FakeGitHub, client: GitHubClient
) -> None:
    group(org, "open")
    org.add_fault(FaultRule(method="GET", path="/actions/permissions$", status=403, times=None))
    report = audit_org(client, ORG)
    assert reach_of(report, "open") == {"app", "tools"}
    assert codes(report) == [findings.ACTIONS_POLICY_UNREADABLE]
    assert report.findings[0].severity == "info"


def test_inherited_group_that_allows_public_repositories_exposes_its_runners(
    org: FakeGitHub, client: GitHubClient
) -> None:
    group(org, "enterprise-pool", runners=("e1",), inherited=True, allows_public_repositories=True)
    report = audit_org(client, ORG)
    assert report.public_repositories_reaching_self_hosted() == ["docs", "site"]


# Findings


def test_public_repository_reaching_self_hosted_runners_is_high_and_names_repositories_runners_and_fix(
    org: FakeGitHub, client: GitHubClient
) -> None:
    group(org, "open", runners=("linux-1", "linux-2"), allows_public_repositories=True)
    report = audit_org(client, ORG)
    [finding] = [f for f in report.findings if f.code == findings.PUBLIC_REACHES_SELF_HOSTED]
    assert (finding.severity, finding.group) == ("high", "open")
    assert finding.repositories == ("docs", "site") and finding.runners == ("linux-1", "linux-2")
    assert "allows_public_repositories: false on 'open'" in finding.fix


def test_workflow_restriction_lowers_public_exposure_and_an_unpinned_ref_is_a_finding(
    org: FakeGitHub, client: GitHubClient
) -> None:
    pinned = f"acme/site/.github/workflows/build.yml@{SHA}"
    group(
        org,
        "restricted",
        allows_public_repositories=True,
        restricted_to_workflows=True,
        selected_workflows=[pinned, "acme/site/.github/workflows/deploy.yml@refs/heads/main"],
    )
    report = audit_org(client, ORG)
    exposure = next(f for f in report.findings if f.code == findings.PUBLIC_REACHES_SELF_HOSTED)
    assert exposure.severity == "medium" and "only through its listed workflows" in exposure.summary
    unpinned = next(f for f in report.findings if f.code == findings.WORKFLOW_NOT_PINNED)
    assert unpinned.workflows == ("acme/site/.github/workflows/deploy.yml@refs/heads/main",)
    assert f"| site/build.yml\\@{SHA}, site/deploy.yml\\@refs/heads/main |" in render(report, "markdown")


def test_sensitive_label_on_a_group_open_to_all_but_not_on_a_selected_one(
    org: FakeGitHub, client: GitHubClient
) -> None:
    open_group = group(org, "open", runners=())
    org.add_runner(ORG, "gpu-1", group_id=open_group, labels=("self-hosted", "GPU"))
    chosen = group(org, "chosen", runners=(), visibility="selected")
    org.set_group_repository_ids(ORG, chosen, {repo_id(org, "app")})
    org.add_runner(ORG, "gpu-2", group_id=chosen, labels=("self-hosted", "gpu"))
    assert findings.SENSITIVE_RUNNERS_OPEN not in codes(audit_org(client, ORG))
    report = audit_org(client, ORG, sensitive_labels=["gpu"])
    [finding] = [f for f in report.findings if f.code == findings.SENSITIVE_RUNNERS_OPEN]
    assert (finding.group, finding.runners, finding.severity) == ("open", ("gpu-1",), "high")


def test_unusable_and_empty_groups_offline_runners_and_runners_left_in_default(
    org: FakeGitHub, client: GitHubClient
) -> None:
    group(org, "nobody", visibility="selected")
    public_only = group(org, "public-only", visibility="selected")
    org.set_group_repository_ids(ORG, public_only, {repo_id(org, "site")})
    group(org, "no-runners", runners=())
    org.add_runner(ORG, "stale", group_id=DEFAULT_GROUP_ID, status="offline")
    report = audit_org(client, ORG)
    assert codes(report, "nobody") == [findings.SELECTED_WITHOUT_REPOSITORIES]
    [unusable] = [f for f in report.findings if f.group == "public-only"]
    assert "1 is public (site)" in unusable.summary and "does not allow public repositories" in unusable.summary
    assert codes(report, "no-runners") == [findings.GROUP_WITHOUT_RUNNERS]
    assert sorted(codes(report, "Default")) == [findings.OFFLINE_RUNNERS, findings.RUNNERS_IN_DEFAULT]
    assert [f.severity for f in report.findings] == sorted((f.severity for f in report.findings), key=SEVERITIES.index)


def test_a_clean_org_has_no_findings(org: FakeGitHub, client: GitHubClient) -> None:
    chosen = group(org, "chosen", visibility="selected")
    org.set_group_repository_ids(ORG, chosen, {repo_id(org, "app")})
    report = audit_org(client, ORG)
    assert report.findings == ()
    assert "No findings." in render(report, "table")


# The spec delta


def test_spec_delta_says_in_words_who_gains_which_runners_and_which_findings_come_and_go(
    org: FakeGitHub, client: GitHubClient
) -> None:
    gpu = group(org, "gpu", runners=("gpu-1",), visibility="selected")
    org.set_group_repository_ids(ORG, gpu, {repo_id(org, "app")})
    org.add_runner(ORG, "spare", group_id=DEFAULT_GROUP_ID)
    report = audit_org(client, ORG)
    spec = OrgSpec(
        ORG,
        (
            GroupSpec("gpu", visibility="all", allows_public_repositories=True),
            GroupSpec("pool", visibility="selected", repositories=("app",), runners=("spare",)),
        ),
    )
    delta = spec_delta(report, spec)
    text = render_delta(delta, "table", "runner-groups.yaml")
    assert "3 more repositories can use gpu-1 [linux]: docs, site, tools" in text
    assert "'gpu': visibility selected -> all" in text
    assert "new group 'pool' (selected, 1 repository, 1 runner)" in text
    assert [f.code for f in delta.added] == [findings.PUBLIC_REACHES_SELF_HOSTED]
    assert [f.code for f in delta.resolved] == [findings.RUNNERS_IN_DEFAULT]
    assert "1 repository can no longer use spare: tools" in text
    assert not org.count("POST") + org.count("PATCH") + org.count("PUT") + org.count("DELETE")


def test_spec_delta_exclusive_lists_send_runners_back_to_default_and_additive_ones_add(
    org: FakeGitHub, client: GitHubClient
) -> None:
    chosen = group(org, "chosen", runners=("keep", "drop"), visibility="selected")
    org.set_group_repository_ids(ORG, chosen, {repo_id(org, "app")})
    report = audit_org(client, ORG)
    exclusive = spec_delta(report, OrgSpec(ORG, (GroupSpec("chosen", visibility="selected", runners=("keep",)),)))
    assert "'chosen' loses runners drop" in exclusive.group_changes
    # Back in Default, 'drop' stays within reach of 'app' and comes within reach of 'tools'.
    assert [(c.gained, c.repositories, c.runners[0].name) for c in exclusive.access_changes] == [
        (True, ("tools",), "drop")
    ]
    assert [f.code for f in exclusive.added] == [findings.RUNNERS_IN_DEFAULT]
    additive = OrgSpec(ORG, (GroupSpec("chosen", visibility="selected", repositories=("tools",), exclusive=False),))
    gained = spec_delta(report, additive)
    assert [(c.gained, c.repositories) for c in gained.access_changes] == [(True, ("tools",))]


def test_spec_delta_names_what_up_would_fail_on_and_an_unchanged_spec_changes_nothing(
    org: FakeGitHub, client: GitHubClient
) -> None:
    chosen = group(org, "chosen", visibility="selected")
    org.set_group_repository_ids(ORG, chosen, {repo_id(org, "app")})
    report = audit_org(client, ORG)
    same = spec_delta(report, OrgSpec(ORG, (GroupSpec("chosen", visibility="selected", repositories=("app",)),)))
    assert same.empty
    assert "changes nothing" in render_delta(same, "table", "s.yaml")
    broken = spec_delta(report, OrgSpec(ORG, (GroupSpec("chosen", visibility="selected", repositories=("nope",)),)))
    assert broken.notes == ("group 'chosen': no repository 'nope' in the org, so `up` would fail",)
    default = spec_delta(report, OrgSpec(ORG, (GroupSpec("Default"),)))
    assert "the providers refuse to manage it" in default.notes[0]


# Output


def test_table_fits_100_columns_even_with_long_names(org: FakeGitHub, client: GitHubClient) -> None:
    group(
        org, "g" * 64, runners=tuple(f"runner-with-a-long-name-{i}" for i in range(12)), allows_public_repositories=True
    )
    table = render(audit_org(client, ORG, ["linux"]), "table")
    assert max(len(line) for line in table.splitlines()) <= WIDTH
    assert "FINDINGS" in table and "Not modelled" in table and "pull_request_target" in table


def test_markdown_json_and_mermaid(org: FakeGitHub, client: GitHubClient) -> None:
    chosen = group(org, "a|b", runners=("r1",), visibility="selected", allows_public_repositories=True)
    org.set_group_repository_ids(ORG, chosen, {repo_id(org, n) for n in ("site", "app")})
    org.add_runner(ORG, "down", group_id=chosen, status="offline")
    many = group(org, "many", runners=(), visibility="selected")
    org.set_group_repository_ids(
        ORG, many, {int(org.add_repo(ORG, f"repo-{i}", private=True)["id"]) for i in range(10)}
    )
    report = audit_org(client, ORG)
    markdown = render(report, "markdown")
    assert "| a\\|b | 2 selected | 2 | any | down, r1 |" in markdown
    assert "| 🔴 high |" in markdown
    document = json.loads(render(report, "json"))
    site = next(r for r in document["repositories"] if r["name"] == "site")
    assert site == {
        "name": "site",
        "visibility": "public",
        "archived": False,
        "actions_enabled": True,
        "groups": ["a|b"],
        "own_runners": [],
        "self_hosted_runner_count": 2,
    }
    assert next(g for g in document["groups"] if g["name"] == "a|b")["repositories"] == ["app", "site"]
    assert document["public_repositories_reaching_self_hosted"] == ["site"]
    assert document["findings"][0]["key"] == f"{findings.PUBLIC_REACHES_SELF_HOSTED}:a|b"
    graph = mermaid(report)
    assert graph.startswith("graph LR\n")
    assert f'r{repo_id(org, "site")}["site"]:::public --> g{chosen}' in graph
    assert f'g{many}_more["+2 more"] --> g{many}' in graph
    assert ":::offline" in graph and "a|b<br/>selected" in graph


# The command and the lookup


@pytest.fixture
def environment(server: EmulatorServer, monkeypatch: pytest.MonkeyPatch) -> None:
    reset_clients()
    monkeypatch.setenv("GITHUB_TOKEN", DEMO_TOKEN)
    monkeypatch.setenv("GITHUB_BASE_URL", server.url)
    monkeypatch.setenv("GITHUB_OWNER", ORG)


def test_cli_audit_formats_fail_on_and_spec(
    org: FakeGitHub, environment: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    group(org, "open", allows_public_repositories=True)
    assert cli.main(["audit", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["org"] == ORG
    assert cli.main(["audit", "--fail-on", "high"]) == 1
    assert "public-repository" not in capsys.readouterr().err
    spec = tmp_path / "groups.yaml"
    spec.write_text("org: acme\ngroups:\n  open:\n    allows_public_repositories: false\n")
    assert cli.main(["audit", "--spec", str(spec), "--format", "markdown", "--fail-on", "high"]) == 0
    out = capsys.readouterr().out
    assert "**lost**: 2 repositories can no longer use r1 \\[linux\\]: docs, site" in out and "| resolved |" in out
    assert cli.main(["audit", "--spec", str(spec), "--format", "mermaid"]) == 2
    assert "with --spec use table, markdown, json or sarif" in capsys.readouterr().err
    org.reset_log()
    assert cli.main(["audit", "--org", "acme/../x"]) == 2
    assert "organization login" in capsys.readouterr().err and org.requests == []


def test_lookup_lets_a_program_assert_no_public_repository_reaches_a_self_hosted_runner(
    org: FakeGitHub, environment: None
) -> None:
    group(org, "safe")
    assert lookups.audit_runner_exposure().public_repositories_reaching_self_hosted() == []
    group(org, "unsafe", allows_public_repositories=True)
    assert lookups.audit_runner_exposure(org=ORG).public_repositories_reaching_self_hosted() == ["docs", "site"]


def test_the_demo_org_costs_nineteen_reads(fake: FakeGitHub, emulator: EmulatorServer) -> None:
    """The figure docs/audit.md gives: 1 listing each of groups, repositories and runners, 1 selected group's
    repositories, 3 hosted-runner listings, the Actions permissions, 3 policies (self-hosted runners, fork
    pull-request approval, fork pull requests in private repositories) and the runners of its 8 public
    repositories (none reaches a self-hosted runner, so no repository-level policy is read)."""
    fake.reset_log()
    audit_org(GitHubClient(ClientSettings(base_url=emulator.url, token=DEMO_TOKEN)), ORG)
    assert (len(fake.requests), fake.count("GET")) == (19, 19)


def test_readme_samples_are_what_their_commands_print() -> None:
    """Each README sample is regenerated by the command in its marker; run scripts/readme_audit_samples.py."""
    import importlib.util

    script = Path(__file__).parents[2] / "scripts" / "readme_audit_samples.py"
    spec = importlib.util.spec_from_file_location("readme_audit_samples", script)
    assert spec is not None and spec.loader is not None
    samples = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(samples)
    readme = samples.README.read_text()
    assert readme.count("<!-- audit-sample: ") == 3
    assert samples.regenerated(readme) == readme


def test_the_pr_workflows_audit_command_writes_the_delta_and_fails_on_a_new_high_finding(
    fake: FakeGitHub, emulator: EmulatorServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The command of examples/github-actions, run as the workflow runs it (the posting is GitHub's part)."""
    import shlex

    import yaml

    workflow_file = Path(__file__).parents[2] / "examples" / "github-actions" / "runner-groups.yml"
    assert "pull_request_target" not in workflow_file.read_text().replace("never `pull_request_target`", "")
    steps = yaml.safe_load(workflow_file.read_text())["jobs"]["pulumi"]["steps"]
    step = next(s for s in steps if s.get("name") == "Runner exposure delta")
    assert step["if"].startswith("github.event_name == 'pull_request'")
    program, *argv = shlex.split(step["run"])
    assert program.endswith("github-runner-groups") and argv[0] == "audit"
    reset_clients()
    monkeypatch.setenv("GITHUB_TOKEN", DEMO_TOKEN)
    monkeypatch.setenv("GITHUB_BASE_URL", emulator.url)
    monkeypatch.chdir(tmp_path)
    quickstart = (Path(__file__).parents[2] / "runner-groups.yaml").read_text()
    (tmp_path / "runner-groups.yaml").write_text(quickstart)
    assert cli.main(argv) == 0
    assert "### Runner exposure change: runner-groups.yaml on `acme`" in (tmp_path / "runner-exposure.md").read_text()
    (tmp_path / "runner-groups.yaml").write_text(
        quickstart.replace("  gpu:\n", "  gpu:\n    allows_public_repositories: true\n")
    )
    (tmp_path / "runner-groups.yaml").write_text(
        (tmp_path / "runner-groups.yaml").read_text().replace("[ml-models, data-pipeline]", "[ml-models, docs]")
    )
    assert cli.main(argv) == 1
    posted = (tmp_path / "runner-exposure.md").read_text()
    assert "**gained**: 1 more repository can use linux-gpu-1 \\[linux, x64, gpu\\]: docs" in posted
    assert "| added | 🔴 high |" in posted
    assert sum(fake.count(method) for method in ("POST", "PATCH", "PUT", "DELETE")) == 0


def test_runners_without_their_group_id_are_read_group_by_group(
    org: FakeGitHub, client: GitHubClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Older GitHub Enterprise Server answers leave `runner_group_id` out of the org's runner listing."""
    from github_runner_groups import api

    group(org, "open", runners=("o1",))
    listed = api.list_org_runners

    def without_group_ids(client: GitHubClient, org_login: str) -> list[api.Runner]:
        return [replace(runner, runner_group_id=None) for runner in listed(client, org_login)]

    monkeypatch.setattr(api, "list_org_runners", without_group_ids)
    report = audit_org(client, ORG)
    assert {r.name: r.group_id for r in report.snapshot.runners} == {
        "o1": next(g.id for g in report.snapshot.groups if g.name == "open")
    }
    assert sum(1 for r in org.requests if r.path.endswith("/runners") and "runner-groups/" in r.path) == 2


def test_a_complete_spec_deletes_the_groups_it_does_not_list_and_their_runners_go_to_default(
    org: FakeGitHub, client: GitHubClient
) -> None:
    chosen = group(org, "chosen", runners=("c1",), visibility="selected")
    org.set_group_repository_ids(ORG, chosen, {repo_id(org, "app")})
    group(org, "kept", runners=(), visibility="private")
    report = audit_org(client, ORG)
    spec = OrgSpec(ORG, (GroupSpec("kept", visibility="private"),))
    assert spec_delta(report, spec).empty
    delta = spec_delta(report, spec, complete=True)
    assert delta.group_changes == ("group 'chosen' is not in the spec: deleted",)
    assert [(c.gained, c.repositories) for c in delta.access_changes] == [(True, ("tools",))]
    assert [f.code for f in delta.added] == [findings.RUNNERS_IN_DEFAULT]
