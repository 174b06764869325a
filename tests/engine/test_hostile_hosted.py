"""Hostile HostedRunner cases through the engine: each is refused before any write, naming field, value and fix.

Input cases fail in check (so `pulumi preview` shows them too); what the org offers (sizes, images, static IPs),
which names its hosted runners hold and which groups exist is read at the first create or update, and a case
against them fails there, before the POST or PATCH. Every row checks that nothing was written, that the org is
as it was and that no secret is in the message.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from github_runner_groups.client import reset_clients
from github_runner_groups.errors import GitHubRunnerGroupsError
from github_runner_groups.resources.hosted_runner import HostedRunnerProvider
from github_runner_groups.settings import resolve_settings
from github_runner_groups.testing import DEMO_TOKEN, EmulatorServer, FakeGitHub
from harness import Engine, HarnessError, Res
from hostile_check import HostileCheck
from test_hostile_group import Case, error_line, settled

MakeEngine = Callable[..., Engine]
DEFAULT_GROUP = 1


@pytest.fixture
def fake(request: pytest.FixtureRequest) -> FakeGitHub:
    """The demo org, as github.com serves it unless a test asks for another flavour (indirect parameter)."""
    return FakeGitHub.seeded("demo", flavour=getattr(request, "param", "api.github.com"))


def runner(resource: str = "hosted", **inputs: Any) -> Res:
    given = {"name": "linux-4core", "runner_group_id": DEFAULT_GROUP, "image_id": "ubuntu-24.04", "size": "4-core"}
    return Res(resource, HostedRunnerProvider(), {**given, **inputs})


def without(name: str) -> Res:
    res = runner()
    del res.inputs[name]
    return res


INPUT_CASES = [
    Case("hosted names", "space inside", runner(name="linux 4core"), ("name", "'linux 4core'", "letters, digits")),
    Case("hosted names", "NUL inside", runner(name="linux\x004"), ("name", "U+0000", "'.', '-' and '_'")),
    Case("hosted names", "65 characters", runner(name="r" * 65), ("name", "65 characters long", "at most 64")),
    Case("hosted names", "accented letter", runner(name="linüx"), ("name", "'linüx'", "letters, digits")),
    Case("hosted names", "path traversal", runner(name="../prod"), ("name", "'../prod'", "'.', '-' and '_'")),
    Case("hosted names", "a number", runner(name=42), ("name", "got 42", "quote it")),
    Case("hosted names", "missing", without("name"), ("name is required", "1-64 characters")),
    Case("images", "newline in the id", runner(image_id="ubuntu-24.04\n"), ("image_id", "\\n", "visible text")),
    Case("images", "source in capitals", runner(image_source="GitHub"), ("image_source", "'GitHub'", "'partner'")),
    Case("images", "blank version", runner(image_version=" "), ("image_version", "' '", "'latest'")),
    Case("sizes", "empty", runner(size=""), ("size", "got ''", "get_hosted_runner_sizes()")),
    Case("sizes", "missing", without("size"), ("size is required", "'4-core'")),
    Case("concurrency", "zero", runner(maximum_runners=0), ("maximum_runners", "got 0", "1 to 1000")),
    Case("concurrency", "above the cap", runner(maximum_runners=1001), ("maximum_runners", "1001", "1 to 1000")),
    Case("concurrency", "true", runner(maximum_runners=True), ("maximum_runners", "got True", "whole number")),
    Case("concurrency", "as text", runner(maximum_runners="10"), ("maximum_runners", "got '10'", "whole number")),
    Case("static IPs", "as text", runner(enable_static_ip="yes"), ("enable_static_ip", "got 'yes'", "true or false")),
    Case("groups", "superscript two", runner(runner_group_id="\u00b2"), ("runner_group_id", "'²'", "group.id")),
    Case("groups", "missing", without("runner_group_id"), ("runner_group_id is required", "group.id")),
    Case("inputs", "unknown key", runner(labels=["gpu"]), ("unknown input 'labels'", "valid inputs are")),
    Case(
        "GHES",
        "GHES base URL",
        runner(),
        ("GitHub Enterprise Server (github:baseUrl https://ghe.example.com/api/v3)", "no GitHub-hosted runners"),
        {"github:baseUrl": "https://ghe.example.com/api/v3"},
    ),
]


@pytest.mark.parametrize("case", INPUT_CASES, ids=[f"{c.area}: {c.name}" for c in INPUT_CASES])
def test_hostile_input_is_refused_at_check(engine: MakeEngine, hostile: HostileCheck, case: Case) -> None:
    with pytest.raises(HarnessError) as failed:
        engine(case.config, process_per_run=False).up([case.program])
    assert failed.value.step == "check"
    assert len(failed.value.message) < 1000  # a huge value never floods the message
    hostile.refused(case.area, case.name, failed.value.message, *case.fragments)


def _at_ip_limit(fake: FakeGitHub) -> Res:
    fake.set_hosted_catalog("acme", public_ip_limit=1)
    fake.add_hosted_runner("acme", DEFAULT_GROUP, "theirs", public_ip=True)
    return runner(enable_static_ip=True)


def _name_held(fake: FakeGitHub) -> Res:
    fake.add_hosted_runner("acme", DEFAULT_GROUP, "Linux-4Core")
    return runner()


def _two_adopters(fake: FakeGitHub) -> list[Res]:
    """Both match the runner as it is, so whichever goes first writes nothing: the second must be refused."""
    fake.add_hosted_runner("acme", DEFAULT_GROUP, "theirs", image="ubuntu-24.04")
    return [runner(name="theirs", adopt=True), runner("hosted-two", name="theirs", adopt=True)]


# Each: set-up on the org, then the program that must be refused at create, and the fragments.
CREATE_CASES: list[tuple[str, str, Callable[[FakeGitHub], Res | list[Res]], tuple[str, ...]]] = [
    ("sizes", "not offered", lambda _: runner(size="4-cores"), ("size='4-cores'", "closest are '4-core'")),
    ("sizes", "GPU size not offered", lambda _: runner(size="gpu-4"), ("size='gpu-4'", "All it offers: '2-core'")),
    ("images", "typo in the id", lambda _: runner(image_id="ubuntu-24.4"), ("'ubuntu-24.4'", "'ubuntu-24.04'")),
    (
        "images",
        "github image as partner",
        lambda _: runner(image_source="partner"),
        ("image_id='ubuntu-24.04'", "partner image", "'nvidia-gpu-ubuntu-22.04'"),
    ),
    (
        "static IPs",
        "org at its limit",
        _at_ip_limit,
        ("enable_static_ip=True", "all 1 are in use", "get_hosted_runner_limits"),
    ),
    ("hosted names", "held in other case", _name_held, ("'Linux-4Core' already exists", "adopt=True", "another name")),
    (
        "ownership",
        "two resources adopt one",
        _two_adopters,
        ("'theirs'", "another resource of this program", "keep one"),
    ),
    (
        "groups",
        "no such group",
        lambda _: runner(runner_group_id=987654),
        ("runner_group_id=987654", "not a runner group of org 'acme'", "group.id"),
    ),
]


@pytest.mark.parametrize(("area", "case", "setup", "fragments"), CREATE_CASES, ids=[c[1] for c in CREATE_CASES])
def test_what_the_org_does_not_offer_is_refused_before_the_post(
    engine: MakeEngine,
    fake: FakeGitHub,
    request: pytest.FixtureRequest,
    area: str,
    case: str,
    setup: Callable[[FakeGitHub], Res | list[Res]],
    fragments: tuple[str, ...],
) -> None:
    made = setup(fake)
    program = made if isinstance(made, list) else [made]
    hostile = settled(fake, request)
    stack = engine()
    with pytest.raises(HarnessError) as failed:
        stack.up(program)
    assert failed.value.step in ("create", "update")
    assert len(stack.state) == len(program) - 1  # the refused resource is not in the state
    hostile.refused(area, case, error_line(failed.value), *fragments, outputs=(failed.value.message,))


def _group_deleted(fake: FakeGitHub, stack: Engine) -> Res:
    gone = fake.add_group("acme", "short-lived")["id"]
    stack.up([runner()])
    fake.delete_group("acme", gone)
    return runner(runner_group_id=gone)


def _resized_beyond_offer(_: FakeGitHub, stack: Engine) -> Res:
    stack.up([runner()])
    return runner(size="64-core")


UPDATE_CASES: list[tuple[str, str, Callable[[FakeGitHub, Engine], Res], tuple[str, ...]]] = [
    ("groups", "move to a deleted group", _group_deleted, ("runner_group_id=", "not a runner group", "group.id")),
    ("sizes", "resize beyond the offer", _resized_beyond_offer, ("size='64-core'", "closest are", "'16-core'")),
]


@pytest.mark.parametrize(("area", "case", "setup", "fragments"), UPDATE_CASES, ids=[c[1] for c in UPDATE_CASES])
def test_an_update_the_org_cannot_take_is_refused_before_the_patch(
    engine: MakeEngine,
    fake: FakeGitHub,
    request: pytest.FixtureRequest,
    area: str,
    case: str,
    setup: Callable[[FakeGitHub, Engine], Res],
    fragments: tuple[str, ...],
) -> None:
    stack = engine()
    program = setup(fake, stack)
    hostile = settled(fake, request)
    with pytest.raises(HarnessError) as failed:
        stack.up([program])
    assert failed.value.step == "update"
    hostile.refused(area, case, error_line(failed.value), *fragments, outputs=(failed.value.message,))


@pytest.mark.parametrize("fake", ["ghes-3.19"], indirect=True)
def test_ghes_is_named_by_its_release_before_any_write(
    emulator: EmulatorServer, fake: FakeGitHub, hostile: HostileCheck
) -> None:
    """A create that reaches a GHES (its base URL did not say so) learns the release from GHES's own header."""
    reset_clients()
    provider = HostedRunnerProvider()
    provider._settings = resolve_settings(None, {"GITHUB_TOKEN": DEMO_TOKEN, "GITHUB_BASE_URL": emulator.url})
    inputs = {**runner().inputs, "org": "acme", "image_source": "github", "maximum_runners": 10}
    try:
        with pytest.raises(GitHubRunnerGroupsError) as refused:
            provider.create({**inputs, "enable_static_ip": False, "image_gen": False})
    finally:
        reset_clients()
    message = str(refused.value)
    assert "404" not in message
    hostile.refused("GHES", "GHES named by its release", message, "GitHub Enterprise Server 3.19.0", "api.github.com")
