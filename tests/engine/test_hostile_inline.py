"""Hostile and sloppy inline lists on RunnerGroup, through the engine: each must fail before any write.

Every case runs a `pulumi up` against the demo org (build-linux: `selected`, with api, web, linux-1 and linux-2;
release: visibility `all`; Default) and must fail with an error that names the culprit and the fix, with no
write made and the org unchanged. A group's references are all resolved before its create POST, and its lists
are claimed for the run before that POST, so nothing half-made is left behind.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from github_runner_groups.resources.repository_access import RunnerGroupRepositoryAccessProvider
from github_runner_groups.resources.runner_group import RunnerGroupArgs, RunnerGroupProvider
from github_runner_groups.testing import FakeGitHub
from harness import Engine, HarnessError, Res
from hostile_check import HostileCheck
from test_hostile_assignments import (  # `case`: the fixture that makes a case's setup before the snapshot
    OLD_LINUX_4,
    case,
    group_id,
    repo,
    reported,
    reregister_linux_4,
)

__all__ = ["case"]  # the imported fixture, which pytest finds by name
MakeEngine = Callable[..., Engine]


def inline(name: str = "ci", **args: Any) -> Res:
    return Res(name, RunnerGroupProvider(), RunnerGroupArgs(name=name, **args))


def selected(**args: Any) -> Res:
    return inline(visibility="selected", **args)


def build_as_it_is() -> Res:
    """Adopting build-linux with exactly its lists: a claim of both lists, and no write."""
    return inline(
        "build-linux", visibility="selected", repositories=["api", "web"], runners=["linux-1", "linux-2"], adopt=True
    )


@dataclass(frozen=True)
class Case:
    area: str
    name: str
    program: Callable[[FakeGitHub], list[Res]]
    fragments: Callable[[FakeGitHub], tuple[str, ...]]
    setup: Callable[[FakeGitHub], None] | None = None
    # The resources that end in state (those before the one refused).
    kept: frozenset[str] = frozenset()


def fixed(*fragments: str) -> Callable[[FakeGitHub], tuple[str, ...]]:
    return lambda _fake: fragments


CASES = [
    # Lists GitHub would refuse or drop
    Case(
        "inline lists",
        "repositories on a group visible to all",
        lambda f: [inline(repositories=["api"])],
        fixed("repositories are listed but visibility is 'all'", "visibility='selected'"),
    ),
    Case(
        "inline lists",
        "repositories on a private group",
        lambda f: [inline(visibility="private", repositories=[])],
        fixed("visibility is 'private'", "leave repositories unset"),
    ),
    Case(
        "inline lists",
        "adopting with repositories, visibility unset",
        lambda f: [inline("release", repositories=["api"], adopt=True)],
        fixed("visibility is not set", "visibility='selected'"),
    ),
    Case(
        "inline lists",
        "lists on the Default group",
        lambda f: [inline("Default", runners=[], adopt=True)],
        fixed("Default runner group", "Leave repositories and runners unset", "exclusive=False"),
    ),
    # Shapes and references
    Case(
        "inline lists",
        "runners as one string",
        lambda f: [selected(runners="linux-1")],
        fixed("runners must be a list", "'linux-1'"),
    ),
    Case("inline lists", "boolean as a runner", lambda f: [selected(runners=[True])], fixed("runners[0]", "True")),
    Case(
        "inline lists",
        "misspelled repository",
        lambda f: [selected(repositories=["api", "apii"])],
        fixed("no repository named 'apii' (did you mean 'api'"),
    ),
    Case(
        "inline lists",
        "unknown runner id",
        lambda f: [selected(runners=["linux-3", 999999])],
        fixed("no self-hosted runner with id 999999"),
    ),
    Case(
        "inline lists",
        "runner re-registered, old id",
        lambda f: [selected(runners=[OLD_LINUX_4])],
        fixed(f"no self-hosted runner with id {OLD_LINUX_4}", "name it instead"),
        setup=reregister_linux_4,
    ),
    Case(
        "inline lists",
        "repository of another org",
        lambda f: [selected(repositories=["evil-corp/api"])],
        fixed("repositories[0]", "'evil-corp/api' is a repository of 'evil-corp'", "Use 'api'"),
    ),
    Case(
        "inline lists",
        "one repository twice, by case",
        lambda f: [selected(repositories=["Docs", "docs"])],
        fixed("repositories[1]", "twice"),
    ),
    Case(
        "inline lists",
        "one repository twice, by name and id",
        lambda f: [selected(repositories=["docs", repo(f, "docs")])],
        lambda f: (f"repositories names the repository with id {repo(f, 'docs')} twice", "list it once"),
    ),
    Case(
        "inline lists",
        "300 misspelled repositories",
        lambda f: [selected(repositories=[f"repo-{i}" for i in range(300)])],
        fixed("'repo-0'", "(280 more not shown; 300 unknown in all)"),
    ),
    # Two owners in one run
    Case(
        "inline ownership",
        "runner of an adopted group listed by a new one",
        lambda f: [build_as_it_is(), selected(runners=["linux-1"])],
        fixed("'linux-1'", "is already claimed in this run", "the inline `runners` of runner group"),
        kept=frozenset({"build-linux"}),
    ),
    Case(
        "inline ownership",
        "separate access on an inline list",
        lambda f: [
            build_as_it_is(),
            Res(
                "access",
                RunnerGroupRepositoryAccessProvider(),
                {"runner_group_id": group_id(f, "build-linux"), "repositories": ["docs"], "exclusive": False},
            ),
        ],
        fixed("inline `repositories`", "already owns that list", "leave `repositories` unset on the RunnerGroup"),
        kept=frozenset({"build-linux"}),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES], indirect=True)
def test_hostile_inline_list(case: Case, hostile: HostileCheck, engine: MakeEngine, fake: FakeGitHub) -> None:
    stack = engine(parallel=1)
    with pytest.raises(HarnessError) as failed:
        stack.up(case.program(fake))
    hostile.refused(case.area, case.name, reported(failed.value.message), *case.fragments(fake))
    assert {resource.name for resource in stack.state.values()} == case.kept
