"""`audit --spec` with GitHub-hosted runners and the spec's `enterprise:` section, through the CLI against the
emulator: a group with only hosted runners has runners; an enterprise group the spec shares, opens or empties
changes who can reach its runners."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from github_runner_groups import cli
from github_runner_groups.audit import findings
from github_runner_groups.client import reset_clients
from github_runner_groups.testing import DEMO_TOKEN, EmulatorServer, FakeGitHub, serve

ORG = "acme"
ENTERPRISE = "corp"
HOSTED = "    hosted_runners:\n      linux-4core:\n        image_id: ubuntu-24.04\n        size: 4-core\n"


@pytest.fixture
def org() -> FakeGitHub:
    fake = FakeGitHub(flavour="ghec")
    fake.add_org(ORG)
    for name, visibility in (("site", "public"), ("app", "private"), ("tools", "internal")):
        fake.add_repo(ORG, name, visibility=visibility)
    fake.add_enterprise(ENTERPRISE, orgs=[ORG])
    return fake


@pytest.fixture
def server(org: FakeGitHub, monkeypatch: pytest.MonkeyPatch) -> Iterator[EmulatorServer]:
    with serve(org) as running:
        reset_clients()
        monkeypatch.setenv("GITHUB_TOKEN", DEMO_TOKEN)
        monkeypatch.setenv("GITHUB_BASE_URL", running.url)
        monkeypatch.setenv("GITHUB_OWNER", ORG)
        yield running


def delta(spec: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, dict[str, object]]:
    code = cli.main(["audit", "--spec", str(spec), "--format", "json", *extra])
    captured = capsys.readouterr()
    assert captured.out, captured.err
    return code, json.loads(captured.out)


def codes(document: dict[str, object], key: str) -> list[tuple[str, str]]:
    listed = document[key]
    assert isinstance(listed, list)
    return [(f["code"], f["group"]) for f in listed]


def test_a_group_with_only_hosted_runners_has_runners_in_the_org_and_in_the_spec(
    org: FakeGitHub, server: EmulatorServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gid = int(org.add_group(ORG, "hosted")["id"])
    org.add_hosted_runner(ORG, gid, "linux-4core")
    assert cli.main(["audit", "--format", "json", "--fail-on", "medium"]) == 0
    assert findings.GROUP_WITHOUT_RUNNERS not in {f["code"] for f in json.loads(capsys.readouterr().out)["findings"]}
    spec = tmp_path / "groups.yaml"
    spec.write_text(
        "org: acme\ngroups:\n  hosted:\n    visibility: private\n"
        + HOSTED
        + "  fresh:\n"
        + HOSTED.replace("linux-4core", "linux-8core").replace("4-core", "8-core")
    )
    code, document = delta(spec, capsys, "--fail-on", "medium")
    assert (code, codes(document, "findings_added")) == (0, [])
    assert "new group 'fresh' (all, 1 GitHub-hosted runner)" in document["group_changes"]  # type: ignore[operator]
    spec.write_text("org: acme\ngroups:\n  hosted:\n    hosted_runners: {}\n")
    code, document = delta(spec, capsys, "--fail-on", "medium")
    assert (code, codes(document, "findings_added")) == (1, [(findings.GROUP_WITHOUT_RUNNERS, "hosted")])


def test_hosted_runners_written_as_a_list_is_a_usage_error_that_shows_the_mapping_form(
    server: EmulatorServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Exit 2, not a crash and not 0: the spec cannot be read (hosted runners need an image and a size)."""
    spec = tmp_path / "groups.yaml"
    spec.write_text("org: acme\ngroups:\n  hosted:\n    hosted_runners: [linux-4core]\n")
    assert cli.main(["audit", "--spec", str(spec)]) == 2
    assert "hosted_runners must be a mapping of runner name to settings" in capsys.readouterr().err


