"""Extract, from GitHub's official OpenAPI descriptions, the schemas of the operations this library uses.

    .venv/bin/python scripts/extract_openapi.py [--from-dir DIR]

Downloads the npm package @octokit/openapi at the version the emulator follows (`OPENAPI_VERSION` in
github_runner_groups/testing/flavours.py, the one place it is pinned) with `npm pack`, no install, unless
--from-dir points at an unpacked copy (its package/ folder). For each flavour the emulator plays it reads
generated/{flavour}.deref.json ($refs already resolved) and writes tests/contract/schemas/
github-runner-groups.openapi.json: per operation, its parameters, request body schema and response schemas, with
prose (descriptions, summaries, examples) dropped and OpenAPI's `nullable` turned into JSON Schema so that
`jsonschema` can validate with it. An operation's schemas are stored once for all the flavours that agree on them
(`variants`), and each flavour lists the operations it documents. Only that extract is committed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from github_runner_groups.testing.flavours import FLAVOURS, OPENAPI_PACKAGE, OPENAPI_VERSION

SPEC = "generated/{flavour}.deref.json"
OUTPUT = Path(__file__).resolve().parents[1] / "tests" / "contract" / "schemas" / "github-runner-groups.openapi.json"
GROUP = "/orgs/{org}/actions/runner-groups"
HOSTED = "/orgs/{org}/actions/hosted-runners"
ENTERPRISE_GROUP = "/enterprises/{enterprise}/actions/runner-groups"
NETWORK = "/orgs/{org}/settings/network-configurations"
ENTERPRISE_NETWORK = "/enterprises/{enterprise}/network-configurations"
NC = "/{network_configuration_id}"
POLICY = "/orgs/{org}/actions/permissions/self-hosted-runners"
CUSTOM = "/actions/hosted-runners/images/custom"
ENTERPRISE_HOSTED = "/enterprises/{enterprise}/actions/hosted-runners"
HOSTED_OPERATIONS = (
    ("GET", ""),
    ("POST", ""),
    ("GET", "/{hosted_runner_id}"),
    ("PATCH", "/{hosted_runner_id}"),
    ("DELETE", "/{hosted_runner_id}"),
    ("GET", "/images/github-owned"),
    ("GET", "/images/partner"),
    ("GET", "/machine-sizes"),
    ("GET", "/platforms"),
    ("GET", "/limits"),
)
IMAGE_PATHS = (
    "",
    "/{image_definition_id}",
    "/{image_definition_id}/versions",
    "/{image_definition_id}/versions/{version}",
)
# Every operation the library or its emulator uses; a flavour gets those its description documents.
OPERATIONS = [
    ("GET", GROUP),
    ("POST", GROUP),
    ("GET", GROUP + "/{runner_group_id}"),
    ("PATCH", GROUP + "/{runner_group_id}"),
    ("DELETE", GROUP + "/{runner_group_id}"),
    ("GET", GROUP + "/{runner_group_id}/hosted-runners"),
    ("GET", GROUP + "/{runner_group_id}/repositories"),
    ("PUT", GROUP + "/{runner_group_id}/repositories"),
    ("PUT", GROUP + "/{runner_group_id}/repositories/{repository_id}"),
    ("DELETE", GROUP + "/{runner_group_id}/repositories/{repository_id}"),
    ("GET", GROUP + "/{runner_group_id}/runners"),
    ("PUT", GROUP + "/{runner_group_id}/runners"),
    ("PUT", GROUP + "/{runner_group_id}/runners/{runner_id}"),
    ("DELETE", GROUP + "/{runner_group_id}/runners/{runner_id}"),
    ("GET", "/orgs/{org}/actions/runners"),
    ("GET", "/orgs/{org}/actions/permissions"),
    ("GET", "/orgs/{org}/actions/permissions/repositories"),
    # The policies the exposure audit reads (api/actions_policy.py, testing/policy_handlers.py).
    ("GET", "/orgs/{org}/actions/permissions/self-hosted-runners"),
    ("GET", "/orgs/{org}/actions/permissions/self-hosted-runners/repositories"),
    ("GET", "/orgs/{org}/actions/permissions/fork-pr-contributor-approval"),
    ("GET", "/orgs/{org}/actions/permissions/fork-pr-workflows-private-repos"),
    ("GET", "/repos/{owner}/{repo}/actions/permissions"),
    ("GET", "/repos/{owner}/{repo}/actions/permissions/fork-pr-contributor-approval"),
    ("GET", "/repos/{owner}/{repo}/actions/permissions/fork-pr-workflows-private-repos"),
    ("GET", "/repos/{owner}/{repo}/actions/runners"),
    ("GET", "/repos/{owner}/{repo}/contents/{path}"),  # workflow files (audit --workflows)
    ("GET", "/orgs/{org}/repos"),
    ("GET", "/orgs/{org}"),
    ("POST", "/app/installations/{installation_id}/access_tokens"),
    ("GET", HOSTED),
    ("POST", HOSTED),
    ("GET", HOSTED + "/{hosted_runner_id}"),
    ("PATCH", HOSTED + "/{hosted_runner_id}"),
    ("DELETE", HOSTED + "/{hosted_runner_id}"),
    ("GET", HOSTED + "/images/github-owned"),
    ("GET", HOSTED + "/images/partner"),
    ("GET", HOSTED + "/machine-sizes"),
    ("GET", HOSTED + "/platforms"),
    ("GET", HOSTED + "/limits"),
    ("GET", ENTERPRISE_GROUP),
    ("POST", ENTERPRISE_GROUP),
    ("GET", ENTERPRISE_GROUP + "/{runner_group_id}"),
    ("PATCH", ENTERPRISE_GROUP + "/{runner_group_id}"),
    ("DELETE", ENTERPRISE_GROUP + "/{runner_group_id}"),
    ("GET", ENTERPRISE_GROUP + "/{runner_group_id}/organizations"),
    ("PUT", ENTERPRISE_GROUP + "/{runner_group_id}/organizations"),
    ("PUT", ENTERPRISE_GROUP + "/{runner_group_id}/organizations/{org_id}"),
    ("DELETE", ENTERPRISE_GROUP + "/{runner_group_id}/organizations/{org_id}"),
    ("GET", ENTERPRISE_GROUP + "/{runner_group_id}/runners"),
    ("PUT", ENTERPRISE_GROUP + "/{runner_group_id}/runners"),
    ("PUT", ENTERPRISE_GROUP + "/{runner_group_id}/runners/{runner_id}"),
    ("DELETE", ENTERPRISE_GROUP + "/{runner_group_id}/runners/{runner_id}"),
    ("GET", "/enterprises/{enterprise}/actions/runners"),
    # Hosted compute networking, the self-hosted-runner policy, custom images (resources/network_configuration.py,
    # resources/self_hosted_policy.py, api/custom_images.py)
    *((m, NETWORK + p) for m, p in (("GET", ""), ("POST", ""), ("GET", NC), ("PATCH", NC), ("DELETE", NC))),
    ("GET", "/orgs/{org}/settings/network-settings/{network_settings_id}"),
    *((m, ENTERPRISE_NETWORK + p) for m, p in (("GET", ""), ("POST", ""), ("GET", NC), ("PATCH", NC), ("DELETE", NC))),
    ("GET", "/enterprises/{enterprise}/network-settings/{network_settings_id}"),
    ("GET", POLICY),
    ("PUT", POLICY),
    ("GET", POLICY + "/repositories"),
    ("PUT", POLICY + "/repositories"),
    ("PUT", POLICY + "/repositories/{repository_id}"),
    ("DELETE", POLICY + "/repositories/{repository_id}"),
    *(("GET", owner + CUSTOM + path) for owner in ("/orgs/{org}", "/enterprises/{enterprise}") for path in IMAGE_PATHS),
    # An enterprise's own hosted runners and what it offers them (resources/hosted_runner.py, EnterpriseHostedRunner)
    *((method, ENTERPRISE_HOSTED + path) for method, path in HOSTED_OPERATIONS),
]
# The error bodies the emulator sends for statuses an operation does not list, taken from operations of the
# description that list them (the dereferenced description has no components section).
ERROR_SCHEMAS = {
    "basic-error": ("GET", "/orgs/{org}/actions/runners/{runner_id}/labels", "404"),
    "validation-error": ("POST", "/app/installations/{installation_id}/access_tokens", "422"),
}
SHARED_SIZE = 300  # characters of JSON from which a subschema is stored once under `definitions`
PROSE = {"description", "summary", "example", "examples", "externalDocs", "title", "x-github", "operationId", "tags"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--from-dir", type=Path, help="an unpacked @octokit/openapi package (its package/ folder)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = args.from_dir or _download(OPENAPI_VERSION, Path(tmp))
        specs = {name: json.loads((root / SPEC.format(flavour=name)).read_text()) for name in FLAVOURS}
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(json.dumps(extract(specs, OPENAPI_VERSION), indent=1, sort_keys=True) + "\n")
    print(f"wrote {OUTPUT} ({len(OPERATIONS)} operations, {len(specs)} flavours, {OPENAPI_PACKAGE}@{OPENAPI_VERSION})")


def _download(version: str, into: Path) -> Path:
    subprocess.run(
        ["npm", "pack", f"{OPENAPI_PACKAGE}@{version}", "--silent", "--pack-destination", str(into)],
        check=True,
        cwd=into,
    )
    archive = next(into.glob("*.tgz"))
    with tarfile.open(archive) as tar:
        members = [tar.getmember("package/" + SPEC.format(flavour=name)) for name in FLAVOURS]
        tar.extractall(into, members=members, filter="data")
    return into / "package"


def extract(specs: dict[str, dict[str, Any]], version: str) -> dict[str, Any]:
    """Per operation and per error shape, its distinct schemas with the flavours that document each."""
    operations: dict[str, list[dict[str, Any]]] = {}
    flavours: dict[str, dict[str, Any]] = {}
    errors: dict[str, list[dict[str, Any]]] = {}
    for name, spec in specs.items():
        documented = []
        for method, path in OPERATIONS:
            operation = spec["paths"].get(path, {}).get(method.lower())
            if operation is not None:
                documented.append(f"{method} {path}")
                _add_variant(operations.setdefault(f"{method} {path}", []), name, _operation(operation))
        flavours[name] = {"server": spec["servers"][0]["url"], "operations": documented}
        for error, (method, path, status) in ERROR_SCHEMAS.items():
            schema = spec["paths"][path][method.lower()]["responses"][status]["content"]["application/json"]["schema"]
            _add_variant(errors.setdefault(error, []), name, {"schema": _clean(schema)})
    missing = [f"{m} {p}" for m, p in OPERATIONS if f"{m} {p}" not in operations]
    if missing:
        raise SystemExit(f"not documented in any flavour of {OPENAPI_PACKAGE}@{version}: {missing}")
    source = f"{OPENAPI_PACKAGE}@{version} " + SPEC.format(flavour="{" + ",".join(specs) + "}")
    definitions: dict[str, Any] = {}
    extracted = {"source": source, "flavours": flavours, "operations": operations, "errors": errors}
    return {**_shared(extracted, definitions), "definitions": definitions}


def _shared(node: Any, definitions: dict[str, Any]) -> Any:
    """Store every large subschema once, under `definitions`, and point at it with a `$ref` (the flavours' copies
    of the big repository and installation shapes are mostly identical): the extract stays small."""
    if isinstance(node, list):
        return [_shared(item, definitions) for item in node]
    if not isinstance(node, dict):
        return node
    shared = {key: _shared(value, definitions) for key, value in node.items()}
    text = json.dumps(shared, sort_keys=True)
    if len(text) < SHARED_SIZE or "type" not in shared:
        return shared
    name = hashlib.sha256(text.encode()).hexdigest()[:12]
    definitions[name] = shared
    return {"$ref": f"#/definitions/{name}"}


def _operation(operation: dict[str, Any]) -> dict[str, Any]:
    body = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
    return {
        "parameters": [
            {"name": p["name"], "in": p["in"], "required": p.get("required", False), "schema": _clean(p["schema"])}
            for p in operation.get("parameters", [])
        ],
        "request": _clean(body) if body else None,
        "responses": {
            status: _clean(answer.get("content", {}).get("application/json", {}).get("schema"))
            for status, answer in operation["responses"].items()
        },
    }


def _add_variant(variants: list[dict[str, Any]], flavour: str, content: dict[str, Any]) -> None:
    """Store `content` for `flavour`, sharing the entry of a flavour that documents the same."""
    for variant in variants:
        if {k: v for k, v in variant.items() if k != "flavours"} == content:
            variant["flavours"].append(flavour)
            return
    variants.append({"flavours": [flavour], **content})


def _clean(schema: Any) -> Any:
    """Drop prose; `nullable: true` (OpenAPI 3.0) becomes JSON Schema's anyOf with null."""
    if isinstance(schema, list):
        return [_clean(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    cleaned = {
        key: (value if key in ("enum", "required", "default") else _clean(value))
        for key, value in schema.items()
        if key not in PROSE and key != "nullable"
    }
    if "properties" in schema:
        cleaned["properties"] = {name: _clean(value) for name, value in schema["properties"].items()}
    if schema.get("nullable"):
        return {"anyOf": [cleaned, {"type": "null"}]}
    return cleaned


if __name__ == "__main__":
    main()
