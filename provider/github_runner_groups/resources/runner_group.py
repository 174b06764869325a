"""RunnerGroup: one self-hosted runner group of an organization."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi.dynamic

from .. import api
from ..errors import GitHubNotFound, GitHubOutcomeUnknown, GitHubValidationError
from ._common import (
    Checker,
    GitHubProvider,
    changed_fields,
    check_result,
    contains_unknown,
    gone,
    parse_id,
    registration,
    user_inputs,
)

VISIBILITIES = ("all", "selected", "private")
MAX_NAME_LENGTH = 64
# owner/repo/.github/workflows/<file>.yml@<ref>: GitHub requires the ref (branch, tag or full SHA).
_WORKFLOW_REF = re.compile(
    r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}/\.github/workflows/[^/@\s]+\.ya?ml@[^\s@]+$"
)
# Fields a user sets; `adopt` only steers create and is deliberately not among them.
SETTABLE = (
    "name",
    "visibility",
    "allows_public_repositories",
    "restricted_to_workflows",
    "selected_workflows",
    "network_configuration_id",
)
INPUTS = {"org", "adopt", *SETTABLE}
COMPUTED = (
    "group_id",
    "default",
    "inherited",
    "workflow_restrictions_read_only",
    "runners_url",
    "selected_repositories_url",
    "hosted_runners_url",
    "etag",
)


def _normalise(field_name: str, value: Any) -> Any:
    """Compare like GitHub does: workflow order is not meaningful, absent lists and flags are empty/false."""
    if field_name == "selected_workflows":
        return sorted(value or [])
    if field_name in ("allows_public_repositories", "restricted_to_workflows"):
        return bool(value)
    if field_name == "network_configuration_id":
        return value or None
    if field_name == "org":
        return str(value).lower() if value is not None else None
    return value


class RunnerGroupProvider(GitHubProvider):
    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> pulumi.dynamic.CheckResult:
        checker = self.start_check(news, INPUTS)
        inputs = checker.inputs
        checker.default("visibility", "all")
        checker.default("allows_public_repositories", False)
        checker.default("restricted_to_workflows", False)
        checker.default("selected_workflows", [])
        checker.default("adopt", False)
        _check_name(checker)
        checker.choice("visibility", VISIBILITIES)
        for flag in ("allows_public_repositories", "restricted_to_workflows", "adopt"):
            checker.boolean(flag)
        _check_workflows(checker)
        network = inputs.get("network_configuration_id")
        if checker.known("network_configuration_id") and network is not None:
            if not isinstance(network, str) or not network.strip():
                checker.fail(
                    "network_configuration_id",
                    f"network_configuration_id must be the id (text) of a hosted compute network configuration, "
                    f"got {network!r}; leave it unset for self-hosted runners.",
                )
        return check_result(checker, news)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> pulumi.dynamic.DiffResult:
        changes = changed_fields(olds, news, ("org", *SETTABLE), _normalise)
        replaces = ["org"] if "org" in changes else []
        return pulumi.dynamic.DiffResult(changes=bool(changes), replaces=replaces, delete_before_replace=bool(replaces))

    def create(self, props: dict[str, Any]) -> pulumi.dynamic.CreateResult:
        inputs = user_inputs(props)
        org, name = str(inputs["org"]), str(inputs["name"])
        client = self.client()
        if inputs.get("adopt"):
            existing = _find_by_name(client, org, name)
            if existing is not None:
                return self._take_over(client, org, existing, inputs)
        try:
            created = api.create_runner_group(client, org, _body(inputs, SETTABLE, send_nulls=False))
        except GitHubOutcomeUnknown:
            # The POST may have created the group: look before retrying so that no duplicate is made.
            existing = _find_by_name(client, org, name)
            if existing is not None:
                return self._take_over(client, org, existing, inputs)
            created = api.create_runner_group(client, org, _body(inputs, SETTABLE, send_nulls=False))
        except GitHubValidationError as exc:
            existing = _find_by_name(client, org, name)
            if existing is None:
                raise
            raise exc.with_hint(
                f"A runner group named '{name}' already exists (id {existing['id']}). To manage it with this "
                "stack set adopt=True on the resource (the next `pulumi up` takes it over without recreating it), "
                "or choose another name.",
            ) from None
        outputs = _outputs(org, bool(inputs.get("adopt")), created.body, created.etag)
        return pulumi.dynamic.CreateResult(str(outputs["group_id"]), outputs)

    def _take_over(
        self, client: Any, org: str, group: api.RunnerGroupJson, inputs: Mapping[str, Any]
    ) -> pulumi.dynamic.CreateResult:
        """Adopt an existing group: write only the fields that differ from the program."""
        if group.get("inherited"):
            raise GitHubValidationError(
                f"adopting runner group '{group['name']}' in org '{org}'",
                hint="It is inherited from the enterprise and can only be managed there; remove adopt or choose "
                "another name.",
            )
        live = _outputs(org, True, group)
        differing = changed_fields(live, inputs, SETTABLE, _normalise)
        etag = None  # the group came from a listing, whose ETag is not the group's
        if differing:
            _refuse_read_only_workflows(group, differing)
            updated = api.update_runner_group(
                client, org, int(group["id"]), _body(inputs, ("name", *differing), send_nulls=True)
            )
            group, etag = updated.body, updated.etag
        return pulumi.dynamic.CreateResult(str(group["id"]), _outputs(org, bool(inputs.get("adopt")), group, etag))

    def read(self, id_: str, props: dict[str, Any]) -> pulumi.dynamic.ReadResult:
        org = str(props["org"])
        group_id = _group_id(id_)
        client = self.client()
        try:
            fetched = api.get_runner_group_if_changed(client, org, group_id, props.get("etag"))
        except GitHubNotFound:
            return gone(client, org)
        if fetched.unchanged:
            outputs = dict(user_inputs(props))
        else:
            outputs = _outputs(org, bool(props.get("adopt")), fetched.body, fetched.etag)
        inputs = {key: outputs[key] for key in ("org", "adopt", *SETTABLE) if outputs.get(key) is not None}
        return pulumi.dynamic.ReadResult(str(group_id), outputs, inputs)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> pulumi.dynamic.UpdateResult:
        inputs = user_inputs(news)
        org = str(inputs["org"])
        group_id = _group_id(id_)
        differing = changed_fields(olds, inputs, SETTABLE, _normalise)
        if olds.get("inherited"):
            raise GitHubValidationError(
                f"updating runner group {group_id} in org '{org}'",
                hint="It is inherited from the enterprise: change it in the enterprise settings.",
            )
        _refuse_read_only_workflows(olds, differing)
        if olds.get("default") and "name" in differing:
            raise GitHubValidationError(
                f"renaming the Default runner group of org '{org}'",
                hint="GitHub does not allow renaming the Default group: keep name='Default'.",
            )
        if not differing:
            return pulumi.dynamic.UpdateResult({**olds, **inputs})
        updated = api.update_runner_group(
            self.client(), org, group_id, _body(inputs, ("name", *differing), send_nulls=True)
        )
        return pulumi.dynamic.UpdateResult(_outputs(org, bool(inputs.get("adopt")), updated.body, updated.etag))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        org = str(props["org"])
        group_id = _group_id(id_)
        if props.get("default") or props.get("inherited"):
            what = "the Default group" if props.get("default") else "an enterprise-inherited group"
            raise GitHubValidationError(
                f"deleting runner group {group_id} ('{props.get('name')}') in org '{org}'",
                hint=f"It is {what}, which GitHub does not let an organization delete. To stop managing it, run "
                "`pulumi state delete <urn>` (the group stays as it is), or mark the resource "
                "retain_on_delete=True.",
            )
        try:
            api.delete_runner_group(self.client(), org, group_id)
        except GitHubNotFound:
            pass  # Already gone: the desired end state.


def _check_name(checker: Checker) -> None:
    name = checker.inputs.get("name")
    if name is None:
        checker.fail("name", "name is required: the runner group's name as workflows use it (runs-on: group:).")
    elif not checker.known("name"):
        return
    elif not isinstance(name, str):
        checker.fail("name", f"name must be text, got {name!r}.")
    elif not name.strip():
        checker.fail("name", "name must not be empty.")
    elif name != name.strip():
        checker.fail("name", f"name {name!r} has leading or trailing spaces; use {name.strip()!r}.")
    elif len(name) > MAX_NAME_LENGTH:
        checker.fail("name", f"name is {len(name)} characters long; use at most {MAX_NAME_LENGTH}.")


def _check_workflows(checker: Checker) -> None:
    workflows = checker.inputs.get("selected_workflows")
    if not checker.known("selected_workflows") and workflows is not None and not isinstance(workflows, list):
        return
    if not isinstance(workflows, list):
        checker.fail(
            "selected_workflows",
            f"selected_workflows must be a list of workflow references, got {workflows!r}.",
        )
        return
    seen: set[str] = set()
    for index, workflow in enumerate(workflows):
        if contains_unknown(workflow):
            continue
        field_name = f"selected_workflows[{index}]"
        if not isinstance(workflow, str) or not _WORKFLOW_REF.match(workflow):
            checker.fail(
                field_name,
                f"{field_name} is {workflow!r}; a workflow reference has the form "
                "OWNER/REPO/.github/workflows/FILE.yml@REF, where REF is a branch, a tag or a full commit SHA "
                "(e.g. acme/deploy/.github/workflows/release.yml@main).",
            )
        elif workflow in seen:
            checker.fail(field_name, f"{field_name} repeats {workflow!r}; list each workflow once.")
        seen.add(str(workflow))
    restricted = checker.inputs.get("restricted_to_workflows")
    if workflows and checker.known("restricted_to_workflows") and restricted is False:
        checker.fail(
            "selected_workflows",
            "selected_workflows is set but restricted_to_workflows is false, so GitHub would ignore the list: "
            "set restricted_to_workflows=True, or remove selected_workflows.",
        )


def _refuse_read_only_workflows(group: Mapping[str, Any], differing: Sequence[str]) -> None:
    if group.get("workflow_restrictions_read_only") and {
        "restricted_to_workflows",
        "selected_workflows",
    } & set(differing):
        raise GitHubValidationError(
            f"changing the workflow restrictions of runner group '{group.get('name')}'",
            hint="GitHub reports them read-only for this group (set by the enterprise): remove "
            "restricted_to_workflows/selected_workflows from the program or change them at the enterprise.",
        )


def _find_by_name(client: Any, org: str, name: str) -> api.RunnerGroupJson | None:
    groups = api.list_runner_groups(client, org)
    exact = [g for g in groups if g.get("name") == name]
    folded = [g for g in groups if str(g.get("name", "")).lower() == name.lower()]
    matches = exact or folded
    return matches[0] if matches else None


def _body(inputs: Mapping[str, Any], field_names: Sequence[str], *, send_nulls: bool) -> api.RunnerGroupBody:
    """Request body for `field_names`; `send_nulls` clears an unset network configuration on PATCH."""
    body: dict[str, Any] = {}
    for field_name in dict.fromkeys(field_names):
        value = _normalise(field_name, inputs.get(field_name))
        if field_name == "selected_workflows":
            value = list(inputs.get(field_name) or [])  # keep the user's order
        if value is None and not send_nulls:
            continue
        body[field_name] = value
    return body  # type: ignore[return-value]


def _group_id(id_: str) -> int:
    parsed = parse_id(id_)
    if parsed is None:
        raise ValueError(f"runner group resource id {id_!r} is not a numeric group id")
    return parsed


def _outputs(org: str, adopt: bool, group: api.RunnerGroupJson, etag: str | None = None) -> dict[str, Any]:
    """`etag` is that of the last full read: the next refresh (a new process) sends it and gets a 304 if unchanged."""
    return {
        "org": org,
        "adopt": adopt,
        "name": group.get("name"),
        "visibility": group.get("visibility"),
        "allows_public_repositories": bool(group.get("allows_public_repositories")),
        "restricted_to_workflows": bool(group.get("restricted_to_workflows")),
        "selected_workflows": list(group.get("selected_workflows") or []),
        "network_configuration_id": group.get("network_configuration_id"),
        "group_id": int(group["id"]),
        "default": bool(group.get("default")),
        "inherited": bool(group.get("inherited")),
        "workflow_restrictions_read_only": bool(group.get("workflow_restrictions_read_only")),
        "runners_url": group.get("runners_url"),
        "selected_repositories_url": group.get("selected_repositories_url"),
        "hosted_runners_url": group.get("hosted_runners_url"),
        "etag": etag,
    }


@dataclass
class RunnerGroupArgs:
    """Inputs of a RunnerGroup. `org` defaults to github:owner / GITHUB_OWNER."""

    name: pulumi.Input[str]
    org: pulumi.Input[str] | None = None
    visibility: pulumi.Input[str] = "all"
    allows_public_repositories: pulumi.Input[bool] = False
    restricted_to_workflows: pulumi.Input[bool] = False
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
