"""The audit benchmark's org (benchmarks/bench_audit.py), small: read one request at a time or 16 at once, the
audit makes the same requests, finds the same, and meets no limit answer under GitHub's secondary limits."""

from __future__ import annotations

from bench_audit import ORG, Shape, build
from github_runner_groups.audit import audit_org
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
