"""The client against a hostile server and hostile settings: every case ends in a clear, typed error that names
what was being done, what came back and the fix, with no secret in it, and nothing written to the org.

Server answers are `responses` registered ahead of the emulator (so they are served first, once each, and
every other request reaches the emulator); settings are checked the way the providers check them.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import responses
from github_runner_groups import api
from github_runner_groups.client import AppCredentials, ClientSettings, GitHubClient, PacingSettings
from github_runner_groups.errors import (
    ConfigError,
    GitHubAuthError,
    GitHubConnectionError,
    GitHubError,
    GitHubOutcomeUnknown,
    GitHubRateLimited,
    GitHubServerError,
)
from github_runner_groups.settings import SETTING_NAMES, resolve_settings
from github_runner_groups.testing import DEMO_TOKEN, FakeGitHub, add_to_responses
from hostile_check import HostileCheck

BASE = "https://api.github.com"
GROUPS = f"{BASE}/orgs/acme/actions/runner-groups"
TOKEN_URL = f"{BASE}/app/installations/77/access_tokens"
NEVER_SHOWN = "ghp_hostileCaseSecret42"


class Clock:
    """Advances only when the client sleeps, so rate-limit waits are counted, never slept."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0
        self.slept = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept += seconds
        self.now += seconds


Register = Callable[[responses.RequestsMock], object]
Operation = Callable[[GitHubClient], object]


def list_groups(client: GitHubClient) -> object:
    return api.list_runner_groups(client, "acme")


def create_group(client: GitHubClient) -> object:
    return api.create_runner_group(client, "acme", {"name": "hostile-new", "visibility": "all"})


@dataclass(frozen=True)
class Answer:
    """A hostile answer: what the server sends, what the client was doing, the error and what it must name."""

    case: str
    register: Register
    error: type[GitHubError]
    fragments: tuple[str, ...]
    operation: Operation = list_groups
    app: bool = False
    settings: dict[str, Any] = field(default_factory=dict)


def once(method: str, url: str, **kwargs: Any) -> Register:
    return lambda mock: mock.add(method, url, **kwargs)


def always(method: str, url: str, times: int = 8, **kwargs: Any) -> Register:
    def register(mock: responses.RequestsMock) -> None:
        for _ in range(times):
            mock.add(method, url, **kwargs)

    return register


def echo(status: int, field_name: str) -> Register:
    """An error answer that repeats the request's Authorization header in `field_name`."""

    def answer(request: Any) -> tuple[int, dict[str, str], str]:
        shown = str(request.headers.get("Authorization"))
        if field_name == "request id":
            return status, {"x-github-request-id": shown}, json.dumps({"message": "Bad credentials"})
        body = {"message": f"refused {shown}"} if field_name == "message" else {"errors": [{"message": shown}]}
        return status, {}, json.dumps(body)

    return lambda mock: mock.add_callback(responses.GET, GROUPS, callback=answer)


def redirect_away(mock: responses.RequestsMock) -> None:
    mock.add("GET", GROUPS, status=302, headers={"Location": "https://evil.example/x?k=v"})
    mock.add("GET", "https://evil.example/x", json={"runner_groups": []})


def redirect_away_to_a_limit(mock: responses.RequestsMock) -> None:
    mock.add("GET", GROUPS, status=301, headers={"Location": "https://evil.example/slow"})
    mock.add("GET", "https://evil.example/slow", status=429, headers={"retry-after": "100"})


