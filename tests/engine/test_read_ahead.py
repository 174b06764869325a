"""Refresh read-ahead through the SDK's provider server (`resources/_read_ahead.py`): the server runs four Reads at
a time, so a refresh of many groups reads the stack's other groups ahead, from the hints an earlier run on this
machine left, and the state it ends with is exactly the one a refresh without read-ahead would.
"""

from __future__ import annotations

import json
import re
import stat
import threading
import time
from collections.abc import Callable
from pathlib import Path

from enterprise_seed import two_org_enterprise
from enterprise_stack import ENTERPRISE
from github_runner_groups.component import runner_group_args
from github_runner_groups.resources.enterprise_runner_group import (
    EnterpriseRunnerGroupArgs,
    EnterpriseRunnerGroupProvider,
)
from github_runner_groups.resources.runner_group import RunnerGroupProvider
from github_runner_groups.spec import GroupSpec
from github_runner_groups.testing import FakeGitHub, FaultRule, serve
from harness import Engine, Res
from stacks import Stacks, of_this_stack

MakeEngine = Callable[..., Engine]
GROUPS = 12
HELD_SECONDS = 2.0  # how long GitHub holds the answers to the first four Reads


def stack_of_groups(fake: FakeGitHub, count: int = GROUPS, prefix: str = "ahead") -> list[Res]:
    """Groups owning their repositories (one each) and their runners (none): three requests a Read."""
    resources = []
    for index in range(count):
        fake.add_repo("acme", f"{prefix}-repo-{index:02d}")
        spec = GroupSpec(
            name=f"{prefix}-{index:02d}",
            visibility="selected",
            repositories=(f"{prefix}-repo-{index:02d}",),
            runners=(),
        )
        resources.append(
            Res(f"{prefix}-{index}", of_this_stack(RunnerGroupProvider()), runner_group_args("acme", spec))
        )
    return resources


def made(engine: MakeEngine, fake: FakeGitHub, ledgers: Path) -> tuple[Engine, list[Res]]:
    stack = engine({"github-runner-groups:ledgerDir": str(ledgers)})
    resources = stack_of_groups(fake)
    stack.up(resources)
    stack.refresh()  # the hints now hold every group's ETags, as after any refresh on this machine
    return stack, resources


def group_ids(stack: Engine, resources: list[Res]) -> list[int]:
    return [int(stack.state[res.urn].id) for res in resources]


def paths_of(ids: list[int]) -> re.Pattern[str]:
    return re.compile(rf"/runner-groups/({'|'.join(map(str, ids))})(/|$)")


def requests_for_later_groups_while_the_first_are_held(fake: FakeGitHub, stack: Engine, ids: list[int]) -> int:
    """Refresh with GitHub holding every answer about the first four groups for HELD_SECONDS; count the requests
    about the other groups that arrived within 1.5 x HELD_SECONDS of the first request.

    The first request goes alone until answered (after a start), so the others go at HELD_SECONDS. Without
    read-ahead the four Reads the server runs are all held for another HELD_SECONDS: no later group's request
    can come before 2 x HELD_SECONDS. With read-ahead they come at HELD_SECONDS."""
    fake.add_fault(FaultRule(method="GET", path=paths_of(ids[:4]).pattern, delay_seconds=HELD_SECONDS, times=None))
    fake.reset_log()
    refresh = threading.Thread(target=stack.refresh)
    refresh.start()
    deadline = time.monotonic() + 60
    while not fake.requests and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(1.5 * HELD_SECONDS)
    later = paths_of(ids[4:])
    seen = sum(1 for request in list(fake.requests) if later.search(request.path))
    refresh.join(timeout=60)
    assert not refresh.is_alive()
    fake.clear_faults()
    return seen


def test_a_refresh_reads_the_stacks_other_groups_ahead_and_ends_with_the_same_state(
    engine: MakeEngine, fake: FakeGitHub, tmp_path: Path
) -> None:
    stack, resources = made(engine, fake, tmp_path / "ledgers")
    before = {urn: (res.id, res.outputs, res.inputs) for urn, res in stack.state.items()}
    ids = group_ids(stack, resources)

    seen = requests_for_later_groups_while_the_first_are_held(fake, stack, ids)

    assert seen > 0  # later groups asked about before their Reads could be (all 24 unless the machine is busy)
    assert {urn: (res.id, res.outputs, res.inputs) for urn, res in stack.state.items()} == before
    answered = [request.status for request in fake.requests if request.method == "GET"]
    assert answered == [304] * (3 * GROUPS)  # read ahead with the ETags: each object once, unchanged


