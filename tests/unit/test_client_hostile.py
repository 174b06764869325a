"""The REST client against hostile answers, each one that once looped, hung, crashed or leaked: a looping or endless
Link header, a redirected write, a body or headers trickled past the deadline, an absurd retry-after or reset, a
created answer without the object, an installation token already expired, a token echoed back.

The clock, the emulator and the client are `test_client`'s.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
import traceback
from collections.abc import Iterator
from typing import Any

import pytest
import responses
from github_runner_groups import api
from github_runner_groups.client import AppCredentials
from github_runner_groups.errors import (
    GitHubAuthError,
    GitHubConnectionError,
    GitHubError,
    GitHubOutcomeUnknown,
    GitHubRateLimited,
    GitHubServerError,
)
from github_runner_groups.testing import FakeGitHub
from test_client import BASE, GROUPS, Clock, app, clock, fake, make_client

__all__ = ["app", "clock", "fake"]  # the imported fixtures, which pytest finds by name


@contextlib.contextmanager
def trickling_server(body: bytes, *, seconds_per_byte: float, headers_too: bool = False) -> Iterator[str]:
    """A 127.0.0.1 server that answers one request with 200 and sends `body` one byte at a time (and the status
    line and headers too, with `headers_too`)."""
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve_one() -> None:
        with contextlib.suppress(OSError):
            connection, _ = listener.accept()
            with connection:
                connection.recv(65536)
                head = f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
                trickled = head.encode() + body if headers_too else body
                if not headers_too:
                    connection.sendall(head.encode())
                for byte in trickled:
                    if stop.wait(seconds_per_byte):
                        return
                    connection.sendall(bytes([byte]))

    thread = threading.Thread(target=serve_one, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        listener.close()
        thread.join(timeout=5)


def test_a_looping_link_header_is_followed_once(clock: Clock) -> None:
    page_1, page_2 = f"{BASE}/orgs/acme/repos?per_page=100", f"{BASE}/orgs/acme/repos?per_page=100&page=2"
    with responses.RequestsMock() as mock:
        mock.get(page_1, json=[{"id": 1}], headers={"Link": f'<{page_2}>; rel="next"'})
        mock.get(page_2, json=[{"id": 2}], headers={"Link": f'<{page_1}>; rel="next"'})
        with pytest.raises(GitHubServerError, match=r"page 2 links back to a page already read") as failed:
            make_client(clock).paginate("/orgs/acme/repos", action="listing repositories", item_key=None)
        assert len(mock.calls) == 2
    assert "listing repositories failed" in str(failed.value)


def test_a_listing_with_endless_new_pages_is_capped(clock: Clock) -> None:
    def next_page(request: Any) -> tuple[int, dict[str, str], str]:
        number = int(request.params.get("page", "1"))
        return 200, {"Link": f'<{BASE}/orgs/acme/repos?page={number + 1}>; rel="next"'}, "[]"

    with responses.RequestsMock() as mock:
        mock.add_callback(responses.GET, f"{BASE}/orgs/acme/repos", callback=next_page)
        with pytest.raises(GitHubServerError, match=r"more than 20 pages"):
            make_client(clock, max_pages=20).paginate("/orgs/acme/repos", action="listing", item_key=None)
        assert len(mock.calls) == 20


@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_a_redirected_write_is_not_followed(clock: Clock, status: int) -> None:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.post(f"{BASE}{GROUPS}", status=status, headers={"Location": f"{BASE}/elsewhere?token=x#y"})
        mock.get(f"{BASE}/elsewhere", json={"id": 1, "name": "not-created"})
        mock.post(f"{BASE}/elsewhere", json={"id": 1, "name": "not-created"}, status=201)
        with pytest.raises(GitHubError) as failed:
            make_client(clock).request("POST", GROUPS, action="creating runner group 'ci'", json_body={"name": "ci"})
        assert len(mock.calls) == 1
    message = str(failed.value)
    assert f"answered {status}" in message and "https://api.github.com/elsewhere" in message
    assert "token=x" not in message and "not followed" in message


def test_a_slow_body_hits_the_overall_deadline(clock: Clock) -> None:
    """One byte every 0.1 s keeps each read inside the timeout; only an overall deadline ends it."""
    with trickling_server(b'[{"id": 1, "name": "' + b"x" * 60 + b'"}]', seconds_per_byte=0.1) as url:
        client = make_client(clock, base_url=url, timeout_seconds=0.5, max_retries=0)
        started = time.monotonic()
        with pytest.raises(GitHubConnectionError, match=r"no complete answer within 0.5s"):
            client.get(GROUPS, action="listing")
        assert time.monotonic() - started < 2.0


def test_slow_headers_hit_the_overall_deadline(clock: Clock) -> None:
    with trickling_server(b"[]", seconds_per_byte=0.1, headers_too=True) as url:
        client = make_client(clock, base_url=url, timeout_seconds=0.5, max_retries=0)
        started = time.monotonic()
        with pytest.raises(GitHubConnectionError, match=r"no complete answer within 0.5s"):
            client.get(GROUPS, action="listing")
        assert time.monotonic() - started < 2.0


@pytest.mark.parametrize("retry_after", ["inf", "1e20", "nan", "-5", "Infinity"])
def test_absurd_retry_after_is_a_bounded_wait_or_a_clear_error(clock: Clock, retry_after: str) -> None:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.get(f"{BASE}{GROUPS}", status=429, headers={"retry-after": retry_after}, json={"message": "slow down"})
        mock.get(f"{BASE}{GROUPS}", json={"total_count": 0, "runner_groups": []})
        client = make_client(clock)
        try:
            client.get(GROUPS, action="listing")
        except GitHubRateLimited as failed:
            assert "later than this client waits (120s)" in str(failed)
        assert all(0 < wait <= 120 for wait in clock.sleeps)


def test_an_absurd_rate_limit_reset_is_a_clear_error(clock: Clock) -> None:
    headers = {"x-ratelimit-remaining": "0", "x-ratelimit-reset": "1e300"}
    with responses.RequestsMock() as mock:
        mock.get(f"{BASE}{GROUPS}", status=403, headers=headers, json={"message": "API rate limit exceeded"})
        with pytest.raises(GitHubRateLimited, match=r"resets .*later than this client waits"):
            make_client(clock).get(GROUPS, action="listing")
    assert clock.sleeps == []


def test_a_created_answer_without_the_object_is_outcome_unknown(clock: Clock) -> None:
    with responses.RequestsMock() as mock:
        mock.post(f"{BASE}{GROUPS}", status=201, json={})
        with pytest.raises(GitHubOutcomeUnknown, match=r"answered 201: the answer lacks the created object's id"):
            api.create_runner_group(make_client(clock), "acme", {"name": "ci"})


def test_an_installation_token_already_expired_is_a_clear_error(
    fake: FakeGitHub, clock: Clock, app: AppCredentials
) -> None:
    def expired_token(request: Any) -> tuple[int, dict[str, str], str]:
        return 201, {}, json.dumps({"token": "ghs_minted", "expires_at": "2001-01-01T00:00:00Z"})

    with responses.RequestsMock() as mock:
        mock.add_callback(responses.POST, f"{BASE}/app/installations/77/access_tokens", callback=expired_token)
        client = make_client(clock, token=None, app=app)
        for _ in range(2):
            with pytest.raises(
                GitHubAuthError, match=r"expires at 2001-01-01 00:00:00 UTC.*Check this machine's clock"
            ):
                client.get(GROUPS, action="listing")
        assert len(mock.calls) == 2  # one mint per attempt, never a request with an expired token


def echo_authorization(request: Any) -> tuple[int, dict[str, str], str]:
    shown = request.headers.get("Authorization", "")
    return 401, {}, json.dumps({"message": f"Bad credentials: {shown}", "errors": [{"message": shown}]})


def test_a_token_echoed_by_the_server_is_scrubbed(clock: Clock) -> None:
    with responses.RequestsMock() as mock:
        mock.add_callback(responses.GET, f"{BASE}{GROUPS}", callback=echo_authorization)
        token = "ghp_echoedBack123"
        with pytest.raises(GitHubAuthError) as failed:
            make_client(clock, token=token).get(GROUPS, action="listing")
    shown = "".join(traceback.format_exception(failed.value)) + repr(failed.value.errors) + str(failed.value)
    assert token not in shown and "Bad credentials: Bearer <redacted>" in shown


def test_an_installation_token_echoed_by_the_server_is_scrubbed(clock: Clock, app: AppCredentials) -> None:
    def mint(request: Any) -> tuple[int, dict[str, str], str]:
        return 201, {}, json.dumps({"token": "ghs_mintedSecret9", "expires_at": "2030-01-01T00:00:00Z"})

    with responses.RequestsMock() as mock:
        mock.add_callback(responses.POST, f"{BASE}/app/installations/77/access_tokens", callback=mint)
        mock.add_callback(responses.GET, f"{BASE}{GROUPS}", callback=echo_authorization)
        with pytest.raises(GitHubAuthError) as failed:
            make_client(clock, token=None, app=app).get(GROUPS, action="listing")
    assert "ghs_mintedSecret9" not in str(failed.value) + repr(failed.value.errors)
