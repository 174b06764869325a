"""OrgRunnerGroups: every runner group of a spec, with its repository access, runners and GitHub-hosted runners,
as one component; and the spec's enterprise groups, with the organizations that may use them and their runners."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulumi

from . import component_surface as surface
from .resources.enterprise_membership import EnterpriseRunnerGroupMembership, EnterpriseRunnerGroupMembershipArgs
from .resources.enterprise_organization_access import (
    EnterpriseRunnerGroupOrganizationAccess,
    EnterpriseRunnerGroupOrganizationAccessArgs,
)
from .resources.enterprise_runner_group import EnterpriseRunnerGroup, EnterpriseRunnerGroupArgs
from .resources.fields import ENTERPRISE_INLINE_LISTS, HOSTED_RUNNER_FIELDS, INLINE_LISTS, RUNNER_GROUP_FIELDS
from .resources.hosted_runner import HostedRunner, HostedRunnerArgs
from .resources.membership import RunnerGroupMembership, RunnerGroupMembershipArgs
from .resources.repository_access import RunnerGroupRepositoryAccess, RunnerGroupRepositoryAccessArgs
from .resources.runner_group import RunnerGroup, RunnerGroupArgs
from .settings import remember_secrets
from .spec import EnterpriseGroupSpec, GroupSpec, HostedRunnerSpec, OrgSpec, SpecError, load_spec

SPEC_FIELDS = tuple(f.name for f in RUNNER_GROUP_FIELDS if f.in_spec)
HOSTED_SPEC_FIELDS = tuple(f.name for f in HOSTED_RUNNER_FIELDS if f.in_spec)


@dataclass(frozen=True)
class _Scope:
    """How a spec group of an org or an enterprise becomes resources: the group resource and its Args, the input
    naming where it lives, the lists it owns inline when exclusive, and the separate resource (and Args) of each
    list for an additive group (its Args field is named as the list)."""

    group_type: Callable[..., Any]
    args_type: Callable[..., Any]
    location: str
    inline: tuple[str, ...]
    lists: tuple[tuple[str, Callable[..., Any], Callable[..., Any]], ...]


_ORG = _Scope(
    RunnerGroup,
    RunnerGroupArgs,
    "org",
    INLINE_LISTS,
    (
        ("repositories", RunnerGroupRepositoryAccess, RunnerGroupRepositoryAccessArgs),
        ("runners", RunnerGroupMembership, RunnerGroupMembershipArgs),
    ),
)
_ENTERPRISE = _Scope(
    EnterpriseRunnerGroup,
    EnterpriseRunnerGroupArgs,
    "enterprise",
    ENTERPRISE_INLINE_LISTS,
    (
        ("organizations", EnterpriseRunnerGroupOrganizationAccess, EnterpriseRunnerGroupOrganizationAccessArgs),
        ("runners", EnterpriseRunnerGroupMembership, EnterpriseRunnerGroupMembershipArgs),
    ),
)


class OrgRunnerGroups(pulumi.ComponentResource):
    """Creates, per group of the spec, a RunnerGroup with its lists and (when the spec lists them) its
    GitHub-hosted runners, and per enterprise group of the spec an EnterpriseRunnerGroup with its lists (and the
    enterprise's own hosted runners, `{name}-enterprise-hosted-{runner}`). The spec's network configurations
    become NetworkConfiguration / EnterpriseNetworkConfiguration resources (`{name}-network-{config}`,
    `{name}-enterprise-network-{config}`), which a group naming them in `network_configuration_id` uses by id;
    its `self_hosted_runners:` section a SelfHostedRunnerPolicy (`{name}-self-hosted-runners`).

    An exclusive group (the default) owns its lists inline, so it costs one POST to create and one DELETE to
    destroy, in an org or an enterprise alike. An additive group (`exclusive: false`) leaves its lists to separate
    resources (RunnerGroupRepositoryAccess and RunnerGroupMembership; in an enterprise
    EnterpriseRunnerGroupOrganizationAccess and EnterpriseRunnerGroupMembership) that add and remove only the
    entries the spec lists.

    Children are named `{name}-{group}`, for additive groups also `{name}-{group}-repositories` and
    `{name}-{group}-runners`, and `{name}-hosted-{runner}` (a hosted runner moved to another group of the spec
    stays the same resource: the move is one PATCH; enterprise groups: `{name}-enterprise-{group}`, and when
    additive `...-organizations`, `...-runners`). A group or hosted runner whose key changed says so with
    `renamed_from:` (its earlier keys): its resources get Pulumi aliases to their earlier names, so the rename is
    an update (a PATCH of the name at most), never a create and a delete. Renaming the component itself renames
    every child (their names start with its name), which no alias on the component covers: keep its name.
    """

    group_ids: pulumi.Output[dict[str, str]]

    def __init__(
        self,
        name: str,
        spec: OrgSpec | None = None,
        spec_file: str | Path | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        if (spec is None) == (spec_file is None):
            raise SpecError("OrgRunnerGroups takes either spec= (an OrgSpec) or spec_file= (a YAML file), not both.")
        if spec_file is not None:
            from pulumi.runtime.config import get_config

            remember_secrets(get_config)  # a spec's errors may show its values: none of them may be the token
        resolved = spec if spec is not None else load_spec(str(spec_file))
        super().__init__("github-runner-groups:index:OrgRunnerGroups", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.network_configurations = surface.network_configurations(
            name, "org", resolved.org, resolved.network_configurations, child
        )
        self.groups: dict[str, RunnerGroup] = {}
        for group in resolved.groups:
            self.groups[group.name] = self._group(name, resolved.org, group, child, self.network_configurations)
        self.enterprise_groups: dict[str, EnterpriseRunnerGroup] = {}
        if resolved.enterprise is not None:
            slug = resolved.enterprise.enterprise
            prefix = f"{name}-enterprise"
            networks = surface.network_configurations(
                prefix, "enterprise", slug, resolved.enterprise.network_configurations, child
            )
            self.network_configurations.update({f"enterprise/{k}": v for k, v in networks.items()})
            for shared in resolved.enterprise.groups:
                made = _group_resources(prefix, slug, shared, _ENTERPRISE, child, networks)
                self.enterprise_groups[shared.name] = made
                surface.enterprise_hosted_runners(prefix, slug, shared, made.id, child)
        self.self_hosted_runner_policy = (
            surface.self_hosted_runner_policy(name, resolved.org, resolved.self_hosted_runners, child)
            if resolved.self_hosted_runners is not None
            else None
        )
        self.group_ids = pulumi.Output.all(*(pulumi.Output.concat(g.id) for g in self.groups.values())).apply(
            lambda ids: dict(zip(self.groups, ids, strict=True))
        )
        self.register_outputs({"group_ids": self.group_ids})

    def group(self, name: str) -> RunnerGroup:
        """The RunnerGroup of the spec's group `name`."""
        try:
            return self.groups[name]
        except KeyError:
            raise KeyError(f"no group {name!r} in this OrgRunnerGroups; it has: {', '.join(self.groups)}") from None

    @staticmethod
    def _group(
        prefix: str, org: str | None, group: GroupSpec, child: pulumi.ResourceOptions, networks: surface.Networks
    ) -> RunnerGroup:
        resource: RunnerGroup = _group_resources(prefix, org, group, _ORG, child, networks)
        for hosted in group.hosted_runners or ():
            HostedRunner(
                f"{prefix}-hosted-{hosted.name}",
                hosted_runner_args(org, group, hosted, resource.id),
                _renamed(child, f"{prefix}-hosted-", hosted.renamed_from),
            )
        return resource


def _group_resources(
    prefix: str,
    location: str | None,
    group: GroupSpec | EnterpriseGroupSpec,
    scope: _Scope,
    child: pulumi.ResourceOptions,
    networks: surface.Networks | None = None,
) -> Any:
    """The group `{prefix}-{group}` with its lists inline when exclusive; when additive, its settings alone and a
    resource `{prefix}-{group}-{list}` per list the spec gives. A `network_configuration_id` naming one of the
    spec's `networks` is that configuration's id."""
    args = _group_args(location, group, scope)
    args.network_configuration_id = surface.network_reference(args.network_configuration_id, networks or {})
    options = _renamed(child, f"{prefix}-", group.renamed_from)
    resource = scope.group_type(f"{prefix}-{group.name}", args, options)
    if not group.exclusive:
        for field, resource_type, args_type in scope.lists:
            members = getattr(group, field)
            if members is not None:
                args = args_type(
                    runner_group_id=resource.id,
                    exclusive=False,
                    **{scope.location: location, field: list(members)},
                )
                old_names = tuple(f"{old}-{field}" for old in group.renamed_from or ())
                resource_type(f"{prefix}-{group.name}-{field}", args, _renamed(child, f"{prefix}-", old_names))
    return resource


def _renamed(child: pulumi.ResourceOptions, prefix: str, olds: tuple[str, ...] | None) -> pulumi.ResourceOptions:
    """The child's options, with an alias to each earlier name (`{prefix}{old}`) under the same parent: Pulumi then
    moves the state entry to the new name (no create, no delete)."""
    if not olds:
        return child
    aliases: list[pulumi.Input[str | pulumi.Alias]] = [pulumi.Alias(name=f"{prefix}{old}") for old in olds]
    return pulumi.ResourceOptions.merge(child, pulumi.ResourceOptions(aliases=aliases))


def _group_args(location: str | None, group: GroupSpec | EnterpriseGroupSpec, scope: _Scope) -> Any:
    """The group's settings as given (unset ones stay unset), and for an exclusive group its lists inline."""
    names = (*SPEC_FIELDS, *scope.inline) if group.exclusive else SPEC_FIELDS
    settings: dict[str, Any] = {name: _program_value(getattr(group, name)) for name in names}
    return scope.args_type(name=group.name, **{scope.location: location}, **settings)


def runner_group_args(org: str | None, group: GroupSpec) -> RunnerGroupArgs:
    """The RunnerGroup a spec group describes: its settings as given (unset ones stay unset), and for an exclusive
    group its lists inline."""
    args: RunnerGroupArgs = _group_args(org, group, _ORG)
    return args


def hosted_runner_args(
    org: str | None, group: GroupSpec, hosted: HostedRunnerSpec, group_id: pulumi.Input[str]
) -> HostedRunnerArgs:
    """The HostedRunner a spec's hosted runner describes, in its group (whose `adopt` it shares)."""
    settings: dict[str, Any] = {name: getattr(hosted, name) for name in HOSTED_SPEC_FIELDS}
    return HostedRunnerArgs(name=hosted.name, runner_group_id=group_id, org=org, adopt=group.adopt, **settings)


def _program_value(value: Any) -> Any:
    """Spec lists are tuples (a spec is immutable); a program passes lists."""
    return list(value) if isinstance(value, tuple) else value
