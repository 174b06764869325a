"""Extract, from GitHub's official OpenAPI description, the schemas of the operations this library uses.

    python scripts/extract_openapi.py [--version 23.0.2] [--from-dir DIR]

Downloads the npm package @octokit/openapi (with `npm pack`, no install) unless --from-dir points at an unpacked
copy, reads generated/api.github.com.deref.json ($refs already resolved) and writes
tests/contract/schemas/github-runner-groups.openapi.json: per operation, its parameters, request body schema and
response schemas, with prose (descriptions, summaries, examples) dropped and OpenAPI's `nullable` turned into
JSON Schema so that `jsonschema` can validate with it. Only that extract is committed.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Any

PACKAGE = "@octokit/openapi"
DEFAULT_VERSION = "23.0.2"
SPEC = "generated/api.github.com.deref.json"
OUTPUT = Path(__file__).resolve().parents[1] / "tests" / "contract" / "schemas" / "github-runner-groups.openapi.json"
GROUP = "/orgs/{org}/actions/runner-groups"
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
    ("GET", "/orgs/{org}/repos"),
    ("POST", "/app/installations/{installation_id}/access_tokens"),
]
# The error bodies the emulator sends for statuses an operation does not list, taken from operations of the
# description that list them (the dereferenced description has no components section).
ERROR_SCHEMAS = {
    "basic-error": ("GET", "/orgs/{org}/actions/runners/{runner_id}/labels", "404"),
    "validation-error": ("POST", "/app/installations/{installation_id}/access_tokens", "422"),
}
PROSE = {"description", "summary", "example", "examples", "externalDocs", "title", "x-github", "operationId", "tags"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--version", default=DEFAULT_VERSION)
    parser.add_argument("--from-dir", type=Path, help="an unpacked @octokit/openapi package (its package/ folder)")
    args = parser.parse_args()
    if args.from_dir:
        spec = json.loads((args.from_dir / SPEC).read_text())
    else:
        with tempfile.TemporaryDirectory() as tmp:
            spec = json.loads(_download(args.version, Path(tmp)).read_text())
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(json.dumps(extract(spec, args.version), indent=1, sort_keys=True) + "\n")
    print(f"wrote {OUTPUT} ({len(OPERATIONS)} operations from {PACKAGE}@{args.version})")


def _download(version: str, into: Path) -> Path:
    subprocess.run(
        ["npm", "pack", f"{PACKAGE}@{version}", "--silent", "--pack-destination", str(into)], check=True, cwd=into
    )
    archive = next(into.glob("*.tgz"))
    with tarfile.open(archive) as tar:
        member = tar.getmember(f"package/{SPEC}")
        tar.extractall(into, members=[member], filter="data")
    return into / "package" / SPEC


def extract(spec: dict[str, Any], version: str) -> dict[str, Any]:
    operations = {}
    for method, path in OPERATIONS:
        operation = spec["paths"][path][method.lower()]
        body = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
        operations[f"{method} {path}"] = {
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
    errors = {
        name: _clean(spec["paths"][path][method.lower()]["responses"][status]["content"]["application/json"]["schema"])
        for name, (method, path, status) in ERROR_SCHEMAS.items()
    }
    return {"source": f"{PACKAGE}@{version} {SPEC}", "operations": operations, "errors": errors}


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
