"""The emulator against GitHub's own OpenAPI description: every request the library sends and every answer the
emulator gives must fit the schemas of @octokit/openapi (extracted by scripts/extract_openapi.py).

A realistic session drives every operation through api.py and the real client (over the `responses` transport);
the test then fails if a request matched no documented operation, if a status is not documented for its operation
(errors must still fit GitHub's error schemas), if a body does not validate, or if an operation went unexercised.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import jsonschema
import pytest
import responses
from github_runner_groups import api
from github_runner_groups.client import AppCredentials, ClientSettings, GitHubClient, PacingSettings
from github_runner_groups.errors import GitHubError
from github_runner_groups.testing import DEMO_TOKEN, FakeGitHub, add_to_responses

UNPACED = PacingSettings(write_delay_seconds=0)  # tests do not wait between writes
BASE = "https://api.github.com"
SCHEMAS = json.loads((Path(__file__).parent / "schemas" / "github-runner-groups.openapi.json").read_text())
OPERATIONS: dict[str, dict[str, Any]] = SCHEMAS["operations"]


def _template(key: str) -> tuple[str, re.Pattern[str]]:
    method, path = key.split(" ", 1)
    return method, re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", path) + "$")


TEMPLATES = {key: _template(key) for key in OPERATIONS}


def operation_for(method: str, path: str) -> str | None:
    matches = [key for key, (m, pattern) in TEMPLATES.items() if m == method and pattern.match(path)]
    # A literal segment beats a placeholder: /orgs/{org}/actions/runners is not /repos/{owner}/{repo}.
    return min(matches, key=lambda key: key.count("{"), default=None)


@pytest.fixture
def session() -> Iterator[tuple[FakeGitHub, responses.RequestsMock, GitHubClient]]:
    fake = FakeGitHub.seeded("demo")
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        add_to_responses(fake, rsps, BASE)
        yield fake, rsps, GitHubClient(ClientSettings(token=DEMO_TOKEN, pacing=UNPACED), sleep=lambda _s: None)


def exercise_every_operation(fake: FakeGitHub, client: GitHubClient) -> None:
    """What the providers, lookups and exporter do over a stack's life, errors included."""
    repos = {r["name"]: r["id"] for r in api.list_org_repositories(client, "acme")}
    runners = {r["name"]: r["id"] for r in api.list_org_runners(client, "acme")}
    api.get_repository(client, "acme", "api")
    api.list_runner_groups(client, "acme")
    api.list_runner_groups(client, "acme", visible_to_repository="api")
    created = api.create_runner_group(
        client,
        "acme",
        {
            "name": "contract",
            "visibility": "selected",
            "restricted_to_workflows": True,
            "selected_workflows": ["acme/deploy/.github/workflows/release.yml@v1"],
        },
    ).body
    group_id = int(created["id"])
    api.get_runner_group(client, "acme", group_id)
    api.get_runner_group_if_changed(client, "acme", group_id, None)
    api.update_runner_group(client, "acme", group_id, {"name": "contract", "allows_public_repositories": True})
    api.update_runner_group(client, "acme", group_id, {"name": "contract", "network_configuration_id": None})
    api.set_group_repositories(client, "acme", group_id, [repos["api"], repos["docs"]])
    api.add_group_repository(client, "acme", group_id, repos["web"])
    api.remove_group_repository(client, "acme", group_id, repos["docs"])
    api.list_group_repositories(client, "acme", group_id)
    api.set_group_runners(client, "acme", group_id, [runners["linux-3"]])
    api.add_group_runner(client, "acme", group_id, runners["linux-4"])
    api.remove_group_runner(client, "acme", group_id, runners["linux-3"])
    api.list_group_runners(client, "acme", group_id)
    fake.add_hosted_runner("acme", group_id, "ubuntu-large")
    api.list_hosted_runners_in_group(client, "acme", group_id)
    for failing in (
        lambda: api.create_runner_group(client, "acme", {"name": "contract"}),  # name taken
        lambda: api.get_runner_group(client, "acme", 999999),  # no such group
        lambda: api.set_group_repositories(client, "acme", 1, [repos["api"]]),  # Default is not `selected`
        lambda: api.delete_runner_group(client, "acme", 1),  # Default cannot be deleted
    ):
        with pytest.raises(GitHubError):
            failing()
    api.delete_runner_group(client, "acme", group_id)


