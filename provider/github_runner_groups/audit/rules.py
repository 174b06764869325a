"""The audit's rules, one row each: id (stable: SARIF rule id, baseline fingerprints and the delta key on it),
title, default severity, why it matters, the fix, and GitHub's documentation. docs/audit-rules.md is generated
from this table (scripts/audit_rules_doc.py) and a test keeps it current."""

from __future__ import annotations

from dataclasses import dataclass

SEVERITIES = ("high", "medium", "low", "info")
_DOCS = "https://docs.github.com/en"
HARDENING = f"{_DOCS}/actions/security-for-github-actions/security-guides/security-hardening-for-github-actions"
GROUPS = (
    f"{_DOCS}/actions/hosting-your-own-runners/managing-self-hosted-runners/"
    "managing-access-to-self-hosted-runners-using-groups"
)
REUSABLE = f"{_DOCS}/actions/sharing-automations/reusing-workflows#access-to-reusable-workflows"
REPOSITORY_SETTINGS = (
    f"{_DOCS}/repositories/managing-your-repositorys-settings-and-features/enabling-features-for-your-repository/"
    "managing-github-actions-settings-for-a-repository"
)
ORG_SETTINGS = (
    f"{_DOCS}/organizations/managing-organization-settings/disabling-or-limiting-github-actions-for-your-organization"
)
PERMISSIONS_API = f"{_DOCS}/rest/actions/permissions"


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    severity: str  # the default; a finding may be lower where its rationale says so
    rationale: str
    fix: str
    references: tuple[str, ...]


