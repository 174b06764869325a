"""FakeGitHub: the runner-group endpoints of GitHub's REST API (org and enterprise groups, hosted runners) as an
in-memory emulator, in the flavour of github.com, GHEC or a GHES release.

No I/O here: the transports (`responses_adapter`, `server`) turn HTTP into `handle(...)` calls and back. The
parts, one concern each: `flavours` (which GitHub, the pinned API description), `state` (orgs, enterprises,
groups, repositories, runners, hosted runners, credentials; seeding), `routes` (the route table), `handlers`,
`enterprise_handlers` and `hosted_handlers` (one function per operation; `inherited_groups`: what an org may
change on a group its enterprise shares; `hosted_sizes`: which sizes serve which images; `hosted_lifecycle`: a
deleted hosted runner's `Deleting` time), `rendering` (GitHub's JSON,
pagination, error bodies), `gateway` (auth, rate limits, ETags and 304s, faults, the request log), `limits` and
`app_jwt`.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Mapping

from .flavours import DEFAULT_FLAVOUR, ENTERPRISE
from .gateway import Gateway
from .limits import SecondaryLimits, SecondaryUsage
from .state import ADMIN_SCOPE, DEFAULT_GROUP_ID, ENTERPRISE_SCOPE
from .surface_seeding import SurfaceSeeding
from .wire import DropConnection, FakeResponse, FaultRule, RecordedRequest

DEMO_TOKEN = "ghp_emulatorDemoToken000000000000000000"
SEEDED_ENTERPRISE = "acme-corp"
# "demo": the org `acme` (and, on flavours with enterprises, `acme-corp` holding it); "enterprise": that on
# `ghec` unless another flavour with enterprises is given, plus a second org `acme-labs` in `acme-corp`.
SEEDS = ("demo", "enterprise")


class FakeGitHub(SurfaceSeeding):
    """Thread-safe; test helpers (`add_*`, `update_group`, ...) are the out-of-band changes a human would make.

    `flavour` picks the GitHub it plays (see `flavours`): "api.github.com" (default), "ghec", "ghes-3.17",
    "ghes-3.18" or "ghes-3.19". GHES serves under `/api/v3`, has no hosted runners and no network configurations;
    the enterprise endpoints exist on ghec and GHES.

    `hosted_deletion_seconds` (attribute, 0 by default) is how long a deleted hosted runner stays `Deleting`, in
    the emulator's clock. docs/emulator-fidelity.md lists every behaviour beyond GitHub's OpenAPI description.

    `latency_seconds` is added to the delay of every answer; the transports sleep it outside the lock, so slow
    answers overlap like a real network's. `secondary_limits` (None: off) enforces GitHub's secondary limits.
    """

    def __init__(
        self,
        *,
        tokens: Mapping[str, Iterable[str]] | None = None,
        clock: Callable[[], float] = time.time,
        rate_limit: int = 5000,
        secondary_limits: SecondaryLimits | None = None,
        flavour: str = DEFAULT_FLAVOUR,
    ) -> None:
        super().__init__(
            tokens if tokens is not None else {DEMO_TOKEN: (ADMIN_SCOPE, ENTERPRISE_SCOPE, "repo")}, flavour
        )
        self._clock = clock
        self._tokens = self.tokens  # the name older tests reach for; the same dict
        self._gateway = Gateway(
            self, clock=lambda: self._clock(), rate_limit=rate_limit, secondary_limits=secondary_limits
        )
        self.requests: list[RecordedRequest] = self._gateway.requests

    @classmethod
    def seeded(
        cls, seed: str = "demo", *, secondary_limits: SecondaryLimits | None = None, flavour: str | None = None
    ) -> FakeGitHub:
        """Org `acme` with 12 repositories (8 public, 4 private), 8 runners and the groups `build-linux`
        (selected: api, web) and `release` (restricted to a release workflow). Where the flavour has enterprises,
        `acme` belongs to the enterprise `acme-corp`, which has two self-hosted runners and shares no group yet."""
        if seed not in SEEDS:
            raise ValueError(f"unknown seed {seed!r}; use one of: {', '.join(SEEDS)}")
        flavour = flavour or ("ghec" if seed == "enterprise" else DEFAULT_FLAVOUR)
        fake = cls(secondary_limits=secondary_limits, flavour=flavour)
        if seed == "enterprise" and not fake.flavour.serves(ENTERPRISE):
            raise ValueError(f"seed 'enterprise' needs a flavour with enterprises (ghec or ghes-*), not {flavour!r}")
        fake.add_org("acme")
        for name in ("api", "web", "mobile", "infra", "docs", "deploy", "billing", "auth-service"):
            fake.add_repo("acme", name)
        for name in ("data-pipeline", "ml-models", "secrets-vault", "design-system"):
            fake.add_repo("acme", name, private=True)
        build = fake.add_group("acme", "build-linux", visibility="selected")
        fake.add_group(
            "acme",
            "release",
            restricted_to_workflows=True,
            selected_workflows=["acme/deploy/.github/workflows/release.yml@main"],
        )
        for index in range(1, 5):
            group = build["id"] if index <= 2 else DEFAULT_GROUP_ID
            fake.add_runner("acme", f"linux-{index}", group_id=group, labels=("self-hosted", "linux", "x64"))
        fake.add_runner("acme", "linux-gpu-1", labels=("self-hosted", "linux", "x64", "gpu"))
        fake.add_runner("acme", "windows-1", os="windows", labels=("self-hosted", "windows", "x64"))
        fake.add_runner("acme", "windows-2", os="windows", status="offline", labels=("self-hosted", "windows"))
        fake.add_runner("acme", "mac-1", os="macos", labels=("self-hosted", "macOS", "arm64"))
        repos = {r["name"]: r["id"] for r in fake.repositories("acme")}
        fake.set_group_repository_ids("acme", build["id"], {repos["api"], repos["web"]})
        if fake.flavour.serves(ENTERPRISE):
            fake.add_enterprise(SEEDED_ENTERPRISE, orgs=["acme"])
            for name in ("ent-linux-1", "ent-linux-2"):
                fake.add_enterprise_runner(SEEDED_ENTERPRISE, name, labels=("self-hosted", "linux", "x64"))
        if seed == "enterprise":
            fake.add_org("acme-labs")
            fake.add_enterprise(SEEDED_ENTERPRISE, orgs=["acme-labs"])
        return fake

    # Settings of the gateway

    @property
    def latency_seconds(self) -> float:
        return self._gateway.latency_seconds

    @latency_seconds.setter
    def latency_seconds(self, seconds: float) -> None:
        self._gateway.latency_seconds = seconds

    @property
    def rate_limit(self) -> int:
        return self._gateway.primary.rate_limit

    @property
    def secondary_limits(self) -> SecondaryLimits | None:
        return self._gateway.secondary.limits

    @secondary_limits.setter
    def secondary_limits(self, limits: SecondaryLimits | None) -> None:
        self._gateway.secondary.limits = limits

    @property
    def secondary_usage(self) -> SecondaryUsage:
        """Points and writes spent and secondary-limit hits since the last `reset_log()`."""
        return self._gateway.secondary.usage

    @property
    def secondary_limit_hits(self) -> int:
        return self.secondary_usage.hits

    def set_rate_limit(self, token: str, *, remaining: int, reset_in_seconds: float, status: int = 403) -> None:
        """Use up (part of) a token's primary rate limit until `reset_in_seconds` from now; once used up, requests
        are answered `status` (GitHub sends 403 or 429)."""
        with self.lock:
            self._gateway.primary.status = status
            state = self.tokens[token]
            state.used = self.rate_limit - remaining
            state.reset_at = self._clock() + reset_in_seconds

    # Faults and the request log

    def add_fault(self, rule: FaultRule) -> FaultRule:
        with self.lock:
            self._gateway.faults.append(rule)
        return rule

    def clear_faults(self) -> None:
        with self.lock:
            self._gateway.faults.clear()

    def count(self, method: str | None = None, path: str | None = None, status: int | None = None) -> int:
        with self.lock:
            return sum(
                1
                for r in self.requests
                if (method is None or r.method == method.upper())
                and (path is None or re.search(path, r.path))
                and (status is None or r.status == status)
            )

    def reset_log(self) -> None:
        """Empty the request log and the secondary-limit usage counters (not the limits' windows)."""
        with self.lock:
            self.requests.clear()
            self._gateway.secondary.usage = SecondaryUsage()

    # The request entry point

    def handle(
        self,
        method: str,
        path: str,
        query: str,
        headers: Mapping[str, str],
        body: bytes | None,
        *,
        base_url: str | None = None,
    ) -> FakeResponse | DropConnection:
        """One HTTP request (path relative to the API root, `base_url`: the flavour's example root unless given);
        the answer carries the delay to apply before it."""
        base_url = base_url if base_url is not None else self.flavour.example_base_url
        return self._gateway.handle(method, path, query, headers, body, base_url)
