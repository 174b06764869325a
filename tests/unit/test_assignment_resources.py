"""The access and membership Resource classes: what each registers (its type token, its Args fields, its computed
outputs, its own provider), whichever way its Args are given. Pinned because the state names the type token and
the provider server unpickles the provider class by reference. And every Resource whose provider keeps the
ownership journal registers it with the stack's name."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import dill
import github_runner_groups as rg
import pulumi
import pulumi.runtime
import pytest
from pulumi.runtime.settings import reset_options
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

# (Resource class, Args class, provider class, the Args a program gives, the outputs the provider computes)
Case = tuple[type[Any], type[Any], type[pulumi.dynamic.ResourceProvider], dict[str, Any], set[str]]
CASES: dict[str, Case] = {
    "repository access": (
        rg.RunnerGroupRepositoryAccess,
        rg.RunnerGroupRepositoryAccessArgs,
        rg.RunnerGroupRepositoryAccessProvider,
        {"runner_group_id": 7, "repositories": ["api", 12], "org": "acme"},
        {"repository_ids", "repository_names", "found_repository_ids", "etag"},
    ),
    "membership": (
        rg.RunnerGroupMembership,
        rg.RunnerGroupMembershipArgs,
        rg.RunnerGroupMembershipProvider,
        {"runner_group_id": "7", "runners": ["linux-1"], "exclusive": False},
        {"runner_ids", "runner_names", "found_runner_ids", "etag"},
    ),
    "enterprise organization access": (
        rg.EnterpriseRunnerGroupOrganizationAccess,
        rg.EnterpriseRunnerGroupOrganizationAccessArgs,
        rg.EnterpriseRunnerGroupOrganizationAccessProvider,
        {"runner_group_id": 3, "organizations": ["acme", 99], "enterprise": "acme-corp"},
        {"organization_ids", "organization_logins", "found_organization_ids", "etag"},
    ),
    "enterprise membership": (
        rg.EnterpriseRunnerGroupMembership,
        rg.EnterpriseRunnerGroupMembershipArgs,
        rg.EnterpriseRunnerGroupMembershipProvider,
        {"runner_group_id": 3, "runners": ["ent-linux-1"], "enterprise": "acme-corp"},
        {"runner_ids", "runner_names", "found_runner_ids", "etag"},
    ),
}


class Registrations(pulumi.runtime.Mocks):
    """Records each registration's type token and inputs as the engine would receive them."""

    def __init__(self) -> None:
        self.registered: dict[str, tuple[str, dict[str, Any]]] = {}

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        self.registered[args.name] = (args.typ, dict(args.inputs))
        return f"{args.name}-id", dict(args.inputs)

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        return {}, None


def registered(program: Callable[[], None]) -> dict[str, tuple[str, dict[str, Any]]]:
    mocks = Registrations()
    reset_options()
    pulumi.runtime.set_mocks(mocks, project="runner-groups", stack="test", preview=False)
    try:
        _sync_await(run_pulumi_func(program))
    finally:
        reset_options()
    return mocks.registered


def provider_of(inputs: dict[str, Any]) -> object:
    return dill.loads(base64.b64decode(inputs["__provider"]["value"]))


@pytest.mark.parametrize("case", CASES)
def test_a_resource_registers_its_token_args_outputs_and_provider(case: str) -> None:
    resource, args_type, provider, given, computed = CASES[case]
    made: list[pulumi.dynamic.Resource] = []
    ((token, inputs),) = registered(lambda: made.append(resource("r", **given))).values()
    assert token == f"pulumi-python:dynamic/github:{resource.__name__}"
    assert type(provider_of(inputs)) is provider
    defaults = {"exclusive": True, "org": None, "enterprise": None}
    expected = {name: given.get(name, defaults.get(name)) for name in args_type.__dataclass_fields__}
    sent = {k: v for k, v in inputs.items() if k != "__provider"}
    assert sent == {k: v for k, v in expected.items() if v is not None}  # the SDK does not send None
    # The computed outputs are registered (as None), so the resource has them as Outputs before any apply.
    assert all(isinstance(getattr(made[0], name), pulumi.Output) for name in computed)
    assert {name for name in vars(made[0]) if name in computed} == computed


@pytest.mark.parametrize("case", CASES)
def test_args_given_as_an_object_register_as_keywords_do(case: str) -> None:
    resource, args_type, _, given, _ = CASES[case]
    as_keywords = registered(lambda: resource("r", **given))
    as_args = registered(lambda: resource("r", args_type(**given)))
    assert {k: v for k, v in as_args["r"][1].items() if k != "__provider"} == {
        k: v for k, v in as_keywords["r"][1].items() if k != "__provider"
    }


@pytest.mark.parametrize("case", CASES)
def test_args_and_keywords_together_are_refused_naming_the_args_type(case: str) -> None:
    resource, args_type, _, given, _ = CASES[case]
    with pytest.raises(TypeError, match=f"pass either a {args_type.__name__} or keyword arguments, not both"):
        registered(lambda: resource("r", args_type(**given), exclusive=True))


def test_a_programs_own_subclass_keeps_the_args_and_the_provider() -> None:
    class TeamMembership(rg.RunnerGroupMembership, module="acme", name="TeamMembership"):
        """A program's own resource type built on RunnerGroupMembership."""

    def program() -> None:
        TeamMembership("t", runner_group_id=7, runners=["linux-1"])

    ((token, inputs),) = registered(program).values()
    assert token == "pulumi-python:dynamic/acme:TeamMembership"
    assert type(provider_of(inputs)) is rg.RunnerGroupMembershipProvider
    assert inputs["runners"] == ["linux-1"] and inputs["exclusive"] is True


# Resources whose providers keep the ownership journal (resources/_journal.py): their provider must name the stack.
JOURNALED: dict[str, tuple[type[Any], dict[str, Any]]] = {
    **{name: (case[0], case[3]) for name, case in CASES.items()},
    "runner group": (rg.RunnerGroup, {"name": "ci", "org": "acme"}),
    "enterprise runner group": (rg.EnterpriseRunnerGroup, {"name": "ci", "enterprise": "acme-corp"}),
    "hosted runner": (
        rg.HostedRunner,
        {"name": "big", "runner_group_id": 7, "image_id": "ubuntu-latest", "size": "4-core", "org": "acme"},
    ),
    "enterprise hosted runner": (
        rg.EnterpriseHostedRunner,
        {"name": "big", "runner_group_id": 7, "image_id": "ubuntu-latest", "size": "4-core", "enterprise": "x"},
    ),
}


@pytest.mark.parametrize("case", JOURNALED)
def test_a_journaled_resource_registers_a_provider_that_names_its_stack(case: str) -> None:
    """Without the stack's name the provider cannot tell its own earlier writes, or a group this stack holds under
    another resource name, from another stack's (docs/renames-and-ownership.md)."""
    resource, given = JOURNALED[case]
    ((_token, inputs),) = registered(lambda: resource("r", **given)).values()
    assert getattr(provider_of(inputs), "stack", None) == "runner-groups/test"
