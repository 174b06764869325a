"""The emulator against GitHub's own OpenAPI descriptions: every request the library sends and every answer the
emulator gives must fit the schemas of @octokit/openapi (extracted by scripts/extract_openapi.py), in each flavour
the emulator plays (github.com, GHEC, GHES 3.17-3.19; the version pinned in testing/flavours.py).

A realistic session per flavour drives every operation that flavour serves through the real client (over the
`responses` transport, under /api/v3 for GHES); the test then fails if a request matched no operation documented
in that flavour, if a status is not documented for its operation (errors must still fit GitHub's error schemas),
if a body does not validate, or if an operation went unexercised. Every emulator route of a flavour must be an
operation that flavour documents, and the other way round.
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
from github_runner_groups.testing import DEMO_TOKEN, FLAVOURS, OPENAPI_VERSION, FakeGitHub, add_to_responses
from github_runner_groups.testing.flavours import (
    ACTIONS_POLICIES,
    ENTERPRISE,
    ENTERPRISE_CLOUD,
    HOSTED_RUNNERS,
    NETWORK_CONFIGURATION,
    NETWORK_CONFIGURATIONS,
)
from github_runner_groups.testing.routes import routes_of
from surface_exercises import (
    exercise_custom_images,
    exercise_enterprise_hosted_runners,
    exercise_network_configurations,
    exercise_self_hosted_policy,
)

UNPACED = PacingSettings(write_delay_seconds=0)  # tests do not wait between writes
SCHEMAS = json.loads((Path(__file__).parent / "schemas" / "github-runner-groups.openapi.json").read_text())
DEFINITIONS: dict[str, Any] = SCHEMAS["definitions"]
Session = tuple[FakeGitHub, Any, GitHubClient]  # the RequestsMock: its `calls` are loosely typed


def operations_of(flavour: str) -> dict[str, dict[str, Any]]:
    """The operations `flavour` documents, each with that flavour's schemas."""
    return {
        key: variant
        for key, variants in SCHEMAS["operations"].items()
        for variant in variants
        if flavour in variant["flavours"]
    }


def resolved(schema: Any) -> Any:
    """A schema the extract stored once under `definitions`, looked up."""
    return DEFINITIONS[schema["$ref"].rsplit("/", 1)[1]] if "$ref" in schema else schema


def error_schema(flavour: str, name: str) -> Any:
    return next(v["schema"] for v in SCHEMAS["errors"][name] if flavour in v["flavours"])


def _template(key: str) -> tuple[str, re.Pattern[str]]:
    method, path = key.split(" ", 1)
    # `{path}` (a file in a repository) spans slashes, as GitHub's contents API takes it.
    pattern = re.sub(r"\{[^}]+\}", "[^/]+", path.replace("{path}", "\0"))
    return method, re.compile("^" + pattern.replace("\0", ".+") + "$")


def operation_for(operations: dict[str, Any], method: str, path: str) -> str | None:
    templates = {key: _template(key) for key in operations}
    matches = [key for key, (m, pattern) in templates.items() if m == method and pattern.match(path)]
    # A literal segment beats a placeholder: /orgs/{org}/actions/runners is not /repos/{owner}/{repo}.
    return min(matches, key=lambda key: key.count("{"), default=None)


@pytest.fixture(params=list(FLAVOURS))
def session(request: pytest.FixtureRequest) -> Iterator[Session]:
    fake = FakeGitHub.seeded("demo", flavour=request.param)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        add_to_responses(fake, rsps)
        settings = ClientSettings(token=DEMO_TOKEN, base_url=fake.flavour.example_base_url, pacing=UNPACED)
        yield fake, rsps, GitHubClient(settings, sleep=lambda _s: None)


def exercise_every_operation(fake: FakeGitHub, client: GitHubClient) -> None:
    """What the providers, lookups and exporter do over a stack's life, errors included."""
    repos = {r.name: r.id for r in api.list_org_repositories(client, "acme")}
    runners = {r.name: r.id for r in api.list_org_runners(client, "acme")}
    fake.set_actions_permissions(
        "acme", enabled_repositories="selected", selected_repository_ids=[repos["api"], repos["data-pipeline"]]
    )
    # The audit reads the org's Actions policy.
    api.get_actions_permissions(client, "acme")
    api.list_actions_enabled_repositories(client, "acme")
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
    group_id = created.id
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
    client.get("/orgs/acme", action="reading org acme")
    if fake.flavour.serves(HOSTED_RUNNERS):
        fake.add_hosted_runner("acme", group_id, "ubuntu-large")
        api.list_hosted_runners_in_group(client, "acme", group_id)
    for failing in (
        lambda: api.create_runner_group(client, "acme", {"name": "contract"}),  # name taken
        lambda: api.get_runner_group(client, "acme", 999999),  # no such group
        lambda: api.set_group_repositories(client, "acme", 1, [repos["api"]]),  # Default is not `selected`
        lambda: api.delete_runner_group(client, "acme", 1),  # Default cannot be deleted
        lambda: api.set_group_repositories(client, "acme", group_id, [repos["api"], 999999]),  # unknown id
        lambda: api.set_group_runners(client, "acme", group_id, [999998, 999999]),  # unknown ids
    ):
        with pytest.raises(GitHubError):
            failing()
    api.delete_runner_group(client, "acme", group_id)


