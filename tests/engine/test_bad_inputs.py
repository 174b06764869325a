"""Bad inputs and bad settings: each fails with the field (or setting), the value and the fix, before any write.

Input and settings errors are check failures, so `pulumi preview` reports them without calling GitHub at all;
names that do not exist can only be found with a listing, and fail in `up` before any write.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from github_runner_groups.resources.membership import RunnerGroupMembershipProvider
from github_runner_groups.resources.repository_access import RunnerGroupRepositoryAccessProvider
from github_runner_groups.resources.runner_group import RunnerGroupProvider
from github_runner_groups.testing import FakeGitHub
from harness import CheckFailed, Engine, HarnessError, Res

MakeEngine = Callable[..., Engine]
WRITES = ("POST", "PATCH", "PUT", "DELETE")
GOOD_WORKFLOW = "acme/deploy/.github/workflows/release.yml@main"


def group(**inputs: Any) -> Res:
    return Res("ci", RunnerGroupProvider(), {"name": "ci", **inputs})


def access(**inputs: Any) -> Res:
    return Res(
        "access", RunnerGroupRepositoryAccessProvider(), {"runner_group_id": 5, "repositories": ["api"], **inputs}
    )


def members(**inputs: Any) -> Res:
    return Res("members", RunnerGroupMembershipProvider(), {"runner_group_id": 5, "runners": ["linux-1"], **inputs})


INPUT_CASES = [
    # RunnerGroup
    ("name missing", Res("ci", RunnerGroupProvider(), {}), "name", "name is required"),
    ("name empty", group(name=""), "name", "must not be empty"),
    ("name blank", group(name="   "), "name", "must not be empty"),
    ("name padded", group(name=" ci "), "name", "use 'ci'"),
    ("name too long", group(name="n" * 65), "name", "use at most 64"),
    ("name not text", group(name=42), "name", "must be text of 1-64 characters, got 42"),
    ("visibility enum", group(visibility="public"), "visibility", "one of 'all', 'selected', 'private'"),
    ("visibility case", group(visibility="Selected"), "visibility", "got 'Selected'"),
    ("flag as text", group(allows_public_repositories="true"), "allows_public_repositories", "true or false"),
    ("flag as number", group(restricted_to_workflows=1), "restricted_to_workflows", "true or false"),
    ("adopt as text", group(adopt="yes"), "adopt", "true or false"),
    (
        "workflows not a list",
        group(restricted_to_workflows=True, selected_workflows=GOOD_WORKFLOW),
        "selected_workflows",
        "must be a list",
    ),
    (
        "workflow without ref",
        group(restricted_to_workflows=True, selected_workflows=["acme/deploy/.github/workflows/release.yml"]),
        "selected_workflows[0]",
        "@REF",
    ),
    (
        "workflow outside .github",
        group(restricted_to_workflows=True, selected_workflows=["acme/deploy/workflows/release.yml@main"]),
        "selected_workflows[0]",
        "OWNER/REPO",
    ),
    (
        "workflow not yaml",
        group(restricted_to_workflows=True, selected_workflows=["acme/deploy/.github/workflows/release.json@main"]),
        "selected_workflows[0]",
        "FILE.yml",
    ),
    (
        "workflow repeated",
        group(restricted_to_workflows=True, selected_workflows=[GOOD_WORKFLOW, GOOD_WORKFLOW]),
        "selected_workflows[1]",
        "list each workflow once",
    ),
    (
        "workflows unrestricted",
        group(selected_workflows=[GOOD_WORKFLOW]),
        "selected_workflows",
        "set restricted_to_workflows=True",
    ),
    ("network id not text", group(network_configuration_id=7), "network_configuration_id", "got 7"),
    ("unknown input", group(visiblity="all"), "visiblity", "valid inputs are"),
    ("org malformed", group(org="acme corp"), "org", "organization login"),
    # RunnerGroupRepositoryAccess / RunnerGroupMembership
    (
        "group id missing",
        Res("a", RunnerGroupRepositoryAccessProvider(), {"repositories": []}),
        "runner_group_id",
        "runner_group_id=group.id",
    ),
    ("group id text", access(runner_group_id="build"), "runner_group_id", "got 'build'"),
    ("repositories not a list", access(repositories="api"), "repositories", "must be a list"),
    ("repository empty name", access(repositories=["api", ""]), "repositories[1]", "non-empty"),
    ("repository listed twice", access(repositories=["api", "acme/API"]), "repositories[1]", "twice"),
    ("repository of another org", access(repositories=["octo/api"]), "repositories[0]", "a repository of 'octo'"),
    ("exclusive as text", access(exclusive="false"), "exclusive", "true or false"),
    ("runners missing", Res("m", RunnerGroupMembershipProvider(), {"runner_group_id": 5}), "runners", "is required"),
    ("runner id negative", members(runners=[-1]), "runners[0]", "got -1"),
    ("runner as boolean", members(runners=[True]), "runners[0]", "got True"),
]


@pytest.mark.parametrize(("case", "resource", "field", "fragment"), INPUT_CASES, ids=[c[0] for c in INPUT_CASES])
def test_bad_input_fails_preview_naming_the_field(
    engine: MakeEngine, fake: FakeGitHub, case: str, resource: Res, field: str, fragment: str
) -> None:
    with pytest.raises(CheckFailed) as failed:
        engine(process_per_run=False).preview([resource])
    reasons = dict(failed.value.failures)
    assert field in reasons, reasons
    assert fragment in reasons[field]
    assert fake.count() == 0


def _pem_file(tmp_path: Path) -> str:
    path = tmp_path / "app.pem"
    path.write_text("-----BEGIN RSA PRIVATE KEY-----\nnot a key\n-----END RSA PRIVATE KEY-----\n")
    return str(path)


SETTINGS_CASES: list[tuple[str, Callable[[Path], dict[str, Any]], str]] = [
    ("no token", lambda _: {"github:token": None}, "No GitHub credentials"),
    ("token with newline", lambda _: {"github:token": "ghp_abc\n"}, "trailing newline"),
    ("base URL without its scheme", lambda _: {"github:baseUrl": "api.github.com"}, "expected https://api.github.com"),
    ("http to a remote host", lambda _: {"github:baseUrl": "http://ghe.example.com/api/v3"}, "unencrypted"),
    ("credentials in base URL", lambda _: {"github:baseUrl": "https://me:pw@ghe.example.com"}, "do not belong"),
    ("no owner", lambda _: {"github:owner": None}, "no organization given"),
    (
        "bad App key",
        lambda tmp: {
            "github:token": None,
            "github:appAuth": {"id": "1", "installationId": "2", "pemFile": _pem_file(tmp)},
        },
        "does not load as an unencrypted RSA private key",
    ),
    (
        "App installation id",
        lambda tmp: {
            "github:token": None,
            "github:appAuth": {"id": "1", "installationId": "two", "pemFile": _pem_file(tmp)},
        },
        "installation id",
    ),
    (
        "App settings incomplete",
        lambda _: {"github:token": None, "github:appAuth": {"id": "1"}},
        "missing installationId, pemFile",
    ),
    ("CA bundle missing", lambda _: {"github-runner-groups:caBundle": "/nonexistent/ca.pem"}, "does not exist"),
]


@pytest.mark.parametrize(("case", "config", "fragment"), SETTINGS_CASES, ids=[c[0] for c in SETTINGS_CASES])
def test_bad_settings_fail_preview_without_echoing_secrets(
    engine: MakeEngine,
    fake: FakeGitHub,
    tmp_path: Path,
    case: str,
    config: Callable[[Path], dict[str, Any]],
    fragment: str,
) -> None:
    stack = engine(config(tmp_path), process_per_run=False)
    with pytest.raises(HarnessError) as failed:
        stack.preview([group()])
    assert fragment in str(failed.value)
    assert "pw@" not in str(failed.value) and "ghp_abc" not in str(failed.value)
    assert fake.count() == 0


@pytest.mark.parametrize(
    ("resource", "fragment"),
    [
        (lambda gid: access(runner_group_id=gid, repositories=["api", "mobil"]), "'mobil' (did you mean 'mobile'?)"),
        (lambda gid: members(runner_group_id=gid, runners=["windows-3"]), "'windows-3' (did you mean"),
    ],
    ids=["unknown repository", "unknown runner"],
)
def test_unknown_names_fail_before_any_write(
    engine: MakeEngine, fake: FakeGitHub, resource: Callable[[int], Res], fragment: str
) -> None:
    build = next(g["id"] for g in fake.groups("acme") if g["name"] == "build-linux")
    with pytest.raises(HarnessError) as failed:
        engine().up([resource(build)])
    assert fragment in failed.value.message
    assert sum(fake.count(method=m) for m in WRITES) == 0