HTML = "<html><body><h1>Sign in to your proxy</h1></body></html>"
ANSWERS = [
    Answer(
        "html 200",
        once("GET", GROUPS, body=HTML, content_type="text/html"),
        GitHubServerError,
        ("listing runner groups of org 'acme'", "not JSON (Content-Type text/html", "github:baseUrl"),
    ),
    Answer(
        "html 201 to a create",
        once("POST", GROUPS, status=201, body=HTML, content_type="text/html"),
        GitHubOutcomeUnknown,
        ("creating runner group 'hostile-new'", "not JSON", "may have taken effect"),
        operation=create_group,
    ),
    Answer(
        "201 with a list",
        once("POST", GROUPS, status=201, json=[1, 2]),
        GitHubOutcomeUnknown,
        ("lacks the created object's id", "look at the current state"),
        operation=create_group,
    ),
    Answer(
        "201 with null id",
        once("POST", GROUPS, status=201, json={"id": None, "name": "x"}),
        GitHubOutcomeUnknown,
        ("lacks the created object's id",),
        operation=create_group,
    ),
    Answer(
        "listing without its list",
        once("GET", GROUPS, json={"total_count": 3}),
        GitHubServerError,
        ("expected an object with a 'runner_groups' list",),
    ),
    Answer(
        "listing as null",
        once("GET", GROUPS, body="null", content_type="application/json"),
        GitHubServerError,
        ("expected an object with a 'runner_groups' list",),
    ),
    Answer(
        "huge body",
        once("GET", GROUPS, body=b"[" + b" " * (3 * 1024 * 1024) + b"]"),
        GitHubConnectionError,
        ("larger than 2 MiB",),
        settings={"max_body_bytes": 2 * 1024 * 1024},
    ),
    Answer(
        "gzip bomb",
        once("GET", GROUPS, body=gzip.compress(b" " * (8 * 1024 * 1024)), headers={"Content-Encoding": "gzip"}),
        GitHubConnectionError,
        ("larger than 2 MiB",),
        settings={"max_body_bytes": 2 * 1024 * 1024},
    ),
    Answer(
        "html 502 page, repeated",
        always("GET", GROUPS, status=502, body=HTML * 50, content_type="text/html"),
        GitHubServerError,
        ("answered 502", "kept failing after 5 attempts", "githubstatus.com"),
    ),
    Answer(
        "1 MB error message",
        once("GET", GROUPS, status=422, json={"message": "x" * 1_000_000}),
        GitHubError,
        ("answered 422", "... (cut)"),
    ),
    Answer(
        "garbage rate-limit reset",
        always(
            "GET",
            GROUPS,
            status=403,
            json={"message": "API rate limit exceeded"},
            headers={"x-ratelimit-remaining": "0", "x-ratelimit-reset": "soon"},
        ),
        GitHubRateLimited,
        ("later than this client waits (120s)",),
    ),
    Answer(
        "negative retry-after forever",
        always("GET", GROUPS, times=130, status=429, json={"message": "slow"}, headers={"retry-after": "-1e9"}),
        GitHubRateLimited,
        ("secondary rate limit", "later than this client waits"),
    ),
    Answer(
        "garbage retry-after date",
        always(
            "GET",
            GROUPS,
            status=403,
            headers={"retry-after": "Wed, 99 Foo"},
            json={"message": "You have exceeded a secondary rate limit"},
        ),
        GitHubRateLimited,
        ("secondary rate limit",),
    ),
    Answer(
        "next link to another host",
        once(
            "GET",
            GROUPS + "?per_page=100",
            json={"runner_groups": []},
            headers={"Link": '<https://evil.example/steal?page=2>; rel="next"'},
        ),
        GitHubServerError,
        ("next-page link leaves https://api.github.com",),
    ),
    Answer(
        "relative next link",
        once(
            "GET",
            GROUPS + "?per_page=100",
            json={"runner_groups": []},
            headers={"Link": '<//evil.example/x>; rel="next"'},
        ),
        GitHubServerError,
        ("next-page link leaves",),
    ),
    Answer(
        "304 to a request without an ETag",
        once("GET", GROUPS, status=304),
        GitHubServerError,
        ("Not Modified, to a request that sent no ETag",),
    ),
    Answer(
        "read redirected to another host",
        redirect_away,
        GitHubServerError,
        ("redirect to https://evil.example/x, another host", "github:baseUrl"),
    ),
    Answer(
        "read redirected to a rate limit elsewhere",
        redirect_away_to_a_limit,
        GitHubServerError,
        ("redirect to https://evil.example/slow, another host",),
    ),
    Answer(
        "read answered 300 without Location",
        once("GET", GROUPS, status=300, json={"message": "choose"}),
        GitHubError,
        ("answered 300", "with no Location (not followed)"),
    ),
    Answer(
        "read redirect loop",
        always("GET", GROUPS, times=40, status=302, headers={"Location": GROUPS}),
        GitHubConnectionError,
        ("redirect in a loop",),
    ),
    Answer(
        "write redirected",
        once("POST", GROUPS, status=307, headers={"Location": "https://evil.example/x"}),
        GitHubError,
        ("answered 307", "not followed", "Nothing was written"),
        operation=create_group,
    ),
    Answer("token echoed in message", echo(401, "message"), GitHubAuthError, ("refused Bearer <redacted>",)),
    Answer("token echoed in errors", echo(422, "errors"), GitHubError, ("Bearer <redacted>",)),
    Answer("token echoed as request id", echo(401, "request id"), GitHubAuthError, ("request id Bearer <redacted>",)),
    Answer(
        "token answer without token",
        once("POST", TOKEN_URL, status=201, json={"expires_at": None}),
        GitHubServerError,
        ("getting an installation token", "no usable token"),
        app=True,
    ),
    Answer(
        "token answer with a newline",
        once("POST", TOKEN_URL, status=201, json={"token": "ghs_a\nb"}),
        GitHubServerError,
        ("no usable token",),
        app=True,
    ),
    Answer(
        "token answer not JSON",
        always("POST", TOKEN_URL, body=HTML, status=201, content_type="text/html"),
        GitHubServerError,
        ("getting an installation token", "not JSON"),
        app=True,
    ),
    Answer(
        "App key echoed",
        lambda mock: mock.add_callback(responses.POST, TOKEN_URL, callback=echo_key),
        GitHubAuthError,
        ("getting an installation token", "<redacted>"),
        app=True,
    ),
]
ECHOED_KEY: list[str] = []


