"""Provider errors read well on every supported SDK, the oldest of which drops the exception's class name.

SDK 3.216 answers a failed call with `Exception calling application: <message>`; later SDKs send the traceback,
whose last line is `<module>.<Class>: <message>`. Either way, what the user needs (what was being done, what
GitHub answered, what to do) must be in the message text itself. CI runs this on both ends of the SDK range.
"""

from __future__ import annotations

import importlib.metadata
import re
from collections.abc import Callable

import pytest
from github_runner_groups.resources.runner_group import RunnerGroupProvider
from github_runner_groups.testing import FakeGitHub, FaultRule
from harness import Engine, HarnessError, Res

MakeEngine = Callable[..., Engine]
SDK = importlib.metadata.version("pulumi")


def as_read(message: str) -> str:
    """The message without the SDK's framing: no class name, no traceback, no 'Exception calling application'."""
    last = message.strip().splitlines()[-1]
    return re.sub(r"^(Exception calling application: |[\w.]+: )", "", last)


def forbidden(fake: FakeGitHub) -> None:
    fake.add_fault(FaultRule(method="POST", status=403, message="Resource not accessible by integration"))


def taken(fake: FakeGitHub) -> None:
    fake.add_group("acme", "ci")


@pytest.mark.parametrize(
    ("setup", "fragments"),
    [
        (
            forbidden,
            (
                "creating runner group 'ci' in org 'acme' failed",
                "GitHub answered 403: Resource not accessible by integration.",
                "The credentials are not allowed to do this",
                "admin:org",
            ),
        ),
        (
            taken,
            (
                "creating runner group 'ci' in org 'acme' refused",
                "a runner group named 'ci' already exists (id",
                "set adopt=True",
            ),
        ),
    ],
    ids=["forbidden", "name taken"],
)
def test_api_failures_say_what_happened_and_what_to_do_without_the_class_name(
    engine: MakeEngine, fake: FakeGitHub, setup: Callable[[FakeGitHub], None], fragments: tuple[str, ...]
) -> None:
    setup(fake)
    with pytest.raises(HarnessError) as failure:
        engine().up([Res("ci", RunnerGroupProvider(), {"name": "ci"})])
    text = as_read(failure.value.message)
    assert text.startswith(fragments[0]), f"on pulumi {SDK}: {text}"
    missing = [fragment for fragment in fragments if fragment not in text]
    assert not missing, f"on pulumi {SDK} the message lacks {missing}: {text}"
    assert ".." not in text


def test_the_sdk_framing_is_the_one_each_end_of_the_range_uses(engine: MakeEngine, fake: FakeGitHub) -> None:
    """If an SDK changes how it frames a provider error, `as_read` above (and this list) must learn it."""
    forbidden(fake)
    with pytest.raises(HarnessError) as failure:
        engine().up([Res("ci", RunnerGroupProvider(), {"name": "ci"})])
    message = failure.value.message
    framed_by_class = "github_runner_groups.errors.GitHubAuthError: creating" in message
    framed_plainly = message.startswith("Exception calling application: creating")
    assert framed_by_class or framed_plainly, f"pulumi {SDK} frames provider errors in a new way: {message[:300]}"
