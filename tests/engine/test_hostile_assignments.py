"""Hostile and sloppy input to RunnerGroupRepositoryAccess and RunnerGroupMembership, through the engine.

Every case runs a `pulumi up` of the demo org's groups (build-linux: `selected`, with api, web, linux-1 and
linux-2; release: visibility `all`; Default) and must either fail before any write, with an error that names the
culprit and the fix (`refused`), or, where GitHub only refuses once asked, leave the org exactly as it was
(`contained`). Steps run one at a time, so that which of two claimants goes first is fixed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from github_runner_groups.resources.membership import RunnerGroupMembershipProvider
from github_runner_groups.resources.repository_access import RunnerGroupRepositoryAccessProvider
from github_runner_groups.testing import FakeGitHub, FaultRule
from harness import Engine, HarnessError, Res
from hostile_check import HostileCheck

MakeEngine = Callable[..., Engine]


def group_id(fake: FakeGitHub, name: str) -> int:
    return next(int(g["id"]) for g in fake.groups("acme") if g["name"] == name)


def repo(fake: FakeGitHub, name: str) -> int:
    return next(int(r["id"]) for r in fake.repositories("acme") if r["name"] == name)


def runner(fake: FakeGitHub, name: str) -> int:
    return next(int(r["id"]) for r in fake.runners("acme") if r["name"] == name)


def access(name: str, group: float | str, repositories: Any, **extra: Any) -> Res:
    inputs = {"runner_group_id": group, "repositories": repositories, **extra}
    return Res(name, RunnerGroupRepositoryAccessProvider(), inputs)


def members(name: str, group: float | str, runners: Any, **extra: Any) -> Res:
    return Res(name, RunnerGroupMembershipProvider(), {"runner_group_id": group, "runners": runners, **extra})


def on_build(fake: FakeGitHub) -> int:
    return group_id(fake, "build-linux")


Program = Callable[[FakeGitHub], list[Res]]
# Fragments may depend on the org's ids: a callable gets the emulator.
Fragments = Callable[[FakeGitHub], tuple[str, ...]]


@dataclass(frozen=True)
class Case:
    area: str
    name: str
    program: Program
    fragments: Fragments
    # Out-of-band changes made before the org is snapshotted (a re-registered runner, an injected fault).
    setup: Callable[[FakeGitHub], None] | None = None
    # GitHub is asked and refuses: the write is made, the org must still end as it was.
    contained: bool = False


def fixed(*fragments: str) -> Fragments:
    return lambda _fake: fragments


# The demo org is seeded the same way every time, so its ids are known before a case runs.
OLD_LINUX_4 = runner(FakeGitHub.seeded("demo"), "linux-4")


def reregister_linux_4(fake: FakeGitHub) -> None:
    """linux-4 registers again: same name, new id; OLD_LINUX_4 now names no runner."""
    fake.remove_runner("acme", OLD_LINUX_4)
    fake.add_runner("acme", "linux-4")


def refuse_docs(fake: FakeGitHub) -> None:
    fake.add_fault(FaultRule("PUT", rf"/repositories/{repo(fake, 'docs')}$", status=422, message="Repo is archived"))


CASES = [
    # References that are not what they look like
    Case(
        "references",
        "id written as text with spaces",
        lambda f: [access("a", on_build(f), [f" {repo(f, 'docs')} "], exclusive=False)],
        lambda f: (f"' {repo(f, 'docs')} '", "with spaces, newlines or control characters around or in it"),
    ),
    Case(
        "references",
        "fractional id",
        lambda f: [access("a", on_build(f), [1003.5])],
        fixed("repositories[0]", "1003.5", "numeric id"),
    ),
    Case("references", "boolean as a runner", lambda f: [members("a", 42, [False])], fixed("runners[0]", "False")),
    Case("references", "negative id", lambda f: [members("a", 42, [-7])], fixed("runners[0]", "-7")),
    Case(
        "references",
        "huge id, in no org",
        lambda f: [access("a", on_build(f), ["docs", 10**15], exclusive=False)],
        fixed("no repository with id 1000000000000000"),
    ),
    Case(
        "references",
        "one repository twice, by case",
        lambda f: [access("a", on_build(f), ["Docs", "docs"])],
        fixed("repositories[1]", "twice"),
    ),
    Case(
        "references",
        "one repository twice, as org/repo",
        lambda f: [access("a", on_build(f), ["docs", "ACME/docs"])],
        fixed("repositories[1]", "'ACME/docs' twice"),
    ),
    Case(
        "references",
        "one repository twice, by name and id",
        lambda f: [access("a", on_build(f), ["docs", repo(f, "docs")], exclusive=False)],
        lambda f: (f"repositories names the repository with id {repo(f, 'docs')} twice", "'docs'", "list it once"),
    ),
    Case(
        "references",
        "repository of another org",
        lambda f: [access("a", on_build(f), ["evil-corp/api"])],
        fixed("repositories[0]", "'evil-corp/api' is a repository of 'evil-corp'", "Use 'api'"),
    ),
    Case(
        "references",
        "path traversal as a name",
        lambda f: [access("a", on_build(f), ["../../orgs/other/repos"])],
        fixed("repositories[0]", "is not a repository: give NAME or OWNER/NAME"),
    ),
    Case(
        "references",
        "homoglyph name (Cyrillic a)",
        lambda f: [access("a", on_build(f), ["\u0430pi"], exclusive=False)],
        fixed("'\u0430pi' is not a repository name: letters, digits"),
    ),
    Case(
        "references",
        "control characters in a name",
        lambda f: [members("a", on_build(f), ["linux-3\x00\x1b[2J"], exclusive=False)],
        fixed("'linux-3\\x00\\x1b[2J'"),
    ),
    Case(
        "references",
        "zero-width space in a name",
        lambda f: [access("a", on_build(f), ["a\u200bpi"], exclusive=False)],
        fixed("'a\\u200bpi', with spaces, newlines or control characters"),
    ),
    Case(
        "references",
        "org/ with no repository",
        lambda f: [access("a", on_build(f), ["acme/"], exclusive=False)],
        fixed("'acme/' is not a repository name"),
    ),
    Case(
        "references",
        "a 10,000-character name",
        lambda f: [access("a", on_build(f), ["x" * 10_000], exclusive=False)],
        fixed("(10000 characters)"),
    ),
    Case(
        "references",
        "runner re-registered, old id",
        lambda f: [members("a", on_build(f), [OLD_LINUX_4], exclusive=False)],
        fixed(f"no self-hosted runner with id {OLD_LINUX_4}", "name it instead"),
        setup=reregister_linux_4,
    ),
    Case(
        "references",
        "300 misspelled names",
        lambda f: [access("a", on_build(f), [f"repo-{i}" for i in range(300)], exclusive=False)],
        fixed("'repo-0'", "'repo-19'", "(280 more not shown; 300 unknown in all)"),
    ),
    Case(
        "references",
        "good names, one unknown runner id",
        lambda f: [members("a", on_build(f), ["linux-3", "linux-4", 999999], exclusive=False)],
        fixed("no self-hosted runner with id 999999"),
    ),
    # Shapes
    Case("shape", "runners as one string", lambda f: [members("a", 42, "linux-1")], fixed("runners", "list")),
    Case("shape", "exclusive as text", lambda f: [members("a", 42, [], exclusive="false")], fixed("true or false")),
    Case(
        "shape",
        "misspelled input name",
        lambda f: [Res("a", RunnerGroupMembershipProvider(), {"runner_group_id": 42, "runner": ["linux-1"]})],
        fixed("unknown input 'runner'", "valid inputs are"),
    ),
    Case(
        "shape",
        "group id with a space inside",
        lambda f: [members("a", "12 34", ["linux-1"])],
        fixed("runner_group_id", "'12 34'"),
    ),
    Case(
        "shape",
        "group id as an expression",
        lambda f: [access("a", "7 OR 1=1", ["api"])],
        fixed("runner_group_id", "'7 OR 1=1'"),
    ),
    # Groups that must not be written this way
    Case(
        "groups",
        "empty exclusive list of Default",
        lambda f: [members("a", 1, [])],
        fixed("runner_group_id", "Default group", "exclusive=False"),
    ),
    Case(
        "groups",
        "exclusive access on Default",
        lambda f: [access("a", "1", ["api"])],
        fixed("runner_group_id", "Default group", "exclusive=False"),
    ),
    Case(
        "groups",
        "additive list on a group that is gone",
        lambda f: [access("a", 424242, ["api"], exclusive=False)],
        fixed("Runner group 424242 does not exist in org 'acme'", "pulumi refresh"),
    ),
    Case(
        "groups",
        "repositories of a group not selected",
        lambda f: [access("a", group_id(f, "release"), ["api"])],
        fixed("set visibility='selected' on the RunnerGroup"),
        contained=True,
    ),
    Case(
        "groups",
        "another org's group id",
        lambda f: [access("a", on_build(f), ["api"], org="evil-corp")],
        fixed("org 'evil-corp'"),
    ),
    # Two owners in one run
    Case(
        "ownership",
        "one runner, two groups, name and id",
        lambda f: [
            members("a", on_build(f), ["linux-1"], exclusive=False),
            members("b", group_id(f, "release"), [runner(f, "linux-1")], exclusive=False),
        ],
        lambda f: (f"'linux-1' (id {runner(f, 'linux-1')}) is already claimed in this run", "one group only"),
    ),
    Case(
        "ownership",
        "exclusive after additive, one group",
        lambda f: [
            access("a", on_build(f), ["api"], exclusive=False),
            access("b", str(on_build(f)), [repo(f, "web"), "api"]),
        ],
        fixed("already owns that repository list in this run", "one of them is exclusive", "exclusive=False"),
    ),
    Case(
        "ownership",
        "one repository in two additive lists",
        lambda f: [
            access("a", on_build(f), ["api"], exclusive=False),
            access("b", float(on_build(f)), ["ACME/API"], exclusive=False, org="ACME"),
        ],
        lambda f: (f"repository 'api' (id {repo(f, 'api')}) is already claimed in this run",),
    ),
    # GitHub refusing part-way
    Case(
        "undo",
        "third of three additions refused",
        lambda f: [access("a", on_build(f), ["mobile", "infra", "docs"], exclusive=False)],
        fixed("Repo is archived", "were undone first"),
        setup=refuse_docs,
        contained=True,
    ),
]


@pytest.fixture
def case(request: pytest.FixtureRequest, fake: FakeGitHub) -> Case:
    """The case, with its out-of-band setup made before `hostile` snapshots the org."""
    chosen: Case = request.param
    if chosen.setup is not None:
        chosen.setup(fake)
    return chosen


def reported(message: str) -> str:
    """The error as the user reads it: a provider's traceback reduced to its exception line(s), without the
    module path of the exception class."""
    lines = message.strip().splitlines()
    if lines and lines[0].startswith("Traceback"):
        start = next((i for i, line in enumerate(lines) if i and not line.startswith(" ")), 0)
        lines = lines[start:]
    return re.sub(r"^[\w.]+\.(\w+): ", r"\1: ", "\n".join(lines))


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES], indirect=True)
def test_hostile_assignment(case: Case, hostile: HostileCheck, engine: MakeEngine, fake: FakeGitHub) -> None:
    stack = engine(parallel=1)
    with pytest.raises(HarnessError) as failed:
        stack.up(case.program(fake))
    message = reported(failed.value.message)
    fragments = case.fragments(fake)
    if case.contained:
        hostile.contained(case.area, case.name, message, *fragments)
    else:
        hostile.refused(case.area, case.name, message, *fragments)
    # Nothing that failed is in the state; in an ownership case the first claimant succeeded without writing.
    assert {resource.name for resource in stack.state.values()} == ({"a"} if case.area == "ownership" else set())
