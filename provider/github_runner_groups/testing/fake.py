"""FakeGitHub: the org runner-group endpoints of GitHub's REST API as an in-memory state machine.

No I/O here: the transports (`responses_adapter`, `server`) turn HTTP into `handle(...)` calls and back. What it
mimics, because the providers depend on it: org logins are case-insensitive, the `Default` group (id 1) can be
neither deleted nor renamed, repository access only for `selected` groups, `selected_workflows` dropped unless
`restricted_to_workflows`, GitHub's error bodies, Link pagination, ETags and 304s (free of rate limit), rate-limit
headers, token scopes (`admin:org`), GitHub App installation tokens (RS256 JWT), and faults injected by rule.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import re
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any
from urllib.parse import parse_qsl, urlencode

DEMO_TOKEN = "ghp_emulatorDemoToken000000000000000000"
DEFAULT_GROUP_ID = 1
_DOCS = "https://docs.github.com/rest/actions/self-hosted-runner-groups"
_ADMIN_SCOPE = "admin:org"
_ANONYMOUS_RATE_LIMIT = 60  # GitHub's hourly limit for requests without valid credentials (per IP)
_REASONS = {
    400: "Bad Request",
    401: "Bad credentials",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    422: "Validation Failed",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}
_REPO_URL_FIELDS = (
    "archive_url assignees_url blobs_url branches_url collaborators_url comments_url commits_url compare_url "
    "contents_url contributors_url deployments_url downloads_url events_url forks_url git_commits_url git_refs_url "
    "git_tags_url hooks_url issue_comment_url issue_events_url issues_url keys_url labels_url languages_url "
    "merges_url milestones_url notifications_url pulls_url releases_url stargazers_url statuses_url "
    "subscribers_url subscription_url tags_url teams_url trees_url"
).split()
_USER_URL_FIELDS = (
    "events_url followers_url following_url gists_url organizations_url received_events_url repos_url starred_url "
    "subscriptions_url"
).split()


@dataclass
class FaultRule:
    """Make matching requests fail: a status, a delay, a dropped connection; `times=None` means every time.

    `after_handling` applies the request to the state first, then fails or drops the answer: the case of a
    create that succeeded but whose answer was lost.
    """

    method: str | None = None
    path: str = ".*"
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    message: str | None = None
    delay_seconds: float = 0.0
    drop: bool = False
    after_handling: bool = False
    times: int | None = 1

    def matches(self, method: str, path: str) -> bool:
        return (self.method is None or self.method.upper() == method) and re.search(self.path, path) is not None


@dataclass(frozen=True)
class RecordedRequest:
    """One request as received; `status` is None when the connection was dropped."""

    method: str
    path: str
    query: str
    headers: Mapping[str, str]
    json: Any
    status: int | None


@dataclass
class FakeResponse:
    status: int
    headers: dict[str, str]
    body: bytes
    delay_seconds: float = 0.0


@dataclass
class DropConnection:
    """The transport closes the connection without answering (after the delay)."""

    delay_seconds: float = 0.0


class _HttpError(Exception):
    def __init__(
        self, status: int, message: str | None = None, *, errors: list[Any] | None = None, **headers: str
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message or _REASONS.get(status, "Error")
        self.errors = errors
        self.headers = {k.replace("_", "-"): v for k, v in headers.items()}


@dataclass
class _Org:
    login: str
    groups: dict[int, dict[str, Any]] = field(default_factory=dict)
    group_repositories: dict[int, set[int]] = field(default_factory=dict)
    repositories: dict[int, dict[str, Any]] = field(default_factory=dict)
    runners: dict[int, dict[str, Any]] = field(default_factory=dict)
    hosted_runners: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    actions_permissions: dict[str, Any] = field(
        default_factory=lambda: {"enabled_repositories": "all", "selected_repository_ids": (), "allowed_actions": "all"}
    )


@dataclass
class _Token:
    scopes: frozenset[str]
    expires_at: float | None = None
    used: int = 0
    reset_at: float = 0.0


@dataclass(frozen=True)
class _App:
    app_id: str
    public_key_pem: str
    installation_id: int
    org: str


Handler = Callable[..., tuple[int, Any]]


class FakeGitHub:
    """Thread-safe; test helpers (`add_*`, `update_group`, ...) are the out-of-band changes a human would make.

    `latency_seconds` is added to the delay of every answer; the transports sleep it outside the lock, so slow
    answers overlap like a real network's.
    """

    def __init__(
        self,
        *,
        tokens: Mapping[str, Iterable[str]] | None = None,
        clock: Callable[[], float] = time.time,
        rate_limit: int = 5000,
    ) -> None:
        self._lock = threading.RLock()
        self._clock = clock
        self.rate_limit = rate_limit
        self.latency_seconds = 0.0
        token_scopes = tokens if tokens is not None else {DEMO_TOKEN: ("admin:org", "repo")}
        self._tokens = {token: _Token(frozenset(scopes)) for token, scopes in token_scopes.items()}
        self._anonymous = _Token(frozenset())  # the rate-limit bucket of requests without valid credentials
        self._orgs: dict[str, _Org] = {}
        self._apps: dict[int, _App] = {}
        self._faults: list[FaultRule] = []
        self._ids = itertools.count(2)
        self._request_ids = itertools.count(1)
        self.requests: list[RecordedRequest] = []
        self._routes: list[tuple[str, re.Pattern[str], Handler]] = [
            (method, re.compile(f"^{pattern}$"), handler)
            for method, pattern, handler in (
                ("GET", r"/orgs/(?P<org>[^/]+)/actions/runner-groups", self._list_groups),
                ("POST", r"/orgs/(?P<org>[^/]+)/actions/runner-groups", self._create_group),
                ("GET", r"/orgs/(?P<org>[^/]+)/actions/runner-groups/(?P<gid>\d+)", self._get_group),
                ("PATCH", r"/orgs/(?P<org>[^/]+)/actions/runner-groups/(?P<gid>\d+)", self._update_group),
                ("DELETE", r"/orgs/(?P<org>[^/]+)/actions/runner-groups/(?P<gid>\d+)", self._delete_group),
                ("GET", r"/orgs/(?P<org>[^/]+)/actions/runner-groups/(?P<gid>\d+)/hosted-runners", self._hosted),
                ("GET", r"/orgs/(?P<org>[^/]+)/actions/runner-groups/(?P<gid>\d+)/repositories", self._list_access),
                ("PUT", r"/orgs/(?P<org>[^/]+)/actions/runner-groups/(?P<gid>\d+)/repositories", self._set_access),
                (
                    "PUT",
                    r"/orgs/(?P<org>[^/]+)/actions/runner-groups/(?P<gid>\d+)/repositories/(?P<rid>\d+)",
                    self._add_access,
                ),
                (
                    "DELETE",
                    r"/orgs/(?P<org>[^/]+)/actions/runner-groups/(?P<gid>\d+)/repositories/(?P<rid>\d+)",
                    self._remove_access,
                ),
                ("GET", r"/orgs/(?P<org>[^/]+)/actions/runner-groups/(?P<gid>\d+)/runners", self._list_members),
                ("PUT", r"/orgs/(?P<org>[^/]+)/actions/runner-groups/(?P<gid>\d+)/runners", self._set_members),
                (
                    "PUT",
                    r"/orgs/(?P<org>[^/]+)/actions/runner-groups/(?P<gid>\d+)/runners/(?P<rid>\d+)",
                    self._add_member,
                ),
                (
                    "DELETE",
                    r"/orgs/(?P<org>[^/]+)/actions/runner-groups/(?P<gid>\d+)/runners/(?P<rid>\d+)",
                    self._remove_member,
                ),
                ("GET", r"/orgs/(?P<org>[^/]+)/actions/runners", self._org_runners),
                ("GET", r"/orgs/(?P<org>[^/]+)/repos", self._org_repositories),
                ("GET", r"/orgs/(?P<org>[^/]+)/actions/permissions", self._actions_permissions),
                ("GET", r"/orgs/(?P<org>[^/]+)/actions/permissions/repositories", self._actions_repositories),
                ("GET", r"/repos/(?P<owner>[^/]+)/(?P<repo>[^/]+)", self._get_repository),
                ("POST", r"/app/installations/(?P<iid>\d+)/access_tokens", self._installation_token),
            )
        ]

    # Seeding and out-of-band changes

    @classmethod
    def seeded(cls, seed: str = "demo") -> FakeGitHub:
        """Org `acme` with 12 repositories, 8 runners and the groups `build-linux` (selected) and `release`."""
        if seed != "demo":
            raise ValueError(f"unknown seed {seed!r}; the only seed is 'demo'")
        fake = cls()
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
        return fake

    def add_org(self, login: str) -> None:
        with self._lock:
            org = self._orgs.setdefault(login.lower(), _Org(login))
            org.groups.setdefault(
                DEFAULT_GROUP_ID, _new_group(DEFAULT_GROUP_ID, "Default", {"default": True, "visibility": "all"})
            )

    def add_repo(self, org: str, name: str, *, private: bool = False, visibility: str | None = None) -> dict[str, Any]:
        """`visibility` ("public", "private", "internal") wins over `private`; internal repositories are private."""
        with self._lock:
            owner = self._org(org)
            repo_id = next(self._ids) + 1000
            shown = visibility or ("private" if private else "public")
            repo: dict[str, Any] = {
                "id": repo_id,
                "name": name,
                "private": shown != "public",
                "visibility": shown,
                "owner": owner.login,
            }
            owner.repositories[repo_id] = repo
            return dict(repo)

    def add_runner(
        self,
        org: str,
        name: str,
        *,
        group_id: int = DEFAULT_GROUP_ID,
        os: str = "linux",
        status: str = "online",
        labels: Iterable[str] = ("self-hosted",),
    ) -> dict[str, Any]:
        with self._lock:
            owner = self._org(org)
            runner_id = next(self._ids) + 5000
            owner.runners[runner_id] = {
                "id": runner_id,
                "name": name,
                "os": os,
                "status": status,
                "busy": False,
                "labels": [{"id": i + 1, "name": label, "type": "read-only"} for i, label in enumerate(labels)],
                "runner_group_id": group_id,
            }
            return dict(owner.runners[runner_id])

    def set_actions_permissions(
        self,
        org: str,
        *,
        enabled_repositories: str = "all",
        selected_repository_ids: Iterable[int] = (),
        allowed_actions: str = "all",
    ) -> None:
        """Which repositories may run GitHub Actions at all ("all", "none", "selected") and which actions."""
        with self._lock:
            self._org(org).actions_permissions = {
                "enabled_repositories": enabled_repositories,
                "selected_repository_ids": tuple(selected_repository_ids),
                "allowed_actions": allowed_actions,
            }

    def remove_runner(self, org: str, runner_id: int) -> None:
        """A runner that is unregistered (it gets a new id when it registers again)."""
        with self._lock:
            del self._org(org).runners[runner_id]

    def add_group(self, org: str, name: str, **fields: Any) -> dict[str, Any]:
        with self._lock:
            owner = self._org(org)
            group = _new_group(next(self._ids), name, fields)
            owner.groups[group["id"]] = group
            owner.group_repositories[group["id"]] = set()
            return dict(group)

    def update_group(self, org: str, group_id: int, **fields: Any) -> None:
        with self._lock:
            self._group(self._org(org), group_id).update(fields)

    def delete_group(self, org: str, group_id: int) -> None:
        with self._lock:
            self._drop_group(self._org(org), group_id)

    def add_hosted_runner(self, org: str, group_id: int, name: str) -> dict[str, Any]:
        with self._lock:
            hosted = _hosted_runner(next(self._ids) + 9000, name, group_id)
            self._org(org).hosted_runners.setdefault(group_id, []).append(hosted)
            return dict(hosted)

    def set_group_repository_ids(self, org: str, group_id: int, repository_ids: Iterable[int]) -> None:
        with self._lock:
            self._org(org).group_repositories[group_id] = set(repository_ids)

    def move_runner(self, org: str, runner_id: int, group_id: int) -> None:
        with self._lock:
            self._org(org).runners[runner_id]["runner_group_id"] = group_id

    def add_app(self, app_id: str, public_key_pem: str, installation_id: int, org: str) -> None:
        with self._lock:
            self._apps[int(installation_id)] = _App(str(app_id), public_key_pem, int(installation_id), org)

    def revoke_token(self, token: str) -> None:
        with self._lock:
            self._tokens.pop(token, None)

    def set_rate_limit(self, token: str, *, remaining: int, reset_in_seconds: float) -> None:
        """Use up (part of) a token's primary rate limit until `reset_in_seconds` from now."""
        with self._lock:
            state = self._tokens[token]
            state.used = self.rate_limit - remaining
            state.reset_at = self._clock() + reset_in_seconds

    # Reading the state (tests)

    def group(self, org: str, group_id: int) -> dict[str, Any] | None:
        with self._lock:
            group = self._org(org).groups.get(group_id)
            return dict(group) if group else None

    def groups(self, org: str) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(g) for g in self._org(org).groups.values()]

    def repositories(self, org: str) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(r) for r in self._org(org).repositories.values()]

    def runners(self, org: str) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(r) for r in self._org(org).runners.values()]

    def group_repository_ids(self, org: str, group_id: int) -> set[int]:
        with self._lock:
            return set(self._org(org).group_repositories.get(group_id, set()))

    def group_runner_ids(self, org: str, group_id: int) -> set[int]:
        with self._lock:
            return {r["id"] for r in self._org(org).runners.values() if r["runner_group_id"] == group_id}

    # Faults and the request log

    def add_fault(self, rule: FaultRule) -> FaultRule:
        with self._lock:
            self._faults.append(rule)
        return rule

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def count(self, method: str | None = None, path: str | None = None, status: int | None = None) -> int:
        with self._lock:
            return sum(
                1
                for r in self.requests
                if (method is None or r.method == method.upper())
                and (path is None or re.search(path, r.path))
                and (status is None or r.status == status)
            )

    def reset_log(self) -> None:
        with self._lock:
            self.requests.clear()

    # The request entry point

    def handle(
        self,
        method: str,
        path: str,
        query: str,
        headers: Mapping[str, str],
        body: bytes | None,
        *,
        base_url: str = "https://api.github.com",
    ) -> FakeResponse | DropConnection:
        """One HTTP request (path relative to the API root); the answer carries the delay to apply before it."""
        method = method.upper()
        lowered = {k.lower(): v for k, v in headers.items()}
        payload = _parse_json(body)
        with self._lock:
            fault = self._take_fault(method, path)
            delay = self.latency_seconds + (fault.delay_seconds if fault else 0.0)
            outcome: FakeResponse | DropConnection
            if fault is not None and not fault.after_handling and (fault.drop or fault.status):
                outcome = _fault_outcome(fault, delay)
            else:
                outcome = self._answer(method, path, query, lowered, payload, base_url)
                outcome.delay_seconds = delay
                if fault is not None and (fault.drop or fault.status):
                    outcome = _fault_outcome(fault, delay)
            shown = {k: ("<redacted>" if k == "authorization" else v) for k, v in lowered.items()}
            status = outcome.status if isinstance(outcome, FakeResponse) else None
            logged = None if isinstance(payload, _Unparseable) else payload
            self.requests.append(RecordedRequest(method, path, query, shown, logged, status))
            return outcome

    def _take_fault(self, method: str, path: str) -> FaultRule | None:
        for rule in self._faults:
            if rule.matches(method, path) and (rule.times is None or rule.times > 0):
                if rule.times is not None:
                    rule.times -= 1
                return rule
        return None

    def _answer(
        self, method: str, path: str, query: str, headers: Mapping[str, str], payload: Any, base_url: str
    ) -> FakeResponse:
        extra = {"x-github-request-id": f"EMU:{next(self._request_ids):06d}", "content-type": "application/json"}
        token: _Token | None = None
        try:
            route = self._route(method, path)
            if route is not None and route[0] == self._installation_token:
                status, body = route[0](**route[1], jwt=_bearer(headers), payload=payload)
            else:
                # Like GitHub: credentials first (a bad token gets 401 even on an unknown route), then the route.
                token = self._authenticate(headers, extra)
                limit = self._window(token)  # first: it may start a new window
                if token.used >= limit:
                    raise _HttpError(403, f"API rate limit exceeded for token. Wait until {int(token.reset_at)}.")
                if route is None:
                    raise _HttpError(404)  # an unknown route or method gets 404 on GitHub too
                accepted = "repo" if path.startswith("/repos/") or path.endswith("/repos") else _ADMIN_SCOPE
                extra["x-accepted-oauth-scopes"] = accepted
                if accepted == _ADMIN_SCOPE and accepted not in token.scopes:
                    raise _HttpError(403, "Resource not accessible by personal access token")
                if isinstance(payload, _Unparseable):
                    raise _HttpError(400, "Problems parsing JSON")
                query_params = dict(parse_qsl(query))
                status, body = route[0](**route[1], payload=payload, query=query_params, base=base_url, path=path)
        except _HttpError as error:
            status, body = error.status, _error_body(error)
            extra.update(error.headers)
        if isinstance(body, _Page):
            extra["link"] = body.link
            body = body.content
        content = json.dumps(body, separators=(",", ":")).encode() if body is not None else b""
        bucket = token if token is not None or status != 401 else self._anonymous
        if status in (200, 201):
            # Like GitHub (Rack::ETag), every 200/201 JSON answer carries an ETag, so one from a POST or PATCH
            # matches the next GET of an unchanged object.
            etag = 'W/"' + hashlib.sha256(content).hexdigest()[:40] + '"'
            extra["etag"] = etag
            if method == "GET" and _etag_matches(headers.get("if-none-match"), etag):
                # A 304 costs nothing against the rate limit, as on GitHub.
                return FakeResponse(304, {**extra, **self._rate_headers(bucket, count=False)}, b"")
        extra.update(self._rate_headers(bucket, count=True))
        return FakeResponse(status, extra, content)

    def _route(self, method: str, path: str) -> tuple[Handler, dict[str, str]] | None:
        for route_method, pattern, handler in self._routes:
            match = pattern.match(path)
            if match and route_method == method:
                return handler, match.groupdict()
        return None

    def _authenticate(self, headers: Mapping[str, str], extra: dict[str, str]) -> _Token:
        credential = _bearer(headers)
        token = self._tokens.get(credential or "")
        if token is None or (token.expires_at is not None and token.expires_at <= self._clock()):
            raise _HttpError(401, "Bad credentials")
        extra["x-oauth-scopes"] = ", ".join(sorted(token.scopes))
        return token

    def _window(self, bucket: _Token) -> int:
        """The bucket's limit, starting a new hour-long window when the last one is over."""
        now = self._clock()
        if bucket.reset_at <= now:
            bucket.used, bucket.reset_at = 0, now + 3600
        return _ANONYMOUS_RATE_LIMIT if bucket is self._anonymous else self.rate_limit

    def _rate_headers(self, bucket: _Token | None, *, count: bool) -> dict[str, str]:
        if bucket is None:
            return {}
        limit = self._window(bucket)
        if count and bucket.used < limit:
            bucket.used += 1
        return {
            "x-ratelimit-limit": str(limit),
            "x-ratelimit-remaining": str(limit - bucket.used),
            "x-ratelimit-used": str(bucket.used),
            "x-ratelimit-reset": str(int(bucket.reset_at)),
            "x-ratelimit-resource": "core",
        }

    # Lookups

    def _org(self, login: str) -> _Org:
        org = self._orgs.get(login.lower())
        if org is None:
            raise _HttpError(404)
        return org

    def _group(self, org: _Org, group_id: int | str) -> dict[str, Any]:
        group = org.groups.get(int(group_id))
        if group is None:
            raise _HttpError(404)
        return group

    def _drop_group(self, org: _Org, group_id: int) -> None:
        del org.groups[group_id]
        org.group_repositories.pop(group_id, None)
        for runner in org.runners.values():
            if runner["runner_group_id"] == group_id:
                runner["runner_group_id"] = DEFAULT_GROUP_ID

    # Runner groups

    def _list_groups(self, org: str, query: Mapping[str, str], base: str, path: str, **_: Any) -> tuple[int, Any]:
        owner = self._org(org)
        groups = list(owner.groups.values())
        visible_to = query.get("visible_to_repository")
        if visible_to:
            repo = next((r for r in owner.repositories.values() if r["name"].lower() == visible_to.lower()), None)
            if repo is None:
                raise _HttpError(404)
            groups = [g for g in groups if _visible(g, repo, owner.group_repositories.get(g["id"], set()))]
        rendered = [_group_json(owner, g, base) for g in groups]
        return 200, _paginate(rendered, query, base, path, "runner_groups")

    def _get_group(self, org: str, gid: str, base: str, **_: Any) -> tuple[int, Any]:
        owner = self._org(org)
        return 200, _group_json(owner, self._group(owner, gid), base)

    def _create_group(self, org: str, payload: Any, base: str, **_: Any) -> tuple[int, Any]:
        owner = self._org(org)
        fields = _group_fields(payload, require_name=True)
        if any(g["name"].lower() == fields["name"].lower() for g in owner.groups.values()):
            raise _HttpError(409, f"A runner group with the name '{fields['name']}' already exists.")
        repository_ids = _ids(payload, "selected_repository_ids") if isinstance(payload, dict) else []
        runner_ids = _ids(payload, "runners") if isinstance(payload, dict) else []
        self._check_known(owner.repositories, repository_ids, "selected_repository_ids")
        self._check_known(owner.runners, runner_ids, "runners")
        group = _new_group(next(self._ids), fields.pop("name"), fields)
        owner.groups[group["id"]] = group
        owner.group_repositories[group["id"]] = set(repository_ids) if group["visibility"] == "selected" else set()
        for runner_id in runner_ids:
            owner.runners[runner_id]["runner_group_id"] = group["id"]
        return 201, _group_json(owner, group, base)

    def _update_group(self, org: str, gid: str, payload: Any, base: str, **_: Any) -> tuple[int, Any]:
        owner = self._org(org)
        group = self._group(owner, gid)
        fields = _group_fields(payload, require_name=True)
        name = fields["name"]
        if group["default"] and name != group["name"]:
            raise _HttpError(422, "The default runner group cannot be renamed.")
        if any(g["name"].lower() == name.lower() and g["id"] != group["id"] for g in owner.groups.values()):
            raise _HttpError(409, f"A runner group with the name '{name}' already exists.")
        if group["inherited"]:
            raise _HttpError(422, "An inherited runner group cannot be changed by the organization.")
        if group["workflow_restrictions_read_only"] and {"restricted_to_workflows", "selected_workflows"} & set(fields):
            raise _HttpError(422, "The workflow restrictions of this runner group are read-only.")
        group.update(fields)
        if not group["restricted_to_workflows"]:
            group["selected_workflows"] = []
        if group["visibility"] != "selected":
            owner.group_repositories[group["id"]] = set()
        return 200, _group_json(owner, group, base)

    def _delete_group(self, org: str, gid: str, **_: Any) -> tuple[int, Any]:
        owner = self._org(org)
        group = self._group(owner, gid)
        if group["default"]:
            raise _HttpError(422, "The default runner group cannot be deleted.")
        if group["inherited"]:
            raise _HttpError(422, "An inherited runner group cannot be deleted by the organization.")
        self._drop_group(owner, group["id"])
        return 204, None

    def _hosted(self, org: str, gid: str, query: Mapping[str, str], base: str, path: str, **_: Any) -> tuple[int, Any]:
        owner = self._org(org)
        self._group(owner, gid)
        return 200, _paginate(owner.hosted_runners.get(int(gid), []), query, base, path, "runners")

    # Repository access

    def _selected_group(self, owner: _Org, gid: str) -> dict[str, Any]:
        group = self._group(owner, gid)
        if group["visibility"] != "selected":
            raise _HttpError(
                422,
                "Repository access can only be changed for runner groups whose visibility is 'selected'.",
            )
        return group

    def _list_access(
        self, org: str, gid: str, query: Mapping[str, str], base: str, path: str, **_: Any
    ) -> tuple[int, Any]:
        owner = self._org(org)
        self._group(owner, gid)
        ids = sorted(owner.group_repositories.get(int(gid), set()))
        repos = [_repository_json(owner, owner.repositories[i], base) for i in ids if i in owner.repositories]
        return 200, _paginate(repos, query, base, path, "repositories")

    def _set_access(self, org: str, gid: str, payload: Any, **_: Any) -> tuple[int, Any]:
        owner = self._org(org)
        group = self._selected_group(owner, gid)
        ids = _ids(payload, "selected_repository_ids", required=True)
        self._check_known(owner.repositories, ids, "selected_repository_ids")
        owner.group_repositories[group["id"]] = set(ids)
        return 204, None

    def _add_access(self, org: str, gid: str, rid: str, **_: Any) -> tuple[int, Any]:
        owner = self._org(org)
        group = self._selected_group(owner, gid)
        if int(rid) not in owner.repositories:
            raise _HttpError(404)
        owner.group_repositories.setdefault(group["id"], set()).add(int(rid))
        return 204, None

    def _remove_access(self, org: str, gid: str, rid: str, **_: Any) -> tuple[int, Any]:
        owner = self._org(org)
        group = self._selected_group(owner, gid)
        if int(rid) not in owner.repositories:
            raise _HttpError(404)
        owner.group_repositories.setdefault(group["id"], set()).discard(int(rid))
        return 204, None

    # Runners

    def _list_members(
        self, org: str, gid: str, query: Mapping[str, str], base: str, path: str, **_: Any
    ) -> tuple[int, Any]:
        owner = self._org(org)
        self._group(owner, gid)
        members = [dict(r) for r in owner.runners.values() if r["runner_group_id"] == int(gid)]
        return 200, _paginate(members, query, base, path, "runners")

    def _set_members(self, org: str, gid: str, payload: Any, **_: Any) -> tuple[int, Any]:
        owner = self._org(org)
        group = self._group(owner, gid)
        ids = _ids(payload, "runners", required=True)
        self._check_known(owner.runners, ids, "runners")
        for runner in owner.runners.values():
            if runner["id"] in ids:
                runner["runner_group_id"] = group["id"]
            elif runner["runner_group_id"] == group["id"]:
                runner["runner_group_id"] = DEFAULT_GROUP_ID
        return 204, None

    def _add_member(self, org: str, gid: str, rid: str, **_: Any) -> tuple[int, Any]:
        owner = self._org(org)
        group = self._group(owner, gid)
        runner = owner.runners.get(int(rid))
        if runner is None:
            raise _HttpError(404)
        runner["runner_group_id"] = group["id"]
        return 204, None

    def _remove_member(self, org: str, gid: str, rid: str, **_: Any) -> tuple[int, Any]:
        owner = self._org(org)
        group = self._group(owner, gid)
        runner = owner.runners.get(int(rid))
        if runner is None:
            raise _HttpError(404)
        if runner["runner_group_id"] == group["id"]:
            runner["runner_group_id"] = DEFAULT_GROUP_ID  # GitHub returns removed runners to the Default group
        return 204, None

    # Org-wide listings

    def _org_runners(self, org: str, query: Mapping[str, str], base: str, path: str, **_: Any) -> tuple[int, Any]:
        owner = self._org(org)
        name = query.get("name")
        runners = [dict(r) for r in owner.runners.values() if name is None or r["name"] == name]
        return 200, _paginate(runners, query, base, path, "runners")

    def _org_repositories(self, org: str, query: Mapping[str, str], base: str, path: str, **_: Any) -> tuple[int, Any]:
        owner = self._org(org)
        # The `type` filter by privacy; the emulator has no forks, so "forks" lists none and "sources" all.
        privacy = {"public": (False,), "private": (True,), "forks": ()}.get(query.get("type", "all"), (False, True))
        repos = [_repository_json(owner, r, base) for r in owner.repositories.values() if r["private"] in privacy]
        return 200, _paginate(repos, query, base, path, None)

    def _actions_permissions(self, org: str, base: str, **_: Any) -> tuple[int, Any]:
        owner = self._org(org)
        permissions = owner.actions_permissions
        answer = {k: permissions[k] for k in ("enabled_repositories", "allowed_actions")}
        if permissions["enabled_repositories"] == "selected":
            answer["selected_repositories_url"] = f"{base}/orgs/{owner.login}/actions/permissions/repositories"
        if permissions["allowed_actions"] == "selected":
            answer["selected_actions_url"] = f"{base}/orgs/{owner.login}/actions/permissions/selected-actions"
        return 200, answer

    def _actions_repositories(
        self, org: str, query: Mapping[str, str], base: str, path: str, **_: Any
    ) -> tuple[int, Any]:
        owner = self._org(org)
        if owner.actions_permissions["enabled_repositories"] != "selected":
            raise _HttpError(409, "Conflict")
        selected = owner.actions_permissions["selected_repository_ids"]
        repos = [_repository_json(owner, owner.repositories[i], base) for i in selected if i in owner.repositories]
        return 200, _paginate(repos, query, base, path, "repositories")

    def _get_repository(self, owner: str, repo: str, base: str, **_: Any) -> tuple[int, Any]:
        org = self._org(owner)
        found = next((r for r in org.repositories.values() if r["name"].lower() == repo.lower()), None)
        if found is None:
            raise _HttpError(404)
        return 200, _repository_json(org, found, base, full=True)

    # GitHub App installation tokens

    def _installation_token(self, iid: str, jwt: str | None, **_: Any) -> tuple[int, Any]:
        app = self._apps.get(int(iid))
        if app is None:
            raise _HttpError(404)
        _verify_jwt(jwt or "", app, self._clock())
        token = f"ghs_emulator{next(self._ids):030d}"
        expires_at = self._clock() + 3600
        self._tokens[token] = _Token(frozenset({_ADMIN_SCOPE, "repo"}), expires_at=expires_at)
        expiry = datetime.fromtimestamp(expires_at, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        return 201, {"token": token, "expires_at": expiry, "permissions": {"organization_self_hosted_runners": "write"}}

    @staticmethod
    def _check_known(known: Mapping[int, Any], ids: list[int], field_name: str) -> None:
        unknown = [i for i in ids if i not in known]
        if unknown:
            raise _HttpError(
                422,
                errors=[{"resource": "RunnerGroup", "field": field_name, "code": "invalid", "value": unknown}],
            )


@dataclass
class _Page:
    content: Any
    link: str


def _new_group(group_id: int, name: str, fields: Mapping[str, Any]) -> dict[str, Any]:
    group: dict[str, Any] = {
        "id": group_id,
        "name": name,
        "visibility": "all",
        "default": False,
        "inherited": False,
        "allows_public_repositories": False,
        "restricted_to_workflows": False,
        "selected_workflows": [],
        "workflow_restrictions_read_only": False,
        "network_configuration_id": None,
    }
    group.update(fields)
    if not group["restricted_to_workflows"]:
        group["selected_workflows"] = []
    return group


def _group_fields(payload: Any, *, require_name: bool) -> dict[str, Any]:
    """Validate a POST/PATCH body like GitHub: `name` required (PATCH too), types and the visibility enum."""
    if not isinstance(payload, dict):
        raise _HttpError(400, "Problems parsing JSON")
    name = payload.get("name")
    if require_name and not isinstance(name, str):
        raise _HttpError(422, 'Invalid request.\n\n"name" wasn\'t supplied.')
    if isinstance(name, str) and not name.strip():
        raise _HttpError(422, errors=[{"resource": "RunnerGroup", "field": "name", "code": "missing_field"}])
    checks: dict[str, Callable[[Any], bool]] = {
        "name": lambda v: isinstance(v, str),
        "visibility": lambda v: v in ("all", "selected", "private"),
        "allows_public_repositories": lambda v: isinstance(v, bool),
        "restricted_to_workflows": lambda v: isinstance(v, bool),
        "selected_workflows": lambda v: isinstance(v, list) and all(isinstance(w, str) and "@" in w for w in v),
        "network_configuration_id": lambda v: v is None or isinstance(v, str),
    }
    fields = {}
    for key, value in payload.items():
        check = checks.get(key)
        if check is None:
            continue
        if not check(value):
            raise _HttpError(
                422, f"Invalid request.\n\nInvalid property /{key}: {json.dumps(value)} is not a valid value."
            )
        fields[key] = value
    return fields


def _ids(payload: Any, key: str, *, required: bool = False) -> list[int]:
    value = payload.get(key) if isinstance(payload, dict) else None
    if value is None and not required:
        return []
    if not isinstance(value, list) or not all(isinstance(i, int) and not isinstance(i, bool) for i in value):
        raise _HttpError(422, f'Invalid request.\n\n"{key}" must be a list of integers.')
    return list(dict.fromkeys(value))


def _visible(group: Mapping[str, Any], repo: Mapping[str, Any], selected: set[int]) -> bool:
    if group["visibility"] == "selected":
        return repo["id"] in selected
    if group["visibility"] == "private":
        return bool(repo["private"])
    return True


def _group_json(org: _Org, group: Mapping[str, Any], base: str) -> dict[str, Any]:
    url = f"{base}/orgs/{org.login}/actions/runner-groups/{group['id']}"
    rendered = {
        "id": group["id"],
        "name": group["name"],
        "visibility": group["visibility"],
        "default": group["default"],
        "runners_url": f"{url}/runners",
        "hosted_runners_url": f"{url}/hosted-runners",
        "inherited": group["inherited"],
        "allows_public_repositories": group["allows_public_repositories"],
        "restricted_to_workflows": group["restricted_to_workflows"],
        "selected_workflows": list(group["selected_workflows"]),
        "workflow_restrictions_read_only": group["workflow_restrictions_read_only"],
    }
    if group["visibility"] == "selected":
        rendered["selected_repositories_url"] = f"{url}/repositories"
    if group.get("network_configuration_id"):
        rendered["network_configuration_id"] = group["network_configuration_id"]
    return rendered


def _repository_json(org: _Org, repo: Mapping[str, Any], base: str, *, full: bool = False) -> dict[str, Any]:
    full_name = f"{org.login}/{repo['name']}"
    api_url = f"{base}/repos/{full_name}"
    owner_url = f"{base}/users/{org.login}"
    owner = {
        "login": org.login,
        "id": 1,
        "node_id": "O_emulator",
        "avatar_url": "https://avatars.githubusercontent.com/u/1",
        "gravatar_id": "",
        "url": owner_url,
        "html_url": f"https://github.com/{org.login}",
        "type": "Organization",
        "site_admin": False,
        **{name: f"{owner_url}/{name.removesuffix('_url')}" for name in _USER_URL_FIELDS},
    }
    rendered: dict[str, Any] = {
        "id": repo["id"],
        "node_id": f"R_emulator{repo['id']}",
        "name": repo["name"],
        "full_name": full_name,
        "owner": owner,
        "private": repo["private"],
        "html_url": f"https://github.com/{full_name}",
        "description": None,
        "fork": False,
        "url": api_url,
        "visibility": repo["visibility"],
        **{name: f"{api_url}/{name.removesuffix('_url')}" for name in _REPO_URL_FIELDS},
    }
    if full:
        stamp = "2026-01-01T00:00:00Z"
        rendered.update(
            clone_url=f"https://github.com/{full_name}.git",
            git_url=f"git://github.com/{full_name}.git",
            ssh_url=f"git@github.com:{full_name}.git",
            svn_url=f"https://github.com/{full_name}",
            mirror_url=None,
            homepage=None,
            language=None,
            default_branch="main",
            license=None,
            forks=0,
            forks_count=0,
            open_issues=0,
            open_issues_count=0,
            stargazers_count=0,
            watchers=0,
            watchers_count=0,
            size=0,
            network_count=0,
            subscribers_count=0,
            has_issues=True,
            has_projects=True,
            has_wiki=True,
            has_pages=False,
            has_discussions=False,
            archived=False,
            disabled=False,
            pushed_at=stamp,
            created_at=stamp,
            updated_at=stamp,
        )
    return rendered


def _hosted_runner(runner_id: int, name: str, group_id: int) -> dict[str, Any]:
    return {
        "id": runner_id,
        "name": name,
        "runner_group_id": group_id,
        "image_details": {"id": "ubuntu-22.04", "size_gb": 86, "display_name": "Ubuntu 22.04", "source": "github"},
        "machine_size_details": {"id": "4-core", "cpu_cores": 4, "memory_gb": 16, "storage_gb": 150},
        "status": "Ready",
        "platform": "linux-x64",
        "maximum_runners": 10,
        "public_ip_enabled": False,
        "public_ips": [],
    }


def _paginate(items: list[Any], query: Mapping[str, str], base: str, path: str, key: str | None) -> _Page:
    """GitHub's paging: per_page (default 30, at most 100), page from 1, Link with first/prev/next/last."""
    per_page = min(max(_int(query.get("per_page"), 30), 1), 100)
    page = max(_int(query.get("page"), 1), 1)
    last = max(1, -(-len(items) // per_page))
    chunk = items[(page - 1) * per_page : page * per_page]
    others = {k: v for k, v in query.items() if k not in ("page", "per_page")}

    def url(number: int) -> str:
        return f"{base}{path}?{urlencode({**others, 'per_page': per_page, 'page': number})}"

    links = []
    if page < last:
        links += [f'<{url(page + 1)}>; rel="next"', f'<{url(last)}>; rel="last"']
    if page > 1:
        links += [f'<{url(1)}>; rel="first"', f'<{url(page - 1)}>; rel="prev"']
    content = chunk if key is None else {"total_count": len(items), key: chunk}
    return _Page(content, ", ".join(links))


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _parse_json(body: bytes | None) -> Any:
    if not body:
        return None
    try:
        return json.loads(body)
    except ValueError:
        return _Unparseable()


class _Unparseable:
    """A body that is not JSON: GitHub answers 400 "Problems parsing JSON" when it is used."""


def _bearer(headers: Mapping[str, str]) -> str | None:
    value = headers.get("authorization", "")
    scheme, _, credential = value.partition(" ")
    return credential.strip() if scheme.lower() in ("bearer", "token") and credential.strip() else None


def _etag_matches(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    # Weak comparison, as RFC 9110 prescribes for If-None-Match.
    return any(tag.strip().removeprefix("W/") == etag.removeprefix("W/") for tag in if_none_match.split(","))


def _error_body(error: _HttpError) -> dict[str, Any]:
    body: dict[str, Any] = {"message": error.message, "documentation_url": _DOCS, "status": str(error.status)}
    if error.errors:
        body["errors"] = error.errors
    return body


def _fault_outcome(fault: FaultRule, delay: float) -> FakeResponse | DropConnection:
    if fault.drop:
        return DropConnection(delay)
    status = fault.status or 500
    message = fault.message or _REASONS.get(status, "Error")
    body = json.dumps({"message": message, "documentation_url": _DOCS, "status": str(status)}).encode()
    headers = {"content-type": "application/json", "x-github-request-id": "EMU:FAULT", **fault.headers}
    return FakeResponse(status, headers, body, delay)


def _verify_jwt(jwt: str, app: _App, now: float) -> None:
    """RS256 over header.payload with the App's public key; iss, iat and exp checked as GitHub does."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding, rsa
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    bad = _HttpError(401, "A JSON web token could not be decoded")
    parts = jwt.split(".")
    if len(parts) != 3:
        raise bad
    try:
        header, claims = (json.loads(_b64decode(p)) for p in parts[:2])
        signature = _b64decode(parts[2])
    except ValueError:
        raise bad from None
    key = load_pem_public_key(app.public_key_pem.encode())
    if header.get("alg") != "RS256" or not isinstance(key, rsa.RSAPublicKey):
        raise bad
    try:
        key.verify(signature, f"{parts[0]}.{parts[1]}".encode(), padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        raise _HttpError(401, "A JSON web token could not be decoded") from None
    if str(claims.get("iss")) != app.app_id:
        raise _HttpError(401, "'Issuer' claim ('iss') must be an Integer")
    iat, exp = claims.get("iat", 0), claims.get("exp", 0)
    if exp <= now or iat > now + 60:
        raise _HttpError(401, "'Expiration time' claim ('exp') must be a numeric value representing the future time")
    if exp - iat > 600:
        raise _HttpError(401, "'Expiration time' claim ('exp') is too far in the future")


def _b64decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
