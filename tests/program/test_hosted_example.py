"""The hosted-runners example runs, under mocks that call the real providers, against the emulator."""

from __future__ import annotations

from pathlib import Path

import rig_bridge
from github_runner_groups.testing import EmulatorServer, FakeGitHub
from github_runner_groups.testing.mocks import program_file, run_program
from stacks import Stacks

EXAMPLE = Path(__file__).parents[2] / "examples" / "hosted-runners"


def test_a_hosted_runner_in_an_org_group(fake: FakeGitHub, emulator: EmulatorServer) -> None:
    run_program(program_file(EXAMPLE), base_url=emulator.url, config={"runner-groups:size": "16-core"})
    (group,) = [g for g in fake.groups("acme") if g["name"] == "large-runners"]
    repos = {r["id"]: r["name"] for r in fake.repositories("acme")}
    assert sorted(repos[i] for i in fake.group_repository_ids("acme", group["id"])) == ["api", "web"]
    (runner,) = fake.hosted_runners("acme")
    assert (runner["name"], runner["runner_group_id"]) == ("linux-x64-large", group["id"])
    assert (runner["machine_size_details"]["id"], runner["maximum_runners"]) == ("16-core", 20)


BEFORE = """\
groups:
  large-runners:
    visibility: selected
    repositories: [api]
    hosted_runners:
      linux-x64-large: {image_id: ubuntu-24.04, size: 4-core}
  gpu:
    visibility: private
"""
# The runner moved to `gpu` and resized.
AFTER = """\
groups:
  large-runners:
    visibility: selected
    repositories: [api]
  gpu:
    visibility: private
    hosted_runners:
      linux-x64-large: {image_id: ubuntu-24.04, size: 8-core}
"""


def test_a_spec_moves_a_hosted_runner_between_groups_in_place(fake: FakeGitHub, stacks: Stacks, tmp_path: Path) -> None:
    """The component names a hosted runner by its name alone: moved to another group of the spec, it is the same
    resource, and the move is one PATCH (a preview first, then the update in a fresh provider process)."""
    spec = tmp_path / "groups.yaml"
    (tmp_path / "__main__.py").write_text(
        "from github_runner_groups import OrgRunnerGroups\nOrgRunnerGroups('acme', spec_file='groups.yaml')\n"
    )
    program = program_file(tmp_path)
    stack = stacks()
    spec.write_text(BEFORE)
    # 2 groups (large-runners with its repository list inline: no access resource) and the hosted runner.
    assert rig_bridge.up(stack, program).summary == {"create": 3}
    large = next(g["id"] for g in fake.groups("acme") if g["name"] == "large-runners")
    api_repo = next(r["id"] for r in fake.repositories("acme") if r["name"] == "api")
    assert fake.group_repository_ids("acme", large) == {api_repo}
    (made,) = fake.hosted_runners("acme")
    fake.reset_log()
    spec.write_text(AFTER)
    result = rig_bridge.up(stack, program)
    assert result.summary.get("update") == 1 and not {"create", "replace", "delete"} & set(result.summary)
    gpu = next(g["id"] for g in fake.groups("acme") if g["name"] == "gpu")
    writes = [(r.method, r.json) for r in fake.requests if r.method != "GET"]
    assert writes == [("PATCH", {"runner_group_id": gpu, "size": "8-core"})]
    (moved,) = fake.hosted_runners("acme")
    assert (moved["id"], moved["runner_group_id"]) == (made["id"], gpu)
