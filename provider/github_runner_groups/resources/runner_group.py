"""RunnerGroup: one self-hosted runner group of an organization, optionally with its repository and runner lists.

Ownership: a create takes only a name nobody holds (or, with `adopt=True`, the group holding it); a create whose
answer was lost claims a group only if it did not exist before the attempt. With `adopt=True`, fields the program
leaves unset stay as they are on GitHub; without it, unset fields get their defaults.

Inline lists (`repositories`, `runners`; an enterprise group's `organizations`, `runners`): given (even `[]`),
the group owns that list exclusively; omitted, it does not own it. They go in the create POST, so a whole group
costs one write to create and one DELETE to destroy (GitHub drops a deleted group's repository or organization
list and moves its runners back to Default). A changed list is one PUT; a list that already matches (adopting) is
not written. Resolution, drift, ownership and explanations are those of the separate access and membership
resources (`_assignment`, `_ownership`), whose Facets each scope names.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property, partial
from typing import Any

import pulumi
import pulumi.dynamic

from .. import api
from ..client import GitHubClient
from ..errors import GitHubError, GitHubNotFound, GitHubOutcomeUnknown, GitHubValidationError
from . import group_registry
from ._assignment import (
    DEFAULT_GROUP_NAME,
    MEMBERSHIP,
    REPOSITORY_ACCESS,
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
    GroupLister,
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
from ._ownership import ListClaim, claim, register
from .fields import RUNNER_GROUP_FIELDS, RUNNER_GROUP_RULES, VISIBILITIES, Field, Role, Rule, named, on_ghes

__all__ = [
    "ORG_GROUPS",
    "VISIBILITIES",
    "GroupScope",
    "Refused",
    "RunnerGroup",
    "RunnerGroupArgs",
    "RunnerGroupProvider",
]

# Members (id -> name) of each inline list a step writes, by list field.
Wanted = dict[str, dict[int, str]]


@dataclass(frozen=True)
class GroupScope:
    """Where a runner group lives, an organization or an enterprise: its field table and its REST operations.
    The provider below serves both; the enterprise resource differs only in its scope."""

    location: str  # the input naming the owner: `org` or `enterprise`
    table: tuple[Field, ...]
    rules: tuple[Rule, ...]
    facets: tuple[Facet, ...]  # what each MEMBERS field shares with its separate access/membership resource
    list_groups: GroupLister
    create: Callable[[GitHubClient, str, api.RequestBody], api.Versioned[api.RunnerGroup]]
    get_if_changed: Callable[[GitHubClient, str, int, str | None], api.Conditional[api.RunnerGroup]]
    update: Callable[[GitHubClient, str, int, api.RequestBody], api.Versioned[api.RunnerGroup]]
    delete: Callable[[GitHubClient, str, int], None]

    @cached_property
    def fields(self) -> dict[str, Field]:
        return {f.name: f for f in self.table}

    @cached_property
    def settable(self) -> tuple[str, ...]:
        return named(self.table, Role.SETTING)

    @cached_property
    def inputs(self) -> tuple[str, ...]:
        return named(self.table, Role.SETTING, Role.LOCATION, Role.STEERING, Role.MEMBERS)

    @cached_property
    def computed(self) -> tuple[str, ...]:
        return named(self.table, Role.COMPUTED)

    @cached_property
    def lists(self) -> dict[str, Facet]:
        """The inline lists the table has, each with the facet (of the same field name) whose resolution, drift,
        ownership and explanations it shares."""
        by_field = {facet.refs_field: facet for facet in self.facets}
        return {name: by_field[name] for name in named(self.table, Role.MEMBERS)}

    @property
    def group_type(self) -> str:
        """The resource serving this scope, for messages (every facet names it as the owner of its inline list)."""
        return next(iter(self.lists.values())).group_type

    def where(self, owner: str) -> str:
        """`org 'acme'` or `enterprise 'acme-corp'`, for messages."""
        return f"{self.location} '{owner}'"


ORG_GROUPS = GroupScope(
    "org",
    RUNNER_GROUP_FIELDS,
    RUNNER_GROUP_RULES,
    (REPOSITORY_ACCESS, MEMBERSHIP),
    api.list_runner_groups,
    api.create_runner_group,
    api.get_runner_group_if_changed,
    api.update_runner_group,
    api.delete_runner_group,
)
COMPUTED = ORG_GROUPS.computed


class RunnerGroupProvider(GitHubProvider):
    scope = ORG_GROUPS

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> pulumi.dynamic.CheckResult:
        scope = self.scope
        # also the location (org or enterprise): its default and rule are shared by all resources
        checker = self.start_check(news, set(scope.inputs), scope.location)
        adopting = checker.inputs.get("adopt") is True
        ghes = on_ghes(self.settings.client.base_url)
        for field in scope.table:
            if field.role in (Role.SETTING, Role.STEERING):
                check_field(checker, field, adopting=adopting, ghes=ghes)
            elif field.role is Role.MEMBERS and checker.inputs.get(field.name) is not None:
                check_references(checker, scope.lists[field.name])
        _refuse_default_group_lists(checker, scope)
        known = {name: value for name, value in checker.inputs.items() if not contains_unknown(value)}
        for rule in scope.rules:
            for path, reason in rule(known):
                checker.fail(path, reason)
        return check_result(checker, news)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> pulumi.dynamic.DiffResult:
        location = self.scope.location
        changes = _changed(self.scope, olds, news, (location, *_managed(self.scope, news)))
        changes += _changed_lists(self.scope, olds, news)
        replaces = [location] if location in changes else []
        # Create the new group before deleting the old: if the create fails, the old group stays.
        return pulumi.dynamic.DiffResult(changes=bool(changes), replaces=replaces, delete_before_replace=False)

    def create(self, props: dict[str, Any]) -> pulumi.dynamic.CreateResult:
        scope = self.scope
        inputs = without_provider(props)
        owner, name = str(inputs[scope.location]), str(inputs["name"])
        client = self.client()
        action = f"{'adopting' if inputs.get('adopt') else 'creating'} runner group '{name}' in {scope.where(owner)}"
        refuse_what_ghes_lacks(client, scope.location, owner, action, scope.table, inputs)
        # Every reference proven to exist before any write.
        wanted = _resolve_lists(client, owner, inputs, _owned(scope, inputs))
        groups = group_registry.org_groups(client, owner, scope.list_groups)
        name_claim = groups.claim(name)
        if name_claim.busy or name_claim.owned_in_this_run:
            raise Refused(action, _owned_in_this_run_hint(name, name_claim.group))
        made = None
        try:
            if name_claim.group is not None and inputs.get("adopt"):
                made = _take_over(scope, client, owner, name_claim.group, inputs, wanted)
            elif name_claim.group is not None:
                raise Refused(action, _taken_hint(name_claim.group))
            else:
                pending = {
                    field: _claim_list(scope, client, owner, None, field, members) for field, members in wanted.items()
                }
                made = _create(scope, client, owner, inputs, groups, wanted)
                for field, members in wanted.items():
                    _claim_list(scope, client, owner, made.body.id, field, members, replacing=pending[field])
        finally:
            groups.release(name, made.body if made is not None else None)
        lists = _list_outputs(scope, inputs, wanted)
        outputs = _outputs(scope, owner, bool(inputs.get("adopt")), made.body, made.etag, lists)
        return pulumi.dynamic.CreateResult(str(made.body.id), outputs)

    def read(self, id_: str, props: dict[str, Any]) -> pulumi.dynamic.ReadResult:
        scope = self.scope
        owner = str(props[scope.location])
        group_id = _group_id(id_)
        client = self.client()
        try:
            fetched = scope.get_if_changed(client, owner, group_id, props.get("etag"))
        except GitHubNotFound:
            return gone(client, owner, scope.list_groups)
        if fetched.body is None:
            outputs = dict(without_provider(props))
        else:
            outputs = _outputs(
                scope, owner, bool(props.get("adopt")), fetched.body, fetched.etag, _list_outputs(scope, props, {})
            )
        for facet in _owned(scope, props).values():
            listing = facet.list_members(client, owner, group_id, props.get(facet.etag_field))
            outputs.update(read_members(facet, listing, props))
        inputs = {key: outputs[key] for key in scope.inputs if outputs.get(key) is not None}
        return pulumi.dynamic.ReadResult(str(group_id), outputs, inputs)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> pulumi.dynamic.UpdateResult:
        scope = self.scope
        inputs = without_provider(news)
        owner = str(inputs[scope.location])
        group_id = _group_id(id_)
        action = f"updating runner group {group_id} in {scope.where(owner)}"
        differing = _changed(scope, olds, inputs, _managed(scope, inputs))
        if olds.get("inherited"):
            raise Refused(action, f"{_INHERITED_HINT}.")
        lists = {
            field: scope.lists[field] for field in _changed_lists(scope, olds, inputs) if inputs.get(field) is not None
        }
        _refuse_read_only_workflows(olds, differing)
        _refuse_broken_rules(scope, action, olds, inputs)
        if olds.get("default") and "name" in differing:
            raise _default_rename(scope.where(owner), str(olds.get("name")), str(inputs["name"]))
        if olds.get("default") and _owned(scope, inputs):
            raise _default_lists(scope, scope.where(owner), group_id)
        carried = {**olds, **inputs}
        if not differing and not lists:
            return pulumi.dynamic.UpdateResult({**carried, **_list_outputs(scope, inputs, {}, carried)})
        client = self.client()
        changing = {name: inputs.get(name) for name in differing}
        refuse_what_ghes_lacks(client, scope.location, owner, action, scope.table, changing)
        wanted = _resolve_lists(client, owner, inputs, lists)
        for field, members in wanted.items():
            _claim_list(scope, client, owner, group_id, field, members)
        undo: list[Undo] = []
        outputs = carried
        if differing:
            updated = _patch(scope, client, owner, group_id, _body(scope, inputs, ("name", *differing)))
            restore = _body(scope, olds, ("name", *differing))
            undo.append(("restore its settings", partial(_patch, scope, client, owner, group_id, restore)))
            known = group_registry.known_org_groups(client, owner, scope.list_groups)
            if known is not None:
                known.remember(updated.body)
            outputs = _outputs(scope, owner, bool(inputs.get("adopt")), updated.body, updated.etag)
        before = {
            field: _ids(olds, scope.lists[field].ids_field) if olds.get(field) is not None else None for field in wanted
        }
        _write_lists(scope, client, owner, group_id, wanted, before, undo)
        return pulumi.dynamic.UpdateResult({**outputs, **_list_outputs(scope, inputs, wanted, carried)})

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        scope = self.scope
        owner = str(props[scope.location])
        group_id = _group_id(id_)
        if props.get("default") or props.get("inherited"):
            what = "the Default group" if props.get("default") else "an enterprise-inherited group"
            raise Refused(
                f"deleting runner group {group_id} ('{props.get('name')}') in {scope.where(owner)}",
                f"it is {what}, which GitHub does not let anyone delete here. To stop managing it, run "
                "`pulumi state delete <urn>` (the group stays as it is), or mark the resource "
                "retain_on_delete=True.",
            )
        client = self.client()
        try:
            scope.delete(client, owner, group_id)
        except GitHubNotFound:
            pass  # Already gone: the desired end state.
        known = group_registry.known_org_groups(client, owner, scope.list_groups)
        if known is not None:
            known.forget(group_id)


# An org sees a group its enterprise shares with it read-only; the EnterpriseRunnerGroup resource manages it.
_INHERITED_HINT = (
    "it is inherited from the enterprise, and an organization cannot change it: manage it with an "
    "EnterpriseRunnerGroup resource (enterprise=SLUG, adopt=True, a token with admin:enterprise), or in the "
    "enterprise's settings"
)


def _create(
    scope: GroupScope,
    client: GitHubClient,
    owner: str,
    inputs: Mapping[str, Any],
    groups: group_registry.OrgGroups,
    wanted: Wanted,
) -> api.Versioned[api.RunnerGroup]:
    """POST a group (with its lists) whose name nobody held when the groups were listed; claim it if the answer
    was lost."""
    settings = _body(scope, inputs, _managed(scope, inputs), send_nulls=False)
    body = {**settings, **{scope.lists[field].body_key: sorted(members) for field, members in wanted.items()}}
    try:
        return _post(scope, client, owner, body)
    except GitHubOutcomeUnknown as lost:
        # The POST may have created the group: look before retrying, so that no duplicate is made.
        found = group_registry.find_by_name(scope.list_groups(client, owner), str(body["name"]))
        if found is None:
            return _post(scope, client, owner, body)
        if found.id in groups.listed_ids or not _matches(scope, found, settings):
            raise Refused(f"{lost.action} (its answer was lost)", _taken_hint(found)) from None
        return api.Versioned(found, None)  # the listing's ETag is not the group's


def _post(
    scope: GroupScope, client: GitHubClient, owner: str, body: Mapping[str, Any]
) -> api.Versioned[api.RunnerGroup]:
    try:
        return scope.create(client, owner, body)
    except GitHubValidationError as exc:
        existing = group_registry.find_by_name(scope.list_groups(client, owner), str(body["name"]))
        if existing is not None:
            raise exc.with_hint(_taken_hint(existing)) from None
        # Not the name: one of the lists sent inline (an organization id outside the enterprise, which no listing
        # can verify beforehand). GitHub made nothing.
        hints = [facet.refusal_hint for facet in scope.lists.values() if facet.body_key in body]
        if not hints:
            raise
        raise exc.with_hint(" ".join(dict.fromkeys(hints))) from None


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
    scope: GroupScope,
    client: GitHubClient,
    owner: str,
    group: api.RunnerGroup,
    inputs: Mapping[str, Any],
    wanted: Wanted,
) -> api.Versioned[api.RunnerGroup]:
    """Adopt an existing group: write only the fields the program sets that differ from GitHub's, and only the
    lists that differ from the live ones (an exported spec's first `up` writes nothing)."""
    action = f"adopting runner group '{group.name}' in {scope.where(owner)}"
    if group.inherited:
        raise Refused(action, f"{_INHERITED_HINT}; to manage a group of your own, remove adopt or choose another name.")
    if group.default and wanted:
        raise _default_lists(scope, scope.where(owner), group.id)
    live = _outputs(scope, owner, True, group)
    differing = _changed(scope, live, inputs, _managed(scope, inputs))
    if group.default and "name" in differing:
        raise _default_rename(scope.where(owner), group.name, str(inputs["name"]))
    _refuse_read_only_workflows(live, differing)
    _refuse_broken_rules(scope, action, live, inputs)
    for field, members in wanted.items():
        _claim_list(scope, client, owner, group.id, field, members)
    # The group came from a listing, whose ETag is not the group's.
    made: api.Versioned[api.RunnerGroup] = api.Versioned(group, None)
    undo: list[Undo] = []
    if differing:
        made = _patch(scope, client, owner, group.id, _body(scope, inputs, ("name", *differing)))
        restore = _body(scope, live, ("name", *differing))
        undo.append(("restore its settings", partial(_patch, scope, client, owner, group.id, restore)))
    _write_lists(scope, client, owner, group.id, wanted, dict.fromkeys(wanted), undo)
    return made


def _patch(
    scope: GroupScope, client: GitHubClient, owner: str, group_id: int, body: Mapping[str, Any]
) -> api.Versioned[api.RunnerGroup]:
    """PATCH, explaining the two refusals a program can cause: the group is gone, or the new name is taken."""
    try:
        return scope.update(client, owner, group_id, body)
    except GitHubNotFound as exc:
        raise exc.with_hint(
            f"The group was deleted outside this stack, or the token lost access to the {scope.location}: run "
            "`pulumi refresh` to drop a deleted group from the state (the next `pulumi up` creates it again)."
        ) from None
    except GitHubValidationError as exc:
        holder = group_registry.find_by_name(scope.list_groups(client, owner), str(body["name"]))
        if holder is None or holder.id == group_id:
            raise
        raise exc.with_hint(
            f"The name '{body['name']}' is held by another runner group (id {holder.id}), which this stack does "
            "not own: choose another name."
        ) from None


def _default_lists(scope: GroupScope, where: str, group_id: int) -> Refused:
    return Refused(f"owning the lists of the Default runner group ({group_id}) of {where}", _default_lists_hint(scope))


def _default_lists_hint(scope: GroupScope) -> str:
    harms = "; ".join(f"as its {facet.list_noun}, {facet.default_group_harm}" for facet in scope.lists.values())
    separate = " / ".join(facet.resource_type for facet in scope.lists.values())
    return (
        f"GitHub fills the Default group itself with what no other group holds, so an exclusive list there fights "
        f"it: {harms}. Leave {' and '.join(scope.lists)} unset on this {scope.group_type}, or use a {separate} "
        "with exclusive=False."
    )


def _refuse_default_group_lists(checker: Checker, scope: GroupScope) -> None:
    """The Default group is the one named `Default` (GitHub neither renames it nor lets another group take the
    name), so owning its lists is refused before anything is read; adopting it by id is refused at apply."""
    name = checker.inputs.get("name")
    if not isinstance(name, str) or name.lower() != DEFAULT_GROUP_NAME.lower():
        return
    for field in scope.lists:
        if checker.inputs.get(field) is not None:
            checker.fail(
                field,
                f"{field} is given for '{name}', the {scope.location}'s Default runner group: "
                f"{_default_lists_hint(scope)}",
            )


def _default_rename(where: str, name: str, new_name: str) -> Refused:
    return Refused(
        f"renaming the Default runner group of {where} to {new_name!r}",
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


def _refuse_broken_rules(scope: GroupScope, action: str, current: Mapping[str, Any], inputs: Mapping[str, Any]) -> None:
    """With adopt, unset settings keep GitHub's values: the rules check held for the program alone must also hold
    for that mix (workflows given, while GitHub's restricted_to_workflows is false, would be ignored forever)."""
    result = {**current, **{name: inputs.get(name) for name in (*_managed(scope, inputs), *scope.lists)}}
    problems = [reason for rule in scope.rules for _, reason in rule(result)]
    if problems:
        raise Refused(action, " ".join(problems))


def _managed(scope: GroupScope, inputs: Mapping[str, Any]) -> tuple[str, ...]:
    return managed_settings(inputs, scope.settable)


def _changed(scope: GroupScope, olds: Mapping[str, Any], news: Mapping[str, Any], names: tuple[str, ...]) -> list[str]:
    return changed_fields(olds, news, names, lambda name, value: scope.fields[name].compare(value))


def _changed_lists(scope: GroupScope, olds: Mapping[str, Any], news: Mapping[str, Any]) -> list[str]:
    """Inline lists owned now and not before (or the reverse), or whose references no longer name exactly the
    members last seen (a changed program, or drift that a refresh recorded)."""
    return [
        field
        for field, facet in scope.lists.items()
        if (olds.get(field) is None) != (news.get(field) is None)
        or (news.get(field) is not None and not matches_members(facet, olds, news))
    ]


def _owned(scope: GroupScope, props: Mapping[str, Any]) -> dict[str, Facet]:
    return {field: facet for field, facet in scope.lists.items() if props.get(field) is not None}


def _resolve_lists(client: GitHubClient, owner: str, inputs: Mapping[str, Any], lists: Mapping[str, Facet]) -> Wanted:
    return {field: resolve_members(client, facet, owner, inputs[field]) for field, facet in lists.items()}


def _claim_list(
    scope: GroupScope,
    client: GitHubClient,
    owner: str,
    group_id: int | None,
    field: str,
    members: Mapping[int, str],
    *,
    replacing: ListClaim | None = None,
) -> ListClaim:
    """Claim the group's whole list for this run, before it is written (`group_id` None: the group is still to be
    created)."""
    return claim(client, scope.lists[field].owners, owner, group_id, True, members, inline=True, replacing=replacing)


def _write_lists(
    scope: GroupScope,
    client: GitHubClient,
    owner: str,
    group_id: int,
    wanted: Wanted,
    before: Mapping[str, set[int] | None],
    undo: list[Undo],
) -> None:
    """One PUT per list that differs from what it holds (`before`; read when None). When one fails, this step's
    earlier writes (`undo`, which may already hold the settings' PATCH) are taken back first."""
    for field, members in wanted.items():
        facet = scope.lists[field]
        try:
            previous = list_differs(client, facet, owner, group_id, members, before[field])
            if previous is None:
                continue
            facet.set_members(client, owner, group_id, sorted(members))
        except GitHubError as exc:
            explained = explain(facet, exc, owner, group_id)
            if not undo:
                raise explained from None
            note = undo_writes(undo, group_id, scope.location)
            raise exc.with_hint(f"{explained.hint or ''} {note}".strip()) from None
        undo.append(
            (f"restore its {facet.list_noun}", partial(facet.set_members, client, owner, group_id, sorted(previous)))
        )


def _list_outputs(
    scope: GroupScope, inputs: Mapping[str, Any], written: Wanted, carried: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Each inline list's outputs: those `written` (members as resolved; no listing ETag yet), those unchanged
    (from `carried`), and None for lists the group does not own."""
    outputs: dict[str, Any] = {}
    for field, facet in scope.lists.items():
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


def _matches(scope: GroupScope, group: api.RunnerGroup, body: Mapping[str, Any]) -> bool:
    """Whether `group` has exactly the settings a POST of `body` would give it (else it is not the one we made)."""
    fields = scope.fields
    return all(
        fields[name].compare(fields[name].from_model(group)) == fields[name].compare(v) for name, v in body.items()
    )


def _body(
    scope: GroupScope, inputs: Mapping[str, Any], names: Iterable[str], *, send_nulls: bool = True
) -> dict[str, Any]:
    """Request body for `names`; `send_nulls` clears an unset network configuration on PATCH."""
    body: dict[str, Any] = {}
    for name in dict.fromkeys(names):
        value = scope.fields[name].to_json(inputs.get(name))
        if value is not None or send_nulls:
            body[name] = value
    return body


def _group_id(id_: str) -> int:
    return numeric_id(id_, "runner group")


def _outputs(
    scope: GroupScope,
    owner: str,
    adopt: bool,
    group: api.RunnerGroup,
    etag: str | None = None,
    lists: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """`etag` is that of the last full read: the next refresh (a new process) sends it and gets a 304 if unchanged.
    `lists`: the inline lists' outputs (see `_list_outputs`); not owned when absent."""
    return table_outputs(scope.table, group, {scope.location: owner, "adopt": adopt, "etag": etag, **(lists or {})})


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
        register_inline_lists(ORG_GROUPS, resource_name, props, self.id)


def register_inline_lists(
    scope: GroupScope, resource_name: str, props: Mapping[str, Any], group_id: pulumi.Output[str]
) -> None:
    """Record the group's inline lists as owners of its lists, while the program is built (see `_ownership`)."""
    for field, facet in scope.lists.items():
        if props.get(field) is not None:  # keyed by this group's `id`, as the separate resources give it
            owner = {
                scope.location: props.get(scope.location),
                "runner_group_id": group_id,
                field: props[field],
                "exclusive": True,
            }
            register(facet.owners, resource_name, owner, inline=True)
