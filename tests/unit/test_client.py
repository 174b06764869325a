"""The REST client against the emulator: headers, pagination, ETags, retries, rate limits, errors, App auth (hostile
answers: `test_client_hostile`).

`sleep` and `clock` are injected: waits are recorded, never slept, and the emulator shares the test's clock.
"""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import certifi
import pytest
import requests
import responses
from github_runner_groups import api
from github_runner_groups.client import (
    AppCredentials,
    ClientSettings,
    GitHubClient,
    PacingSettings,
    get_client,
    reset_clients,
)
from github_runner_groups.errors import (
    ConfigError,
    GitHubAuthError,
    GitHubConnectionError,
    GitHubNotFound,
    GitHubOutcomeUnknown,
    GitHubRateLimited,
    GitHubServerError,
    GitHubValidationError,
)
from github_runner_groups.settings import SETTING_NAMES, resolve_settings
from github_runner_groups.testing import DEMO_TOKEN, FakeGitHub, FaultRule, add_to_responses, serve

BASE = "https://api.github.com"
GROUPS = "/orgs/acme/actions/runner-groups"
SECONDARY = "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."


@dataclass
class Clock:
    """A shared, advancing clock: `sleep` moves it forward and records the wait."""

    now: float = 1_800_000_000.0
    sleeps: list[float] = field(default_factory=list)

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def fake(clock: Clock) -> FakeGitHub:
    seeded = FakeGitHub.seeded("demo")
    seeded._clock = clock  # the emulator's rate-limit windows follow the test's time
    return seeded


@pytest.fixture
def rsps(fake: FakeGitHub) -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        add_to_responses(fake, mock, BASE)
        yield mock


# Tests do not wait between writes; the pacer's own tests set the spacing they measure.
UNPACED_WRITES = PacingSettings(write_delay_seconds=0)


def make_client(clock: Clock, **settings: Any) -> GitHubClient:
    all_settings = {"token": DEMO_TOKEN, "pacing": UNPACED_WRITES, **settings}
    return GitHubClient(ClientSettings(**all_settings), sleep=clock.sleep, clock=clock)


@pytest.fixture
def client(rsps: responses.RequestsMock, clock: Clock) -> GitHubClient:
    return make_client(clock)


def build_id(fake: FakeGitHub) -> int:
    return int(next(g["id"] for g in fake.groups("acme") if g["name"] == "build-linux"))


# Headers and pagination


def test_headers(client: GitHubClient, rsps: responses.RequestsMock) -> None:
    client.get(GROUPS, action="listing")
    sent = rsps.calls[-1].request.headers
    assert sent["Accept"] == "application/vnd.github+json"
    assert sent["X-GitHub-Api-Version"] == "2022-11-28"
    assert sent["User-Agent"].startswith("github-runner-groups/")
    assert sent["Authorization"] == f"Bearer {DEMO_TOKEN}"


def test_pagination_follows_link_with_per_page_100(client: GitHubClient, fake: FakeGitHub) -> None:
    for index in range(238):
        fake.add_repo("acme", f"extra-{index:03d}")
    repos = api.list_org_repositories(client, "acme")
    assert len(repos) == 250 and len({r.id for r in repos}) == 250
    pages = [r for r in fake.requests if r.path == "/orgs/acme/repos"]
    assert [r.query for r in pages] == [
        "per_page=100&type=all",
        "type=all&per_page=100&page=2",
        "type=all&per_page=100&page=3",
    ]


def test_a_next_link_to_another_host_is_refused(clock: Clock) -> None:
    with responses.RequestsMock() as mock:
        mock.get(f"{BASE}/orgs/acme/repos", json=[], headers={"Link": '<https://evil.example/x?page=2>; rel="next"'})
        with pytest.raises(GitHubServerError, match="its next-page link leaves"):
            make_client(clock).paginate("/orgs/acme/repos", action="listing", item_key=None)


# ETags


