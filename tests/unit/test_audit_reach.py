"""The audit sees every runner a repository can reach and applies the policies GitHub applies: enterprise-shared
groups' runners, repositories' own runners, the self-hosted-runner and fork pull-request policies (org and
repository), archived and Actions-disabled repositories, policies the token may not read, reusable-workflow
access across visibilities and orgs, empty workflow lists, SHA case and owner names."""

from __future__ import annotations

import pytest
from github_runner_groups.audit import Report, audit_org, findings
from github_runner_groups.client import ClientSettings, GitHubClient
from github_runner_groups.testing import DEMO_TOKEN, FakeGitHub, FaultRule, serve
from test_audit import client, server

__all__ = ["client", "server"]  # the imported fixtures (on this module's `org`), which pytest finds by name
ORG = "acme"
SHA = "0123456789abcdef0123456789abcdef01234567"


@pytest.fixture
def org() -> FakeGitHub:
    fake = FakeGitHub(flavour="ghec")
    fake.add_org(ORG)
    for name, visibility in (("site", "public"), ("app", "private"), ("tools", "internal"), ("lib", "public")):
        fake.add_repo(ORG, name, visibility=visibility)
    return fake


def group(fake: FakeGitHub, name: str, runners: tuple[str, ...] = ("r1",), **settings: object) -> int:
    group_id = int(fake.add_group(ORG, name, **settings)["id"])
    for runner in runners:
        fake.add_runner(ORG, runner, group_id=group_id, labels=("self-hosted", "linux"))
    return group_id


def of(report: Report, code: str) -> list[findings.Finding]:
    return [f for f in report.findings if f.code == code]


def test_an_enterprise_groups_runners_are_read_through_the_org_and_their_public_exposure_found(
    org: FakeGitHub, client: GitHubClient
) -> None:
    org.add_enterprise("corp", orgs=[ORG])
    shared = int(org.add_enterprise_group("corp", "fleet", allows_public_repositories=True)["id"])
    org.add_enterprise_runner("corp", "fleet-1", group_id=shared, labels=("self-hosted", "gpu"))
    report = audit_org(client, ORG, ["gpu"])
    assert [r.name for r in report.snapshot.runners if r.enterprise] == ["fleet-1"]
    [exposure] = of(report, findings.PUBLIC_REACHES_SELF_HOSTED)
    assert (exposure.group, exposure.runners, exposure.severity) == ("fleet", ("fleet-1",), "high")
    assert of(report, findings.SENSITIVE_RUNNERS_OPEN)[0].runners == ("fleet-1",)
    assert not of(report, findings.GROUP_WITHOUT_RUNNERS)
    assert org.count("GET", f"/orgs/{ORG}/actions/runner-groups/{shared}/runners") == 1


def test_ephemeral_runners_lower_public_exposure_and_a_public_repositorys_own_runner_is_found(
    org: FakeGitHub, client: GitHubClient
) -> None:
    gid = group(org, "open", runners=("e1",), allows_public_repositories=True)
    org.set_runner_ephemeral(ORG, next(r["id"] for r in org.runners(ORG) if r["name"] == "e1"))
    org.add_repository_runner(ORG, "site", "site-box")
    org.add_repository_runner(ORG, "lib", "lib-eph", ephemeral=True)
    org.add_repository_runner(ORG, "app", "private-box")  # not read by default: a private repository
    report = audit_org(client, ORG)
    [exposure] = of(report, findings.PUBLIC_REACHES_SELF_HOSTED)
    assert exposure.severity == "medium" and "every runner is ephemeral" in exposure.summary
    own = {f.subject: f.severity for f in of(report, findings.PUBLIC_OWN_RUNNER)}
    assert own == {"site": "high", "lib": "medium"}
    assert report.runners_reachable_by("site") == ["e1", "site-box"]
    assert "private-box" not in {r.name for r in report.snapshot.runners}
    everything = audit_org(client, ORG, repository_runners="all")
    assert everything.runners_reachable_by("app") == ["e1", "private-box"]
    assert gid


def test_the_self_hosted_runner_policy_keeps_repositories_from_every_self_hosted_runner(
    org: FakeGitHub, client: GitHubClient
) -> None:
    group(org, "open", allows_public_repositories=True)
    org.add_repository_runner(ORG, "site", "site-box")
    org.set_self_hosted_runner_policy(ORG, "selected", ["app"])
    report = audit_org(client, ORG)
    assert not of(report, findings.PUBLIC_REACHES_SELF_HOSTED) and not of(report, findings.PUBLIC_OWN_RUNNER)
    assert report.runners_reachable_by("app") == ["r1"] and report.runners_reachable_by("tools") == []
    org.set_self_hosted_runner_policy(ORG, "none")
    assert audit_org(client, ORG).runner_ids_by_repository == {}


def test_archived_and_actions_disabled_repositories_run_nothing(org: FakeGitHub, client: GitHubClient) -> None:
    group(org, "open", allows_public_repositories=True)
    org.set_repository_flags(ORG, "site", archived=True)
    org.set_repository_flags(ORG, "lib", actions_enabled=False)
    report = audit_org(client, ORG)
    assert not of(report, findings.PUBLIC_REACHES_SELF_HOSTED)
    assert report.runners_reachable_by("site") == [] and report.runners_reachable_by("lib") == []