def test_the_enterprise_section_shares_opens_and_empties_enterprise_groups(
    org: FakeGitHub, server: EmulatorServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fleet = int(org.add_enterprise_group(ENTERPRISE, "fleet")["id"])
    org.add_enterprise_runner(ENTERPRISE, "fleet-1", group_id=fleet, labels=("self-hosted", "gpu"))
    org.add_enterprise_runner(ENTERPRISE, "fleet-2", group_id=fleet, labels=("self-hosted", "gpu"))
    spec = tmp_path / "groups.yaml"
    spec.write_text(
        "org: acme\nenterprise:\n  slug: corp\n  groups:\n    fleet:\n      allows_public_repositories: true\n"
    )
    code, document = delta(spec, capsys, "--fail-on", "high", "--sensitive-label", "gpu")
    assert code == 1
    assert codes(document, "findings_added") == [(findings.PUBLIC_REACHES_SELF_HOSTED, "fleet")]
    assert "'fleet': allows_public_repositories false -> true" in document["group_changes"]  # type: ignore[operator]
    added = document["findings_added"][0]  # type: ignore[index]
    assert added["runners"] == ["fleet-1", "fleet-2"] and added["repositories"] == ["site"]
    spec.write_text(
        "org: acme\nenterprise:\n  slug: corp\n  groups:\n    fleet:\n"
        "      allows_public_repositories: true\n      runners: [fleet-2]\n"
    )
    code, document = delta(spec, capsys)
    assert document["findings_added"][0]["runners"] == ["fleet-2"]  # type: ignore[index]
    assert "'fleet' loses runners fleet-1" in document["group_changes"]  # type: ignore[operator]
    spec.write_text(
        "org: acme\nenterprise:\n  slug: corp\n  groups:\n    fleet:\n"
        "      visibility: selected\n      organizations: [other]\n"
    )
    code, document = delta(spec, capsys, "--sensitive-label", "gpu")
    assert "enterprise group 'fleet' is no longer shared with 'acme'" in document["group_changes"]  # type: ignore[operator]
    assert (findings.SENSITIVE_RUNNERS_OPEN, "fleet") in codes(document, "findings_resolved")
    access = document["access_changes"]
    assert isinstance(access, list) and [(a["change"], a["repositories"]) for a in access] == [
        ("lost", ["app", "tools"])
    ]


def test_an_enterprise_group_the_spec_shares_anew_brings_its_runners_labels_when_the_token_can_read_them(
    org: FakeGitHub, server: EmulatorServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The group is not shared with the org yet, so the org's endpoints do not show its runners; the spec
    names them, and the enterprise's runner listing (when readable) gives their labels for the sensitive check."""
    hidden = int(org.add_enterprise_group(ENTERPRISE, "hidden", visibility="selected")["id"])
    org.add_enterprise_runner(ENTERPRISE, "big-1", group_id=hidden, labels=("self-hosted", "gpu"))
    spec = tmp_path / "groups.yaml"
    spec.write_text(
        "org: acme\nenterprise:\n  slug: corp\n  groups:\n    hidden:\n"
        "      visibility: selected\n      organizations: [acme]\n      runners: [big-1]\n"
    )
    code, document = delta(spec, capsys, "--sensitive-label", "gpu", "--fail-on", "medium")
    assert code == 1
    assert codes(document, "findings_added") == [(findings.SENSITIVE_RUNNERS_OPEN, "hidden")]
    assert "enterprise group 'hidden' shared with 'acme'" in document["group_changes"]  # type: ignore[operator]


def test_hosted_runners_in_a_spec_for_github_enterprise_server_would_fail_at_up(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = FakeGitHub(flavour="ghes-3.19")
    fake.add_org(ORG)
    fake.add_repo(ORG, "app", visibility="private")
    spec = tmp_path / "groups.yaml"
    spec.write_text("org: acme\ngroups:\n  hosted:\n" + HOSTED)
    with serve(fake) as running:
        reset_clients()
        monkeypatch.setenv("GITHUB_TOKEN", DEMO_TOKEN)
        monkeypatch.setenv("GITHUB_BASE_URL", running.url)
        monkeypatch.setenv("GITHUB_OWNER", ORG)
        code, document = delta(spec, capsys)
    assert code == 3
    assert document["would_fail"] == [
        "group 'hosted': this GitHub (Enterprise Server) has no GitHub-hosted runners, so `up` of its hosted_runners "
        "would fail"
    ]


def test_an_enterprise_runner_listed_by_two_enterprise_groups_would_fail_at_up(
    org: FakeGitHub, server: EmulatorServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = tmp_path / "groups.yaml"
    spec.write_text(
        "org: acme\nenterprise:\n  slug: corp\n  groups:\n    a:\n      runners: [fleet-1]\n"
        "    b:\n      visibility: selected\n      organizations: [other]\n      runners: [FLEET-1]\n"
    )
    code, document = delta(spec, capsys)
    assert code == 3
    assert document["would_fail"] == [
        "enterprise runner 'FLEET-1' is listed by enterprise groups 'a' and 'b': a runner is in one group at a "
        "time, so `up` would fail"
    ]