def echo_key(request: Any) -> tuple[int, dict[str, str], str]:
    return 401, {}, json.dumps({"message": f"bad key {ECHOED_KEY[0]} for {request.headers['Authorization']}"})


@pytest.fixture
def app_key(fake: FakeGitHub, rsa_key_pair: tuple[str, str]) -> str:
    private, public = rsa_key_pair
    fake.add_app("4242", public, 77, "acme")
    ECHOED_KEY[:] = [private]
    return private


@pytest.fixture
def served(fake: FakeGitHub) -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.mark.parametrize("answer", ANSWERS, ids=[answer.case for answer in ANSWERS])
def test_hostile_answer(
    answer: Answer, fake: FakeGitHub, hostile: HostileCheck, served: responses.RequestsMock, app_key: str
) -> None:
    answer.register(served)
    add_to_responses(fake, served, BASE)
    clock = Clock()
    credentials: dict[str, Any] = {"token": NEVER_SHOWN}
    if answer.app:
        credentials = {"app": AppCredentials("4242", "77", app_key)}
    settings = ClientSettings(**credentials, **answer.settings, names=SETTING_NAMES, pacing=PacingSettings(False))
    hostile.secrets = (*hostile.secrets, NEVER_SHOWN, app_key, *app_key.splitlines()[1:-1])
    with pytest.raises(answer.error) as failed:
        answer.operation(GitHubClient(settings, sleep=clock.sleep, clock=clock))
    hostile.refused("client answer", answer.case, str(failed.value), *answer.fragments, outputs=(repr(failed.value),))
    assert clock.slept <= 130  # every wait was bounded


@dataclass(frozen=True)
class Setting:
    """A hostile setting, given as stack config or environment; the error names the setting and the fix."""

    case: str
    environ: dict[str, str]
    fragments: tuple[str, ...]