def exercise_hosted_runners(client: GitHubClient) -> None:
    """The hosted-runner operations: what the org offers, a runner's life (moved between groups), errors."""
    hosted = "/orgs/acme/actions/hosted-runners"
    images = client.get(f"{hosted}/images/github-owned", action="listing GitHub-owned images")["images"]
    client.get(f"{hosted}/images/partner", action="listing partner images")
    sizes = client.get(f"{hosted}/machine-sizes", action="listing machine sizes")["machine_specs"]
    size = sizes[0]["id"]
    client.get(f"{hosted}/platforms", action="listing platforms")
    client.get(f"{hosted}/limits", action="reading hosted-runner limits")
    group = api.create_runner_group(client, "acme", {"name": "hosted"}).body.id
    body = {
        "name": "big-linux",
        "image": {"id": images[0]["id"], "source": "github", "version": "latest"},
        "size": size,
    }
    created = client.request(
        "POST", hosted, action="creating a hosted runner", json_body={**body, "runner_group_id": 1}
    ).body
    runner = f"{hosted}/{created['id']}"
    client.request("PATCH", runner, action="moving a hosted runner", json_body={"runner_group_id": group})
    # A size that serves every image (2 vCPUs are Ubuntu only): the next PATCH changes the image.
    client.request("PATCH", runner, action="resizing", json_body={"size": sizes[-1]["id"], "maximum_runners": 20})
    image = {"image_source": "github", "image_id": images[-1]["id"], "image_version": None, "image_gen": True}
    client.request("PATCH", runner, action="changing the image", json_body=image)
    client.get(runner, action="reading a hosted runner")
    client.paginate(hosted, action="listing hosted runners", item_key="runners")
    for failing in (
        lambda: client.request(
            "POST", hosted, action="bad name", json_body={**body, "name": "a b", "runner_group_id": 1}
        ),
        lambda: client.request("PATCH", runner, action="unknown size", json_body={"size": "3-core"}),
        lambda: client.get(f"{hosted}/999999", action="no such runner"),
    ):
        with pytest.raises(GitHubError):
            failing()
    client.request("DELETE", runner, action="deleting a hosted runner")
    api.delete_runner_group(client, "acme", group)


