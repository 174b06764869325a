"""SelfHostedRunnerPolicy through the engine protocol against the emulator: exclusive (owns the policy and its
list, gives back what it found), additive (owns only its entries), drift, refusals before any write, a lost
answer, and GitHub Enterprise Server (3.19 has the endpoints, 3.17 and 3.18 do not)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from github_runner_groups.client import reset_clients
from github_runner_groups.errors import GitHubRunnerGroupsError
from github_runner_groups.resources.self_hosted_policy import SelfHostedRunnerPolicyArgs, SelfHostedRunnerPolicyProvider
from github_runner_groups.settings import resolve_settings
from github_runner_groups.testing import DEMO_TOKEN, EmulatorServer, FakeGitHub, FaultRule, serve
from harness import Engine, HarnessError, Res

MakeEngine = Callable[..., Engine]
WRITES = ("POST", "PATCH", "PUT", "DELETE")
POLICY = "/orgs/acme/actions/permissions/self-hosted-runners"


def policy(resource: str = "policy", **args: Any) -> Res:
    return Res(resource, SelfHostedRunnerPolicyProvider(), SelfHostedRunnerPolicyArgs(**args))


def repo_ids(fake: FakeGitHub, *names: str) -> list[int]:
    ids = {r["name"]: r["id"] for r in fake.repositories("acme")}
    return sorted(ids[name] for name in names)


def writes(fake: FakeGitHub) -> list[tuple[str, str, Any]]:
    return [(r.method, r.path, r.json) for r in fake.requests if r.method in WRITES]


def test_exclusive_sets_the_policy_and_list_and_gives_back_what_it_found(engine: MakeEngine, fake: FakeGitHub) -> None:
    stack = engine()
    wanted = policy(enabled_repositories="selected", repositories=["api", "acme/web"])
    result = stack.up([wanted])
    assert result.summary == {"create": 1}
    assert writes(fake) == [
        ("PUT", POLICY, {"enabled_repositories": "selected"}),
        ("PUT", POLICY + "/repositories", {"selected_repository_ids": repo_ids(fake, "api", "web")}),
    ]
    outputs = result.outputs[wanted.urn]
    assert outputs["repository_names"] == ["api", "web"] and outputs["previous_enabled_repositories"] == "all"
    assert fake.self_hosted_policy("acme") == ("selected", repo_ids(fake, "api", "web"))
    fake.reset_log()
    assert stack.up([wanted]).summary == {"same": 1}
    assert fake.count() == 0
    assert stack.destroy().summary == {"delete": 1}
    assert fake.self_hosted_policy("acme") == ("all", [])


def test_destroy_restores_a_selected_list_it_replaced(engine: MakeEngine, fake: FakeGitHub) -> None:
    fake.set_self_hosted_runner_policy("acme", "selected", ["docs"])
    stack = engine()
    stack.up([policy(enabled_repositories="none")])
    assert fake.self_hosted_policy("acme") == ("none", [])
    stack.destroy()
    assert fake.self_hosted_policy("acme") == ("selected", repo_ids(fake, "docs"))


def test_refresh_shows_drift_and_up_restores_it(engine: MakeEngine, fake: FakeGitHub) -> None:
    stack = engine()
    wanted = policy(enabled_repositories="selected", repositories=["api"])
    stack.up([wanted])
    fake.set_self_hosted_runner_policy("acme", "all")  # an owner's change in the web UI
    assert stack.refresh().summary == {"update": 1}
    assert stack.get("policy").outputs["enabled_repositories"] == "all"
    fake.reset_log()
    assert stack.up([wanted]).summary == {"update": 1}
    assert [(m, p) for m, p, _ in writes(fake)] == [("PUT", POLICY), ("PUT", POLICY + "/repositories")]
    assert fake.self_hosted_policy("acme") == ("selected", repo_ids(fake, "api"))


def test_additive_adds_only_its_entries_and_removes_only_what_it_added(engine: MakeEngine, fake: FakeGitHub) -> None:
    fake.set_self_hosted_runner_policy("acme", "selected", ["docs"])
    stack = engine()
    mine = policy(repositories=["api", "docs"], exclusive=False)
    assert stack.up([mine]).summary == {"create": 1}
    (api_id,) = repo_ids(fake, "api")
    assert writes(fake) == [("PUT", f"{POLICY}/repositories/{api_id}", None)]
    assert stack.get("policy").outputs["found_repository_ids"] == repo_ids(fake, "docs")
    fake.reset_log()
    assert stack.destroy().summary == {"delete": 1}
    assert writes(fake) == [("DELETE", f"{POLICY}/repositories/{api_id}", None)]
    assert fake.self_hosted_policy("acme") == ("selected", repo_ids(fake, "docs"))


def test_additive_on_a_policy_that_is_not_selected_is_refused_before_any_write(
    engine: MakeEngine, fake: FakeGitHub
) -> None:
    with pytest.raises(HarnessError) as refused:
        engine().up([policy(repositories=["api"], exclusive=False)])
    assert "policy is 'all'" in refused.value.message and "'selected'" in refused.value.message
    assert writes(fake) == []


def test_an_unknown_repository_is_refused_before_any_write(engine: MakeEngine, fake: FakeGitHub) -> None:
    with pytest.raises(HarnessError) as refused:
        engine().up([policy(enabled_repositories="selected", repositories=["api", "no-such-repo"])])
    assert "no-such-repo" in refused.value.message
    assert writes(fake) == [] and fake.self_hosted_policy("acme") == ("all", [])


def test_two_exclusive_policies_of_one_org_are_refused(engine: MakeEngine, fake: FakeGitHub) -> None:
    with pytest.raises(HarnessError) as refused:
        engine().up([policy(enabled_repositories="none"), policy("again", enabled_repositories="all")])
    assert "already manages this org's policy" in refused.value.message


def test_a_lost_put_answer_is_repeated_harmlessly(engine: MakeEngine, fake: FakeGitHub) -> None:
    """Every write of the policy sets a whole value: the client repeats it once its answer is lost."""
    fake.add_fault(FaultRule(method="PUT", path=POLICY + "$", drop=True, after_handling=True))
    assert engine().up([policy(enabled_repositories="none")]).summary == {"create": 1}
    assert fake.self_hosted_policy("acme") == ("none", [])
    assert [r.status for r in fake.requests if r.method == "PUT"] == [None, 204]


@pytest.mark.parametrize(
    ("args", "field", "words"),
    [
        ({}, "enabled_repositories", "is required"),
        ({"enabled_repositories": "some"}, "enabled_repositories", "'all', 'selected', 'none'"),
        ({"enabled_repositories": "all", "repositories": ["api"]}, "repositories", "only for enabled_repositories"),
        (
            {"enabled_repositories": "none", "exclusive": False, "repositories": ["api"]},
            "enabled_repositories",
            "additive",
        ),
        ({"enabled_repositories": "selected", "repositories": ["api", "api"]}, "repositories", "twice"),
    ],
)
def test_bad_inputs_fail_at_check(
    engine: MakeEngine, fake: FakeGitHub, args: dict[str, Any], field: str, words: str
) -> None:
    with pytest.raises(HarnessError) as failed:
        engine().preview([policy(**args)])
    assert failed.value.step == "check" and field in failed.value.message and words in failed.value.message
    assert fake.count() == 0


@pytest.fixture(params=["ghes-3.17", "ghes-3.18", "ghes-3.19"])
def ghes(request: pytest.FixtureRequest) -> Iterator[tuple[FakeGitHub, EmulatorServer]]:
    emulated = FakeGitHub.seeded("demo", flavour=request.param)
    server = serve(emulated)
    reset_clients()
    try:
        yield emulated, server
    finally:
        server.close()
        reset_clients()


def test_ghes_3_19_has_the_policy_and_older_releases_are_refused_naming_theirs(
    ghes: tuple[FakeGitHub, EmulatorServer],
) -> None:
    emulated, server = ghes
    provider = SelfHostedRunnerPolicyProvider()
    provider._settings = resolve_settings(None, {"GITHUB_TOKEN": DEMO_TOKEN, "GITHUB_BASE_URL": server.url})
    checked = provider.check({}, {"org": "acme", "enabled_repositories": "none", "__provider": "p"})
    assert checked.failures == []
    release = emulated.flavour.ghes_version
    if release == "3.19":
        provider.create(dict(checked.inputs))
        assert emulated.self_hosted_policy("acme") == ("none", [])
        return
    with pytest.raises(GitHubRunnerGroupsError) as refused:
        provider.create(dict(checked.inputs))
    assert f"GitHub Enterprise Server {release}.0 has no self-hosted-runner policy endpoints" in str(refused.value)
    assert emulated.count("PUT") == 0
