"""What HostedRunner and the hosted-runner lookups send fits GitHub's pinned description (`@octokit/openapi` at
the version in testing/flavours.py): the POST body with its nested image, each PATCH with only what changed, the
202 of a DELETE and the reads until the runner is gone, and every read, over a runner's whole life on the
github.com flavour. GitHub's request schemas allow unknown keys, so every key sent is also checked to be one the
description names."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
import responses
from github_runner_groups.client import reset_clients
from github_runner_groups.resources.hosted_runner import HostedRunnerProvider
from github_runner_groups.settings import resolve_settings
from github_runner_groups.testing import DEMO_TOKEN, FakeGitHub, add_to_responses
from test_openapi_contract import _errors, operation_for, operations_of, resolved

BASE_URL = "https://api.github.com"


@pytest.fixture
def provider() -> Iterator[tuple[HostedRunnerProvider, Any, FakeGitHub]]:
    fake = FakeGitHub.seeded("demo")
    reset_clients()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        add_to_responses(fake, rsps)
        made = HostedRunnerProvider()
        made._settings = resolve_settings(
            None, {"GITHUB_TOKEN": DEMO_TOKEN, "GITHUB_BASE_URL": BASE_URL, "GITHUB_WRITE_DELAY_MS": "0"}
        )
        yield made, rsps, fake
    reset_clients()


def test_a_runners_life_fits_the_pinned_description(provider: tuple[HostedRunnerProvider, Any, FakeGitHub]) -> None:
    hosted, rsps, fake = provider
    group = fake.add_group("acme", "large")["id"]
    given = {"name": "big", "runner_group_id": "1", "image_id": "ubuntu-24.04", "size": "4-core", "org": "acme"}
    checked = hosted.check({}, {"__provider": "p", **given, "image_version": "latest", "enable_static_ip": True})
    assert checked.failures == []
    made = hosted.create(dict(checked.inputs))
    outputs = dict(made.outs or {})
    for change in ({"runner_group_id": str(group)}, {"size": "8-core", "image_id": "ubuntu-24.04-arm"}):
        news = {**checked.inputs, **change}
        outputs = dict(hosted.update(made.id, outputs, news).outs or {})
    hosted.read(made.id, outputs)
    hosted.delete(made.id, outputs)
    operations = operations_of("api.github.com")
    problems: list[str] = []
    used: set[str] = set()
    for call in rsps.calls:
        path = urlsplit(call.request.url).path
        key = operation_for(operations, call.request.method, path)
        assert key is not None, f"{call.request.method} {path} is not in the description"
        used.add(key)
        if call.request.body:
            body = json.loads(call.request.body)
            schema = resolved(operations[key]["request"])
            problems += _errors(f"{key} request", schema, body)
            problems += [f"{key}: undocumented key {k!r}" for k in body if k not in schema["properties"]]
            image = schema["properties"].get("image", {}).get("properties", {})
            problems += [f"{key}: undocumented image key {k!r}" for k in body.get("image", {}) if k not in image]
        status = str(call.response.status_code)
        # The wait after the DELETE reads the runner until it is gone: GitHub answers 404 for what does not exist
        # on every operation, whether or not its description lists it.
        gone = status == "404" and call.request.method == "GET" and key.endswith("{hosted_runner_id}")
        assert gone or status in operations[key]["responses"], f"{key} -> {status} is not documented"
    assert not problems, "\n".join(problems)
    hosted_ops = {key for key in used if "hosted-runners" in key}
    assert {
        "POST /orgs/{org}/actions/hosted-runners",
        "PATCH /orgs/{org}/actions/hosted-runners/{hosted_runner_id}",
        "DELETE /orgs/{org}/actions/hosted-runners/{hosted_runner_id}",
        "GET /orgs/{org}/actions/hosted-runners/machine-sizes",
        "GET /orgs/{org}/actions/hosted-runners/limits",
    } <= hosted_ops
