"""A HostedRunner built from one of the org's custom images: the image id and a pinned version are checked
against the org's custom images and their versions before any write, read once per run and only when a custom
image is used."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from github_runner_groups.resources.hosted_runner import HostedRunnerArgs, HostedRunnerProvider
from github_runner_groups.testing import FakeGitHub
from harness import Engine, HarnessError, Res

MakeEngine = Callable[..., Engine]
HOSTED = "/orgs/acme/actions/hosted-runners"
CUSTOM = HOSTED + "/images/custom"


def custom_runner(image_id: Any, resource: str = "golden", **args: Any) -> Res:
    given = {"name": f"{resource}-runner", "size": "4-core", "image_source": "custom", **args}
    return Res(resource, HostedRunnerProvider(), HostedRunnerArgs(runner_group_id=1, image_id=str(image_id), **given))


def test_a_runner_from_a_custom_image_version(engine: MakeEngine, fake: FakeGitHub) -> None:
    golden = fake.add_custom_image("acme", "golden", versions=("1.0.0", "1.1.0"))
    stack = engine()
    assert stack.up([custom_runner(golden["id"], image_version="1.0.0")]).summary == {"create": 1}
    (made,) = fake.hosted_runners("acme")
    assert made["image_details"] == {
        "id": str(golden["id"]),
        "size_gb": 86,
        "display_name": "golden",
        "source": "custom",
        "version": "1.0.0",
    }
    assert fake.count("GET", CUSTOM + "$") == 1 and fake.count("GET", f"{CUSTOM}/{golden['id']}/versions") == 1
    assert stack.up([custom_runner(golden["id"], image_version="1.1.0")]).summary == {"update": 1}
    assert fake.hosted_runners("acme")[0]["image_details"]["version"] == "1.1.0"


def test_github_images_read_no_custom_listing(engine: MakeEngine, fake: FakeGitHub) -> None:
    engine().up([Res("x", HostedRunnerProvider(), HostedRunnerArgs("x", 1, "ubuntu-24.04", "4-core"))])
    assert fake.count("GET", CUSTOM) == 0


def test_an_unknown_custom_image_is_refused_before_any_write_naming_the_ready_ones(
    engine: MakeEngine, fake: FakeGitHub
) -> None:
    golden = fake.add_custom_image("acme", "golden")
    fake.add_custom_image("acme", "building", state="Provisioning")
    with pytest.raises(HarnessError) as refused:
        engine().up([custom_runner(999999)])
    message = refused.value.message
    assert "image_id='999999' is not a ready custom image of org 'acme'" in message
    assert f"{golden['id']} ('golden')" in message and "building" not in message
    assert fake.count("POST") == 0


def test_a_version_the_image_lacks_is_refused_before_any_write(engine: MakeEngine, fake: FakeGitHub) -> None:
    golden = fake.add_custom_image("acme", "golden", versions=("1.0.0",))
    with pytest.raises(HarnessError) as refused:
        engine().up([custom_runner(golden["id"], image_version="2.0.0")])
    assert "image_version='2.0.0' is not a ready version of custom image" in refused.value.message
    assert "'1.0.0'" in refused.value.message and fake.count("POST") == 0


def test_latest_needs_no_version_listing(engine: MakeEngine, fake: FakeGitHub) -> None:
    golden = fake.add_custom_image("acme", "golden")
    engine().up([custom_runner(golden["id"], image_version="latest")])
    assert fake.count("GET", "/versions") == 0 and len(fake.hosted_runners("acme")) == 1


def test_the_emulator_refuses_what_the_provider_would_have(fake: FakeGitHub) -> None:
    """The 422s the checks above spare a user, as the emulator gives them to a request that skips them."""
    import json

    from github_runner_groups.testing import DEMO_TOKEN
    from github_runner_groups.testing.wire import FakeResponse

    golden = fake.add_custom_image("acme", "golden")
    auth = {"Authorization": f"Bearer {DEMO_TOKEN}"}
    for image in (
        {"id": "999999", "source": "custom"},
        {"id": str(golden["id"]), "source": "custom", "version": "9.9.9"},
    ):
        body = {"name": "x", "size": "4-core", "runner_group_id": 1, "image": image}
        answer = fake.handle("POST", HOSTED, "", auth, json.dumps(body).encode())
        assert isinstance(answer, FakeResponse) and answer.status == 422, answer
