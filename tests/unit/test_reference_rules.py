"""References that mean what they say, refused at check: workflow references with `..` or a ref git refuses, an
owner GitHub would refuse, `acme/api/extra` as a repository, and a name with a newline (never silently trimmed)."""

from __future__ import annotations

from typing import Any

import pytest
from github_runner_groups.resources._common import GitHubProvider
from github_runner_groups.resources.enterprise_organization_access import (
    EnterpriseRunnerGroupOrganizationAccessProvider,
)
from github_runner_groups.resources.membership import RunnerGroupMembershipProvider
from github_runner_groups.resources.repository_access import RunnerGroupRepositoryAccessProvider
from github_runner_groups.resources.runner_group import RunnerGroupProvider
from github_runner_groups.settings import resolve_settings

WORKFLOW = "acme/deploy/.github/workflows/release.yml@{}"


def failures(kind: type[GitHubProvider], **inputs: Any) -> dict[str, str]:
    made = kind()
    made._settings = resolve_settings(None, {"GITHUB_TOKEN": "t", "GITHUB_OWNER": "acme"})
    return {f.property: f.reason for f in made.check({}, {"__provider": "p", **inputs}).failures}


def workflow_failures(workflow: str) -> dict[str, str]:
    return failures(RunnerGroupProvider, name="ci", restricted_to_workflows=True, selected_workflows=[workflow])


@pytest.mark.parametrize(
    ("workflow", "fragment"),
    [
        ("acme/../.github/workflows/x.yml@main", "`..` path segment"),
        ("acme/./.github/workflows/x.yml@main", "`.` or `..`"),
        (WORKFLOW.format("main/../../etc"), "`..` path segment"),
        (WORKFLOW.format("main..x"), "not one git accepts"),
        (WORKFLOW.format("main.lock"), "not one git accepts"),
        (WORKFLOW.format("feature/.hidden"), "not one git accepts"),
        (WORKFLOW.format("main/"), "not one git accepts"),
        (WORKFLOW.format("feature//x"), "not one git accepts"),
        (WORKFLOW.format("main."), "not one git accepts"),
        (WORKFLOW.format("ma~in"), "not one git accepts"),
        (WORKFLOW.format("ma^in"), "not one git accepts"),
        (WORKFLOW.format("ma:in"), "not one git accepts"),
        (WORKFLOW.format("ma?in"), "not one git accepts"),
        (WORKFLOW.format("ma*in"), "not one git accepts"),
        (WORKFLOW.format("ma[in"), "not one git accepts"),
        (WORKFLOW.format("ma\\in"), "not one git accepts"),
        ("acme-/deploy/.github/workflows/x.yml@main", "the owner 'acme-' is not a GitHub login"),
        ("-acme/deploy/.github/workflows/x.yml@main", "is not a GitHub login"),
        ("ac--me/deploy/.github/workflows/x.yml@main", "is not a GitHub login"),
    ],
)
def test_a_workflow_reference_git_or_github_would_refuse_fails_check(workflow: str, fragment: str) -> None:
    reasons = workflow_failures(workflow)
    assert fragment in reasons["selected_workflows[0]"], reasons


@pytest.mark.parametrize("ref", ["main", "refs/heads/main", "v1.2.3", "feature/x", "release-2024.01", "a" * 40])
def test_ordinary_refs_pass(ref: str) -> None:
    assert workflow_failures(WORKFLOW.format(ref)) == {}


@pytest.mark.parametrize(
    ("repository", "fragment"),
    [
        ("acme/api/extra", "give NAME or OWNER/NAME"),
        ("acme-/api", "give NAME or OWNER/NAME"),
        ("/api", "give NAME or OWNER/NAME"),
        ("..", "not a repository name"),
        ("acme/..", "not a repository name"),
        ("acme/", "not a repository name"),
        ("api repo", "not a repository name"),
    ],
)
def test_a_repository_reference_that_is_no_repository_fails_check(repository: str, fragment: str) -> None:
    for reasons in (
        failures(RunnerGroupRepositoryAccessProvider, runner_group_id=5, repositories=["web", repository]),
        failures(RunnerGroupProvider, name="ci", visibility="selected", repositories=["web", repository]),
    ):
        assert fragment in reasons["repositories[1]"], reasons


@pytest.mark.parametrize("name", ["linux-1\n", " linux-1", "linux-1\t", "linux\u200b-1"])
def test_a_runner_name_with_spaces_or_control_characters_is_refused_not_trimmed(name: str) -> None:
    reasons = failures(RunnerGroupMembershipProvider, runner_group_id=5, runners=[name])
    assert "spaces, newlines or control characters" in reasons["runners[0]"], reasons
    reasons = failures(RunnerGroupProvider, name="ci", runners=[name])
    assert "runners[0]" in reasons, reasons


@pytest.mark.parametrize("organization", ["acme-", "-acme", "ac--me", "acme/x", "acme corp"])
def test_an_organization_login_github_would_refuse_fails_check(organization: str) -> None:
    made = EnterpriseRunnerGroupOrganizationAccessProvider()
    made._settings = resolve_settings(None, {"GITHUB_TOKEN": "t", "GITHUB_ENTERPRISE": "acme-corp"})
    result = made.check({}, {"__provider": "p", "runner_group_id": 5, "organizations": ["acme", organization]})
    reasons = {f.property: f.reason for f in result.failures}
    assert "a GitHub organization login" in reasons["organizations[1]"], reasons
