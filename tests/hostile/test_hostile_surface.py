"""Hostile inputs to NetworkConfiguration, SelfHostedRunnerPolicy and EnterpriseHostedRunner: each fails in check
(no API call, so `pulumi preview` shows it), naming the field, the value and the fix, with no secret in the text."""

from __future__ import annotations

from typing import Any

import pytest
from github_runner_groups.resources._common import GitHubProvider
from github_runner_groups.resources.enterprise_hosted_runner import EnterpriseHostedRunnerProvider
from github_runner_groups.resources.network_configuration import NetworkConfigurationProvider
from github_runner_groups.resources.self_hosted_policy import SelfHostedRunnerPolicyProvider
from github_runner_groups.settings import resolve_settings
from github_runner_groups.testing import DEMO_TOKEN, EmulatorServer, FakeGitHub
from hostile_check import HostileCheck

NETWORK = {"name": "net", "network_settings_ids": ["AB12"]}
HOSTED = {"name": "big", "runner_group_id": 1, "image_id": "ubuntu-24.04", "size": "4-core"}
CASES: list[tuple[str, type[GitHubProvider], dict[str, Any], tuple[str, ...]]] = [
    ("NUL in a network name", NetworkConfigurationProvider, {**NETWORK, "name": "net\x00"}, ("name", "U+0000")),
    ("10 000-character network name", NetworkConfigurationProvider, {**NETWORK, "name": "n" * 10_000}, ("10000",)),
    (
        "settings ids as one string",
        NetworkConfigurationProvider,
        {**NETWORK, "network_settings_ids": "AB12"},
        ("list",),
    ),
    (
        "zero-width space in a settings id",
        NetworkConfigurationProvider,
        {**NETWORK, "network_settings_ids": ["AB\u200b12"]},
        ("network_settings_ids[0]", "network settings id"),
    ),
    ("unknown network input", NetworkConfigurationProvider, {**NETWORK, "subnet": "x"}, ("unknown input 'subnet'",)),
    ("org with a newline", NetworkConfigurationProvider, {**NETWORK, "org": "acme\nevil"}, ("org", "organization")),
    (
        "failover flag as text",
        NetworkConfigurationProvider,
        {**NETWORK, "failover_network_enabled": "yes"},
        ("true or false",),
    ),
    ("policy as a list", SelfHostedRunnerPolicyProvider, {"enabled_repositories": ["all"]}, ("enabled_repositories",)),
    (
        "a boolean among repositories",
        SelfHostedRunnerPolicyProvider,
        {"enabled_repositories": "selected", "repositories": ["api", True]},
        ("repositories[1]",),
    ),
    (
        "another org's repository",
        SelfHostedRunnerPolicyProvider,
        {"enabled_repositories": "selected", "repositories": ["other-org/api"]},
        ("repositories[0]", "other-org"),
    ),
    (
        "additive without repositories",
        SelfHostedRunnerPolicyProvider,
        {"exclusive": False},
        ("repositories is required",),
    ),
    ("enterprise with a slash", EnterpriseHostedRunnerProvider, {**HOSTED, "enterprise": "acme/corp"}, ("enterprise",)),
    (
        "enterprise runner with an org input",
        EnterpriseHostedRunnerProvider,
        {**HOSTED, "enterprise": "acme-corp", "org": "acme"},
        ("unknown input 'org'",),
    ),
]


@pytest.mark.parametrize(("case", "provider_type", "inputs", "fragments"), CASES, ids=[c[0] for c in CASES])
def test_hostile_inputs_fail_in_check(
    hostile: HostileCheck,
    emulator: EmulatorServer,
    fake: FakeGitHub,
    case: str,
    provider_type: type[GitHubProvider],
    inputs: dict[str, Any],
    fragments: tuple[str, ...],
) -> None:
    provider = provider_type()
    provider._settings = resolve_settings(
        None, {"GITHUB_TOKEN": DEMO_TOKEN, "GITHUB_BASE_URL": emulator.url, "GITHUB_OWNER": "acme"}
    )
    checked = provider.check({}, {**inputs, "__provider": "p"})
    assert checked.failures, case
    message = " | ".join(f"{f.property}: {f.reason}" for f in checked.failures)
    assert fake.count() == 0
    hostile.refused(provider_type.__name__.removesuffix("Provider"), case, message, *fragments)
