"""RunnerGroup: one self-hosted runner group of an organization, optionally with its repository and runner lists.

Ownership: a create takes only a name nobody holds (or, with `adopt=True`, the group holding it); a create whose
answer was lost claims a group only if it did not exist before the attempt and has every setting and list the POST
sent. A name held by a group a resource of this credential created or adopted (the ownership journal, `_journal`)
is most likely this stack's under another resource name: the refusal advises an alias, not `adopt=True`. A delete
leaves a group another resource of the same run created or adopted (a rename without an alias), and says so. With
`adopt=True`, fields the program leaves unset stay as they are on GitHub; without it, unset fields get their
defaults.

Inline lists (`repositories`, `runners`; an enterprise group's `organizations`, `runners`): given (even `[]`),
the group owns that list exclusively; omitted, it does not own it. They go in the create POST, so a whole group
costs one write to create and one DELETE to destroy (GitHub drops a deleted group's repository or organization
list and moves its runners back to Default). A changed list is one PUT; a list that already matches (adopting) is
not written.

This module holds the provider's steps and the resource declarations; its parts are the scope (`group_scope`),
the group's own writes (`_group_writes`), the inline lists (`_group_lists`) and the refusals (`_group_rules`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

import pulumi
import pulumi.dynamic

from ..client import GitHubClient
from ..errors import GitHubNotFound
from ..redaction import logger
from . import _journal, _read_ahead, group_registry
from ._assignment_checks import check_references, warn_foreign_removals
from ._assignment_lists import Undo, read_members
from ._common import (
    GitHubProvider,
    Refused,
    check_field,
    check_result,
    contains_unknown,
    gone,
    numeric_id,
    of_this_stack,
    refuse_what_ghes_lacks,
    registration,
)
from ._common import user_inputs as without_provider
from ._facet import Facet
from ._group_lists import (
    changed_lists,
    claim_list,
    list_outputs,
    members_in_state,
    owned_lists,
    resolve_lists,
    write_lists,
)
from ._group_rules import (
    INHERITED_HINT,
    default_lists,
    default_rename,
    refuse_broken_rules,
    refuse_default_group_lists,
    refuse_read_only_workflows,
    refuse_undeletable,
    refuse_unknown_network_configuration,
)
from ._group_writes import (
    create_group,
    held,
    holds,
    owned_in_this_run_hint,
    patch_settings,
    take_over,
    taken_hint,
)
from ._ownership import register
from ._together import alongside
from .fields import VISIBILITIES, Role, on_ghes
from .group_scope import ORG_GROUPS, GroupScope

__all__ = [
    "ORG_GROUPS",
    "VISIBILITIES",
    "GroupScope",
    "Refused",
    "RunnerGroup",
    "RunnerGroupArgs",
    "RunnerGroupProvider",
]

COMPUTED = ORG_GROUPS.computed
log = logger("github_runner_groups")


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
        refuse_default_group_lists(checker, scope)
        known = {name: value for name, value in checker.inputs.items() if not contains_unknown(value)}
        for rule in scope.rules:
            for path, reason in rule(known):
                checker.fail(path, reason)
        return check_result(checker, news)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> pulumi.dynamic.DiffResult:
        location = self.scope.location
        changes = self.scope.changed(olds, news, (location, *self.scope.managed(news)))
        lists = changed_lists(self.scope, olds, news)
        changes += lists
        replaces = [location] if location in changes else []
        for field in lists if not replaces else ():
            warn_foreign_removals(
                self.scope.lists[field], olds, news, f"inline `{field}` of the {self.scope.group_type}"
            )
        # Create the new group before deleting the old: if the create fails, the old group stays.
        return pulumi.dynamic.DiffResult(changes=bool(changes), replaces=replaces, delete_before_replace=False)

    @_journal.for_stack
    def create(self, props: dict[str, Any]) -> pulumi.dynamic.CreateResult:
        scope = self.scope
        inputs = without_provider(props)
        owner, name = str(inputs[scope.location]), str(inputs["name"])
        client = self.client()
        action = f"{'adopting' if inputs.get('adopt') else 'creating'} runner group '{name}' in {scope.where(owner)}"
        refuse_what_ghes_lacks(client, scope.location, owner, action, scope.table, inputs)
        # Every reference proven to exist before any write.
        refuse_unknown_network_configuration(scope, client, owner, action, inputs)
        wanted = resolve_lists(client, owner, inputs, owned_lists(scope, inputs))
        groups = group_registry.org_groups(client, owner, scope.list_groups)
        name_claim = groups.claim(name)
        if name_claim.busy or name_claim.owned_in_this_run:
            raise Refused(action, owned_in_this_run_hint(name, name_claim.group))
        made = None
        try:
            if name_claim.group is not None and inputs.get("adopt"):
                made = take_over(scope, client, owner, name_claim.group, inputs, wanted)
            elif name_claim.group is not None:
                raise Refused(action, taken_hint(name_claim.group, holds(client, scope, owner, name_claim.group.id)))
            else:
                pending = {
                    field: claim_list(scope, client, owner, None, field, members) for field, members in wanted.items()
                }
                made = create_group(scope, client, owner, inputs, groups, wanted)
                for field, members in wanted.items():
                    claim_list(scope, client, owner, made.body.id, field, members, replacing=pending[field])
        finally:
            groups.release(name, made.body if made is not None else None)
        _journal.note_held(client, *held(scope, owner, made.body.id))
        lists = list_outputs(scope, inputs, wanted)
        outputs = scope.outputs(owner, bool(inputs.get("adopt")), made.body, made.etag, lists)
        _remember(client, scope, owner, made.body.id, outputs)
        return pulumi.dynamic.CreateResult(str(made.body.id), outputs)

    @_journal.for_stack
    def read(self, id_: str, props: dict[str, Any]) -> pulumi.dynamic.ReadResult:
        scope = self.scope
        owner = str(props[scope.location])
        group_id = _group_id(id_)
        client = self.client()
        facets = owned_lists(scope, props)
        # The group and its owned lists are read together (each with its ETag): a refresh is latency-bound, and
        # in a refresh the other groups of the stack are read ahead (`_read_ahead`).
        fetch = partial(_fetch, scope, client, owner)
        reads = _read_ahead.reads_for(client, scope.location, owner)
        wanted = _etags(facets, props)
        try:
            futures, fetched = (reads.take(group_id, wanted, fetch) if reads else None) or fetch(group_id, wanted)
        except GitHubNotFound:
            found = gone(client, owner, scope.list_groups)  # the lists' 404s say the same
            if reads:
                reads.forget(group_id)
            return found
        if fetched.body is None:
            outputs = dict(without_provider(props))
        else:
            outputs = scope.outputs(
                owner, bool(props.get("adopt")), fetched.body, fetched.etag, list_outputs(scope, props, {})
            )
        for facet, future in zip(facets.values(), futures, strict=True):
            outputs.update(read_members(facet, future.result(), props))
        if reads:
            reads.remember(group_id, _etags(facets, outputs))
        inputs = {key: outputs[key] for key in scope.inputs if outputs.get(key) is not None}
        return pulumi.dynamic.ReadResult(str(group_id), outputs, inputs)

    @_journal.for_stack
    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> pulumi.dynamic.UpdateResult:
        scope = self.scope
        inputs = without_provider(news)
        owner = str(inputs[scope.location])
        group_id = _group_id(id_)
        action = f"updating runner group {group_id} in {scope.where(owner)}"
        differing = scope.changed(olds, inputs, scope.managed(inputs))
        if olds.get("inherited"):
            raise Refused(action, f"{INHERITED_HINT}.")
        lists = {
            field: scope.lists[field] for field in changed_lists(scope, olds, inputs) if inputs.get(field) is not None
        }
        refuse_read_only_workflows(olds, differing)
        refuse_broken_rules(scope, action, olds, inputs)
        if olds.get("default") and "name" in differing:
            raise default_rename(scope.where(owner), str(olds.get("name")), str(inputs["name"]))
        if olds.get("default") and owned_lists(scope, inputs):
            raise default_lists(scope, scope.where(owner), group_id)
        carried = {**olds, **inputs}
        if not differing and not lists:
            return pulumi.dynamic.UpdateResult({**carried, **list_outputs(scope, inputs, {}, carried)})
        client = self.client()
        changing = {name: inputs.get(name) for name in differing}
        refuse_what_ghes_lacks(client, scope.location, owner, action, scope.table, changing)
        refuse_unknown_network_configuration(scope, client, owner, action, changing)
        wanted = resolve_lists(client, owner, inputs, lists)
        for field, members in wanted.items():
            claim_list(scope, client, owner, group_id, field, members)
        undo: list[Undo] = []
        outputs = carried
        if differing:
            updated = patch_settings(scope, client, owner, group_id, olds, inputs, differing, undo)
            known = group_registry.known_org_groups(client, owner, scope.list_groups)
            if known is not None:
                known.remember(updated.body)
            outputs = scope.outputs(owner, bool(inputs.get("adopt")), updated.body, updated.etag)
        write_lists(scope, client, owner, group_id, wanted, members_in_state(scope, olds, wanted), undo)
        outputs = {**outputs, **list_outputs(scope, inputs, wanted, carried)}
        _remember(client, scope, owner, group_id, outputs)
        return pulumi.dynamic.UpdateResult(outputs)

    @_journal.for_stack
    def delete(self, id_: str, props: dict[str, Any]) -> None:
        scope = self.scope
        owner = str(props[scope.location])
        group_id = _group_id(id_)
        refuse_undeletable(scope, owner, group_id, props)
        client = self.client()
        known = group_registry.known_org_groups(client, owner, scope.list_groups)
        if known is not None and known.adopted_in_this_run(group_id):
            # A rename without an alias that was then adopted: the new resource holds the group now.
            log.warning(
                "not deleting runner group %d ('%s') in %s: another resource of this run adopted it and holds it "
                "now; only this resource leaves the state (to rename a resource without this, use an alias)",
                group_id,
                props.get("name"),
                scope.where(owner),
            )
            return
        try:
            scope.delete(client, owner, group_id)
        except GitHubNotFound:
            pass  # Already gone: the desired end state.
        _journal.drop_held(client, *held(scope, owner, group_id))
        reads = _read_ahead.reads_for(client, scope.location, owner)
        if reads:
            reads.forget(group_id)
        if known is not None:
            known.forget(group_id)


def _group_id(id_: str) -> int:
    return numeric_id(id_, "runner group")


def _etags(facets: Mapping[str, Facet], values: Mapping[str, Any]) -> _read_ahead.Etags:
    """The ETags a group resource holds (`values`: its state), for a Read's conditional requests."""
    return values.get("etag"), tuple((name, values.get(facet.etag_field)) for name, facet in facets.items())


def _remember(client: GitHubClient, scope: GroupScope, owner: str, group_id: int, outputs: Mapping[str, Any]) -> None:
    """After a write, what the resource holds of the group: a later refresh reads it ahead with these ETags."""
    reads = _read_ahead.reads_for(client, scope.location, owner)
    if reads:
        reads.remember(group_id, _etags(owned_lists(scope, outputs), outputs))


def _fetch(
    scope: GroupScope, client: GitHubClient, owner: str, group_id: int, etags: _read_ahead.Etags
) -> _read_ahead.Parts:
    """A group's Read: the group and the lists it owns, asked together, each with its ETag."""
    listings = [partial(scope.lists[name].list_members, client, owner, group_id, etag) for name, etag in etags[1]]
    return alongside(listings, partial(scope.get_if_changed, client, owner, group_id, etags[0]))


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
        super().__init__(of_this_stack(RunnerGroupProvider()), resource_name, props, opts)
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