def test_fork_approval_for_all_outside_contributors_lowers_exposure_and_private_forks_are_found(
    org: FakeGitHub, client: GitHubClient
) -> None:
    group(org, "open", allows_public_repositories=True)
    org.set_fork_pr_policies(ORG, approval_policy="all_external_contributors")
    assert of(audit_org(client, ORG), findings.PUBLIC_REACHES_SELF_HOSTED)[0].severity == "medium"
    org.set_fork_pr_policies(ORG, repository="site", approval_policy="first_time_contributors")
    assert of(audit_org(client, ORG), findings.PUBLIC_REACHES_SELF_HOSTED)[0].severity == "high"
    assert not of(audit_org(client, ORG), findings.PRIVATE_FORKS)
    org.set_fork_pr_policies(ORG, run_workflows_from_fork_pull_requests=True)
    org.set_fork_pr_policies(ORG, repository="tools", run_workflows_from_fork_pull_requests=False)
    [private] = of(audit_org(client, ORG), findings.PRIVATE_FORKS)
    assert (private.subject, private.severity) == ("app", "medium")


def test_a_policy_the_token_may_not_read_is_unknown_and_named_never_silently_allowed_or_denied(
    org: FakeGitHub, client: GitHubClient
) -> None:
    group(org, "open", allows_public_repositories=True)
    org.set_self_hosted_runner_policy(ORG, "none")
    org.add_fault(FaultRule(method="GET", path="/self-hosted-runners$", status=403, times=None))
    org.add_fault(FaultRule(method="GET", path="/repos/acme/site/actions/permissions/fork-pr", status=403, times=None))
    report = audit_org(client, ORG)
    [exposure] = of(report, findings.PUBLIC_REACHES_SELF_HOSTED)
    assert "unknown: needs admin:org" in exposure.summary and "unknown: needs repo" in exposure.summary
    unread = {f.subject: f.summary for f in of(report, findings.POLICY_UNREADABLE)}
    assert "which repositories may use self-hosted runners" in unread
    assert all("unknown: needs" in summary for summary in unread.values())


def test_ghes_3_17_has_no_self_hosted_or_fork_policies_and_the_audit_says_so() -> None:
    fake = FakeGitHub(flavour="ghes-3.17")
    fake.add_org(ORG)
    fake.add_repo(ORG, "site", visibility="public")
    group(fake, "open", allows_public_repositories=True)
    with serve(fake) as server:
        report = audit_org(GitHubClient(ClientSettings(base_url=server.url, token=DEMO_TOKEN)), ORG)
    assert of(report, findings.PUBLIC_REACHES_SELF_HOSTED)[0].severity == "high"
    assert len(of(report, findings.POLICY_UNREADABLE)) == 4  # 3 of the org, 1 of the public repository


# Reusable workflows, empty lists, SHA case and owners


def test_a_public_repository_cannot_use_a_group_restricted_to_private_or_internal_workflows(
    org: FakeGitHub, client: GitHubClient
) -> None:
    for visibility, name in (("private", "app"), ("internal", "tools")):
        group(
            org,
            f"only-{visibility}",
            allows_public_repositories=True,
            restricted_to_workflows=True,
            selected_workflows=[f"acme/{name}/.github/workflows/build.yml@{SHA}"],
        )
    report = audit_org(client, ORG)
    assert not of(report, findings.PUBLIC_REACHES_SELF_HOSTED)
    names = {r.id: r.name for r in report.snapshot.repositories}
    reach = {r.group.name: sorted(names[i] for i in r.repository_ids) for r in report.reach}
    assert reach["only-private"] == ["app"]  # internal repositories cannot call a private repository's workflow
    assert reach["only-internal"] == ["app", "tools"]


def test_a_public_workflow_or_one_of_another_org_keeps_public_exposure_and_the_other_org_is_flagged(
    org: FakeGitHub, client: GitHubClient
) -> None:
    group(
        org,
        "public-wf",
        allows_public_repositories=True,
        restricted_to_workflows=True,
        selected_workflows=[f"acme/lib/.github/workflows/build.yml@{SHA.upper()}"],
    )
    group(
        org,
        "foreign",
        runners=("f1",),
        allows_public_repositories=True,
        restricted_to_workflows=True,
        selected_workflows=[f"other/app/.github/workflows/build.yml@{SHA}"],
    )
    report = audit_org(client, ORG)
    exposed = {f.group: f.repositories for f in of(report, findings.PUBLIC_REACHES_SELF_HOSTED)}
    assert exposed == {"public-wf": ("lib", "site"), "foreign": ("lib", "site")}
    assert [f.group for f in of(report, findings.WORKFLOW_OTHER_ORG)] == ["foreign"]
    assert not of(report, findings.WORKFLOW_NOT_PINNED), "an upper-case SHA is a pin"


def test_an_empty_workflow_list_admits_no_workflow(org: FakeGitHub, client: GitHubClient) -> None:
    gid = group(org, "closed", allows_public_repositories=True, restricted_to_workflows=True)
    org.update_group(ORG, gid, selected_workflows=[])
    report = audit_org(client, ORG)
    assert [f.code for f in report.findings if f.group == "closed"] == [findings.RESTRICTED_WITHOUT_WORKFLOWS]
    assert report.runner_ids_by_repository == {}


def test_the_owner_of_a_repository_name_matters(org: FakeGitHub, client: GitHubClient) -> None:
    group(org, "open")
    report = audit_org(client, ORG)
    assert report.runners_reachable_by("acme/app") == ["r1"]
    with pytest.raises(KeyError, match="other/app"):
        report.runners_reachable_by("other/app")
