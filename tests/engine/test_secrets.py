"""The token reaches the provider only through Configure, as a secret, and never comes back out.

Everything a user, a log or a state file could show is scanned: the state (as `pulumi stack export
--show-secrets` prints it), every request and response and each provider server's stderr, all outputs and every
error message, across a full up/update/refresh/destroy cycle with failing steps.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

import dill
import pytest
from github_runner_groups.resources.runner_group import RunnerGroupArgs, RunnerGroupProvider
from github_runner_groups.testing import DEMO_TOKEN, FakeGitHub, FaultRule
from harness import PROVIDER_KEY, REDACTED, SECRET_SIG, SIG_KEY, Engine, HarnessError, Res, RunResult

MakeEngine = Callable[..., Engine]
# The token itself and the Authorization header values a client could build from it.
TOKEN_FORMS = (DEMO_TOKEN, f"token {DEMO_TOKEN}", f"Bearer {DEMO_TOKEN}")


def group(name: str, **args: Any) -> Res:
    return Res(name, RunnerGroupProvider(), RunnerGroupArgs(name=name, **args))


class Shown:
    """Collects every text the cycle produces that someone could read."""

    def __init__(self, stack: Engine) -> None:
        self.stack = stack
        self.texts: list[str] = []

    def run(self, step: Callable[[], RunResult]) -> RunResult:
        result = step()
        self.texts += [json.dumps(result.outputs), self.stack.state_blob()]
        return result

    def failing(self, step: Callable[[], RunResult]) -> HarnessError:
        with pytest.raises(HarnessError) as failure:
            step()
        self.texts += [str(failure.value), failure.value.message, self.stack.state_blob()]
        return failure.value

    def leaks(self, secret_forms: tuple[str, ...]) -> list[str]:
        everything = [*self.texts, self.stack.transcript(), self.stack.state_blob()]
        return [form for form in secret_forms if any(form in text for text in everything)]


def test_token_never_appears_in_state_transcript_outputs_or_errors(engine: MakeEngine, fake: FakeGitHub) -> None:
    stack = engine()
    shown = Shown(stack)
    program = [group("ci"), group("gpu", visibility="private")]
    assert shown.run(lambda: stack.preview(program)).summary == {"create": 2}
    assert shown.run(lambda: stack.up(program)).summary == {"create": 2}
    updated = [group("ci", visibility="private"), group("gpu", visibility="private")]
    assert shown.run(lambda: stack.up(updated)).summary == {"update": 1, "same": 1}
    fake.update_group("acme", int(stack.get("gpu").id), visibility="all")
    assert shown.run(stack.refresh).summary == {"update": 1, "same": 1}

    fake.add_group("acme", "taken")
    clash = shown.failing(lambda: stack.up([*updated, group("taken")]))
    assert clash.step == "create"
    fake.add_fault(FaultRule(method="PATCH", status=403, message="Resource not accessible by integration"))
    refused = shown.failing(lambda: stack.up([group("ci", visibility="all"), group("gpu", visibility="private")]))
    assert refused.step == "update"
    assert "403" in refused.message

    assert shown.run(stack.destroy).summary == {"delete": 2}
    assert stack.state == {}
    assert shown.leaks(TOKEN_FORMS) == []


def test_a_rejected_token_is_not_echoed(engine: MakeEngine) -> None:
    wrong = "ghp_notTheEmulatorsToken0000000000000000"
    stack = engine({"github:token": wrong})
    shown = Shown(stack)
    failure = shown.failing(lambda: stack.up([group("ci")]))
    assert failure.step == "create"
    assert "401" in failure.message
    assert shown.leaks((wrong, f"token {wrong}", f"Bearer {wrong}")) == []


def test_config_token_arrives_as_a_secret_and_markers_stop_at_configure(engine: MakeEngine) -> None:
    stack = engine()
    stack.up([group("ci")])  # succeeds, so the provider did receive the token
    configures = stack.calls("Configure")
    assert [call["run"] for call in configures] == ["1:up:preview", "1:up"]  # the preview's process, the update's
    configure = configures[-1]
    assert configure["request"]["acceptSecrets"] is True
    assert configure["request"]["args"]["github:token"] == {SIG_KEY: SECRET_SIG, "value": REDACTED}
    assert configure["request"]["args"]["github:owner"] == "acme"
    # The SDK's server declines secrets, so the engine strips the markers from everything it sends afterwards...
    assert configure["response"]["acceptSecrets"] is False
    later = [call for call in stack.calls() if call["method"] not in ("Configure", "stderr")]
    assert later
    assert all(SECRET_SIG not in json.dumps(call) for call in later)
    # ...and keeps `__provider` secret in the state by name.
    (resource,) = [r for r in json.loads(stack.state_blob())["deployment"]["resources"] if r["urn"] == group("ci").urn]
    for properties in (resource["inputs"], resource["outputs"]):
        assert properties[PROVIDER_KEY][SIG_KEY] == SECRET_SIG


def test_pickled_provider_is_a_bare_class_reference(engine: MakeEngine) -> None:
    stack = engine()
    stack.up([group("ci")])
    pickled = base64.b64decode(stack.get("ci").inputs[PROVIDER_KEY])
    assert DEMO_TOKEN.encode() not in pickled
    provider = dill.loads(pickled)
    assert type(provider) is RunnerGroupProvider
    assert vars(provider) == {}