def test_etag_cache_makes_a_second_get_a_free_304(client: GitHubClient, fake: FakeGitHub) -> None:
    first = client.request("GET", f"{GROUPS}/{build_id(fake)}", action="reading")
    second = client.request("GET", f"{GROUPS}/{build_id(fake)}", action="reading")
    assert (first.from_cache, second.from_cache) == (False, True)
    assert second.body == first.body and second.status == 200
    assert fake.requests[-1].headers["if-none-match"] == first.headers["ETag"]
    assert second.headers["x-ratelimit-remaining"] == first.headers["x-ratelimit-remaining"]
    fake.update_group("acme", build_id(fake), visibility="all")
    assert client.get(f"{GROUPS}/{build_id(fake)}", action="reading")["visibility"] == "all"


def test_an_etag_kept_in_state_serves_a_new_process(rsps: Any, clock: Clock, fake: FakeGitHub) -> None:
    path = f"{GROUPS}/{build_id(fake)}"
    etag = make_client(clock).request("GET", path, action="reading").headers["ETag"]
    fresh = make_client(clock)  # a new provider process: empty cache
    assert fresh.get_if_changed(path, action="reading", etag=etag).unchanged
    fake.update_group("acme", build_id(fake), allows_public_repositories=True)
    changed = make_client(clock).get_if_changed(path, action="reading", etag=etag)
    assert changed.body is not None and changed.body["allows_public_repositories"] is True and changed.etag != etag


def test_only_one_page_listings_get_an_etag(client: GitHubClient, fake: FakeGitHub) -> None:
    listing = client.paginate_if_changed(GROUPS, action="listing", item_key="runner_groups")
    assert listing.etag is not None and listing.body is not None and len(listing.body) == 3
    for index in range(120):
        fake.add_repo("acme", f"more-{index}")
    assert client.paginate_if_changed("/orgs/acme/repos", action="listing", item_key=None).etag is None


# Retries


def test_5xx_burst_on_get_is_retried_with_backoff_and_jitter(
    client: GitHubClient, fake: FakeGitHub, clock: Clock
) -> None:
    fake.add_fault(FaultRule(method="GET", path=f"{GROUPS}$", status=502, times=2))
    assert len(api.list_runner_groups(client, "acme")) == 3
    assert len(clock.sleeps) == 2
    assert 0.5 <= clock.sleeps[0] <= 1.0 and 1.0 <= clock.sleeps[1] <= 2.0


def test_retries_follow_pulumi_githubs_retry_settings(
    rsps: responses.RequestsMock, fake: FakeGitHub, clock: Clock
) -> None:
    """github:maxRetries and github:retryDelayMs: two retries after 200 ms and 400 ms (jittered down to half)."""
    stack_config = {"github:retryDelayMs": "200"}
    settings = resolve_settings(stack_config.get, {"GITHUB_TOKEN": DEMO_TOKEN, "GITHUB_MAX_RETRIES": "2"}).client
    assert (settings.max_retries, settings.retry_delay_seconds) == (2, 0.2)
    client = make_client(clock, max_retries=settings.max_retries, retry_delay_seconds=settings.retry_delay_seconds)
    fake.add_fault(FaultRule(method="GET", path=f"{GROUPS}$", status=502, times=None))
    with pytest.raises(GitHubServerError):
        api.list_runner_groups(client, "acme")
    assert len(clock.sleeps) == 2
    assert 0.1 <= clock.sleeps[0] <= 0.2 and 0.2 <= clock.sleeps[1] <= 0.4


def test_persistent_5xx_gives_up_with_a_clear_error(client: GitHubClient, fake: FakeGitHub) -> None:
    fake.add_fault(FaultRule(method="GET", status=503, message="Service Unavailable", times=None))
    with pytest.raises(GitHubServerError) as failed:
        api.list_runner_groups(client, "acme")
    message = str(failed.value)
    assert message.startswith("listing runner groups of org 'acme' failed: GitHub answered 503: Service Unavailable")
    assert "kept failing after 5 attempts" in message and "githubstatus.com" in message
    assert fake.count("GET") == 5


