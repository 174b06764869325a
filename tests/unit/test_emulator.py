"""The emulator behaves like GitHub where the providers depend on it, over both transports."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

import jwt
import pytest
import requests
import responses
from github_runner_groups.testing import (
    DEMO_TOKEN,
    EmulatorServer,
    FakeGitHub,
    FakeResponse,
    FaultRule,
    SecondaryLimits,
    add_to_responses,
    serve,
)
from github_runner_groups.testing.__main__ import main as emulator_command

AUTH = {"Authorization": f"Bearer {DEMO_TOKEN}", "Accept": "application/vnd.github+json"}
GROUPS = "/orgs/acme/actions/runner-groups"
BUILD = f"{GROUPS}/{next(g['id'] for g in FakeGitHub.seeded().groups('acme') if g['name'] == 'build-linux')}"

Call = Callable[..., requests.Response]


@pytest.fixture(params=["responses", "loopback"])
def call(request: pytest.FixtureRequest, fake: FakeGitHub) -> Iterator[Call]:
    """`call(method, path, json=None, headers=AUTH)` through one of the two transports."""
    session = requests.Session()
    if request.param == "loopback":
        with serve(fake) as server:
            yield lambda method, path, **kw: session.request(method, server.url + path, **{"headers": AUTH, **kw})
        return
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        add_to_responses(fake, rsps)
        yield lambda method, path, **kw: session.request(
            method, "https://api.github.com" + path, **{"headers": AUTH, **kw}
        )


def names(response: requests.Response) -> list[str]:
    return [g["name"] for g in response.json()["runner_groups"]]


def test_seeded_org_and_case_insensitive_login(call: Call) -> None:
    listing = call("GET", "/orgs/ACME/actions/runner-groups")
    assert listing.status_code == 200
    assert names(listing) == ["Default", "build-linux", "release"]
    assert listing.json()["runner_groups"][0]["default"] is True


def test_create_update_delete_cycle(call: Call, fake: FakeGitHub) -> None:
    created = call("POST", GROUPS, json={"name": "ci", "visibility": "private", "selected_workflows": ["a/b/x.yml@v"]})
    assert created.status_code == 201
    group = created.json()
    assert (group["visibility"], group["selected_workflows"]) == ("private", [])  # ignored unless restricted
    assert "selected_repositories_url" not in group
    patched = call("PATCH", f"{GROUPS}/{group['id']}", json={"name": "ci", "visibility": "selected"})
    assert patched.json()["selected_repositories_url"].endswith(f"/{group['id']}/repositories")
    assert call("DELETE", f"{GROUPS}/{group['id']}").status_code == 204
    assert fake.group("acme", group["id"]) is None
    assert call("GET", f"{GROUPS}/{group['id']}").status_code == 404


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "fragment"),
    [
        ("POST", GROUPS, {"name": "release"}, 409, "already exists"),
        ("POST", GROUPS, {"visibility": "all"}, 422, '"name" wasn\'t supplied'),
        ("PATCH", BUILD, {"visibility": "all"}, 422, '"name" wasn\'t supplied'),
        ("POST", GROUPS, {"name": "x", "visibility": "public"}, 422, "/visibility"),
        ("DELETE", f"{GROUPS}/1", None, 422, "cannot be deleted"),
        ("PATCH", f"{GROUPS}/1", {"name": "Renamed"}, 422, "cannot be renamed"),
        ("PUT", f"{GROUPS}/1/repositories", {"selected_repository_ids": []}, 422, "visibility is 'selected'"),
        ("GET", "/orgs/nope/actions/runner-groups", None, 404, "Not Found"),
        ("PUT", f"{BUILD}/runners/999", None, 404, "Not Found"),
        ("GET", f"{GROUPS}/abc", None, 404, "Not Found"),
        ("PUT", f"{BUILD}/repositories/1e3", None, 404, "Not Found"),
    ],
)
def test_errors_in_githubs_format(call: Call, method: str, path: str, body: Any, status: int, fragment: str) -> None:
    response = call(method, path, json=body)
    assert response.status_code == status
    payload = response.json()
    assert fragment in payload["message"]
    assert payload["documentation_url"].startswith("https://docs.github.com/")


def test_repository_access_and_runner_membership(call: Call, fake: FakeGitHub) -> None:
    repos = {r["name"]: r["id"] for r in fake.repositories("acme")}
    runners = {r["name"]: r["id"] for r in fake.runners("acme")}
    build = next(g for g in fake.groups("acme") if g["name"] == "build-linux")["id"]
    assert call("PUT", f"{GROUPS}/{build}/repositories", json={"selected_repository_ids": [repos["docs"]]}).ok
    assert call("PUT", f"{GROUPS}/{build}/repositories/{repos['infra']}").status_code == 204
    listed = call("GET", f"{GROUPS}/{build}/repositories").json()
    assert sorted(r["name"] for r in listed["repositories"]) == ["docs", "infra"]
    assert call("PUT", f"{GROUPS}/{build}/runners", json={"runners": [runners["mac-1"]]}).status_code == 204
    # Runners taken out of a group go back to Default.
    assert fake.group_runner_ids("acme", build) == {runners["mac-1"]}
    assert runners["linux-1"] in fake.group_runner_ids("acme", 1)
    assert call("DELETE", f"{GROUPS}/{build}/runners/{runners['mac-1']}").status_code == 204
    assert runners["mac-1"] in fake.group_runner_ids("acme", 1)


def test_visible_to_repository(call: Call) -> None:
    assert names(call("GET", GROUPS, params={"visible_to_repository": "api"})) == ["Default", "build-linux", "release"]
    assert names(call("GET", GROUPS, params={"visible_to_repository": "docs"})) == ["Default", "release"]


def test_link_pagination(call: Call, fake: FakeGitHub) -> None:
    for index in range(40):
        fake.add_repo("acme", f"extra-{index}")
    first = call("GET", "/orgs/acme/repos", params={"per_page": 25})
    assert len(first.json()) == 25
    assert first.links["next"]["url"].endswith("per_page=25&page=2")
    last_url = urlsplit(first.links["last"]["url"])
    last = call("GET", f"{last_url.path}?{last_url.query}")
    assert len(last.json()) == 52 - 50
    assert "next" not in last.links and "prev" in last.links


def test_etag_and_304_free_of_rate_limit(call: Call) -> None:
    first = call("GET", BUILD)
    remaining = int(first.headers["x-ratelimit-remaining"])
    again = call("GET", BUILD, headers={**AUTH, "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.content == b""
    assert int(again.headers["x-ratelimit-remaining"]) == remaining
    created = call("POST", GROUPS, json={"name": "tagged"})
    fetched = call(
        "GET", f"{GROUPS}/{created.json()['id']}", headers={**AUTH, "If-None-Match": created.headers["ETag"]}
    )
    assert fetched.status_code == 304  # the ETag of a write matches the next read of the same object


def test_auth_scopes_and_rate_limit() -> None:
    fake = FakeGitHub(tokens={"weak": ["repo"], "strong": ["admin:org"]}, rate_limit=3)
    fake.add_org("acme")
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        add_to_responses(fake, rsps)

        def get(token: str | None) -> requests.Response:
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            return requests.get("https://api.github.com/orgs/acme/actions/runner-groups", headers=headers)

        anonymous = get(None)
        assert anonymous.status_code == 401
        # Without valid credentials GitHub counts against the per-IP limit of 60.
        assert (anonymous.headers["x-ratelimit-limit"], anonymous.headers["x-ratelimit-used"]) == ("60", "1")
        assert get("other").json()["message"] == "Bad credentials"
        nowhere = "https://api.github.com/orgs/acme/nothing-here"
        assert requests.get(nowhere, headers={"Authorization": "Bearer other"}).status_code == 401  # credentials first
        assert requests.get(nowhere, headers={"Authorization": "Bearer strong"}).status_code == 404
        weak = get("weak")
        assert weak.status_code == 403
        assert (weak.headers["x-oauth-scopes"], weak.headers["x-accepted-oauth-scopes"]) == ("repo", "admin:org")
        statuses = [get("strong").status_code for _ in range(3)]
        assert statuses == [200, 200, 403]  # the 404 above counted too
        exhausted = get("strong")
        assert exhausted.headers["x-ratelimit-remaining"] == "0"
        assert "rate limit exceeded" in exhausted.json()["message"]


def test_listing_filters(call: Call) -> None:
    private = call("GET", "/orgs/acme/repos", params={"type": "private"}).json()
    assert sorted(r["name"] for r in private) == ["data-pipeline", "design-system", "ml-models", "secrets-vault"]
    assert len(call("GET", "/orgs/acme/repos", params={"type": "public"}).json()) == 8
    named = call("GET", "/orgs/acme/actions/runners", params={"name": "mac-1"}).json()
    assert (named["total_count"], named["runners"][0]["name"]) == (1, "mac-1")


def test_bad_json_and_accepted_scopes(call: Call) -> None:
    garbled = call("POST", GROUPS, data=b"{not json", headers={**AUTH, "Content-Type": "application/json"})
    assert (garbled.status_code, garbled.json()["message"]) == (400, "Problems parsing JSON")
    answer = call("GET", GROUPS)
    assert (answer.headers["x-oauth-scopes"], answer.headers["x-accepted-oauth-scopes"]) == (
        "admin:enterprise, admin:org, repo",
        "admin:org",
    )
    assert answer.headers["x-github-request-id"].startswith("EMU:")


def test_responses_adapter_under_a_ghes_path(fake: FakeGitHub) -> None:
    """GHES serves the API under /api/v3: routes and Link URLs keep that prefix."""
    base = "https://ghe.example.com/api/v3"
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        add_to_responses(fake, rsps, base)
        page = requests.get(f"{base}/orgs/acme/repos", params={"per_page": 5}, headers=AUTH)
    assert page.status_code == 200 and len(page.json()) == 5
    assert page.links["next"]["url"] == f"{base}/orgs/acme/repos?per_page=5&page=2"


def test_closing_the_server_ends_open_connections(fake: FakeGitHub) -> None:
    """After close() nothing answers, not even over a connection the client's pool kept alive."""
    session = requests.Session()
    server = serve(fake)
    assert session.get(server.url + GROUPS, headers=AUTH, timeout=5).status_code == 200
    server.close()
    with pytest.raises(requests.ConnectionError):
        session.get(server.url + GROUPS, headers=AUTH, timeout=5)


