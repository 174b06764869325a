"""The exporter never writes a spec its own loader refuses: a group whose name (or a member's) GitHub allowed but a
spec cannot hold is left out, named, with the loader's reason; names a YAML 1.2 tool would read as numbers are
quoted; and no name can break out of the comment (or docstring) that reports it."""

from __future__ import annotations

from pathlib import Path

import pytest
from github_runner_groups.client import ClientSettings, GitHubClient, PacingSettings
from github_runner_groups.export import export_org, to_python, to_yaml
from github_runner_groups.spec import load_spec, load_spec_text
from github_runner_groups.testing import DEMO_TOKEN, EmulatorServer, FakeGitHub


@pytest.fixture
def client(emulator: EmulatorServer) -> GitHubClient:
    return GitHubClient(ClientSettings(base_url=emulator.url, token=DEMO_TOKEN, pacing=PacingSettings(enabled=False)))


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("ci\n", "control or format characters"),
        (" ci", "leading or trailing spaces"),
        ("x" * 70, "use at most 64"),
        ("ci\u200b", "control or format characters"),
    ],
)
def test_a_group_the_loader_would_refuse_is_reported_not_written(
    fake: FakeGitHub, client: GitHubClient, tmp_path: Path, name: str, why: str
) -> None:
    fake.add_group("acme", name, visibility="all")
    exported = export_org(client, "acme")
    assert name not in [group.name for group in exported.spec.groups]
    assert [group.name for group in exported.spec.groups] == ["build-linux", "release"]
    reasons = [reason for reason in exported.skipped if why in reason]
    assert reasons and repr(name)[:20] in reasons[0], exported.skipped
    text = to_yaml(exported)
    path = tmp_path / "spec.yaml"
    path.write_text(text)
    assert [group.name for group in load_spec(path).groups] == ["build-linux", "release"]
    top_level = ("#", " ", "org:", "groups:", "self_hosted_runners:", "network_configurations:")
    assert all(line.startswith(top_level) for line in text.splitlines()), text
    compile(to_python(exported), "exported.py", "exec")


def test_a_name_a_yaml_1_2_tool_reads_as_a_number_is_quoted(fake: FakeGitHub, client: GitHubClient) -> None:
    group = fake.add_group("acme", "1e3", visibility="all")
    for runner in ("0o17", "1e5", ".inf"):
        fake.move_runner("acme", fake.add_runner("acme", runner)["id"], group["id"])
    exported = export_org(client, "acme")
    loaded = load_spec_text(to_yaml(exported), "exported.yaml")
    (read,) = [g for g in loaded.groups if g.name == "1e3"]
    assert set(read.runners or ()) == {"0o17", "1e5", ".inf"}


def test_a_comment_or_docstring_cannot_be_broken_out_of(fake: FakeGitHub, client: GitHubClient) -> None:
    fake.add_group("acme", 'evil\ngroups: {x: {}}\n"""', inherited=True)
    exported = export_org(client, "acme")
    text = to_yaml(exported)
    assert load_spec_text(text, "exported.yaml").groups[0].name == "build-linux"
    assert "groups: {x" not in [line.strip() for line in text.splitlines()]
    compile(to_python(exported), "exported.py", "exec")


def test_a_group_with_a_token_shaped_name_is_left_out_not_written_masked(
    fake: FakeGitHub, client: GitHubClient
) -> None:
    group = fake.add_group("acme", "tools", visibility="all")
    fake.move_runner("acme", fake.add_runner("acme", "ghp_runnerNamedLikeAToken")["id"], group["id"])
    exported = export_org(client, "acme")
    assert "tools" not in [g.name for g in exported.spec.groups]
    assert any("'tools'" in reason and "shaped like a GitHub token" in reason for reason in exported.skipped)
    assert "<redacted>" not in to_yaml(exported).split("\n# Not exported")[-1].split("\n", 1)[-1]
