"""OrgRunnerGroups: every runner group of a spec, with its repository access, runners and GitHub-hosted runners,
as one component; and the spec's enterprise groups, with the organizations that may use them and their runners."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pulumi

from .resources.enterprise_membership import EnterpriseRunnerGroupMembership, EnterpriseRunnerGroupMembershipArgs
from .resources.enterprise_organization_access import (
    EnterpriseRunnerGroupOrganizationAccess,
    EnterpriseRunnerGroupOrganizationAccessArgs,
)
from .resources.enterprise_runner_group import EnterpriseRunnerGroup, EnterpriseRunnerGroupArgs
from .resources.fields import HOSTED_RUNNER_FIELDS, INLINE_LISTS, RUNNER_GROUP_FIELDS
from .resources.hosted_runner import HostedRunner, HostedRunnerArgs
from .resources.membership import RunnerGroupMembership, RunnerGroupMembershipArgs
from .resources.repository_access import RunnerGroupRepositoryAccess, RunnerGroupRepositoryAccessArgs
from .resources.runner_group import RunnerGroup, RunnerGroupArgs
from .spec import EnterpriseGroupSpec, GroupSpec, HostedRunnerSpec, OrgSpec, SpecError, load_spec

SPEC_FIELDS = tuple(f.name for f in RUNNER_GROUP_FIELDS if f.in_spec)
HOSTED_SPEC_FIELDS = tuple(f.name for f in HOSTED_RUNNER_FIELDS if f.in_spec)


class OrgRunnerGroups(pulumi.ComponentResource):
    """Creates, per group of the spec, a RunnerGroup with its lists and (when the spec lists them) its
    GitHub-hosted runners.

    An exclusive org group (the default) owns its lists inline, so it costs one POST to create and one DELETE to
    destroy. An additive group (`exclusive: false`) leaves its lists to separate RunnerGroupRepositoryAccess and
    RunnerGroupMembership resources that add and remove only the entries the spec lists. Enterprise groups always
    have separate list resources.

    Children are named `{name}-{group}`, for additive groups also `{name}-{group}-repositories` and
    `{name}-{group}-runners`, and `{name}-hosted-{runner}` (a hosted runner moved to another group of the spec
    stays the same resource: the move is one PATCH; enterprise groups: `{name}-enterprise-{group}`,
    `...-organizations`, `...-runners`), so renaming the component or a group replaces them: use Pulumi aliases
    when that is not wanted.
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
        resolved = spec if spec is not None else load_spec(str(spec_file))
        super().__init__("github-runner-groups:index:OrgRunnerGroups", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.groups: dict[str, RunnerGroup] = {}
        for group in resolved.groups:
            self.groups[group.name] = self._group(name, resolved.org, group, child)
        self.enterprise_groups: dict[str, EnterpriseRunnerGroup] = {}
        if resolved.enterprise is not None:
            slug = resolved.enterprise.enterprise
            for shared in resolved.enterprise.groups:
                self.enterprise_groups[shared.name] = self._enterprise_group(f"{name}-enterprise", slug, shared, child)
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
    def _group(prefix: str, org: str | None, group: GroupSpec, child: pulumi.ResourceOptions) -> RunnerGroup:
        resource = RunnerGroup(f"{prefix}-{group.name}", runner_group_args(org, group), child)
        lists = (
            ("repositories", RunnerGroupRepositoryAccess, RunnerGroupRepositoryAccessArgs),
            ("runners", RunnerGroupMembership, RunnerGroupMembershipArgs),
        )
        if not group.exclusive:  # an exclusive group owns its lists inline (see runner_group_args)
            _lists(f"{prefix}-{group.name}", resource.id, {"org": org}, group, lists, child)
        for hosted in group.hosted_runners or ():
            HostedRunner(f"{prefix}-hosted-{hosted.name}", hosted_runner_args(org, group, hosted, resource.id), child)
        return resource

    @staticmethod
    def _enterprise_group(
        prefix: str, slug: str | None, group: EnterpriseGroupSpec, child: pulumi.ResourceOptions
    ) -> EnterpriseRunnerGroup:
        settings = {name: _program_value(getattr(group, name)) for name in SPEC_FIELDS}
        resource = EnterpriseRunnerGroup(
            f"{prefix}-{group.name}", EnterpriseRunnerGroupArgs(name=group.name, enterprise=slug, **settings), child
        )
        lists = (
            ("organizations", EnterpriseRunnerGroupOrganizationAccess, EnterpriseRunnerGroupOrganizationAccessArgs),
            ("runners", EnterpriseRunnerGroupMembership, EnterpriseRunnerGroupMembershipArgs),
        )
        _lists(f"{prefix}-{group.name}", resource.id, {"enterprise": slug}, group, lists, child)
        return resource


def _lists(
    prefix: str,
    group_id: pulumi.Output[str],
    location: dict[str, str | None],
    group: GroupSpec | EnterpriseGroupSpec,
    lists: tuple[tuple[str, Any, Any], ...],
    child: pulumi.ResourceOptions,
) -> None:
    """For each list the spec group gives (`repositories`, ...), its resource `{prefix}-{list}`: the Args field
    is named as the list, and `location` says where the group lives (`org` or `enterprise`)."""
    for field, resource_type, args_type in lists:
        members = getattr(group, field)
        if members is not None:
            args = args_type(runner_group_id=group_id, exclusive=group.exclusive, **location, **{field: list(members)})
            resource_type(f"{prefix}-{field}", args, child)


def runner_group_args(org: str | None, group: GroupSpec) -> RunnerGroupArgs:
    """The RunnerGroup a spec group describes: its settings as given (unset ones stay unset), and for an exclusive
    group its lists inline."""
    settings: dict[str, Any] = {name: _program_value(getattr(group, name)) for name in SPEC_FIELDS}
    if group.exclusive:
        settings.update({name: _program_value(getattr(group, name)) for name in INLINE_LISTS})
    return RunnerGroupArgs(name=group.name, org=org, **settings)


def hosted_runner_args(
    org: str | None, group: GroupSpec, hosted: HostedRunnerSpec, group_id: pulumi.Input[str]
) -> HostedRunnerArgs:
    """The HostedRunner a spec's hosted runner describes, in its group (whose `adopt` it shares)."""
    settings: dict[str, Any] = {name: getattr(hosted, name) for name in HOSTED_SPEC_FIELDS}
    return HostedRunnerArgs(name=hosted.name, runner_group_id=group_id, org=org, adopt=group.adopt, **settings)


def _program_value(value: Any) -> Any:
    """Spec lists are tuples (a spec is immutable); a program passes lists."""
    return list(value) if isinstance(value, tuple) else value
