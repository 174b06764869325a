"""The enterprise the enterprise tests start from, shared by every test layer that uses it."""

from __future__ import annotations

from github_runner_groups.testing import SEEDED_ENTERPRISE, FakeGitHub


def two_org_enterprise() -> FakeGitHub:
    """The demo org `acme` and a second org `acme-labs`, both in enterprise `acme-corp` (flavour `ghec`)."""
    seeded = FakeGitHub.seeded(flavour="ghec")
    seeded.add_org("acme-labs")
    seeded.add_enterprise(SEEDED_ENTERPRISE, orgs=["acme-labs"])
    return seeded
