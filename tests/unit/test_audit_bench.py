"""The audit benchmark's org (benchmarks/bench_audit.py), small: read one request at a time or 16 at once, the
audit makes the same requests, finds the same, and meets no limit answer under GitHub's secondary limits."""

from __future__ import annotations

from bench_audit import ORG, Shape, build
from github_runner_groups.audit import Group, OrgSnapshot, Repository, audit_org
from github_runner_groups.client import ClientSettings, GitHubClient, PacingSettings
from github_runner_groups.testing import DEMO_TOKEN, FakeGitHub, SecondaryLimits, serve


def test_the_benchmark_org_reads_the_same_sequentially_and_concurrently_with_no_limit_answer() -> None:
    fake = FakeGitHub(secondary_limits=SecondaryLimits())
    build(fake, Shape(repositories=120, groups=16, runners=40))
    seen = []
    with serve(fake) as server:
        for in_flight in (1, 16):
            fake.reset_log()
            pacing = PacingSettings(write_delay_seconds=0, max_in_flight=in_flight)
            report = audit_org(GitHubClient(ClientSettings(base_url=server.url, token=DEMO_TOKEN, pacing=pacing)), ORG)
            requests = sorted((r.method, r.path, r.query) for r in fake.requests)
            seen.append((requests, sorted(f.fingerprint for f in report.findings)))
            assert fake.secondary_usage.hits == 0 and fake.count(status=403) == 0
    assert seen[0] == seen[1]
    assert len(seen[0][1]) >= 10 and len(seen[0][0]) > 60


def test_the_shared_reach_sets_equal_a_plain_computation_on_the_benchmark_org() -> None:
    """The scale work shares sets between groups and makes each repository's runners when asked: the answers are
    those of the plain definition (every group the repository may use, plus its own runners)."""
    fake = FakeGitHub()
    build(fake, Shape(repositories=200, groups=24, runners=60))
    fake.set_self_hosted_runner_policy(ORG, "selected", [f"repo-{i:05d}" for i in range(0, 200, 3)])
    with serve(fake) as server:
        pacing = PacingSettings(enabled=False)
        report = audit_org(GitHubClient(ClientSettings(base_url=server.url, token=DEMO_TOKEN, pacing=pacing)), ORG)
    snapshot = report.snapshot
    plain: dict[int, set[int]] = {}
    for reach in report.reach:
        for repository_id in reach.self_hosted_ids:
            plain.setdefault(repository_id, set()).update(r.id for r in reach.runners)
    for runner in snapshot.repository_runners():
        repository = next(r for r in snapshot.repositories if r.id == runner.repository_id)
        if snapshot.runs_actions(repository) and snapshot.policies.may_use_self_hosted(repository):
            plain.setdefault(repository.id, set()).add(runner.id)
    plain = {i: ids for i, ids in plain.items() if ids}
    assert dict(report.runner_ids_by_repository) == {i: frozenset(ids) for i, ids in plain.items()}
    for reach in report.reach:
        expected = {r.id for r in snapshot.repositories if snapshot.runs_actions(r) and _admits(reach.group, r)}
        assert reach.repository_ids == expected, reach.group.name
        assert reach.self_hosted_ids == {i for i in expected if _may(snapshot, i)}


def _admits(group: Group, repository: Repository) -> bool:
    """GitHub's rule, written plainly: a selected group's list; private groups no public repository; public
    repositories only where the group allows them."""
    if group.visibility == "selected" and repository.id not in group.repository_ids:
        return False
    if group.visibility == "private" and repository.public:
        return False
    return group.allows_public_repositories or not repository.public


def _may(snapshot: OrgSnapshot, repository_id: int) -> bool:
    repository = next(r for r in snapshot.repositories if r.id == repository_id)
    return snapshot.policies.may_use_self_hosted(repository)