def test_dropped_connection_on_get_is_retried(client: GitHubClient, fake: FakeGitHub) -> None:
    fake.add_fault(FaultRule(method="GET", drop=True))
    assert len(api.list_runner_groups(client, "acme")) == 3


@pytest.mark.parametrize("rule", [{"drop": True}, {"status": 502}], ids=["dropped", "502"])
def test_a_post_without_a_clear_answer_is_not_repeated(
    client: GitHubClient, fake: FakeGitHub, rule: dict[str, Any]
) -> None:
    fake.add_fault(FaultRule(method="POST", after_handling=True, **rule))
    with pytest.raises(GitHubOutcomeUnknown, match="may have taken effect"):
        api.create_runner_group(client, "acme", {"name": "once"})
    assert fake.count("POST") == 1
    assert [g["name"] for g in fake.groups("acme")].count("once") == 1


def test_a_refused_connection_on_loopback_is_explained_at_once(clock: Clock) -> None:
    """Nothing starts listening on this machine by itself: retrying for 15 s only delayed the explanation."""
    with serve(FakeGitHub()) as server:
        url = server.url  # closed below: nothing listens there any more
    client = make_client(clock, base_url=url, max_retries=2)
    for call in (
        lambda: client.get(GROUPS, action="listing"),
        lambda: client.request("POST", GROUPS, action="creating"),
    ):
        with pytest.raises(GitHubConnectionError, match="connection refused: nothing listens there") as failed:
            call()
        assert not isinstance(failed.value, GitHubOutcomeUnknown)  # never sent, so safe to retry even a POST
        assert f"({url}): is the server running there" in str(failed.value)
    assert clock.sleeps == []


def _refused(request: Any) -> Any:
    from urllib3.exceptions import MaxRetryError, NewConnectionError

    refusal = NewConnectionError(None, "Failed to establish a new connection: [Errno 111] Connection refused")  # type: ignore[arg-type]
    refusal.__cause__ = ConnectionRefusedError(111, "Connection refused")
    raise requests.ConnectionError(MaxRetryError(None, request.url, refusal))  # type: ignore[arg-type]