def test_importing_the_package_does_not_import_responses() -> None:
    """The demo runs the emulator from an installed package, where the test-only `responses` may be absent."""
    import subprocess
    import sys

    code = "import sys, github_runner_groups.testing as t; t.serve; print('responses' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout == "False\n"


def test_fault_rules(call: Call, fake: FakeGitHub) -> None:
    fake.add_fault(FaultRule(method="GET", path=r"/runner-groups$", status=502, times=2))
    assert [call("GET", GROUPS).status_code for _ in range(3)] == [502, 502, 200]
    fake.add_fault(FaultRule(method="POST", path=r"/runner-groups$", drop=True, after_handling=True))
    with pytest.raises(requests.ConnectionError):
        call("POST", GROUPS, json={"name": "lost-answer"})
    assert "lost-answer" in [g["name"] for g in fake.groups("acme")]  # the create took effect
    fake.add_fault(FaultRule(path=".*", status=429, headers={"retry-after": "7"}, message="slow down"))
    limited = call("GET", GROUPS)
    assert (limited.status_code, limited.headers["retry-after"], limited.json()["message"]) == (429, "7", "slow down")
    assert fake.count("POST", status=None) == 1 and fake.count("GET", status=502) == 2


def test_latency_and_request_log(fake: FakeGitHub) -> None:
    fake.latency_seconds = 0.05
    with serve(fake) as server:
        started = time.perf_counter()
        requests.get(server.url + GROUPS, headers=AUTH, timeout=5)
        assert time.perf_counter() - started >= 0.05
    logged = fake.requests[-1]
    assert logged.headers["authorization"] == "<redacted>"
    assert DEMO_TOKEN not in json.dumps([r.__dict__ for r in fake.requests], default=str)


