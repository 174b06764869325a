"""RunnerGroup: one self-hosted runner group of an organization.

Ownership: a create takes only a name nobody holds (or, with `adopt=True`, the group holding it); a create whose
answer was lost claims a group only if it did not exist before the attempt. With `adopt=True`, fields the program
leaves unset stay as they are on GitHub; without it, unset fields get their defaults.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi.dynamic

from .. import api
from ..client import GitHubClient
from ..errors import GitHubNotFound, GitHubOutcomeUnknown, GitHubValidationError
from . import group_registry
from ._common import (
    GitHubProvider,
    Refused,
    changed_fields,
    check_field,
    check_result,
    contains_unknown,
    gone,
    managed_settings,
    numeric_id,
    refuse_what_ghes_lacks,
    registration,
    table_outputs,
)
from ._common import user_inputs as without_provider
from .fields import RUNNER_GROUP_FIELDS, RUNNER_GROUP_RULES, VISIBILITIES, Role, named, on_ghes

__all__ = ["VISIBILITIES", "Refused", "RunnerGroup", "RunnerGroupArgs", "RunnerGroupProvider"]

FIELDS = {f.name: f for f in RUNNER_GROUP_FIELDS}
SETTABLE = named(RUNNER_GROUP_FIELDS, Role.SETTING)
INPUTS = named(RUNNER_GROUP_FIELDS, Role.SETTING, Role.LOCATION, Role.STEERING)
COMPUTED = named(RUNNER_GROUP_FIELDS, Role.COMPUTED)


class RunnerGroupProvider(GitHubProvider):
    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> pulumi.dynamic.CheckResult:
        checker = self.start_check(news, set(INPUTS))  # also org: its default and rule are shared by all resources
        adopting = checker.inputs.get("adopt") is True
        ghes = on_ghes(self.settings.client.base_url)
        for field in RUNNER_GROUP_FIELDS:
            if field.role in (Role.SETTING, Role.STEERING):
                check_field(checker, field, adopting=adopting, ghes=ghes)
        known = {name: value for name, value in checker.inputs.items() if not contains_unknown(value)}
        for rule in RUNNER_GROUP_RULES:
            for path, reason in rule(known):
                checker.fail(path, reason)
        return check_result(checker, news)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> pulumi.dynamic.DiffResult:
        changes = _changed(olds, news, ("org", *_managed(news)))
        replaces = ["org"] if "org" in changes else []
        # Create the new group before deleting the old: if the create fails, the old group stays.
        return pulumi.dynamic.DiffResult(changes=bool(changes), replaces=replaces, delete_before_replace=False)

    def create(self, props: dict[str, Any]) -> pulumi.dynamic.CreateResult:
        inputs = without_provider(props)
        org, name = str(inputs["org"]), str(inputs["name"])
        client = self.client()
        action = f"{'adopting' if inputs.get('adopt') else 'creating'} runner group '{name}' in org '{org}'"
        refuse_what_ghes_lacks(client, org, action, RUNNER_GROUP_FIELDS, inputs)
        groups = group_registry.org_groups(client, org)
        claim = groups.claim(name)
        if claim.busy or claim.owned_in_this_run:
            raise Refused(action, _owned_in_this_run_hint(name, claim.group))
        made = None
        try:
            if claim.group is not None and inputs.get("adopt"):
                made = _take_over(client, org, claim.group, inputs)
            elif claim.group is not None:
                raise Refused(action, _taken_hint(claim.group))
            else:
                made = _create(client, org, inputs, groups)
        finally:
            groups.release(name, made.body if made is not None else None)
        outputs = _outputs(org, bool(inputs.get("adopt")), made.body, made.etag)
        return pulumi.dynamic.CreateResult(str(made.body.id), outputs)

    def read(self, id_: str, props: dict[str, Any]) -> pulumi.dynamic.ReadResult:
        org = str(props["org"])
        group_id = _group_id(id_)
        client = self.client()
        try:
            fetched = api.get_runner_group_if_changed(client, org, group_id, props.get("etag"))
        except GitHubNotFound:
            return gone(client, org)
        if fetched.body is None:
            outputs = dict(without_provider(props))
        else:
            outputs = _outputs(org, bool(props.get("adopt")), fetched.body, fetched.etag)
        inputs = {key: outputs[key] for key in INPUTS if outputs.get(key) is not None}
        return pulumi.dynamic.ReadResult(str(group_id), outputs, inputs)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> pulumi.dynamic.UpdateResult:
        inputs = without_provider(news)
        org = str(inputs["org"])
        group_id = _group_id(id_)
        differing = _changed(olds, inputs, _managed(inputs))
        if olds.get("inherited"):
            raise Refused(
                f"updating runner group {group_id} in org '{org}'",
                "it is inherited from the enterprise: change it in the enterprise settings.",
            )
        _refuse_read_only_workflows(olds, differing)
        _refuse_broken_rules(f"updating runner group {group_id} in org '{org}'", olds, inputs)
        if olds.get("default") and "name" in differing:
            raise _default_rename(org, str(olds.get("name")), str(inputs["name"]))
        if not differing:
            return pulumi.dynamic.UpdateResult({**olds, **inputs})
        client = self.client()
        changing = {name: inputs.get(name) for name in differing}
        refuse_what_ghes_lacks(
            client, org, f"updating runner group {group_id} in org '{org}'", RUNNER_GROUP_FIELDS, changing
        )
        updated = _patch(client, org, group_id, _body(inputs, ("name", *differing)))
        known = group_registry.known_org_groups(client, org)
        if known is not None:
            known.remember(updated.body)
        return pulumi.dynamic.UpdateResult(_outputs(org, bool(inputs.get("adopt")), updated.body, updated.etag))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        org = str(props["org"])
        group_id = _group_id(id_)
        if props.get("default") or props.get("inherited"):
            what = "the Default group" if props.get("default") else "an enterprise-inherited group"
            raise Refused(
                f"deleting runner group {group_id} ('{props.get('name')}') in org '{org}'",
                f"it is {what}, which GitHub does not let an organization delete. To stop managing it, run "
                "`pulumi state delete <urn>` (the group stays as it is), or mark the resource "
                "retain_on_delete=True.",
            )
        client = self.client()
        try:
            api.delete_runner_group(client, org, group_id)
        except GitHubNotFound:
            pass  # Already gone: the desired end state.
        known = group_registry.known_org_groups(client, org)
        if known is not None:
            known.forget(group_id)


def _create(
    client: GitHubClient, org: str, inputs: Mapping[str, Any], groups: group_registry.OrgGroups
) -> api.Versioned[api.RunnerGroup]:
    """POST a group whose name nobody held when the org was listed; claim it if the answer was lost."""
    body = _body(inputs, _managed(inputs), send_nulls=False)
    try:
        return _post(client, org, body)
    except GitHubOutcomeUnknown as lost:
        # The POST may have created the group: look before retrying, so that no duplicate is made.
        found = group_registry.find_by_name(api.list_runner_groups(client, org), str(body["name"]))
        if found is None:
            return _post(client, org, body)
        if found.id in groups.listed_ids or not _matches(found, body):
            raise Refused(f"{lost.action} (its answer was lost)", _taken_hint(found)) from None
        return api.Versioned(found, None)  # the listing's ETag is not the group's


def _post(client: GitHubClient, org: str, body: Mapping[str, Any]) -> api.Versioned[api.RunnerGroup]:
    try:
        return api.create_runner_group(client, org, body)
    except GitHubValidationError as exc:
        existing = group_registry.find_by_name(api.list_runner_groups(client, org), str(body["name"]))
        if existing is None:
            raise
        raise exc.with_hint(_taken_hint(existing)) from None


def _owned_in_this_run_hint(name: str, group: api.RunnerGroup | None) -> str:
    held = f" (id {group.id})" if group is not None else ""
    return (
        f"another resource of this program creates or adopts the runner group named '{name}'{held}; two resources "
        "owning one group would overwrite each other's settings on every `pulumi up`: keep one of them, or give "
        "each its own name."
    )


def _taken_hint(existing: api.RunnerGroup) -> str:
    return (
        f"a runner group named '{existing.name}' already exists (id {existing.id}) and this stack does not own it. "
        "To manage it with this stack set adopt=True on the resource (the next `pulumi up` takes it over without "
        "recreating it), or choose another name."
    )


def _take_over(
    client: GitHubClient, org: str, group: api.RunnerGroup, inputs: Mapping[str, Any]
) -> api.Versioned[api.RunnerGroup]:
    """Adopt an existing group: write only the fields the program sets that differ from GitHub's."""
    if group.inherited:
        raise Refused(
            f"adopting runner group '{group.name}' in org '{org}'",
            "it is inherited from the enterprise and can only be managed there; remove adopt or choose another name.",
        )
    live = _outputs(org, True, group)
    differing = _changed(live, inputs, _managed(inputs))
    if not differing:
        return api.Versioned(group, None)  # the group came from a listing, whose ETag is not the group's
    if group.default and "name" in differing:
        raise _default_rename(org, group.name, str(inputs["name"]))
    _refuse_read_only_workflows(live, differing)
    _refuse_broken_rules(f"adopting runner group '{group.name}' in org '{org}'", live, inputs)
    return _patch(client, org, group.id, _body(inputs, ("name", *differing)))


