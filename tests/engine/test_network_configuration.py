"""NetworkConfiguration and EnterpriseNetworkConfiguration through the engine protocol against the emulator's
`ghec` flavour (org `acme` in enterprise `acme-corp`): preview, create, update in place, drift, delete, adoption,
a lost answer, a runner group using the configuration by its output, and what is refused before any write."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from github_runner_groups.client import reset_clients
from github_runner_groups.errors import GitHubRunnerGroupsError
from github_runner_groups.resources.network_configuration import (
    EnterpriseNetworkConfigurationArgs,
    EnterpriseNetworkConfigurationProvider,
    NetworkConfigurationArgs,
    NetworkConfigurationProvider,
)
from github_runner_groups.resources.runner_group import RunnerGroupProvider
from github_runner_groups.settings import resolve_settings
from github_runner_groups.testing import DEMO_TOKEN, SEEDED_ENTERPRISE, EmulatorServer, FakeGitHub, FaultRule
from harness import UNKNOWN, Engine, HarnessError, Later, Ref, Res

MakeEngine = Callable[..., Engine]
WRITES = ("POST", "PATCH", "PUT", "DELETE")
NETWORK = "/orgs/acme/settings/network-configurations"


@pytest.fixture
def fake() -> FakeGitHub:
    seeded = FakeGitHub.seeded("demo", flavour="ghec")
    for name in ("eastus-subnet", "westus-subnet", "spare-subnet"):
        seeded.add_network_settings("acme", name)
    seeded.add_network_settings(SEEDED_ENTERPRISE, "enterprise-subnet", enterprise=True)
    return seeded


def settings_id(fake: FakeGitHub, name: str) -> str:
    with fake.lock:
        owners = [fake.find_org("acme").surface, fake.find_enterprise(SEEDED_ENTERPRISE).surface]
        return str(next(s["id"] for owner in owners for s in owner.network_settings.values() if s["name"] == name))


def config(fake: FakeGitHub, resource: str = "net", **args: Any) -> Res:
    given: dict[str, Any] = {"name": "private-net", "network_settings_ids": [settings_id(fake, "eastus-subnet")]}
    return Res(resource, NetworkConfigurationProvider(), NetworkConfigurationArgs(**{**given, **args}))


def writes(fake: FakeGitHub) -> list[tuple[str, str, Any]]:
    return [(r.method, r.path, r.json) for r in fake.requests if r.method in WRITES]


def live(fake: FakeGitHub) -> list[dict[str, Any]]:
    return fake.network_configurations("acme")


def test_preview_with_an_unknown_settings_id_calls_no_api(engine: MakeEngine, fake: FakeGitHub) -> None:
    result = engine().preview([config(fake, network_settings_ids=[Later("x")])])
    assert result.summary == {"create": 1}
    planned = result.outputs[config(fake).urn]
    assert (planned["compute_service"], planned["failover_network_enabled"]) == ("actions", False)
    assert planned["network_settings_ids"] == [UNKNOWN]
    assert fake.count() == 0


def test_up_creates_with_one_post_after_reading_the_settings(engine: MakeEngine, fake: FakeGitHub) -> None:
    eastus = settings_id(fake, "eastus-subnet")
    stack = engine()
    result = stack.up([config(fake)])
    assert result.summary == {"create": 1}
    assert writes(fake) == [
        (
            "POST",
            NETWORK,
            {
                "name": "private-net",
                "compute_service": "actions",
                "network_settings_ids": [eastus],
                "failover_network_settings_ids": [],
                "failover_network_enabled": False,
            },
        )
    ]
    assert fake.count("GET", f"/orgs/acme/settings/network-settings/{eastus}") == 1
    (made,) = live(fake)
    assert stack.get("net").id == made["id"] == result.outputs[config(fake).urn]["network_configuration_id"]
    fake.reset_log()
    assert stack.up([config(fake)]).summary == {"same": 1}
    assert fake.count() == 0


def test_rename_and_failover_change_in_place_with_one_patch(engine: MakeEngine, fake: FakeGitHub) -> None:
    stack = engine()
    stack.up([config(fake)])
    made = stack.get("net").id
    westus = settings_id(fake, "westus-subnet")
    fake.reset_log()
    changed = config(fake, name="private-net-2", failover_network_settings_ids=[westus], failover_network_enabled=True)
    assert stack.up([changed]).summary == {"update": 1}
    assert writes(fake) == [
        (
            "PATCH",
            f"{NETWORK}/{made}",
            {"name": "private-net-2", "failover_network_settings_ids": [westus], "failover_network_enabled": True},
        )
    ]
    assert stack.get("net").id == made
    assert live(fake)[0]["failover_network_settings_ids"] == [westus]


def test_refresh_shows_drift_and_up_restores_it(engine: MakeEngine, fake: FakeGitHub) -> None:
    stack = engine()
    stack.up([config(fake)])
    made = stack.get("net").id
    fake.update_network_configuration("acme", made, compute_service="none")  # a change in the web UI
    assert stack.refresh().summary == {"update": 1}
    assert stack.get("net").outputs["compute_service"] == "none"
    fake.reset_log()
    assert stack.up([config(fake)]).summary == {"update": 1}
    assert writes(fake) == [("PATCH", f"{NETWORK}/{made}", {"compute_service": "actions"})]


def test_refresh_drops_a_deleted_configuration_and_up_makes_it_again(engine: MakeEngine, fake: FakeGitHub) -> None:
    stack = engine()
    stack.up([config(fake)])
    fake.remove_network_configuration("acme", stack.get("net").id)
    assert stack.refresh().summary == {"delete": 1}
    assert stack.up([config(fake)]).summary == {"create": 1}
    assert len(live(fake)) == 1


def test_destroy_deletes_it(engine: MakeEngine, fake: FakeGitHub) -> None:
    stack = engine()
    stack.up([config(fake)])
    made = stack.get("net").id
    fake.reset_log()
    assert stack.destroy().summary == {"delete": 1}
    assert writes(fake) == [("DELETE", f"{NETWORK}/{made}", None)]
    assert live(fake) == []


def test_a_taken_name_is_refused_before_any_write_and_adopt_takes_it_over(engine: MakeEngine, fake: FakeGitHub) -> None:
    theirs = fake.add_network_configuration("acme", "Private-Net", settings_id(fake, "eastus-subnet"))
    stack = engine()
    with pytest.raises(HarnessError) as refused:
        stack.up([config(fake)])
    assert "already exists" in refused.value.message and "adopt=True" in refused.value.message
    assert writes(fake) == []
    adopted = Res(
        "net",
        NetworkConfigurationProvider(),
        {"name": "private-net", "network_settings_ids": theirs["network_settings_ids"], "adopt": True},
    )
    assert stack.up([adopted]).summary == {"create": 1}
    assert writes(fake) == [("PATCH", f"{NETWORK}/{theirs['id']}", {"name": "private-net"})]
    assert stack.get("net").id == theirs["id"]
    assert stack.get("net").outputs["compute_service"] == "actions"  # unset: left as GitHub has it
    fake.reset_log()
    assert stack.up([adopted]).summary == {"same": 1}
    assert fake.count() == 0


def test_a_lost_create_answer_claims_the_configuration_it_made(engine: MakeEngine, fake: FakeGitHub) -> None:
    fake.add_fault(FaultRule(method="POST", path=NETWORK, drop=True, after_handling=True))
    stack = engine()
    assert stack.up([config(fake)]).summary == {"create": 1}
    (made,) = live(fake)  # never a duplicate
    assert stack.get("net").id == made["id"]


def test_a_lost_answer_never_claims_a_configuration_with_other_settings(engine: MakeEngine, fake: FakeGitHub) -> None:
    """The POST never arrived, and meanwhile someone made a configuration of that name on another subnet."""
    fake.add_fault(FaultRule(method="POST", path=NETWORK, drop=True))
    spare = settings_id(fake, "spare-subnet")
    original = fake.handle

    def handle(method: str, path: str, *args: Any, **kwargs: Any) -> Any:
        if method == "POST" and path == NETWORK and not live(fake):
            fake.add_network_configuration("acme", "private-net", spare)
        return original(method, path, *args, **kwargs)

    fake.handle = handle  # type: ignore[method-assign]
    stack = engine()
    with pytest.raises(HarnessError) as refused:
        stack.up([config(fake)])
    assert "answer was lost" in refused.value.message and "other settings" in refused.value.message
    assert [c["network_settings_ids"] for c in live(fake)] == [[spare]]
    assert stack.state == {}


def test_settings_unknown_or_in_use_are_refused_before_any_write(engine: MakeEngine, fake: FakeGitHub) -> None:
    stack = engine()
    with pytest.raises(HarnessError) as unknown:
        stack.up([config(fake, network_settings_ids=["0000DEAD0000BEEF"])])
    assert "'0000DEAD0000BEEF', which is not a network settings resource of org 'acme'" in unknown.value.message
    fake.add_network_configuration("acme", "theirs", settings_id(fake, "eastus-subnet"))
    with pytest.raises(HarnessError) as in_use:
        stack.up([config(fake)])
    assert "already uses" in in_use.value.message and "eastus-subnet" in in_use.value.message
    assert writes(fake) == []


def test_a_runner_group_uses_it_by_its_output(engine: MakeEngine, fake: FakeGitHub) -> None:
    net = config(fake)
    group = Res("gpu", RunnerGroupProvider(), {"name": "gpu", "network_configuration_id": Ref(net)})
    stack = engine()
    assert stack.up([net, group]).summary == {"create": 2}
    made = next(g for g in fake.groups("acme") if g["name"] == "gpu")
    assert made["network_configuration_id"] == stack.get("net").id
    assert stack.destroy().summary == {"delete": 2}
    assert live(fake) == []


@pytest.mark.parametrize(
    ("args", "field", "words"),
    [
        ({"name": "private net"}, "name", "1-100 characters of letters, digits"),
        ({"name": "n" * 101}, "name", "101 characters long"),
        ({"network_settings_ids": ["A", "B"]}, "network_settings_ids", "takes exactly one"),
        ({"network_settings_ids": []}, "network_settings_ids", "takes exactly one"),
        ({"compute_service": "codespaces"}, "compute_service", "'none', 'actions'"),
        ({"failover_network_enabled": True}, "failover_network_enabled", "failover_network_settings_ids is empty"),
    ],
)
def test_bad_inputs_fail_at_check(
    engine: MakeEngine, fake: FakeGitHub, args: dict[str, Any], field: str, words: str
) -> None:
    with pytest.raises(HarnessError) as failed:
        engine().preview([config(fake, **args)])
    assert failed.value.step == "check" and field in failed.value.message and words in failed.value.message
    assert fake.count() == 0


def test_an_enterprise_configuration_lives_its_life(engine: MakeEngine, fake: FakeGitHub) -> None:
    subnet = settings_id(fake, "enterprise-subnet")
    made = Res(
        "ent-net",
        EnterpriseNetworkConfigurationProvider(),
        EnterpriseNetworkConfigurationArgs(name="ent-net", network_settings_ids=[subnet]),
    )
    stack = engine({"github-runner-groups:enterprise": SEEDED_ENTERPRISE})
    assert stack.up([made]).summary == {"create": 1}
    (live_one,) = fake.network_configurations(SEEDED_ENTERPRISE, enterprise=True)
    assert live_one["id"] == stack.get("ent-net").id and live_one["network_settings_ids"] == [subnet]
    assert stack.destroy().summary == {"delete": 1}
    assert fake.network_configurations(SEEDED_ENTERPRISE, enterprise=True) == []
    assert [r.path for r in fake.requests if r.method == "POST"] == [
        f"/enterprises/{SEEDED_ENTERPRISE}/network-configurations"
    ]


@pytest.fixture(params=["ghes-3.17", "ghes-3.19"])
def ghes(request: pytest.FixtureRequest) -> Iterator[tuple[FakeGitHub, EmulatorServer]]:
    from github_runner_groups.testing import serve

    emulated = FakeGitHub.seeded("demo", flavour=request.param)
    server = serve(emulated)
    try:
        yield emulated, server
    finally:
        server.close()


def test_ghes_is_refused_at_check_and_at_the_first_answer(ghes: tuple[FakeGitHub, EmulatorServer]) -> None:
    emulated, server = ghes
    reset_clients()
    provider = NetworkConfigurationProvider()
    provider._settings = resolve_settings(None, {"GITHUB_TOKEN": DEMO_TOKEN, "GITHUB_BASE_URL": server.url})
    inputs = {"org": "acme", "name": "net", "network_settings_ids": ["A1"], "adopt": False}
    try:
        checked = provider.check({}, {**inputs, "__provider": "p"})
        assert [f.property for f in checked.failures] == ["provider"]
        assert "has no hosted compute network configurations" in checked.failures[0].reason
        with pytest.raises(GitHubRunnerGroupsError) as refused:  # as when the base URL did not say GHES
            provider.create(inputs)
    finally:
        reset_clients()
    assert f"GitHub Enterprise Server {emulated.flavour.ghes_version}.0 has no hosted compute" in str(refused.value)
    assert emulated.count("POST") == 0


GHOST = "0000DEAD0000BEEF"


def test_a_group_with_an_unknown_configuration_is_refused_before_any_write(
    engine: MakeEngine, fake: FakeGitHub
) -> None:
    stack = engine()
    with pytest.raises(HarnessError) as refused:
        stack.up([Res("gpu", RunnerGroupProvider(), {"name": "gpu", "network_configuration_id": GHOST})])
    message = refused.value.message
    assert (
        f"no network configuration with id {GHOST} in org 'acme'" in message and "network_configuration_id" in message
    )
    assert "create it with NetworkConfiguration and pass its .id" in message
    assert fake.count("GET", f"{NETWORK}/{GHOST}") == 1
    assert writes(fake) == [] and stack.state == {}


def test_a_group_changed_to_an_unknown_configuration_is_refused_before_the_patch(
    engine: MakeEngine, fake: FakeGitHub
) -> None:
    known = fake.add_network_configuration("acme", "theirs", settings_id(fake, "eastus-subnet"))["id"]
    stack = engine()
    assert stack.up(
        [Res("gpu", RunnerGroupProvider(), {"name": "gpu", "network_configuration_id": known})]
    ).summary == {"create": 1}
    assert fake.count("GET", f"{NETWORK}/{known}") == 1
    fake.reset_log()
    with pytest.raises(HarnessError) as refused:
        stack.up([Res("gpu", RunnerGroupProvider(), {"name": "gpu", "network_configuration_id": GHOST})])
    assert f"no network configuration with id {GHOST}" in refused.value.message
    assert writes(fake) == []
    assert next(g for g in fake.groups("acme") if g["name"] == "gpu")["network_configuration_id"] == known


def test_an_unchanged_configuration_is_not_read_again(engine: MakeEngine, fake: FakeGitHub) -> None:
    known = fake.add_network_configuration("acme", "theirs", settings_id(fake, "eastus-subnet"))["id"]
    stack = engine()
    group = {"name": "gpu", "network_configuration_id": known}
    stack.up([Res("gpu", RunnerGroupProvider(), group)])
    fake.reset_log()
    assert stack.up([Res("gpu", RunnerGroupProvider(), {**group, "name": "gpu-2"})]).summary == {"update": 1}
    assert fake.count("GET", f"{NETWORK}/{known}") == 0 and [w[0] for w in writes(fake)] == ["PATCH"]


def test_preview_of_a_group_using_a_new_configuration_calls_no_api(engine: MakeEngine, fake: FakeGitHub) -> None:
    net = config(fake)
    group = Res("gpu", RunnerGroupProvider(), {"name": "gpu", "network_configuration_id": Ref(net)})
    assert engine().preview([net, group]).summary == {"create": 2}
    assert fake.count() == 0


def test_an_enterprise_group_with_an_unknown_configuration_is_refused_before_any_write(
    engine: MakeEngine, fake: FakeGitHub
) -> None:
    from github_runner_groups.resources.enterprise_runner_group import EnterpriseRunnerGroupProvider

    stack = engine({"github-runner-groups:enterprise": SEEDED_ENTERPRISE})
    shared = Res("shared", EnterpriseRunnerGroupProvider(), {"name": "shared", "network_configuration_id": GHOST})
    with pytest.raises(HarnessError) as refused:
        stack.up([shared])
    assert f"no network configuration with id {GHOST} in enterprise '{SEEDED_ENTERPRISE}'" in refused.value.message
    assert fake.count("GET", f"/enterprises/{SEEDED_ENTERPRISE}/network-configurations/{GHOST}") == 1
    assert writes(fake) == []


def test_a_configuration_deleted_after_the_check_fails_the_create_and_leaves_nothing(
    engine: MakeEngine, fake: FakeGitHub
) -> None:
    """Someone deletes the configuration between the provider's GET and its POST: GitHub's refusal is reported
    with what was being done, and no group is made or kept in state."""
    known = fake.add_network_configuration("acme", "theirs", settings_id(fake, "eastus-subnet"))["id"]
    original = fake.handle

    def handle(method: str, path: str, *args: Any, **kwargs: Any) -> Any:
        if method == "POST" and path == "/orgs/acme/actions/runner-groups" and live(fake):
            fake.remove_network_configuration("acme", known)
        return original(method, path, *args, **kwargs)

    fake.handle = handle  # type: ignore[method-assign]
    stack = engine()
    with pytest.raises(HarnessError) as failed:
        stack.up([Res("gpu", RunnerGroupProvider(), {"name": "gpu", "network_configuration_id": known})])
    message = failed.value.message
    assert "creating runner group 'gpu'" in message and "network_configuration_id" in message and "422" in message
    assert "gpu" not in [g["name"] for g in fake.groups("acme")] and stack.state == {}


def test_a_token_that_cannot_read_network_configurations_leaves_the_check_to_github(
    engine: MakeEngine, fake: FakeGitHub
) -> None:
    """A 403 on the GET (a classic token without read:network_configurations) proves nothing either way: the
    group is written and GitHub judges the id, as before this check existed."""
    known = fake.add_network_configuration("acme", "theirs", settings_id(fake, "eastus-subnet"))["id"]
    fake.add_fault(FaultRule(method="GET", path=f"{NETWORK}/", status=403, message="Resource not accessible"))
    stack = engine()
    group = Res("gpu", RunnerGroupProvider(), {"name": "gpu", "network_configuration_id": known})
    assert stack.up([group]).summary == {"create": 1}
    assert next(g for g in fake.groups("acme") if g["name"] == "gpu")["network_configuration_id"] == known
    assert fake.count("GET", f"{NETWORK}/{known}") == 1
