"""The SDK serializes each dynamic resource's provider with dill, and each call wraps pickle's `_batch_setitems`
once more without unwrapping it (pulumi/dynamic/dynamic.py, `serialize_provider`): in a program of about a
thousand dynamic resources, pickling any dict by item overflows the stack. Our providers carry their one piece of
state (the stack's name) as a tuple, so a big program still registers."""

from __future__ import annotations

import sys

import dill
from github_runner_groups.resources.repository_access import RunnerGroupRepositoryAccessProvider
from github_runner_groups.resources.runner_group import RunnerGroupProvider
from pulumi.dynamic.dynamic import serialize_provider


def test_a_provider_with_its_stack_pickles_after_thousands_of_registrations() -> None:
    for _ in range(sys.getrecursionlimit() + 200):  # what a program of that many resources does to pickle
        serialize_provider(RunnerGroupProvider())
    for provider in (RunnerGroupProvider(), RunnerGroupRepositoryAccessProvider()):
        provider.stack = "runner-groups/prod"
        restored = dill.loads(__import__("base64").b64decode(serialize_provider(provider)))
        assert type(restored) is type(provider) and restored.stack == "runner-groups/prod"


def test_the_serialized_provider_is_the_same_for_the_same_stack() -> None:
    """Pulumi diffs the serialized provider: the same stack must give the same text, or every resource updates."""
    first, second = RunnerGroupProvider(), RunnerGroupProvider()
    first.stack = second.stack = "runner-groups/prod"
    assert serialize_provider(first) == serialize_provider(second)
