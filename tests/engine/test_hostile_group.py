"""Hostile RunnerGroup cases through the engine: each is refused before any write, naming field, value and fix.

Input cases fail in check (so `pulumi preview` shows them too); ownership cases need the org's listing and fail
in create, before the POST or PATCH. Every row checks that the org is exactly as it was and that no secret is
in the message.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from github_runner_groups.resources.repository_access import RunnerGroupRepositoryAccessProvider
from github_runner_groups.resources.runner_group import RunnerGroupProvider
from github_runner_groups.testing import DEMO_TOKEN, FakeGitHub, FaultRule
from harness import Engine, HarnessError, Res
from hostile_check import HostileCheck

MakeEngine = Callable[..., Engine]
WORKFLOW = "acme/deploy/.github/workflows/release.yml@main"


def group(name: Any = "ci", resource: str = "ci", **inputs: Any) -> Res:
    return Res(resource, RunnerGroupProvider(), {"name": name, **inputs})


def access(runner_group_id: Any) -> Res:
    return Res(
        "access", RunnerGroupRepositoryAccessProvider(), {"runner_group_id": runner_group_id, "repositories": []}
    )


def restricted(*workflows: str) -> Res:
    return group(restricted_to_workflows=True, selected_workflows=list(workflows))


def error_line(failure: HarnessError) -> str:
    """The provider's error as its last line says it, without the class name (the SDK sends the traceback)."""
    lines = [line for line in failure.message.strip().splitlines() if line.strip()]
    return re.sub(r"^[\w.]+: ", "", lines[-1]) if lines else ""


@dataclass(frozen=True)
class Case:
    area: str
    name: str
    program: Res
    fragments: tuple[str, ...]  # the field, the value and the fix, as the message must name them
    config: dict[str, Any] = field(default_factory=dict)


INPUT_CASES = [
    Case("names", "NUL inside", group("c\x00i"), ("name", "U+0000", "use visible characters only")),
    Case("names", "newline inside", group("c\ni"), ("name", "U+000A", "visible characters")),
    Case("names", "final newline", group("ci\n"), ("name", "'ci\\n'", "U+000A")),
    Case("names", "zero-width space", group("ci\u200b"), ("name", "U+200B", "visible characters")),
    Case("names", "right-to-left override", group("\u202eic"), ("name", "U+202E", "visible characters")),
    Case("names", "byte order mark", group("\ufeffci"), ("name", "U+FEFF", "visible characters")),
    Case("names", "tab padded", group("ci\t"), ("name", "U+0009", "visible characters")),
    Case("names", "no-break space padded", group("\u00a0ci"), ("name", "leading or trailing", "use 'ci'")),
    Case("names", "10,000 characters", group("n" * 10_000), ("name", "10000 characters long", "at most 64")),
    Case("orgs", "final newline", group(org="acme\n"), ("org", "'acme\\n'", "organization login")),
    Case("orgs", "path traversal", group(org="acme/../evil"), ("org", "'acme/../evil'", "single hyphens")),
    Case("orgs", "query injection", group(org="acme?per_page=1"), ("org", "'acme?per_page=1'", "letters, digits")),
    Case("orgs", "40 characters", group(org="a" * 40), ("org", "'" + "a" * 40, "at most 39")),
    Case("orgs", "double hyphen", group(org="ac--me"), ("org", "'ac--me'", "single hyphens")),
    Case("orgs", "not text", group(org=5), ("org", "got 5", "organization login")),
    Case("workflows", "final newline", restricted(WORKFLOW + "\n"), ("selected_workflows[0]", "\\n", "OWNER/REPO")),
    Case("workflows", "two refs", restricted(WORKFLOW + "@evil"), ("selected_workflows[0]", "@evil", "@REF")),
    Case(
        "workflows",
        "path traversal",
        restricted("acme/deploy/.github/workflows/../../x.yml@main"),
        ("selected_workflows[0]", "../../x.yml", "OWNER/REPO"),
    ),
    Case("workflows", "NUL in the ref", restricted(WORKFLOW + "\x00"), ("selected_workflows[0]", "\\x00", "@REF")),
    Case(
        "workflows",
        "listed while unrestricted",
        group(selected_workflows=[WORKFLOW]),
        ("selected_workflows", "restricted_to_workflows is false", "set restricted_to_workflows=True"),
    ),
    Case("visibility", "upper case", group(visibility="ALL"), ("visibility", "got 'ALL'", "one of 'all'")),
    Case("visibility", "padded", group(visibility="all "), ("visibility", "got 'all '", "one of 'all'")),
    Case("visibility", "a list", group(visibility=["all"]), ("visibility", "got ['all']", "one of 'all'")),
    Case("ids", "superscript two", access("\u00b2"), ("runner_group_id", "'²'", "ASCII digits", "group.id")),
    Case("ids", "Arabic-Indic digit", access("\u0663"), ("runner_group_id", "'٣'", "ASCII digits")),
    Case("ids", "above 2**53", access(2**53 + 2), ("runner_group_id", str(2**53 + 2), "2**53")),
    Case("ids", "exponent text", access("1e3"), ("runner_group_id", "'1e3'", "whole number")),
    Case("ids", "fraction", access(7.5), ("runner_group_id", "7.5", "whole number")),
    Case(
        "network",
        "newline in the id",
        group(network_configuration_id="nc-1\n"),
        ("network_configuration_id", "'nc-1\\n'", "hosted compute network configuration"),
    ),
    Case(
        "network",
        "set on GHES",
        group(network_configuration_id="nc-1"),
        ("network_configuration_id", "'nc-1'", "GitHub Enterprise Server", "remove it"),
        {"github:baseUrl": "https://ghe.example.com/api/v3"},
    ),
    Case("flags", "adopt as text", group(adopt="true"), ("adopt", "got 'true'", "true or false")),
]