def exercise_enterprise(fake: FakeGitHub, client: GitHubClient) -> None:
    """The enterprise operations as the enterprise resources, the exporter and the name resolution send them: a
    group shared with orgs one at a time, its runners, errors; the org's view."""
    slug = "acme-corp"
    fake.add_enterprise(slug, orgs=["acme-labs"])
    org_ids = [api.get_organization(client, login).id for login in ("acme", "acme-labs")]
    runners = {r.name: r.id for r in api.list_enterprise_runners(client, slug)}
    api.list_enterprise_runner_groups(client, slug)
    client.paginate(
        f"/enterprises/{slug}/actions/runner-groups",
        action="listing the enterprise groups acme may use",
        item_key="runner_groups",
        params={"visible_to_organization": "acme"},
    )
    body = {"name": "shared", "visibility": "selected", "selected_organization_ids": org_ids[:1]}
    created = api.create_enterprise_runner_group(client, slug, body).body.id
    api.update_enterprise_runner_group(client, slug, created, {"name": "shared", "allows_public_repositories": True})
    if fake.flavour.serves(NETWORK_CONFIGURATION):
        api.update_enterprise_runner_group(client, slug, created, {"name": "shared", "network_configuration_id": None})
    api.get_enterprise_runner_group_if_changed(client, slug, created, None)
    api.set_enterprise_group_organizations(client, slug, created, [])
    api.add_enterprise_group_organization(client, slug, created, org_ids[0])
    api.add_enterprise_group_organization(client, slug, created, org_ids[1])
    api.remove_enterprise_group_organization(client, slug, created, org_ids[1])
    api.list_enterprise_group_organizations_if_changed(client, slug, created, None)
    api.set_enterprise_group_runners(client, slug, created, [runners["ent-linux-1"]])
    api.add_enterprise_group_runner(client, slug, created, runners["ent-linux-2"])
    api.remove_enterprise_group_runner(client, slug, created, runners["ent-linux-1"])
    api.list_enterprise_group_runners_if_changed(client, slug, created, None)
    api.get_runner_group(client, "acme", created)  # the org's view: inherited
    # What the org may change on it: which of its repositories may use it.
    api.update_runner_group(client, "acme", created, {"name": "shared", "visibility": "selected"})
    repository = api.list_org_repositories(client, "acme")[0].id
    api.set_group_repositories(client, "acme", created, [repository])
    api.remove_group_repository(client, "acme", created, repository)
    api.add_group_repository(client, "acme", created, repository)
    api.list_group_repositories_if_changed(client, "acme", created, None)
    for failing in (
        lambda: api.create_enterprise_runner_group(client, slug, {"name": "shared"}),  # name taken
        lambda: api.delete_enterprise_runner_group(client, slug, 1),  # Default cannot be deleted
        lambda: api.set_enterprise_group_organizations(client, slug, created, [999999]),  # not a member org
        lambda: api.set_enterprise_group_runners(client, slug, created, [999999]),  # unknown runner
        lambda: api.get_enterprise_runner_group_if_changed(client, slug, 999999, None),  # no such group
        lambda: api.update_runner_group(client, "acme", created, {"name": "renamed"}),  # the enterprise's name
        lambda: api.delete_runner_group(client, "acme", created),  # the enterprise's group
    ):
        with pytest.raises(GitHubError):
            failing()
    api.delete_enterprise_runner_group(client, slug, created)


def exercise_surface(fake: FakeGitHub, client: GitHubClient) -> None:
    """Network configurations, the self-hosted-runner policy and custom images, where the flavour has them."""
    if fake.flavour.serves(NETWORK_CONFIGURATIONS):
        exercise_network_configurations(fake, client, "org", "acme")
        exercise_custom_images(fake, client, "org", "acme")
    if fake.flavour.serves(ENTERPRISE_CLOUD):
        exercise_network_configurations(fake, client, "enterprise", "acme-corp")
        exercise_custom_images(fake, client, "enterprise", "acme-corp")
        exercise_enterprise_hosted_runners(client, "acme-corp")
    if fake.flavour.serves(ACTIONS_POLICIES):
        exercise_self_hosted_policy(client, [r["id"] for r in fake.repositories("acme")])


def exercise_actions_policies(fake: FakeGitHub, client: GitHubClient) -> None:
    """What the exposure audit reads of the org's and its repositories' policies."""
    if fake.flavour.serves(ACTIONS_POLICIES):
        fake.set_self_hosted_runner_policy("acme", "selected", ["api"])
        api.get_self_hosted_runner_policy(client, "acme")
        api.list_self_hosted_repositories(client, "acme")
        api.get_fork_pr_approval_policy(client, "acme")
        api.get_fork_pr_approval_policy(client, "acme", "api")
        api.get_fork_pr_private_policy(client, "acme")
        api.get_fork_pr_private_policy(client, "acme", "data-pipeline")
    fake.add_repository_runner("acme", "api", "api-box", ephemeral=True)
    api.get_repository_actions_enabled(client, "acme", "api")
    api.list_repository_runners(client, "acme", "api")
    fake.add_workflow_file("acme", "api", "ci.yml", "on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n")
    assert api.list_workflow_files(client, "acme", "api") == [".github/workflows/ci.yml"]
    assert "runs-on" in api.get_file_text(client, "acme", "api", ".github/workflows/ci.yml")


def mint_installation_token(fake: FakeGitHub, key_pair: tuple[str, str]) -> None:
    private, public = key_pair
    fake.add_app("4242", public, 77, "acme")
    settings = ClientSettings(
        app=AppCredentials("4242", "77", private), base_url=fake.flavour.example_base_url, pacing=UNPACED
    )
    api.list_runner_groups(GitHubClient(settings, sleep=lambda _s: None), "acme")


