"""The enterprise the enterprise tests start from, shared by every test layer that uses it."""

from __future__ import annotations

from github_runner_groups.testing import SEEDED_ENTERPRISE, FakeGitHub


def two_org_enterprise() -> FakeGitHub:
    """The demo org `acme` and a second org `acme-labs`, both in enterprise `acme-corp` (flavour `ghec`)."""
    seeded = FakeGitHub.seeded(flavour="ghec")
    seeded.add_org("acme-labs")
    seeded.add_enterprise(SEEDED_ENTERPRISE, orgs=["acme-labs"])
    return seeded


def pooled_enterprise() -> FakeGitHub:
    """`two_org_enterprise` with a `selected` group `pool` shared with `acme` and holding the runner `ent-pool-1`, a
    group `everyone` visible to all its orgs, and an org `outsider` in no enterprise: the hostile suites' start."""
    seeded = two_org_enterprise()
    seeded.add_org("outsider")
    pool = seeded.add_enterprise_group(SEEDED_ENTERPRISE, "pool", visibility="selected")
    seeded.add_enterprise_group(SEEDED_ENTERPRISE, "everyone", visibility="all")
    seeded.share_enterprise_group(SEEDED_ENTERPRISE, pool["id"], ["acme"])
    seeded.add_enterprise_runner(SEEDED_ENTERPRISE, "ent-pool-1", group_id=pool["id"])
    return seeded