@pytest.mark.parametrize("case", INPUT_CASES, ids=[f"{c.area}: {c.name}" for c in INPUT_CASES])
def test_hostile_input_is_refused(engine: MakeEngine, hostile: HostileCheck, case: Case) -> None:
    with pytest.raises(HarnessError) as failed:
        engine(case.config, process_per_run=False).up([case.program])
    assert failed.value.step == "check"
    assert len(failed.value.message) < 1000  # a huge value never floods the message
    hostile.refused(case.area, case.name, failed.value.message, *case.fragments)


def settled(fake: FakeGitHub, request: pytest.FixtureRequest) -> HostileCheck:
    """The `hostile` check, taken after a case's set-up: the set-up's writes are not the case's, and the org as
    it now is must stay so."""
    fake.reset_log()
    checker: HostileCheck = request.getfixturevalue("hostile")
    return checker


def default_name(fake: FakeGitHub) -> str:
    return str(next(g["name"] for g in fake.groups("acme") if g.get("default")))


# Each: set-up on the org (or a first stack), then the program that must be refused, and the fragments.
OwnershipCase = tuple[str, Callable[[FakeGitHub, MakeEngine], list[Res]], tuple[str, ...]]


def _someone_elses(fake: FakeGitHub, _: MakeEngine) -> list[Res]:
    fake.add_group("acme", "ci", visibility="private")
    return [group("ci")]


def _case_only(fake: FakeGitHub, _: MakeEngine) -> list[Res]:
    fake.add_group("acme", "CI")
    return [group("ci")]


def _lost_post(fake: FakeGitHub, _: MakeEngine) -> list[Res]:
    fake.add_group("acme", "ci", visibility="private")
    fake.add_fault(FaultRule(method="POST", status=502))
    return [group("ci")]


def _other_stack(_: FakeGitHub, engine: MakeEngine) -> list[Res]:
    engine().up([group("ci", visibility="private")])
    return [group("ci")]


def _inherited(fake: FakeGitHub, _: MakeEngine) -> list[Res]:
    fake.add_group("acme", "enterprise-gpu", inherited=True)
    return [group("enterprise-gpu", adopt=True)]


def _default_other_case(fake: FakeGitHub, _: MakeEngine) -> list[Res]:
    return [group(default_name(fake).lower(), adopt=True)]


def _read_only_workflows(fake: FakeGitHub, _: MakeEngine) -> list[Res]:
    fake.add_group("acme", "locked", workflow_restrictions_read_only=True)
    return [group("locked", adopt=True, restricted_to_workflows=True, selected_workflows=[WORKFLOW])]


def _workflows_github_would_ignore(fake: FakeGitHub, _: MakeEngine) -> list[Res]:
    fake.add_group("acme", "legacy")  # not restricted to workflows
    return [group("legacy", adopt=True, selected_workflows=[WORKFLOW])]


def _two_adopters(_: FakeGitHub, __: MakeEngine) -> list[Res]:
    return [group("build-linux", resource="one", adopt=True), group("build-linux", resource="two", adopt=True)]


