"""Two stacks sharing one group's repository list, as the README's ownership section taught it (stack A owns the
list inline, exclusively; stack B adds `web` additively) and as docs/renames-and-ownership.md now teaches it
(every stack's list additive).

The taught split does not hold: after a refresh, A's `up` removes `web`, and B's next refresh and `up` put it
back, every time. What the provider can do is say so: A's preview (and update) names each entry its exclusive
list will remove that it never listed, with the fix. The additive split keeps both entries through any number of
refreshes and ups, and writes nothing once settled.
"""

from __future__ import annotations

from collections.abc import Callable

from github_runner_groups.resources.repository_access import (
    RunnerGroupRepositoryAccessArgs,
    RunnerGroupRepositoryAccessProvider,
)
from github_runner_groups.resources.runner_group import RunnerGroupArgs, RunnerGroupProvider
from github_runner_groups.testing import FakeGitHub
from harness import Engine, Ref, Res
from stacks import of_this_stack

MakeEngine = Callable[..., Engine]
WRITES = ("POST", "PATCH", "PUT", "DELETE")


def names_in(fake: FakeGitHub, group_id: int) -> set[str]:
    ids = fake.group_repository_ids("acme", group_id)
    return {r["name"] for r in fake.repositories("acme") if r["id"] in ids}


def stderr(stack: Engine) -> str:
    return "".join(c.get("text", "") for c in stack.calls("stderr"))


def access(resource: str, group_id: int | Ref, repositories: list[str]) -> Res:
    args = RunnerGroupRepositoryAccessArgs(runner_group_id=group_id, repositories=repositories, exclusive=False)  # type: ignore[arg-type]
    return Res(resource, of_this_stack(RunnerGroupRepositoryAccessProvider()), args)


def test_the_taught_split_loses_bs_entry_and_as_preview_names_it_with_the_fix(
    engine: MakeEngine, fake: FakeGitHub
) -> None:
    stack_a, stack_b = engine(), engine()
    group = Res(
        "shared", RunnerGroupProvider(), RunnerGroupArgs(name="shared", visibility="selected", repositories=["api"])
    )
    stack_a.up([group])
    gid = int(stack_a.get("shared").id)
    stack_b.up([access("team-b-web", gid, ["web"])])
    assert names_in(fake, gid) == {"api", "web"}

    stack_a.up([group])  # without a refresh A does not see web: nothing is written
    assert names_in(fake, gid) == {"api", "web"}
    stack_a.refresh()  # `pulumi up --refresh`, or any refresh: A now sees web in the list it owns whole
    preview = stack_a.preview([group])
    assert preview.op("shared") == "update"
    warning = "".join(c.get("text", "") for c in stack_a.calls("stderr") if c["run"].endswith(":preview"))
    assert "this update removes repositories 'web'" in warning
    assert "make this list additive in every stack" in warning
    fake.reset_log()
    stack_a.up([group])
    assert names_in(fake, gid) == {"api"}  # B's entry is gone: what the taught split really does
    stack_b.refresh()
    stack_b.up([access("team-b-web", gid, ["web"])])
    assert names_in(fake, gid) == {"api", "web"}  # ...and B puts it back: the two stacks undo each other


def test_own_entries_dropped_from_an_exclusive_list_are_not_warned_about(engine: MakeEngine, fake: FakeGitHub) -> None:
    stack = engine()
    args = RunnerGroupArgs(name="solo", visibility="selected", repositories=["api", "web"])
    stack.up([Res("solo", RunnerGroupProvider(), args)])
    fake.reset_log()
    smaller = RunnerGroupArgs(name="solo", visibility="selected", repositories=["api"])
    stack.up([Res("solo", RunnerGroupProvider(), smaller)])
    assert "this update removes" not in stderr(stack)


def test_the_additive_split_keeps_every_stacks_entries(engine: MakeEngine, fake: FakeGitHub) -> None:
    stack_a, stack_b = engine(), engine()
    group = Res("shared", RunnerGroupProvider(), RunnerGroupArgs(name="shared", visibility="selected"))
    program_a = [group, access("team-a-api", Ref(group), ["api"])]
    stack_a.up(program_a)
    gid = int(stack_a.get("shared").id)
    program_b = [access("team-b-web", gid, ["web"])]
    stack_b.up(program_b)
    assert names_in(fake, gid) == {"api", "web"}
    for _ in range(2):
        for stack, program in ((stack_a, program_a), (stack_b, program_b)):
            stack.refresh()
            fake.reset_log()
            assert set(stack.up(program).summary) == {"same"}
            assert [r.method for r in fake.requests if r.method in WRITES] == []
    assert names_in(fake, gid) == {"api", "web"}
    stack_b.destroy()
    assert names_in(fake, gid) == {"api"}
    stack_a.destroy()
    assert fake.group("acme", gid) is None