def mint_installation_token(fake: FakeGitHub, key_pair: tuple[str, str]) -> None:
    private, public = key_pair
    fake.add_app("4242", public, 77, "acme")
    app_client = GitHubClient(
        ClientSettings(app=AppCredentials("4242", "77", private), pacing=UNPACED), sleep=lambda _s: None
    )
    api.list_runner_groups(app_client, "acme")


def test_every_exchange_fits_githubs_openapi(
    session: tuple[FakeGitHub, Any, GitHubClient], rsa_key_pair: tuple[str, str]
) -> None:
    fake, rsps, client = session
    exercise_every_operation(fake, client)
    mint_installation_token(fake, rsa_key_pair)
    problems: list[str] = []
    exercised: set[str] = set()
    for call in rsps.calls:
        request, response = call.request, call.response
        parts = urlsplit(request.url)
        key = operation_for(request.method, parts.path)
        if key is None:
            problems.append(f"{request.method} {parts.path}: no such operation in GitHub's description")
            continue
        exercised.add(key)
        spec = OPERATIONS[key]
        problems += _check_parameters(key, spec, dict(parse_qsl(parts.query)))
        if request.body:
            body = json.loads(request.body)
            problems += _errors(f"{key} request", spec["request"], body)
        status = str(response.status_code)
        answer = json.loads(response.content) if response.content else None
        if status in spec["responses"]:
            problems += _errors(f"{key} -> {status}", spec["responses"][status], answer)
        elif response.status_code == 304 and request.method == "GET" and "If-None-Match" in request.headers:
            if response.content:
                problems.append(f"{key} -> 304 carries a body")  # conditional GETs apply to every operation
        elif response.status_code >= 400:
            schema = SCHEMAS["errors"]["validation-error" if answer and "errors" in answer else "basic-error"]
            problems += _errors(f"{key} -> {status} (error)", schema, answer)
        else:
            problems.append(f"{key}: status {status} is not documented (documented: {sorted(spec['responses'])})")
    unexercised = sorted(set(OPERATIONS) - exercised)
    assert not unexercised, f"operations never exercised: {unexercised}"
    assert not problems, "\n".join(problems)


def test_every_emulator_route_is_a_documented_operation() -> None:
    """A route added to the emulator without its operation in the extract would go unchecked: fail instead."""
    group = re.compile(r"\(\?P<\w+>[^)]*\)")
    routes = {
        method + " " + group.sub("{}", pattern.pattern.strip("^$")) for method, pattern, _ in FakeGitHub()._routes
    }
    documented = {re.sub(r"\{[^}]+\}", "{}", key) for key in OPERATIONS}
    assert routes == documented


def test_a_wrong_answer_is_caught() -> None:
    """The check itself must be able to fail: a group without its required fields does not validate."""
    schema = OPERATIONS["GET /orgs/{org}/actions/runner-groups/{runner_group_id}"]["responses"]["200"]
    assert _errors("group", schema, {"id": 1, "name": "x"})
    assert _errors("group", schema, {"id": 1, "name": "x", "visibility": "all", "default": "no"})


def _check_parameters(key: str, spec: dict[str, Any], query: dict[str, str]) -> list[str]:
    known = {p["name"]: p for p in spec["parameters"] if p["in"] == "query"}
    problems = [f"{key}: undocumented query parameter {name!r}" for name in query if name not in known]
    for name, value in query.items():
        if name in known and known[name]["schema"].get("type") == "integer" and not value.isdigit():
            problems.append(f"{key}: query parameter {name}={value!r} is not an integer")
    return problems


def _errors(where: str, schema: Any, instance: Any) -> list[str]:
    if schema is None:
        return [] if instance is None else [f"{where}: a body where GitHub documents none"]
    validator = jsonschema.Draft7Validator(schema)
    return [f"{where}: {error.json_path}: {error.message[:200]}" for error in validator.iter_errors(instance)]