def test_a_refused_connection_elsewhere_is_said_at_once_then_retried(
    clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    with responses.RequestsMock() as mock, caplog.at_level(logging.WARNING):
        mock.add_callback("GET", f"{BASE}{GROUPS}", callback=_refused)
        client = make_client(clock, max_retries=2)
        with pytest.raises(GitHubConnectionError, match="after 3 attempts"):
            client.get(GROUPS, action="listing")
    assert len(clock.sleeps) == 2
    (said,) = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert "connection refused: nothing listens there; retrying" in said


# Rate limits


@pytest.mark.parametrize(
    ("status", "headers", "message", "wait"),
    [
        (403, {"retry-after": "3"}, SECONDARY, 3.0),
        (429, {"retry-after": "7"}, None, 7.0),
        (403, {}, SECONDARY, 60.0),
    ],
    ids=["403 retry-after", "429 retry-after", "secondary without retry-after"],
)
def test_secondary_limits_are_waited_out(
    client: GitHubClient,
    fake: FakeGitHub,
    clock: Clock,
    status: int,
    headers: dict[str, str],
    message: str | None,
    wait: float,
) -> None:
    fake.add_fault(FaultRule(status=status, headers=headers, message=message))
    assert len(api.list_runner_groups(client, "acme")) == 3
    assert clock.sleeps == [wait]


def test_a_used_up_primary_limit_is_waited_for_when_short(client: GitHubClient, fake: FakeGitHub, clock: Clock) -> None:
    fake.set_rate_limit(DEMO_TOKEN, remaining=0, reset_in_seconds=30)
    assert len(api.list_runner_groups(client, "acme")) == 3
    assert clock.sleeps == [31.0]


def test_a_primary_limit_resetting_later_is_a_clear_error(client: GitHubClient, fake: FakeGitHub) -> None:
    fake.set_rate_limit(DEMO_TOKEN, remaining=0, reset_in_seconds=3600)
    with pytest.raises(GitHubRateLimited) as failed:
        api.list_runner_groups(client, "acme")
    assert "resets at 2027-01-15 09:00:01 UTC" in str(failed.value) and "GitHub App" in str(failed.value)


def test_the_last_request_of_a_window_makes_the_next_one_wait(
    client: GitHubClient, fake: FakeGitHub, clock: Clock
) -> None:
    fake.set_rate_limit(DEMO_TOKEN, remaining=1, reset_in_seconds=20)
    api.list_runner_groups(client, "acme")  # answered with x-ratelimit-remaining: 0
    assert clock.sleeps == []
    before = fake.count()
    api.get_runner_group(client, "acme", build_id(fake))
    assert clock.sleeps == [21.0] and fake.count() == before + 1  # waited first, so no refused request


# Errors


def test_bad_token(rsps: Any, clock: Clock) -> None:
    with pytest.raises(GitHubAuthError, match="invalid, expired or revoked"):
        make_client(clock, token="ghp_wrong").get(GROUPS, action="listing")


def test_missing_scope_names_admin_org(rsps: Any, fake: FakeGitHub, clock: Clock) -> None:
    fake._tokens["ghp_reposOnly"] = type(fake._tokens[DEMO_TOKEN])(frozenset({"repo"}))
    with pytest.raises(GitHubAuthError) as failed:
        make_client(clock, token="ghp_reposOnly").get(GROUPS, action="listing")
    assert "admin:org" in str(failed.value) and "token scopes: repo" in str(failed.value)


def test_404_on_an_org_endpoint_hints_at_permissions(client: GitHubClient) -> None:
    with pytest.raises(GitHubNotFound, match="admin:org"):
        api.get_runner_group(client, "acme", 999999)


def test_422_carries_githubs_errors(client: GitHubClient, fake: FakeGitHub) -> None:
    with pytest.raises(GitHubValidationError) as failed:
        api.set_group_repositories(client, "acme", build_id(fake), [424242])
    first = failed.value.errors[0]
    assert failed.value.status == 422 and isinstance(first, dict) and first["field"] == "selected_repository_ids"
    assert "field=selected_repository_ids code=invalid" in str(failed.value)


def test_an_answer_that_is_not_json(clock: Clock) -> None:
    with responses.RequestsMock() as mock:
        mock.get(f"{BASE}{GROUPS}", body="<html>login</html>", content_type="text/html")
        with pytest.raises(GitHubServerError, match=r"not JSON.*REST API root"):
            make_client(clock).get(GROUPS, action="listing")


def test_the_token_is_never_shown(rsps: Any, fake: FakeGitHub, clock: Clock, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="github_runner_groups.http")
    client = make_client(clock, token="ghp_notTheRightOne")
    with pytest.raises(GitHubAuthError) as failed:
        client.get(GROUPS, action="listing")
    shown = [
        str(failed.value),
        repr(failed.value),
        "".join(traceback.format_exception(failed.value)),
        repr(client.settings),
        caplog.text,
    ]
    assert "'Authorization': '<redacted>'" in caplog.text
    assert not [text for text in shown if "ghp_notTheRightOne" in text]


# Settings


@pytest.mark.parametrize(
    ("settings", "fragment"),
    [
        ({"base_url": "http://ghe.example.com/api/v3"}, "unencrypted"),
        ({"base_url": "https://user:secret@ghe.example.com"}, "is 'https://ghe.example.com': credentials do not"),
        ({"base_url": "ftp://ghe.example.com"}, "not an http(s) URL"),
        ({"token": None}, "No GitHub credentials"),
        ({"token": "ghp_abc\n"}, "trailing newline"),
        ({"token": None, "app": AppCredentials("1", "2", "not a key")}, "does not load"),
        ({"token": None, "app": AppCredentials("1", "two", "x")}, "installation id"),
        ({"ca_bundle": "/nonexistent/ca.pem"}, "does not exist"),
    ],
)
def test_bad_settings(settings: dict[str, Any], fragment: str) -> None:
    with pytest.raises(ConfigError) as failed:
        ClientSettings(**{"token": DEMO_TOKEN, **settings}).validate()
    assert fragment in str(failed.value) and "secret" not in str(failed.value).replace("--secret", "")


@pytest.mark.parametrize("base_url", ["http://127.0.0.1:8080", "http://localhost:1", "http://[::1]:2"])
def test_plain_http_is_allowed_on_loopback(base_url: str) -> None:
    ClientSettings(base_url=base_url, token=DEMO_TOKEN).validate()


@pytest.mark.parametrize(("ca_bundle", "verify"), [(None, True), (certifi.where(), certifi.where())])
def test_tls_verification_is_always_on(clock: Clock, ca_bundle: str | None, verify: object) -> None:
    seen: list[Any] = []

    class Recording(requests.Session):
        def request(self, *args: Any, **kwargs: Any) -> Any:
            seen.append(kwargs["verify"])
            raise requests.exceptions.SSLError("certificate verify failed")

    settings = ClientSettings(token=DEMO_TOKEN, ca_bundle=ca_bundle, names=SETTING_NAMES, pacing=UNPACED_WRITES)
    client = GitHubClient(settings, session=Recording(), sleep=clock.sleep)
    with pytest.raises(GitHubConnectionError, match="GITHUB_CA_BUNDLE"):
        client.get(GROUPS, action="listing")
    assert seen == [verify]  # and a TLS failure is not retried


# GitHub App authentication


@pytest.fixture
def app(fake: FakeGitHub, rsa_key_pair: tuple[str, str]) -> AppCredentials:
    private, public = rsa_key_pair
    fake.add_app("4242", public, 77, "acme")
    return AppCredentials("4242", "77", private)


def minted(fake: FakeGitHub) -> int:
    return fake.count("POST", r"^/app/installations/77/access_tokens$")


def test_app_installation_token_is_minted_reused_and_renewed(
    rsps: Any, fake: FakeGitHub, clock: Clock, app: AppCredentials
) -> None:
    client = make_client(clock, token=None, app=app)
    api.list_runner_groups(client, "acme")
    api.list_runner_groups(client, "acme")
    assert minted(fake) == 1
    clock.now += 3600 - 200  # within 5 minutes of expiry
    api.list_runner_groups(client, "acme")
    assert minted(fake) == 2
    for token in [t for t in fake._tokens if t.startswith("ghs_")]:
        fake.revoke_token(token)  # revoked before its expiry: one 401, then a new token
    api.list_runner_groups(client, "acme")
    assert minted(fake) == 3


def test_threads_share_one_client_and_one_installation_token(
    fake: FakeGitHub, app: AppCredentials, clock: Clock
) -> None:
    with serve(fake) as server:
        settings = ClientSettings(base_url=server.url, app=app, pacing=UNPACED_WRITES)
        client = GitHubClient(settings, sleep=clock.sleep, clock=clock)
        errors: list[BaseException] = []

        def work() -> None:
            try:
                for _ in range(25):
                    api.get_runner_group(client, "acme", build_id(fake))
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=work) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        client.close()
    assert errors == []
    assert minted(fake) == 1
    assert fake.count("GET", status=304) >= 150  # the shared ETag cache


def test_one_client_per_settings() -> None:
    reset_clients()
    settings = ClientSettings(token=DEMO_TOKEN)
    assert get_client(settings) is get_client(ClientSettings(token=DEMO_TOKEN))
    assert get_client(settings) is not get_client(ClientSettings(token="ghp_other"))
    first = get_client(settings)
    reset_clients()
    assert get_client(settings) is not first
