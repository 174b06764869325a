"""The hosted-runners example runs, under mocks that call the real providers, against the emulator."""

from __future__ import annotations

from pathlib import Path

from github_runner_groups.testing import EmulatorServer, FakeGitHub
from github_runner_groups.testing.mocks import program_file, run_program

EXAMPLE = Path(__file__).parents[2] / "examples" / "hosted-runners"


def test_a_hosted_runner_in_an_org_group(fake: FakeGitHub, emulator: EmulatorServer) -> None:
    run_program(program_file(EXAMPLE), base_url=emulator.url, config={"runner-groups:size": "16-core"})
    (group,) = [g for g in fake.groups("acme") if g["name"] == "large-runners"]
    repos = {r["id"]: r["name"] for r in fake.repositories("acme")}
    assert sorted(repos[i] for i in fake.group_repository_ids("acme", group["id"])) == ["api", "web"]
    (runner,) = fake.hosted_runners("acme")
    assert (runner["name"], runner["runner_group_id"]) == ("linux-x64-large", group["id"])
    assert (runner["machine_size_details"]["id"], runner["maximum_runners"]) == ("16-core", 20)