def _patch(client: GitHubClient, org: str, group_id: int, body: Mapping[str, Any]) -> api.Versioned[api.RunnerGroup]:
    """PATCH, explaining the two refusals a program can cause: the group is gone, or the new name is taken."""
    try:
        return api.update_runner_group(client, org, group_id, body)
    except GitHubNotFound as exc:
        raise exc.with_hint(
            "The group was deleted outside this stack, or the token lost access to the org: run `pulumi refresh` "
            "to drop a deleted group from the state (the next `pulumi up` creates it again)."
        ) from None
    except GitHubValidationError as exc:
        holder = group_registry.find_by_name(api.list_runner_groups(client, org), str(body["name"]))
        if holder is None or holder.id == group_id:
            raise
        raise exc.with_hint(
            f"The name '{body['name']}' is held by another runner group (id {holder.id}), which this stack does "
            "not own: choose another name."
        ) from None


def _default_rename(org: str, name: str, new_name: str) -> Refused:
    return Refused(
        f"renaming the Default runner group of org '{org}' to {new_name!r}",
        f"GitHub does not allow renaming the Default group: keep name={name!r}.",
    )


def _refuse_read_only_workflows(group: Mapping[str, Any], differing: Iterable[str]) -> None:
    if group.get("workflow_restrictions_read_only") and {"restricted_to_workflows", "selected_workflows"} & set(
        differing
    ):
        raise Refused(
            f"changing the workflow restrictions of runner group '{group.get('name')}'",
            "GitHub reports them read-only for this group (set by the enterprise): remove "
            "restricted_to_workflows/selected_workflows from the program or change them at the enterprise.",
        )