OWNERSHIP_CASES: list[OwnershipCase] = [
    ("someone else's name", _someone_elses, ("'ci' already exists", "adopt=True", "choose another name")),
    ("same name, other case", _case_only, ("'CI' already exists", "adopt=True")),
    ("lost POST, name taken", _lost_post, ("'ci' already exists", "adopt=True")),
    ("another stack's group", _other_stack, ("'ci' already exists", "does not own it", "adopt=True")),
    ("adopt an inherited group", _inherited, ("'enterprise-gpu'", "inherited from the enterprise", "remove adopt")),
    ("adopt Default in lower case", _default_other_case, ("renaming the Default runner group", "keep name=")),
    ("adopt read-only workflows", _read_only_workflows, ("'locked'", "read-only", "restricted_to_workflows")),
    (
        "adopt: workflows GitHub ignores",
        _workflows_github_would_ignore,
        ("adopting runner group 'legacy'", "restricted_to_workflows is false", "set restricted_to_workflows=True"),
    ),
    ("two resources adopt one group", _two_adopters, ("'build-linux'", "another resource of this program", "keep one")),
]


@pytest.mark.parametrize(("case", "setup", "fragments"), OWNERSHIP_CASES, ids=[c[0] for c in OWNERSHIP_CASES])
def test_a_group_the_stack_does_not_own_is_never_touched(
    engine: MakeEngine,
    fake: FakeGitHub,
    request: pytest.FixtureRequest,
    case: str,
    setup: Callable[[FakeGitHub, MakeEngine], list[Res]],
    fragments: tuple[str, ...],
) -> None:
    program = setup(fake, engine)
    hostile = settled(fake, request)
    stack = engine()
    with pytest.raises(HarnessError) as failed:
        stack.up(program)
    assert failed.value.step == "create"
    assert len(stack.state) == len(program) - 1  # the refused resource is not in the state: nothing to destroy
    hostile.refused("ownership", case, error_line(failed.value), *fragments, outputs=(failed.value.message,))


def test_renaming_an_adopted_default_group_is_refused(
    engine: MakeEngine, fake: FakeGitHub, request: pytest.FixtureRequest
) -> None:
    stack = engine()
    stack.up([group(default_name(fake), resource="default", adopt=True)])
    hostile = settled(fake, request)
    with pytest.raises(HarnessError) as failed:
        stack.up([group("everyone", resource="default", adopt=True)])
    assert failed.value.step == "update"
    hostile.refused(
        "ownership",
        "rename adopted Default",
        error_line(failed.value),
        "'everyone'",
        "keep name=",
        outputs=(failed.value.message,),
    )


def test_destroying_an_adopted_default_group_is_refused(
    engine: MakeEngine, fake: FakeGitHub, request: pytest.FixtureRequest
) -> None:
    stack = engine()
    stack.up([group(default_name(fake), resource="default", adopt=True)])
    hostile = settled(fake, request)
    with pytest.raises(HarnessError) as failed:
        stack.destroy()
    hostile.refused(
        "ownership",
        "destroy adopted Default",
        error_line(failed.value),
        "Default group",
        "state delete",
        outputs=(failed.value.message,),
    )


def _deleted_under_us(fake: FakeGitHub, gid: int) -> Res:
    fake.delete_group("acme", gid)
    return group("ci", visibility="private")


def _renamed_and_name_reused(fake: FakeGitHub, gid: int) -> Res:
    fake.update_group("acme", gid, name="ci-old")
    fake.add_group("acme", "ci")
    return group("ci", visibility="private")


def _renamed_onto_another(fake: FakeGitHub, _: int) -> Res:
    fake.add_group("acme", "prod")
    return group("prod")


# Each: what happens to the stack's group "ci" out of band, and the program of the next `up`.
UPDATE_CASES: list[tuple[str, Callable[[FakeGitHub, int], Res], tuple[str, ...]]] = [
    ("group deleted under us", _deleted_under_us, ("updating runner group", "404", "pulumi refresh")),
    ("renamed, old name reused", _renamed_and_name_reused, ("409", "'ci' is held by another", "another name")),
    ("rename onto another's group", _renamed_onto_another, ("409", "'prod' is held by another", "another name")),
]


@pytest.mark.parametrize(("case", "change", "fragments"), UPDATE_CASES, ids=[c[0] for c in UPDATE_CASES])
def test_an_update_that_github_refuses_changes_nothing_and_says_why(
    engine: MakeEngine,
    fake: FakeGitHub,
    request: pytest.FixtureRequest,
    case: str,
    change: Callable[[FakeGitHub, int], Res],
    fragments: tuple[str, ...],
) -> None:
    stack = engine()
    stack.up([group("ci")])
    program = change(fake, int(stack.get("ci").id))
    hostile = settled(fake, request)
    with pytest.raises(HarnessError) as failed:
        stack.up([program])
    assert failed.value.step == "update"
    assert DEMO_TOKEN not in failed.value.message  # the whole traceback too
    hostile.contained("ownership", case, error_line(failed.value), *fragments)