def test_every_exchange_fits_githubs_openapi(session: Session, rsa_key_pair: tuple[str, str]) -> None:
    fake, rsps, client = session
    flavour = fake.flavour
    exercise_every_operation(fake, client)
    if flavour.serves(HOSTED_RUNNERS):
        exercise_hosted_runners(client)
    if flavour.serves(ENTERPRISE):
        exercise_enterprise(fake, client)
    exercise_surface(fake, client)  # from the org's default policy (all), before the audit's reads set another
    exercise_actions_policies(fake, client)
    mint_installation_token(fake, rsa_key_pair)
    operations = operations_of(flavour.name)
    problems: list[str] = []
    exercised: set[str] = set()
    for call in rsps.calls:
        request, response = call.request, call.response
        parts = urlsplit(request.url)
        assert parts.path.startswith(flavour.api_prefix + "/"), parts.path
        path = parts.path[len(flavour.api_prefix) :]
        key = operation_for(operations, request.method, path)
        if key is None:
            problems.append(f"{request.method} {path}: no such operation in the {flavour.name} description")
            continue
        exercised.add(key)
        spec = operations[key]
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
            schema = error_schema(flavour.name, "validation-error" if answer and "errors" in answer else "basic-error")
            problems += _errors(f"{key} -> {status} (error)", schema, answer)
        else:
            problems.append(f"{key}: status {status} is not documented (documented: {sorted(spec['responses'])})")
    unexercised = sorted(set(operations) - exercised)
    assert not unexercised, f"{flavour.name}: operations never exercised: {unexercised}"
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("flavour", list(FLAVOURS))
def test_every_emulator_route_is_a_documented_operation(flavour: str) -> None:
    """A route the emulator serves in a flavour whose description lacks it (or the reverse) fails here."""
    served = {f"{route.method} {route.template}" for route in routes_of(FLAVOURS[flavour])}
    assert served == set(SCHEMAS["flavours"][flavour]["operations"])


def test_the_extract_follows_the_pinned_version_and_every_flavour() -> None:
    assert SCHEMAS["source"].startswith(f"@octokit/openapi@{OPENAPI_VERSION} ")
    assert set(SCHEMAS["flavours"]) == set(FLAVOURS)
    for name, flavour in FLAVOURS.items():
        assert SCHEMAS["flavours"][name]["server"].endswith(flavour.api_prefix)


def test_ghes_documents_no_hosted_runners_nor_network_configuration() -> None:
    """What the GHES flavour leaves out, checked against the descriptions themselves."""
    for name in ("ghes-3.17", "ghes-3.18", "ghes-3.19"):
        operations = operations_of(name)
        assert not [key for key in operations if "/hosted-runners" in key or "/network-" in key]
        create = resolved(operations["POST /orgs/{org}/actions/runner-groups"]["request"])
        assert "network_configuration_id" not in create["properties"]
        # No additionalProperties: false, so GitHub ignores the field, and so does the emulator.
        assert create.get("additionalProperties", True) is not False


def test_the_self_hosted_runner_policy_is_documented_from_ghes_3_19_only() -> None:
    """The issue said GHES 3.17-3.19; the pinned descriptions have it in 3.19 alone (and the cloud flavours)."""
    policy = "GET /orgs/{org}/actions/permissions/self-hosted-runners"
    documented = {name for name in FLAVOURS if policy in operations_of(name)}
    assert documented == {"api.github.com", "ghec", "ghes-3.19"}
    assert "GET /enterprises/{enterprise}/network-configurations" in operations_of("ghec")
    assert "GET /enterprises/{enterprise}/network-configurations" not in operations_of("api.github.com")


def test_a_wrong_answer_is_caught() -> None:
    """The check itself must be able to fail: a group without its required fields does not validate."""
    schema = operations_of("api.github.com")["GET /orgs/{org}/actions/runner-groups/{runner_group_id}"]["responses"][
        "200"
    ]
    assert _errors("group", schema, {"id": 1, "name": "x"})
    assert _errors("group", schema, {"id": 1, "name": "x", "visibility": "all", "default": "no"})


def test_an_error_value_outside_githubs_schema_is_caught() -> None:
    """GitHub's `errors[].value` is a string, an integer or a list of strings: a list of integers is not."""
    error = {"resource": "RunnerGroup", "field": "runners", "code": "invalid"}
    body = {"message": "Validation Failed", "documentation_url": "https://docs.github.com/rest"}
    schema = error_schema("api.github.com", "validation-error")
    assert _errors("422", schema, {**body, "errors": [{**error, "value": [1, 2]}]})
    assert not _errors("422", schema, {**body, "errors": [{**error, "value": 1}]})


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
    # Large subschemas are stored once in the extract's `definitions`; the wrapper lets their $refs resolve.
    validator = jsonschema.Draft7Validator({"allOf": [schema], "definitions": DEFINITIONS})
    return [f"{where}: {error.json_path}: {error.message[:200]}" for error in validator.iter_errors(instance)]
