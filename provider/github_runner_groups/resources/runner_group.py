"""RunnerGroup: one self-hosted runner group of an organization, optionally with its repository and runner lists.

Ownership: a create takes only a name nobody holds (or, with `adopt=True`, the group holding it); a create whose
answer was lost claims a group only if it did not exist before the attempt. With `adopt=True`, fields the program
leaves unset stay as they are on GitHub; without it, unset fields get their defaults.

Inline lists (`repositories`, `runners`): given (even `[]`), the group owns that list exclusively; omitted, it
does not own it. They go in the create POST, so a whole group costs one write to create and one DELETE to destroy
(GitHub drops a deleted group's repository list and moves its runners back to Default). A changed list is one
PUT; a list that already matches (adopting) is not written. Resolution, drift, ownership and explanations are
those of the separate RunnerGroupRepositoryAccess and RunnerGroupMembership (`_assignment`, `_ownership`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

import pulumi
import pulumi.dynamic

from .. import api
from ..client import GitHubClient
from ..errors import GitHubError, GitHubNotFound, GitHubOutcomeUnknown, GitHubRunnerGroupsError, GitHubValidationError
from . import group_registry
from ._assignment import (
    FACETS,
    Facet,
    Undo,
    check_references,
    explain,
    list_differs,
    matches_members,
    members_outputs,
    read_members,
    resolve_members,
    undo_writes,
)
from ._common import (
    Checker,
    GitHubProvider,
    changed_fields,
    check_result,
    contains_unknown,
    gone,
    parse_id,
    registration,
    shown,
)
from ._common import user_inputs as without_provider
from ._ownership import ListClaim, claim, register
from .fields import INLINE_LISTS, RUNNER_GROUP_FIELDS, RUNNER_GROUP_RULES, VISIBILITIES, Field, Role, named, on_ghes

__all__ = ["VISIBILITIES", "RunnerGroup", "RunnerGroupArgs", "RunnerGroupProvider"]

FIELDS = {f.name: f for f in RUNNER_GROUP_FIELDS}
SETTABLE = named(RUNNER_GROUP_FIELDS, Role.SETTING)
INPUTS = named(RUNNER_GROUP_FIELDS, Role.SETTING, Role.LOCATION, Role.STEERING, Role.MEMBERS)
COMPUTED = named(RUNNER_GROUP_FIELDS, Role.COMPUTED)
# The inline lists, each with the facet whose resolution, drift, ownership and explanations it shares.
LISTS: dict[str, Facet] = {name: FACETS[name] for name in INLINE_LISTS}
# Members (id -> name) of each inline list a step writes, by list field.
Wanted = dict[str, dict[int, str]]


class Refused(GitHubRunnerGroupsError):
    """A change the provider refuses before asking GitHub: it would touch what the stack does not own, or what
    GitHub does not let an organization change."""

    def __init__(self, action: str, reason: str) -> None:
        super().__init__(f"{action} refused: {reason}")


class RunnerGroupProvider(GitHubProvider):
    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> pulumi.dynamic.CheckResult:
        checker = self.start_check(news, set(INPUTS))  # also org: its default and rule are shared by all resources
        adopting = checker.inputs.get("adopt") is True
        ghes = on_ghes(self.settings.client.base_url)
        for field in RUNNER_GROUP_FIELDS:
            if field.role in (Role.SETTING, Role.STEERING):
                _check_field(checker, field, adopting=adopting, ghes=ghes)
            elif field.role is Role.MEMBERS and checker.inputs.get(field.name) is not None:
                check_references(checker, LISTS[field.name])
        known = {name: value for name, value in checker.inputs.items() if not contains_unknown(value)}
        for rule in RUNNER_GROUP_RULES:
            for path, reason in rule(known):
                checker.fail(path, reason)
        return check_result(checker, news)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> pulumi.dynamic.DiffResult:
        changes = _changed(olds, news, ("org", *_managed(news))) + _changed_lists(olds, news)
        replaces = ["org"] if "org" in changes else []
        # Create the new group before deleting the old: if the create fails, the old group stays.
        return pulumi.dynamic.DiffResult(changes=bool(changes), replaces=replaces, delete_before_replace=False)

    def create(self, props: dict[str, Any]) -> pulumi.dynamic.CreateResult:
        inputs = without_provider(props)
        org, name = str(inputs["org"]), str(inputs["name"])
        client = self.client()
        wanted = _resolve_lists(client, org, inputs, _owned(inputs))  # every reference proven to exist before any write
        groups = group_registry.org_groups(client, org)
        name_claim = groups.claim(name)
        action = f"{'adopting' if inputs.get('adopt') else 'creating'} runner group '{name}' in org '{org}'"
        if name_claim.busy or name_claim.owned_in_this_run:
            raise Refused(action, _owned_in_this_run_hint(name, name_claim.group))
        made = None
        try:
            if name_claim.group is not None and inputs.get("adopt"):
                made = _take_over(client, org, name_claim.group, inputs, wanted)
            elif name_claim.group is not None:
                raise Refused(action, _taken_hint(name_claim.group))
            else:
                pending = {field: _claim_list(client, org, None, field, members) for field, members in wanted.items()}
                made = _create(client, org, inputs, groups, wanted)
                for field, members in wanted.items():
                    _claim_list(client, org, made.body.id, field, members, replacing=pending[field])
        finally:
            groups.release(name, made.body if made is not None else None)
        outputs = _outputs(org, bool(inputs.get("adopt")), made.body, made.etag, _list_outputs(inputs, wanted))
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
            outputs = _outputs(org, bool(props.get("adopt")), fetched.body, fetched.etag, _list_outputs(props, {}))
        for facet in _owned(props).values():
            listing = facet.list_members(client, org, group_id, props.get(facet.etag_field))
            outputs.update(read_members(facet, listing, props))
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
        lists = {field: LISTS[field] for field in _changed_lists(olds, inputs) if inputs.get(field) is not None}
        _refuse_read_only_workflows(olds, differing)
        _refuse_broken_rules(f"updating runner group {group_id} in org '{org}'", olds, inputs)
        if olds.get("default") and "name" in differing:
            raise _default_rename(org, str(olds.get("name")), str(inputs["name"]))
        if olds.get("default") and _owned(inputs):
            raise _default_lists(org, group_id)
        carried = {**olds, **inputs}
        if not differing and not lists:
            return pulumi.dynamic.UpdateResult({**carried, **_list_outputs(inputs, {}, carried)})
        client = self.client()
        wanted = _resolve_lists(client, org, inputs, lists)
        for field, members in wanted.items():
            _claim_list(client, org, group_id, field, members)
        undo: list[Undo] = []
        outputs = carried
        if differing:
            updated = _patch(client, org, group_id, _body(inputs, ("name", *differing)))
            undo.append(
                ("restore its settings", partial(_patch, client, org, group_id, _body(olds, ("name", *differing))))
            )
            known = group_registry.known_org_groups(client, org)
            if known is not None:
                known.remember(updated.body)
            outputs = _outputs(org, bool(inputs.get("adopt")), updated.body, updated.etag)
        before = {
            field: _ids(olds, LISTS[field].ids_field) if olds.get(field) is not None else None for field in wanted
        }
        _write_lists(client, org, group_id, wanted, before, undo)
        return pulumi.dynamic.UpdateResult({**outputs, **_list_outputs(inputs, wanted, carried)})

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


def _check_field(checker: Checker, field: Field, *, adopting: bool, ghes: bool) -> None:
    """Validate a given value, or fill in the default (not when adopting: unset then means "leave as it is")."""
    value = checker.inputs.get(field.name)
    if value is None:
        if field.required:
            checker.fail(field.name, f"{field.name} is required: {field.required}")
        elif not adopting and field.default is not None:
            checker.inputs[field.name] = list(field.default) if isinstance(field.default, tuple) else field.default
        return
    if contains_unknown(value) and not isinstance(value, list):
        return  # a list is checked item by item: its unknown items pass
    for path, reason in field.validate(field.name, value) if field.validate else []:
        checker.fail(path, reason)
    if ghes and not field.on_ghes:
        checker.fail(
            field.name,
            f"{field.name} is set ({shown(value)}) but GitHub Enterprise Server has no such setting: remove it.",
        )


def _create(
    client: GitHubClient, org: str, inputs: Mapping[str, Any], groups: group_registry.OrgGroups, wanted: Wanted
) -> api.Versioned[api.RunnerGroup]:
    """POST a group (with its lists) whose name nobody held when the org was listed; claim it if the answer was
    lost."""
    settings = _body(inputs, _managed(inputs), send_nulls=False)
    body = {**settings, **{LISTS[field].body_key: sorted(members) for field, members in wanted.items()}}
    try:
        return _post(client, org, body)
    except GitHubOutcomeUnknown as lost:
        # The POST may have created the group: look before retrying, so that no duplicate is made.
        found = group_registry.find_by_name(api.list_runner_groups(client, org), str(body["name"]))
        if found is None:
            return _post(client, org, body)
        if found.id in groups.listed_ids or not _matches(found, settings):
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
    client: GitHubClient, org: str, group: api.RunnerGroup, inputs: Mapping[str, Any], wanted: Wanted
) -> api.Versioned[api.RunnerGroup]:
    """Adopt an existing group: write only the fields the program sets that differ from GitHub's, and only the
    lists that differ from the live ones (an exported spec's first `up` writes nothing)."""
    if group.inherited:
        raise Refused(
            f"adopting runner group '{group.name}' in org '{org}'",
            "it is inherited from the enterprise and can only be managed there; remove adopt or choose another name.",
        )
    if group.default and wanted:
        raise _default_lists(org, group.id)
    live = _outputs(org, True, group)
    differing = _changed(live, inputs, _managed(inputs))
    if group.default and "name" in differing:
        raise _default_rename(org, group.name, str(inputs["name"]))
    _refuse_read_only_workflows(live, differing)
    _refuse_broken_rules(f"adopting runner group '{group.name}' in org '{org}'", live, inputs)
    for field, members in wanted.items():
        _claim_list(client, org, group.id, field, members)
    # The group came from a listing, whose ETag is not the group's.
    made: api.Versioned[api.RunnerGroup] = api.Versioned(group, None)
    undo: list[Undo] = []
    if differing:
        made = _patch(client, org, group.id, _body(inputs, ("name", *differing)))
        undo.append(("restore its settings", partial(_patch, client, org, group.id, _body(live, ("name", *differing)))))
    _write_lists(client, org, group.id, wanted, dict.fromkeys(wanted), undo)
    return made


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


def _default_lists(org: str, group_id: int) -> Refused:
    return Refused(
        f"owning the lists of the Default runner group ({group_id}) of org '{org}'",
        "GitHub fills the Default group itself with every repository and runner no other group holds; an exclusive "
        "list there would take the group away from every repository it does not list, or move runners out of the "
        "groups they are in. Leave repositories and runners unset on this RunnerGroup, or use a "
        "RunnerGroupRepositoryAccess / RunnerGroupMembership with exclusive=False.",
    )


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
    result = {**current, **{name: inputs.get(name) for name in (*_managed(inputs), *LISTS)}}
    problems = [reason for rule in RUNNER_GROUP_RULES for _, reason in rule(result)]
    if problems:
        raise Refused(action, " ".join(problems))


def _managed(inputs: Mapping[str, Any]) -> tuple[str, ...]:
    """The settings this resource owns: all of them, or with `adopt=True` only those the program sets."""
    if inputs.get("adopt") is True:
        return tuple(name for name in SETTABLE if inputs.get(name) is not None)
    return SETTABLE


def _changed(olds: Mapping[str, Any], news: Mapping[str, Any], names: tuple[str, ...]) -> list[str]:
    return changed_fields(olds, news, names, lambda name, value: FIELDS[name].compare(value))


def _changed_lists(olds: Mapping[str, Any], news: Mapping[str, Any]) -> list[str]:
    """Inline lists owned now and not before (or the reverse), or whose references no longer name exactly the
    members last seen (a changed program, or drift that a refresh recorded)."""
    return [
        field
        for field, facet in LISTS.items()
        if (olds.get(field) is None) != (news.get(field) is None)
        or (news.get(field) is not None and not matches_members(facet, olds, news))
    ]


def _owned(props: Mapping[str, Any]) -> dict[str, Facet]:
    return {field: facet for field, facet in LISTS.items() if props.get(field) is not None}


def _resolve_lists(client: GitHubClient, org: str, inputs: Mapping[str, Any], lists: Mapping[str, Facet]) -> Wanted:
    return {field: resolve_members(client, facet, org, inputs[field]) for field, facet in lists.items()}


def _claim_list(
    client: GitHubClient,
    org: str,
    group_id: int | None,
    field: str,
    members: Mapping[int, str],
    *,
    replacing: ListClaim | None = None,
) -> ListClaim:
    """Claim the group's whole list for this run, before it is written (`group_id` None: the group is still to be
    created)."""
    return claim(client, LISTS[field].owners, org, group_id, True, members, inline=True, replacing=replacing)


def _write_lists(
    client: GitHubClient,
    org: str,
    group_id: int,
    wanted: Wanted,
    before: Mapping[str, set[int] | None],
    undo: list[Undo],
) -> None:
    """One PUT per list that differs from what it holds (`before`; read when None). When one fails, this step's
    earlier writes (`undo`, which may already hold the settings' PATCH) are taken back first."""
    for field, members in wanted.items():
        facet = LISTS[field]
        try:
            previous = list_differs(client, facet, org, group_id, members, before[field])
            if previous is None:
                continue
            facet.set_members(client, org, group_id, sorted(members))
        except GitHubError as exc:
            explained = explain(facet, exc, org, group_id)
            if not undo:
                raise explained from None
            note = undo_writes(undo, group_id)
            raise exc.with_hint(f"{explained.hint or ''} {note}".strip()) from None
        undo.append(
            (f"restore its {facet.list_noun}", partial(facet.set_members, client, org, group_id, sorted(previous)))
        )


def _list_outputs(
    inputs: Mapping[str, Any], written: Wanted, carried: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Each inline list's outputs: those `written` (members as resolved; no listing ETag yet), those unchanged
    (from `carried`), and None for lists the group does not own."""
    outputs: dict[str, Any] = {}
    for field, facet in LISTS.items():
        names = (facet.ids_field, facet.names_field, facet.etag_field)
        if inputs.get(field) is None:
            outputs.update(dict.fromkeys((field, *names)))
        elif field in written:
            outputs.update({field: inputs[field], **members_outputs(facet, written[field]), facet.etag_field: None})
        else:
            source = carried if carried is not None else inputs
            outputs.update({field: inputs[field], **{name: source.get(name) for name in names}})
    return outputs


def _ids(props: Mapping[str, Any], name: str) -> set[int]:
    """Ids from state (numbers come back as floats)."""
    return {int(i) for i in props.get(name) or []}


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
    parsed = parse_id(id_)
    if parsed is None:
        raise ValueError(f"runner group resource id {id_!r} is not a numeric group id")
    return parsed


def _outputs(
    org: str, adopt: bool, group: api.RunnerGroup, etag: str | None = None, lists: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """`etag` is that of the last full read: the next refresh (a new process) sends it and gets a 304 if unchanged.
    `lists`: the inline lists' outputs (see `_list_outputs`); not owned when absent."""
    given: dict[str, Any] = {"org": org, "adopt": adopt, "etag": etag, **(lists or {})}
    return {f.name: given[f.name] if f.name in given else f.from_model(group) for f in RUNNER_GROUP_FIELDS}


@dataclass
class RunnerGroupArgs:
    """Inputs of a RunnerGroup. `org` defaults to github:owner / GITHUB_OWNER; an unset setting gets its default
    (visibility 'all', flags false, no workflows), except with `adopt=True`, where it stays as GitHub has it.
    `repositories` / `runners` (names or ids): the group owns that whole list when given (even `[]`); unset, it
    does not own it (leave it to GitHub, or to RunnerGroupRepositoryAccess / RunnerGroupMembership)."""

    name: pulumi.Input[str]
    org: pulumi.Input[str] | None = None
    visibility: pulumi.Input[str] | None = None
    allows_public_repositories: pulumi.Input[bool] | None = None
    restricted_to_workflows: pulumi.Input[bool] | None = None
    selected_workflows: pulumi.Input[Sequence[pulumi.Input[str]]] | None = None
    network_configuration_id: pulumi.Input[str] | None = None
    repositories: pulumi.Input[Sequence[pulumi.Input[str | int]]] | None = None
    runners: pulumi.Input[Sequence[pulumi.Input[str | int]]] | None = None
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
    repositories: pulumi.Output[list[str | int] | None]
    repository_ids: pulumi.Output[list[int] | None]
    repository_names: pulumi.Output[list[str] | None]
    repositories_etag: pulumi.Output[str | None]
    runners: pulumi.Output[list[str | int] | None]
    runner_ids: pulumi.Output[list[int] | None]
    runner_names: pulumi.Output[list[str] | None]
    runners_etag: pulumi.Output[str | None]
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
        for field, facet in LISTS.items():
            if props.get(field) is not None:  # keyed by this group's `id`, as the separate resources give it
                owner = {"org": props.get("org"), "runner_group_id": self.id, field: props[field], "exclusive": True}
                register(facet.owners, resource_name, owner, inline=True)