def _refuse_broken_rules(action: str, current: Mapping[str, Any], inputs: Mapping[str, Any]) -> None:
    """With adopt, unset settings keep GitHub's values: the rules check held for the program alone must also hold
    for that mix (workflows given, while GitHub's restricted_to_workflows is false, would be ignored forever)."""
    result = {**current, **{name: inputs.get(name) for name in _managed(inputs)}}
    problems = [reason for rule in RUNNER_GROUP_RULES for _, reason in rule(result)]
    if problems:
        raise Refused(action, " ".join(problems))


def _managed(inputs: Mapping[str, Any]) -> tuple[str, ...]:
    return managed_settings(inputs, SETTABLE)


def _changed(olds: Mapping[str, Any], news: Mapping[str, Any], names: tuple[str, ...]) -> list[str]:
    return changed_fields(olds, news, names, lambda name, value: FIELDS[name].compare(value))


def _matches(group: api.RunnerGroup, body: Mapping[str, Any]) -> bool:
    """Whether `group` has exactly the settings a POST of `body` would give it (else it is not the one we made)."""
    return all(
        FIELDS[name].compare(FIELDS[name].from_model(group)) == FIELDS[name].compare(v) for name, v in body.items()
    )


def _body(inputs: Mapping[str, Any], names: Iterable[str], *, send_nulls: bool = True) -> dict[str, Any]:
    """Request body for `names`; `send_nulls` clears an unset network configuration on PATCH."""
    body: dict[str, Any] = {}
    for name in dict.fromkeys(names):
        value = FIELDS[name].to_json(inputs.get(name))
        if value is not None or send_nulls:
            body[name] = value
    return body


def _group_id(id_: str) -> int:
    return numeric_id(id_, "runner group")


def _outputs(org: str, adopt: bool, group: api.RunnerGroup, etag: str | None = None) -> dict[str, Any]:
    """`etag` is that of the last full read: the next refresh (a new process) sends it and gets a 304 if unchanged."""
    return table_outputs(RUNNER_GROUP_FIELDS, group, {"org": org, "adopt": adopt, "etag": etag})


@dataclass
class RunnerGroupArgs:
    """Inputs of a RunnerGroup. `org` defaults to github:owner / GITHUB_OWNER; an unset setting gets its default
    (visibility 'all', flags false, no workflows), except with `adopt=True`, where it stays as GitHub has it."""

    name: pulumi.Input[str]
    org: pulumi.Input[str] | None = None
    visibility: pulumi.Input[str] | None = None
    allows_public_repositories: pulumi.Input[bool] | None = None
    restricted_to_workflows: pulumi.Input[bool] | None = None
    selected_workflows: pulumi.Input[Sequence[pulumi.Input[str]]] | None = None
    network_configuration_id: pulumi.Input[str] | None = None
    adopt: pulumi.Input[bool] = False


class RunnerGroup(pulumi.dynamic.Resource, module="github", name="RunnerGroup"):
    """A self-hosted runner group; its `id` is GitHub's numeric group id as text."""

    org: pulumi.Output[str]
    name: pulumi.Output[str]
    visibility: pulumi.Output[str]
    allows_public_repositories: pulumi.Output[bool]
    restricted_to_workflows: pulumi.Output[bool]
    selected_workflows: pulumi.Output[list[str]]
    network_configuration_id: pulumi.Output[str | None]
    adopt: pulumi.Output[bool]
    group_id: pulumi.Output[int]
    default: pulumi.Output[bool]
    inherited: pulumi.Output[bool]
    inherited_allows_public_repositories: pulumi.Output[bool]
    workflow_restrictions_read_only: pulumi.Output[bool]
    runners_url: pulumi.Output[str]
    selected_repositories_url: pulumi.Output[str | None]
    hosted_runners_url: pulumi.Output[str]
    etag: pulumi.Output[str | None]

    def __init__(
        self,
        resource_name: str,
        args: RunnerGroupArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
        **kwargs: Any,
    ) -> None:
        props = registration(RunnerGroupArgs, args, kwargs, COMPUTED)
        super().__init__(RunnerGroupProvider(), resource_name, props, opts)