RULES = (
    Rule(
        "public-repository-reaches-self-hosted",
        "A public repository can send jobs to self-hosted runners of a group",
        "high",
        "Anyone can open a pull request on a public repository; its workflows then run that code on the runner. A "
        "persistent runner keeps what a job leaves behind for the next job (the classic escalation). Medium "
        "instead when every runner is ephemeral, when only listed workflows may use the group, or when the "
        "repository requires approval for every outside contributor's run.",
        "Set allows_public_repositories: false on the group, or move its runners to a group public repositories "
        "cannot use.",
        (f"{HARDENING}#hardening-for-self-hosted-runners", GROUPS),
    ),
    Rule(
        "public-repository-own-runner",
        "A public repository has self-hosted runners of its own",
        "high",
        "A runner registered on a public repository serves that repository's pull requests from forks. Medium "
        "when every such runner is ephemeral.",
        "Remove the runner from the repository (use GitHub-hosted runners for public repositories), or forbid "
        "self-hosted runners for it in the org's policy (Settings > Actions > Runners).",
        (f"{HARDENING}#hardening-for-self-hosted-runners", f"{ORG_SETTINGS}"),
    ),
    Rule(
        "private-forks-reach-self-hosted",
        "Fork pull requests of a private repository run on persistent self-hosted runners",
        "medium",
        "The org lets workflows of fork pull requests run in private repositories; a fork's author then runs code "
        "on the persistent runners the repository reaches.",
        "Turn off 'Run workflows from fork pull requests' for the repository or the org, or use ephemeral runners.",
        (f"{REPOSITORY_SETTINGS}#enabling-workflows-for-forks-of-private-repositories",),
    ),
    Rule(
        "sensitive-runners-open",
        "Runners with a sensitive label in a group open to every repository",
        "high",
        "A label you named sensitive (--sensitive-label) marks runners with access worth protecting; a group open "
        "to all (or all private) repositories lets any of them use it.",
        "Set visibility: selected on the group and list the repositories that need these runners, or move the "
        "runners to such a group.",
        (GROUPS,),
    ),
    Rule(
        "workflow-not-pinned-to-sha",
        "A group admits workflows by branch or tag",
        "medium",
        "Whoever can push to that branch or tag chooses what runs on the group's runners. A full 40-hex SHA (in "
        "either case) is a pin.",
        "Pin each listed workflow to a full commit SHA (OWNER/REPO/.github/workflows/FILE.yml@<40-hex SHA>).",
        (f"{HARDENING}#using-third-party-actions", GROUPS),
    ),
    Rule(
        "workflow-in-another-org",
        "A group admits a workflow that lives in another organization",
        "medium",
        "Who may change that workflow, and whether it is public (callable by public repositories), is decided "
        "outside this org. The audit counts it as callable by every repository the group admits.",
        "List workflows of this org's repositories, pinned to a SHA.",
        (REUSABLE,),
    ),
    Rule(
        "restricted-without-workflows",
        "A group is restricted to an empty list of workflows",
        "low",
        "GitHub lets no workflow use a group restricted to no workflow: its runners sit idle and jobs for it wait "
        "until they time out.",
        "List the workflows that may use the group, or set restricted_to_workflows: false.",
        (GROUPS,),
    ),
    Rule(
        "selected-group-without-repositories",
        "A group with visibility selected that no repository can use",
        "low",
        "No repository is listed, or every listed one is kept out (public, archived, or without Actions).",
        "List the repositories that need the group, or delete it.",
        (GROUPS,),
    ),
    Rule(
        "group-without-runners",
        "A group that repositories may use has no runner",
        "medium",
        "Jobs that target it wait in the queue until they time out (24 h).",
        "Add runners to the group (runners: [...]) or delete it.",
        (GROUPS,),
    ),
    Rule(
        "offline-runners",
        "Runners are offline",
        "low",
        "Jobs for them wait; GitHub removes a self-hosted runner 14 days after it last connected.",
        "Start them again, or remove them.",
        (f"{_DOCS}/actions/hosting-your-own-runners/managing-self-hosted-runners/removing-self-hosted-runners",),
    ),
    Rule(
        "runners-in-default-group",
        "Runners are left in the Default group",
        "medium",
        "New runners land in Default, which admits every repository unless restricted; low when Default is "
        "restricted to selected repositories.",
        "Move them to a group with visibility: selected (the group's runners: [...] in the spec).",
        (GROUPS,),
    ),
    Rule(
        "untrusted-trigger-persistent-runner",
        "A job triggered by pull_request_target or a fork's pull request runs on a persistent self-hosted runner",
        "high",
        "`pull_request_target` runs with the base repository's rights whatever the pull request holds, and a fork's "
        "`pull_request` runs the fork's code; on a persistent runner what that job leaves behind serves the next "
        "job. Medium in a private or internal repository.",
        "Run such jobs on GitHub-hosted or ephemeral runners, or drop the trigger.",
        (f"{HARDENING}#hardening-for-self-hosted-runners", f"{_DOCS}/actions/reference/events-that-trigger-workflows"),
    ),
    Rule(
        "runs-on-unserved",
        "A job asks for runners no runner it can reach serves",
        "medium",
        "Its runs-on names a group the repository may not use, or labels no reachable runner carries: the job "
        "waits in the queue until it times out (24 h).",
        "Give the repository access to a group whose runners carry those labels, or fix the job's runs-on.",
        (f"{_DOCS}/actions/using-jobs/choosing-the-runner-for-a-job", GROUPS),
    ),
    Rule(
        "group-access-unused",
        "A group admits repositories whose workflows never use it",
        "low",
        "Every repository a group admits can send jobs to its runners; those that never do only widen who can.",
        "Set visibility: selected with the repositories the finding names (those whose jobs use the group).",
        (GROUPS,),
    ),
    Rule(
        "policy-unreadable",
        "A policy could not be read with this token",
        "info",
        "The audit then computes reach as if the policy allowed it (the conservative side) and says so.",
        "Use a token with the permission the finding names.",
        (PERMISSIONS_API,),
    ),
    Rule(
        "repositories-not-visible",
        "Some repositories are not visible to this token",
        "info",
        "What they reach is left out of the audit.",
        "Use a token with the repo scope (or the 'Metadata' repository permission on every repository).",
        (f"{_DOCS}/rest/repos/repos#list-organization-repositories",),
    ),
)
RULES_BY_ID = {rule.id: rule for rule in RULES}


def rules_markdown() -> str:
    """docs/audit-rules.md, from the table."""
    lines = [
        "# Runner exposure audit: rules",
        "",
        "Generated from `provider/github_runner_groups/audit/rules.py` by `scripts/audit_rules_doc.py`; do not "
        "edit by hand (a test checks it is current).",
        "",
        "| id | title | severity |",
        "|---|---|---|",
        *(f"| [`{r.id}`](#{r.id}) | {r.title} | {r.severity} |" for r in RULES),
    ]
    for rule in RULES:
        lines += [
            "",
            f"## {rule.id}",
            "",
            f"**{rule.title}** (default severity: {rule.severity})",
            "",
            f"Why: {rule.rationale}",
            "",
            f"Fix: {rule.fix}",
            "",
            "References:",
            "",
            *(f"- <{reference}>" for reference in rule.references),
        ]
    return "\n".join(lines) + "\n"
