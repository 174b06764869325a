"""EnterpriseHostedRunner: a GitHub-hosted larger runner of an enterprise itself (GHEC), in one of the
enterprise's runner groups, shared with its organizations through that group.

HostedRunner's provider serves it with the enterprise's location: the same field table (but `enterprise` for
`org`), the same checks before any write (what the enterprise offers: sizes, images, custom images, static IPs;
the group among the enterprise's; the name free), the same in-place updates and lost-answer handling. The token
needs manage_runners:enterprise (admin:enterprise includes it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi.dynamic

from ._common import of_this_stack, registration
from .fields import Role, named
from .hosted_runner import HostedRunnerProvider
from .surface_fields import ENTERPRISE_HOSTED_RUNNER_FIELDS

__all__ = ["EnterpriseHostedRunner", "EnterpriseHostedRunnerArgs", "EnterpriseHostedRunnerProvider"]

COMPUTED = named(ENTERPRISE_HOSTED_RUNNER_FIELDS, Role.COMPUTED)


class EnterpriseHostedRunnerProvider(HostedRunnerProvider):
    location = "enterprise"


@dataclass
class EnterpriseHostedRunnerArgs:
    """Inputs of an EnterpriseHostedRunner: HostedRunnerArgs with `enterprise` (default
    github-runner-groups:enterprise / GITHUB_ENTERPRISE) instead of `org`; `runner_group_id` is an
    EnterpriseRunnerGroup's id."""

    name: pulumi.Input[str]
    runner_group_id: pulumi.Input[int | str]
    image_id: pulumi.Input[str]
    size: pulumi.Input[str]
    enterprise: pulumi.Input[str] | None = None
    image_source: pulumi.Input[str] | None = None
    image_version: pulumi.Input[str] | None = None
    maximum_runners: pulumi.Input[int] | None = None
    enable_static_ip: pulumi.Input[bool] | None = None
    image_gen: pulumi.Input[bool] | None = None
    adopt: pulumi.Input[bool] = False


class EnterpriseHostedRunner(pulumi.dynamic.Resource, module="github", name="EnterpriseHostedRunner"):
    """An enterprise's GitHub-hosted larger runner; its `id` is GitHub's numeric hosted runner id as text."""

    enterprise: pulumi.Output[str]
    name: pulumi.Output[str]
    runner_group_id: pulumi.Output[int]
    image_id: pulumi.Output[str]
    image_source: pulumi.Output[str]
    image_version: pulumi.Output[str | None]
    size: pulumi.Output[str]
    maximum_runners: pulumi.Output[int]
    enable_static_ip: pulumi.Output[bool]
    image_gen: pulumi.Output[bool]
    hosted_runner_id: pulumi.Output[int]
    platform: pulumi.Output[str]
    machine_size_details: pulumi.Output[dict[str, Any]]
    public_ips: pulumi.Output[list[str]]
    adopt: pulumi.Output[bool]

    def __init__(
        self,
        resource_name: str,
        args: EnterpriseHostedRunnerArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
        **kwargs: Any,
    ) -> None:
        props = registration(EnterpriseHostedRunnerArgs, args, kwargs, COMPUTED)
        super().__init__(of_this_stack(EnterpriseHostedRunnerProvider()), resource_name, props, opts)