def test_without_hints_a_refresh_reads_four_groups_at_a_time(
    engine: MakeEngine, fake: FakeGitHub, tmp_path: Path
) -> None:
    ledgers = tmp_path / "ledgers"
    stack, resources = made(engine, fake, ledgers)
    for hints in ledgers.glob("*.hints"):
        hints.unlink()  # a fresh CI runner: the journal's directory was not kept

    assert requests_for_later_groups_while_the_first_are_held(fake, stack, group_ids(stack, resources)) == 0
    assert [request.status for request in fake.requests if request.method == "GET"] == [304] * (3 * GROUPS)


def test_a_group_changed_out_of_band_shows_as_drift_through_the_read_ahead(
    engine: MakeEngine, fake: FakeGitHub, tmp_path: Path
) -> None:
    stack, resources = made(engine, fake, tmp_path / "ledgers")
    ids = group_ids(stack, resources)
    fake.update_group("acme", ids[7], visibility="all")
    fake.delete_group("acme", ids[9])
    fake.reset_log()

    result = stack.refresh()

    changed = {urn for urn, op in result.ops.items() if op != "same"}
    assert changed == {resources[7].urn, resources[9].urn}
    assert result.ops[resources[9].urn] == "delete"
    assert stack.state[resources[7].urn].outputs["visibility"] == "all"
    # Read-ahead asked about each group once (the Read of a group read ahead sends nothing itself).
    assert fake.count(method="GET", path=paths_of([ids[7]]).pattern + "$") == 1


def test_a_refresh_of_fewer_groups_than_the_server_runs_at_once_reads_nothing_ahead(
    engine: MakeEngine, fake: FakeGitHub, tmp_path: Path
) -> None:
    ledgers = tmp_path / "ledgers"
    stack, resources = made(engine, fake, ledgers)
    few = engine({"github-runner-groups:ledgerDir": str(ledgers)})  # the same stack name: the hints hold 15 groups
    three = stack_of_groups(fake, 3, prefix="few")
    few.up(three)
    fake.reset_log()

    few.refresh()  # three Reads: not a burst

    every = paths_of(group_ids(stack, resources) + group_ids(few, three))
    asked = {match.group(1) for request in fake.requests if (match := every.search(request.path))}
    assert asked == {str(group_id) for group_id in group_ids(few, three)}


def test_the_hints_file_is_the_stacks_own_and_destroy_empties_it(
    engine: MakeEngine, fake: FakeGitHub, tmp_path: Path
) -> None:
    ledgers = tmp_path / "ledgers"
    ledgers.mkdir(mode=0o700)
    foreign = ledgers / "books.hints"
    foreign.write_text("not ours\n")
    stack, _ = made(engine, fake, ledgers)

    (hints,) = [path for path in ledgers.iterdir() if path.suffix == ".hints" and path != foreign]
    assert re.fullmatch(r"[0-9a-f]{64}\.hints", hints.name)
    assert stat.S_IMODE(hints.stat().st_mode) == 0o600
    (book,) = json.loads(hints.read_text()).values()  # one stack, one org: its groups, no names
    assert len(book) == GROUPS
    assert "ahead-" not in hints.read_text()

    stack.destroy()

    assert json.loads(hints.read_text()) == {}
    assert foreign.read_text() == "not ours\n"


def test_an_enterprise_refresh_reads_ahead_too(tmp_path: Path) -> None:
    fake = two_org_enterprise()
    server = serve(fake)
    stacks = Stacks(server.url)
    try:
        stack = stacks({**ENTERPRISE, "github-runner-groups:ledgerDir": str(tmp_path / "ledgers")})
        resources = [
            Res(
                f"shared-{index}",
                of_this_stack(EnterpriseRunnerGroupProvider()),
                EnterpriseRunnerGroupArgs(name=f"shared-{index:02d}", visibility="selected", organizations=["acme"]),
            )
            for index in range(GROUPS)
        ]
        stack.up(resources)
        stack.refresh()
        before = {urn: (res.id, res.outputs, res.inputs) for urn, res in stack.state.items()}

        seen = requests_for_later_groups_while_the_first_are_held(fake, stack, group_ids(stack, resources))

        assert seen > 0  # the group and its organizations, before its Read could be asked for
        assert {urn: (res.id, res.outputs, res.inputs) for urn, res in stack.state.items()} == before
        assert {request.status for request in fake.requests if request.method == "GET"} == {304}
    finally:
        stacks.close()
        server.close()
