"""The emulator: which machine sizes serve which images, as GitHub's larger-runner specifications say (2 vCPUs
Ubuntu only, 4-vCPU Windows only on Windows Server 2025 / Windows 11 Desktop, 96 vCPUs x64 only), refused at
create and at PATCH with a 422 naming the size, before anything changes."""

from __future__ import annotations

import json
from typing import Any

import pytest
from github_runner_groups.testing import DEMO_TOKEN, FakeGitHub, FakeResponse

HOSTED = "/orgs/acme/actions/hosted-runners"


def size(cores: int) -> dict[str, Any]:
    return {"id": f"{cores}-core", "cpu_cores": cores, "memory_gb": cores * 4, "storage_gb": cores * 37}


def image(image_id: str, platform: str, display_name: str) -> dict[str, Any]:
    return {"id": image_id, "platform": platform, "size_gb": 86, "display_name": display_name, "source": "github"}


@pytest.fixture
def fake() -> FakeGitHub:
    fake = FakeGitHub.seeded("demo")
    fake.set_hosted_catalog(
        "acme",
        github_images=[
            image("ubuntu-24.04", "linux-x64", "Ubuntu 24.04"),
            image("ubuntu-24.04-arm", "linux-arm64", "Ubuntu 24.04 (Arm64)"),
            image("windows-2022", "win-x64", "Windows Server 2022"),
            image("windows-2025", "win-x64", "Windows Server 2025"),
        ],
        machine_sizes=[size(2), size(4), size(8), size(96)],
    )
    return fake


def call(fake: FakeGitHub, method: str, path: str, body: Any) -> tuple[int, Any]:
    answer = fake.handle(method, path, "", {"Authorization": f"Bearer {DEMO_TOKEN}"}, json.dumps(body).encode())
    assert isinstance(answer, FakeResponse)
    return answer.status, json.loads(answer.body)


def create(fake: FakeGitHub, image_id: str, size_id: str, name: str = "r") -> tuple[int, Any]:
    body = {"name": name, "image": {"id": image_id, "source": "github"}, "size": size_id, "runner_group_id": 1}
    return call(fake, "POST", HOSTED, body)


@pytest.mark.parametrize(
    ("image_id", "size_id", "why"),
    [
        ("windows-2022", "2-core", "Ubuntu only"),
        ("windows-2025", "2-core", "Ubuntu only"),
        ("windows-2022", "4-core", "Windows Server 2025 or the Windows 11 Desktop image"),
        ("ubuntu-24.04-arm", "96-core", "x64 only"),
    ],
)
def test_a_size_that_does_not_serve_the_image_is_refused(
    fake: FakeGitHub, image_id: str, size_id: str, why: str
) -> None:
    status, body = create(fake, image_id, size_id)
    assert status == 422 and why in body["message"]
    assert (body["errors"][0]["field"], body["errors"][0]["value"]) == ("size", size_id)
    assert fake.hosted_runners("acme") == []


@pytest.mark.parametrize(
    ("image_id", "size_id"),
    [
        ("ubuntu-24.04", "2-core"),
        ("ubuntu-24.04-arm", "2-core"),
        ("windows-2025", "4-core"),
        ("windows-2022", "8-core"),
        ("ubuntu-24.04", "96-core"),
    ],
)
def test_a_size_that_serves_the_image_is_taken(fake: FakeGitHub, image_id: str, size_id: str) -> None:
    assert create(fake, image_id, size_id)[0] == 201


def test_a_patch_to_a_mismatch_changes_nothing(fake: FakeGitHub) -> None:
    made = create(fake, "windows-2022", "8-core")[1]
    path = f"{HOSTED}/{made['id']}"
    status, body = call(fake, "PATCH", path, {"size": "4-core"})
    assert status == 422 and "Windows Server 2025" in body["message"]
    status, _ = call(fake, "PATCH", path, {"size": "4-core", "image_id": "windows-2025"})  # together they fit
    assert status == 200
    assert [(h["machine_size_details"]["id"], h["image_details"]["id"]) for h in fake.hosted_runners("acme")] == [
        ("4-core", "windows-2025")
    ]