def huge_sparse(tmp_path: Path) -> str:
    path = tmp_path / "huge.pem"
    with path.open("wb") as file:
        file.truncate(9 * 1024 * 1024)
    return str(path)


APP = {"GITHUB_APP_ID": "4242", "GITHUB_APP_INSTALLATION_ID": "77", "GITHUB_APP_PEM_FILE": "KEYFILE"}
SETTINGS = [
    Setting("javascript: base URL", {"GITHUB_BASE_URL": "javascript:alert(1)"}, ("not an http(s) URL", "baseUrl")),
    Setting("base URL without host", {"GITHUB_BASE_URL": "https://"}, ("not an http(s) URL with a host",)),
    Setting("base URL with a tab", {"GITHUB_BASE_URL": "https://ghe.example.com/\tapi/v3"}, ("control character",)),
    Setting("base URL with U+2028", {"GITHUB_BASE_URL": "https://ghe.example.com\u2028"}, ("control character",)),
    Setting("cloud metadata over http", {"GITHUB_BASE_URL": "http://169.254.169.254/latest"}, ("unencrypted",)),
    Setting("localhost lookalike", {"GITHUB_BASE_URL": "http://localhost.evil.example"}, ("unencrypted",)),
    Setting(
        "secret in base URL path and query",
        {"GITHUB_BASE_URL": f"https://ghe.example.com/api/v3?token={NEVER_SHOWN}"},
        ("'https://ghe.example.com/api/v3'", "no query"),
    ),
    Setting("token with NUL", {"GITHUB_TOKEN": "ghp_abc\x00def"}, ("github:token / GITHUB_TOKEN", "control")),
    Setting("token with homoglyph", {"GITHUB_TOKEN": "ghp_\u0430bcdefgh"}, ("github:token", "set it again")),
    Setting("token with Bearer prefix", {"GITHUB_TOKEN": "Bearer ghp_abcdefgh"}, ("whitespace",)),
    Setting("installation id superscript", {**APP, "GITHUB_APP_INSTALLATION_ID": "\u00b2"}, ("ASCII digits",)),
    Setting("installation id zero", {**APP, "GITHUB_APP_INSTALLATION_ID": "0"}, ("installation id", "'0'")),
    Setting("installation id 30 digits", {**APP, "GITHUB_APP_INSTALLATION_ID": "9" * 30}, ("installation id",)),
    Setting("App id with newline", {**APP, "GITHUB_APP_ID": "4242\n"}, ("App id", "control characters")),
    Setting("App key is a public key", {**APP, "GITHUB_APP_PEM_FILE": "PUBLIC"}, ("unencrypted RSA private key",)),
    Setting("App key is a certificate bundle", {**APP, "GITHUB_APP_PEM_FILE": "CERTS"}, ("unencrypted RSA",)),
    Setting("App key is a directory", {**APP, "GITHUB_APP_PEM_FILE": "/"}, ("not a regular file",)),
    Setting("CA bundle is a key", {"GITHUB_CA_BUNDLE": "KEYFILE"}, ("holds no certificate", "caBundle")),
    Setting("CA bundle 9 MiB sparse", {"GITHUB_CA_BUNDLE": "HUGE"}, ("larger than 8 MiB",)),
    Setting("CA bundle /dev/zero", {"GITHUB_CA_BUNDLE": "/dev/zero"}, ("not a regular file",)),
    Setting("write delay not a number", {"GITHUB_WRITE_DELAY_MS": "1s"}, ("github:writeDelayMs", "whole number")),
    Setting("write delay negative", {"GITHUB_WRITE_DELAY_MS": "-5"}, ("github:writeDelayMs", "from 0 to 60000")),
    Setting("write delay huge", {"GITHUB_WRITE_DELAY_MS": "1e12"}, ("from 0 to 60000",)),
    Setting("parallelRequests maybe", {"GITHUB_PARALLEL_REQUESTS": "maybe"}, ("github:parallelRequests", "true or")),
    Setting("points budget zero", {"GITHUB_RUNNER_GROUPS_POINTS_PER_MINUTE": "0"}, ("pointsPerMinute", "from 5")),
    Setting(
        "points budget below one write",
        {"GITHUB_RUNNER_GROUPS_POINTS_PER_MINUTE": "4"},
        ("pointsPerMinute / GITHUB_RUNNER_GROUPS_POINTS_PER_MINUTE is 4", "from 5", "one write costs 5"),
    ),
    Setting("CA bundle empty directory", {"GITHUB_CA_BUNDLE": "EMPTYDIR"}, ("caBundle", "holds no certificate")),
    Setting("CA bundle directory of keys", {"GITHUB_CA_BUNDLE": "KEYDIR"}, ("caBundle", "holds no certificate")),
    Setting(
        "CA bundle directory not hashed",
        {"GITHUB_CA_BUNDLE": "UNHASHEDDIR"},
        ("caBundle", "none under OpenSSL's hashed names", "openssl rehash"),
    ),
    Setting("CA bundle file of text", {"GITHUB_CA_BUNDLE": "TEXT"}, ("caBundle", "holds no certificate")),
    Setting("in-flight cap 1000", {"GITHUB_RUNNER_GROUPS_MAX_IN_FLIGHT": "1000"}, ("maxInFlight", "at most 100")),
    Setting(
        "writes an hour zero", {"GITHUB_RUNNER_GROUPS_WRITES_PER_HOUR": "0"}, ("WRITES_PER_HOUR is 0", "at most 500")
    ),
    Setting("retries 11", {"GITHUB_MAX_RETRIES": "11"}, ("github:maxRetries / GITHUB_MAX_RETRIES is 11", "0 to 10")),
    Setting("retry delay negative", {"GITHUB_RETRY_DELAY_MS": "-1"}, ("github:retryDelayMs", "from 0 to 60000")),
    Setting("writes a minute 2.5", {"GITHUB_RUNNER_GROUPS_WRITES_PER_MINUTE": "2.5"}, ("writesPerMinute", "whole")),
]


