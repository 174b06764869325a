"""A HostedRunner whose size does not serve its image (per GitHub's larger-runner specifications): GitHub refuses
the POST or the PATCH, and the error says so in the program's terms, with what to change."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from github_runner_groups.resources.hosted_runner import HostedRunnerArgs, HostedRunnerProvider
from github_runner_groups.testing import FakeGitHub
from harness import Engine, HarnessError, Res

MakeEngine = Callable[..., Engine]


def runner(**args: Any) -> Res:
    given = {"name": "win", "image_id": "windows-2022", "size": "8-core", "runner_group_id": 1, **args}
    return Res("win", HostedRunnerProvider(), HostedRunnerArgs(**given))


def test_a_size_that_does_not_serve_the_image_is_explained(engine: MakeEngine, fake: FakeGitHub) -> None:
    with pytest.raises(HarnessError) as refused:
        engine().up([runner(size="4-core")])
    message = refused.value.message
    assert "GitHub answered 422" in message and "size '4-core' with image 'windows-2022' was refused" in message
    assert "Windows Server 2025" in message and "Choose another size or image" in message
    assert fake.hosted_runners("acme") == []
    stack = engine()
    stack.up([runner()])
    with pytest.raises(HarnessError) as refused:
        stack.up([runner(size="2-core")])
    assert "size '2-core' with image 'windows-2022' was refused" in refused.value.message
    assert [h["machine_size_details"]["id"] for h in fake.hosted_runners("acme")] == ["8-core"]
