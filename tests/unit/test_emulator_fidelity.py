"""docs/emulator-fidelity.md: every belief the emulator encodes beyond GitHub's OpenAPI description names where
GitHub states it (or says it is assumed) and an existing test that checks it. Plus the few beliefs that no other
test file checked."""

from __future__ import annotations

import ast
import json
import re
from functools import cache
from pathlib import Path

import pytest
from github_runner_groups.testing import DEMO_TOKEN, FakeGitHub, FakeResponse

ROOT = Path(__file__).resolve().parents[2]
FIDELITY = ROOT / "docs" / "emulator-fidelity.md"
_NODE = re.compile(r"`(tests/[\w/.-]+\.py)::([\w:]+)(\[[^\]`]*\])?`")
_SOURCE = re.compile(r"https://\S+|\w[\w.-]*\.json paths\.\S+|undocumented: assumed")


def _row_cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def fidelity_rows() -> list[tuple[str, int, list[str]]]:
    """(file, line number, [belief, source, test]) of every row of every belief table."""
    rows = []
    in_table = False
    for number, line in enumerate(FIDELITY.read_text(encoding="utf-8").splitlines(), 1):
        if not line.startswith("|"):
            in_table = False
            continue
        cells = _row_cells(line)
        if [c.lower() for c in cells] == ["belief", "source", "test"]:
            in_table = True
        elif in_table and not set("".join(cells)) <= set("-: "):
            rows.append((str(FIDELITY.relative_to(ROOT)), number, cells))
    return rows


@cache
def _defined(test_file: str) -> frozenset[str]:
    """The test functions of a file, as pytest node-id suffixes (`name`, `Class::name`)."""
    tree = ast.parse((ROOT / test_file).read_text(encoding="utf-8"))
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("test"):
            names.add(node.name)
        elif isinstance(node, ast.ClassDef):
            names |= {f"{node.name}::{item.name}" for item in node.body if isinstance(item, ast.FunctionDef)}
    return frozenset(names)


def test_the_fidelity_file_has_a_table_of_beliefs() -> None:
    assert len([row for row in fidelity_rows() if row[0] == "docs/emulator-fidelity.md"]) >= 45


@pytest.mark.parametrize(("where", "line", "cells"), fidelity_rows(), ids=lambda v: str(v)[:40])
def test_every_row_names_its_source_and_an_existing_test(where: str, line: int, cells: list[str]) -> None:
    assert len(cells) == 3, f"{where}:{line}: a row has three cells (belief | source | test), not {len(cells)}"
    belief, source, tests = cells
    assert belief, f"{where}:{line}: the belief is empty"
    assert _SOURCE.search(source), (
        f"{where}:{line}: the source must be a URL, a description path or 'undocumented: assumed'"
    )
    nodes = _NODE.findall(tests)
    assert nodes, f"{where}:{line}: name the test as `tests/...py::test_name`"
    for test_file, name, _params in nodes:
        assert (ROOT / test_file).is_file(), f"{where}:{line}: {test_file} does not exist"
        assert name in _defined(test_file), f"{where}:{line}: {test_file} has no test {name}"


def test_the_assumed_answers_are_listed_in_the_fidelity_file() -> None:
    """Every 'undocumented: assumed' row is also listed, with the answer assumed, under its heading."""
    text = FIDELITY.read_text(encoding="utf-8")
    assert "## What is assumed" in text
    assumed = [cells[0] for where, _, cells in fidelity_rows() if "undocumented: assumed" in cells[1]]
    assert assumed, "no assumed belief at all is unlikely: check the parser"


# Beliefs that no other test checked


def _call(fake: FakeGitHub, method: str, path: str, body: object = None, **headers: str) -> FakeResponse:
    answer = fake.handle(
        method,
        path,
        "",
        {"Authorization": f"Bearer {DEMO_TOKEN}", **headers},
        json.dumps(body).encode() if body is not None else None,
    )
    assert isinstance(answer, FakeResponse)
    return answer


def test_org_hosted_runner_endpoints_accept_manage_runners_org_or_admin_org() -> None:
    fake = FakeGitHub(tokens={"ghp_runners": ("manage_runners:org",), "ghp_repo": ("repo",)})
    fake.add_org("acme")
    runners_only = fake.handle(
        "GET", "/orgs/acme/actions/hosted-runners", "", {"Authorization": "Bearer ghp_runners"}, None
    )
    repo_only = fake.handle("GET", "/orgs/acme/actions/hosted-runners", "", {"Authorization": "Bearer ghp_repo"}, None)
    assert isinstance(runners_only, FakeResponse) and isinstance(repo_only, FakeResponse)
    assert runners_only.status == 200
    assert (repo_only.status, repo_only.headers["x-accepted-oauth-scopes"]) == (403, "manage_runners:org, admin:org")
    assert _call(FakeGitHub.seeded(), "GET", "/orgs/acme/actions/hosted-runners").status == 200  # admin:org


def test_a_bad_token_gets_401_even_on_an_unknown_route() -> None:
    fake = FakeGitHub.seeded()
    answer = fake.handle("GET", "/orgs/acme/nothing-here", "", {"Authorization": "Bearer nope"}, None)
    assert isinstance(answer, FakeResponse) and answer.status == 401
    assert _call(fake, "GET", "/orgs/acme/nothing-here").status == 404
    assert _call(fake, "GET", "/orgs/acme/actions/runner-groups/abc").status == 404  # ids are digits


def test_an_api_version_the_emulator_does_not_serve_is_a_400() -> None:
    fake = FakeGitHub.seeded()
    groups = "/orgs/acme/actions/runner-groups"
    refused = _call(fake, "GET", groups, **{"X-GitHub-Api-Version": "2020-01-01"})
    body = json.loads(refused.body)
    assert (refused.status, body["status"]) == (400, "400")
    assert "X-GitHub-Api-Version" in body["message"] and "2022-11-28" in body["message"]
    assert body["documentation_url"].endswith("/api-versions")
    assert _call(fake, "GET", groups, **{"X-GitHub-Api-Version": "2022-11-28"}).status == 200
    assert _call(fake, "GET", groups).status == 200  # no header: 2022-11-28


def test_selected_workflows_must_be_pinned_and_a_blank_name_is_missing() -> None:
    fake = FakeGitHub.seeded()
    groups = "/orgs/acme/actions/runner-groups"
    unpinned = {
        "name": "ci",
        "restricted_to_workflows": True,
        "selected_workflows": ["acme/api/.github/workflows/x.yml"],
    }
    refused = _call(fake, "POST", groups, unpinned)
    assert refused.status == 422 and "/selected_workflows" in json.loads(refused.body)["message"]
    blank = _call(fake, "POST", groups, {"name": "  "})
    assert (blank.status, json.loads(blank.body)["errors"][0]["code"]) == (422, "missing_field")
    pinned = {**unpinned, "selected_workflows": ["acme/api/.github/workflows/x.yml@refs/heads/main"]}
    assert _call(fake, "POST", groups, pinned).status == 201