@pytest.mark.parametrize("setting", SETTINGS, ids=[setting.case for setting in SETTINGS])
def test_hostile_setting(
    setting: Setting, hostile: HostileCheck, tmp_path: Path, rsa_key_pair: tuple[str, str]
) -> None:
    private, public = rsa_key_pair
    files = {"PUBLIC": public, "KEYFILE": private, "CERTS": _certifi_text(), "HUGE": None, "TEXT": "no PEM here\n"}
    directories = {"EMPTYDIR": {}, "KEYDIR": {"1a2b3c4d.0": private}, "UNHASHEDDIR": {"ca.pem": _certifi_text()}}
    environ = {"GITHUB_TOKEN": DEMO_TOKEN} if "GITHUB_APP_ID" not in setting.environ else {}
    for name, value in setting.environ.items():
        if value in directories:
            folder = tmp_path / value.lower()
            folder.mkdir()
            for file_name, text in directories[value].items():
                (folder / file_name).write_text(text)
            value = str(folder)
        elif value in files:
            content = files[value]
            path = tmp_path / value.lower()
            value = huge_sparse(tmp_path) if content is None else str(path)
            if content is not None:
                path.write_text(content)
        environ[name] = value
    hostile.secrets = (*hostile.secrets, NEVER_SHOWN)
    with pytest.raises(ConfigError) as failed:
        resolve_settings(None, environ).client.validate()
    hostile.refused("client setting", setting.case, str(failed.value), *setting.fragments)


def _certifi_text() -> str:
    import certifi

    text = Path(certifi.where()).read_text()[:20000]
    end = "-----END CERTIFICATE-----\n"
    return text[: text.rindex(end) + len(end)]  # whole certificates only