def test_the_emulator_command_serves_the_demo_org() -> None:
    """`python -m github_runner_groups.testing --port 0` prints its URL and answers like GitHub until stopped."""
    import subprocess
    import sys

    process = subprocess.Popen(
        [sys.executable, "-m", "github_runner_groups.testing", "--port", "0", "--seed", "demo"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        first_line = process.stdout.readline()
        url = first_line.split(" on ", 1)[1].split(" ", 1)[0]
        assert url.startswith("http://127.0.0.1:")
        assert DEMO_TOKEN in process.stdout.readline()
        answer = requests.get(url + GROUPS, headers=AUTH, timeout=5)
        assert [g["name"] for g in answer.json()["runner_groups"]] == ["Default", "build-linux", "release"]
    finally:
        process.terminate()
        process.wait(timeout=5)


def test_a_secondary_limit_hit_over_both_transports(call: Call, fake: FakeGitHub) -> None:
    fake.secondary_limits = SecondaryLimits(points_per_window=2)
    assert [call("GET", GROUPS).status_code for _ in range(2)] == [200, 200]
    refused = call("GET", GROUPS)
    assert refused.status_code == 403 and 1 <= int(refused.headers["retry-after"]) <= 60
    assert refused.json()["message"].startswith("You have exceeded a secondary rate limit.")
    assert refused.headers["x-github-request-id"] in refused.json()["message"]
    assert fake.secondary_limit_hits == 1


def test_the_emulator_command_enforces_secondary_limits_when_asked() -> None:
    import subprocess
    import sys

    command = [sys.executable, "-m", "github_runner_groups.testing", "--secondary-limits", "--secondary-points", "2"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        url = process.stdout.readline().split(" on ", 1)[1].split(" ", 1)[0]
        process.stdout.readline()
        assert "secondary limits: 2 points, 80 writes per 60 s; 500 writes per 3600 s" in process.stdout.readline()
        statuses = [requests.get(url + GROUPS, headers=AUTH, timeout=5).status_code for _ in range(3)]
        assert statuses == [200, 200, 403]
    finally:
        process.terminate()
        process.wait(timeout=5)


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["--secondary-points", "5"], "add --secondary-limits"),
        (["--secondary-compress", "10"], "add --secondary-limits"),
        (["--secondary-limits", "--secondary-writes", "0"], "writes_per_window must be at least 1, not 0"),
        (["--secondary-limits", "--secondary-compress", "0"], "factor must be positive, not 0"),
    ],
)
def test_the_emulator_command_refuses_bad_limit_flags(
    argv: list[str], fragment: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        emulator_command(argv)
    assert exited.value.code == 2 and fragment in capsys.readouterr().err


# Seeding for the audit: repository visibility and the org's Actions policy


def test_repository_visibility(call: Call, fake: FakeGitHub) -> None:
    fake.add_repo("acme", "handbook", visibility="internal")
    listed = {r["name"]: (r["visibility"], r["private"]) for r in call("GET", "/orgs/acme/repos").json()}
    assert (listed["api"], listed["data-pipeline"], listed["handbook"]) == (
        ("public", False),
        ("private", True),
        ("internal", True),  # GitHub's `private` is true for internal repositories
    )
    assert "handbook" in [r["name"] for r in call("GET", "/orgs/acme/repos", params={"type": "private"}).json()]
    assert {r["name"]: r["visibility"] for r in fake.repositories("acme")}["handbook"] == "internal"


@pytest.mark.parametrize(
    ("options", "fragment"),
    [
        ({"visibility": "secret"}, "visibility 'secret' is not one of public, private, internal"),
        ({"private": True, "visibility": "public"}, "private=True contradicts visibility='public'"),
    ],
)
def test_repository_visibility_is_checked(fake: FakeGitHub, options: dict[str, Any], fragment: str) -> None:
    with pytest.raises(ValueError, match=re.escape(fragment)):
        fake.add_repo("acme", "odd", **options)


def test_actions_permissions(call: Call, fake: FakeGitHub) -> None:
    assert call("GET", "/orgs/acme/actions/permissions").json() == {
        "enabled_repositories": "all",
        "allowed_actions": "all",
    }
    repos = {r["name"]: r["id"] for r in fake.repositories("acme")}
    chosen = [repos["api"], repos["web"], repos["docs"]]
    fake.set_actions_permissions(
        "acme", enabled_repositories="selected", selected_repository_ids=chosen, allowed_actions="local_only"
    )
    policy = call("GET", "/orgs/acme/actions/permissions").json()
    assert (policy["enabled_repositories"], policy["allowed_actions"]) == ("selected", "local_only")
    assert policy["selected_repositories_url"].endswith("/orgs/acme/actions/permissions/repositories")
    first = call("GET", "/orgs/acme/actions/permissions/repositories", params={"per_page": 2})
    assert first.json()["total_count"] == 3 and [r["name"] for r in first.json()["repositories"]] == ["api", "web"]
    last = call("GET", urlsplit(first.links["next"]["url"]).path, params={"per_page": 2, "page": 2})
    assert [r["name"] for r in last.json()["repositories"]] == ["docs"]
    assert call("GET", "/orgs/nope/actions/permissions").status_code == 404


@pytest.mark.parametrize(
    ("options", "fragment"),
    [
        ({"enabled_repositories": "some"}, "enabled_repositories 'some' is not one of"),
        ({"allowed_actions": "every"}, "allowed_actions 'every' is not one of"),
        ({"selected_repository_ids": [1]}, "apply only with enabled_repositories='selected'"),
        ({"enabled_repositories": "selected", "selected_repository_ids": [424242]}, "[424242] are not repositories"),
    ],
)
def test_actions_permissions_are_checked(fake: FakeGitHub, options: dict[str, Any], fragment: str) -> None:
    with pytest.raises(ValueError, match=re.escape(fragment)):
        fake.set_actions_permissions("acme", **options)


# GitHub App JWTs, checked as GitHub checks them


@pytest.fixture
def app_fake(rsa_key_pair: tuple[str, str]) -> FakeGitHub:
    fake = FakeGitHub(clock=lambda: NOW)
    fake.add_org("acme")
    fake.add_app("4242", rsa_key_pair[1], 77, "acme")
    return fake


NOW = 1_800_000_000


def mint(fake: FakeGitHub, token: str) -> FakeResponse:
    outcome = fake.handle("POST", "/app/installations/77/access_tokens", "", {"Authorization": f"Bearer {token}"}, None)
    assert isinstance(outcome, FakeResponse)
    return outcome


def signed(private_pem: str, **claims: Any) -> str:
    return jwt.encode({"iat": NOW - 60, "exp": NOW + 540, "iss": "4242", **claims}, private_pem, algorithm="RS256")


def test_a_valid_app_jwt_gets_an_installation_token(app_fake: FakeGitHub, rsa_key_pair: tuple[str, str]) -> None:
    answer = mint(app_fake, signed(rsa_key_pair[0]))
    assert answer.status == 201
    token = json.loads(answer.body)["token"]
    listing = app_fake.handle("GET", GROUPS, "", {"Authorization": f"Bearer {token}"}, None)
    assert isinstance(listing, FakeResponse) and listing.status == 200


def _other_key() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


BAD_JWTS: dict[str, tuple[Callable[[str], str], str]] = {
    "expired": (lambda key: signed(key, iat=NOW - 700, exp=NOW - 100), "representing the future time"),
    "issued in the future": (lambda key: signed(key, iat=NOW + 120, exp=NOW + 600), "representing the future time"),
    "valid too long": (lambda key: signed(key, exp=NOW + 3600), "is too far in the future"),
    "another app": (lambda key: signed(key, iss="999"), "'Issuer' claim ('iss') must be an Integer"),
    "no exp": (lambda key: jwt.encode({"iat": NOW, "iss": "4242"}, key, algorithm="RS256"), "could not be decoded"),
    "another key": (lambda _key: signed(_other_key()), "could not be decoded"),
    "unsigned": (lambda _key: jwt.encode({"iat": NOW, "exp": NOW + 500, "iss": "4242"}, "", "none"), "not be decoded"),
    "not a JWT": (lambda _key: "garbage", "could not be decoded"),
}


@pytest.mark.parametrize("case", BAD_JWTS)
def test_a_bad_app_jwt_is_refused(app_fake: FakeGitHub, rsa_key_pair: tuple[str, str], case: str) -> None:
    make, message = BAD_JWTS[case]
    answer = mint(app_fake, make(rsa_key_pair[0]))
    assert answer.status == 401 and message in json.loads(answer.body)["message"]
    assert not [t for t in app_fake.tokens if t.startswith("ghs_")]


def test_the_runtime_path_never_imports_the_emulator() -> None:
    """The package, its providers, the exporter, lookups and the CLI load without the emulator (or `responses`)."""
    import subprocess
    import sys

    code = (
        "import sys, github_runner_groups as g, github_runner_groups.cli, github_runner_groups.export, "
        "github_runner_groups.lookups\n"
        "g.RunnerGroup, g.RunnerGroupRepositoryAccess, g.RunnerGroupMembership, g.OrgRunnerGroups, g.load_spec\n"
        "print(sorted(m for m in sys.modules if m.startswith('github_runner_groups.testing') or m == 'responses'))"
    )
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout == "[]\n"


@pytest.mark.parametrize(("config", "expected"), [({}, "0"), ({"github:writeDelayMs": "250"}, "250")])
def test_mocked_programs_run_without_write_pacing_unless_told(
    emulator: EmulatorServer, config: dict[str, str], expected: str
) -> None:
    import pulumi
    from github_runner_groups.testing.mocks import run_program

    seen: list[str | None] = []
    run_program(lambda: seen.append(pulumi.Config("github").get("writeDelayMs")), base_url=emulator.url, config=config)
    assert seen == [expected]
