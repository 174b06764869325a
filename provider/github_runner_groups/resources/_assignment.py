"""What the access and membership resources (of org and of enterprise groups) share: a set of members of one
runner group.

Both resources hold a list of references (names or numeric ids) that resolve to ids, in one of two modes:
exclusive (the resource owns the group's whole list: one PUT of the full set) or additive (it adds what is
missing and removes only entries it added itself, so several stacks can share a group). The two differ only in
a `Facet`, which also says where the group lives (an org or an enterprise).

Before the first write of an apply, every reference is proven to exist by the owner's listing (organizations,
which no listing holds, by one read per login; an id is then checked by GitHub as it is written), and the resource
claims its list or entries for the run (`_ownership`); an additive step that fails part-way undoes its earlier
writes, so nothing is left that no resource owns.

Drift is judged in `diff` without the API: the old outputs hold the members as last seen (ids and names, from the
last apply or refresh), and the program's references must match exactly those, by id or by name. An additive
resource sees only its own members, so the same test holds in both modes: a refresh after an out-of-band change
shows as a diff, as does a changed program, while members that others added never cause one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

import pulumi.dynamic

from .. import api, resolve
from ..client import GitHubClient
from ..errors import (
    GitHubError,
    GitHubNotFound,
    GitHubOutcomeUnknown,
    GitHubRunnerGroupsError,
    GitHubValidationError,
)
from ..redaction import logger
from . import _inherited_access as inherited
from . import _journal
from ._common import (
    Checker,
    GitHubProvider,
    GroupLister,
    check_result,
    contains_unknown,
    gone,
    is_unknown,
    normalise_reference,
    org_problem,
    parse_id,
    shown,
    user_inputs,
)
from ._ownership import ListKind, claim, exclusive_owner, take_over, taken_over_in_this_run

log = logger("github_runner_groups")
# One write of one member: (client, org, group id, member id).
MemberWrite = Callable[[GitHubClient, str, int, int], None]
# GitHub's id of every organization's Default group, which it fills itself with what no other group holds.
DEFAULT_GROUP_ID = 1
# Its name, in every org and enterprise: GitHub neither renames it nor lets another group take the name.
DEFAULT_GROUP_NAME = "Default"


class DuplicateReferenceError(GitHubRunnerGroupsError, ValueError):
    """Two references of one list (a name and an id) turned out to be the same repository or runner."""


@dataclass(frozen=True)
class Facet:
    """The repository-access or the runner-membership side of a runner group."""

    noun: str
    refs_field: str
    ids_field: str
    names_field: str
    # Additive only: the members that were already in the group when this resource first declared them. Someone
    # else put them there, so this resource never removes them.
    found_field: str
    example: str
    kind: resolve.NameKind
    list_members: Callable[[GitHubClient, str, int, str | None], api.Conditional[Sequence[api.Named]]]
    set_members: Callable[[GitHubClient, str, int, list[int]], None]
    body_key: str  # the list's key in GitHub's create-group body
    add_member: MemberWrite
    remove_member: MemberWrite
    refusal_hint: str
    resource_type: str
    list_noun: str
    # A runner sits in one group, so two resources placing the same runner conflict whatever their groups.
    member_in_one_group: bool
    # GitHub answers 422 when the group keeps no such list (repositories of a group that is not `selected`).
    refused_means_no_list: bool
    # What an exclusive owner of the Default group's list would do.
    default_group_harm: str
    # Where the group lives (the input naming it: `org` or `enterprise`), how to list its groups (to tell a
    # deleted group from lost access), and what the token needs to see it.
    location: str = "org"
    list_groups: GroupLister = api.list_runner_groups
    permission: str = "admin:org scope, or the organization permission 'Self-hosted runners'"
    # The group resource that may hold the list inline (`refs_field` is its field too).
    group_type: str = "RunnerGroup"
    # The list is one an org may also keep for a group its enterprise shares with it (`_inherited_access`).
    inherited_side: bool = False

    @property
    def etag_field(self) -> str:
        """Where the ETag of the last listing is kept (a RunnerGroup keeps one per inline list)."""
        return f"{self.refs_field}_etag"

    @property
    def inputs(self) -> set[str]:
        return {self.location, "runner_group_id", self.refs_field, "exclusive"}

    @property
    def owners(self) -> ListKind:
        """What the one-owner-per-list rules need of this facet."""
        return ListKind(
            self.resource_type,
            self.refs_field,
            self.noun,
            self.list_noun,
            self.member_in_one_group,
            self.kind.qualified_by_org,
            self.location,
            self.group_type,
        )

    @property
    def computed(self) -> tuple[str, ...]:
        """The outputs a resource of this facet computes: unknown until the provider has answered."""
        extra = (inherited.SETTING_FIELD,) if self.inherited_side else ()
        return (self.ids_field, self.names_field, self.found_field, "etag", *extra)


REPOSITORY_ACCESS = Facet(
    noun="repository",
    refs_field="repositories",
    ids_field="repository_ids",
    names_field="repository_names",
    found_field="found_repository_ids",
    example='["api", "acme/web", 123456]',
    kind=resolve.REPOSITORIES,
    list_members=api.list_group_repositories_if_changed,
    set_members=api.set_group_repositories,
    body_key=api.REPOSITORY_IDS_KEY,
    add_member=api.add_group_repository,
    remove_member=api.remove_group_repository,
    refusal_hint="GitHub keeps a repository list only for groups with visibility 'selected': set "
    "visibility='selected' on the RunnerGroup (or drop this resource to let all repositories use the group); for a "
    "group inherited from the enterprise, the org's setting was changed since this resource was created: set "
    "'Selected repositories' for it again in the org's Actions runner-group settings.",
    resource_type="RunnerGroupRepositoryAccess",
    list_noun="repository list",
    member_in_one_group=False,
    refused_means_no_list=True,
    default_group_harm="it would take the group away from every repository it does not list",
    inherited_side=True,
)
MEMBERSHIP = Facet(
    noun="self-hosted runner",
    refs_field="runners",
    ids_field="runner_ids",
    names_field="runner_names",
    found_field="found_runner_ids",
    example='["linux-1", "linux-2"]',
    kind=resolve.RUNNERS,
    list_members=api.list_group_runners_if_changed,
    set_members=api.set_group_runners,
    body_key=api.RUNNER_IDS_KEY,
    add_member=api.add_group_runner,
    remove_member=api.remove_group_runner,
    refusal_hint="Check that the runners are registered at the organization (not at a repository).",
    resource_type="RunnerGroupMembership",
    list_noun="runner list",
    member_in_one_group=True,
    refused_means_no_list=False,
    default_group_harm="it would move every runner it lists out of the group that runner is in, while GitHub alone "
    "decides which runners fall back to Default",
)


class AssignmentProvider(GitHubProvider):
    """check/diff/create/read/update/delete for one Facet; subclasses only name the facet."""

    facet: Facet

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> pulumi.dynamic.CheckResult:
        facet = self.facet
        checker = self.start_check(news, facet.inputs, facet.location)
        checker.group_id()
        checker.default("exclusive", True)
        checker.boolean("exclusive")
        check_references(checker, facet)
        _refuse_exclusive_default_group(checker, facet)
        return check_result(checker, news)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> pulumi.dynamic.DiffResult:
        replaces = [
            name
            for name, same in (
                (self.facet.location, _same_text(olds.get(self.facet.location), news.get(self.facet.location))),
                ("runner_group_id", _same_id(olds.get("runner_group_id"), news.get("runner_group_id"))),
            )
            if not same
        ]
        changed = bool(replaces) or not _same_flag(olds.get("exclusive"), news.get("exclusive"))
        changed = changed or not matches_members(self.facet, olds, news)
        if changed and not replaces and news.get("exclusive", True) is True:
            warn_foreign_removals(self.facet, olds, news, f"{self.facet.resource_type} (exclusive)")
        return pulumi.dynamic.DiffResult(changes=changed, replaces=replaces, delete_before_replace=bool(replaces))

    def create(self, props: dict[str, Any]) -> pulumi.dynamic.CreateResult:
        inputs = user_inputs(props)
        outputs = self._apply(inputs, previous=set(), previous_found=set(), creating=True, setting=None)
        return pulumi.dynamic.CreateResult(
            _resource_id(str(inputs[self.facet.location]), int(str(inputs["runner_group_id"])), self.facet), outputs
        )

    def read(self, id_: str, props: dict[str, Any]) -> pulumi.dynamic.ReadResult:
        facet = self.facet
        org, group_id, client = str(props[facet.location]), int(str(props["runner_group_id"])), self.client()
        try:
            listing = facet.list_members(client, org, group_id, props.get("etag"))
        except GitHubNotFound:
            return gone(client, org, facet.list_groups)
        inputs = {key: props[key] for key in facet.inputs if key in props}
        if listing.body is None:
            return pulumi.dynamic.ReadResult(id_, user_inputs(props), inputs)
        live = {member.id: member.name for member in listing.body}
        found = _ids(props, facet.found_field)
        if not props.get("exclusive", True):
            own = _ids(props, facet.ids_field)
            live = {member: name for member, name in live.items() if member in own}
        outputs = {**user_inputs(props), **_members(facet, live, found), "etag": listing.etag}
        return pulumi.dynamic.ReadResult(id_, outputs, inputs)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> pulumi.dynamic.UpdateResult:
        previous = _ids(olds, self.facet.ids_field)
        setting = olds.get(inherited.SETTING_FIELD)
        outputs = self._apply(user_inputs(news), previous, _ids(olds, self.facet.found_field), setting=setting)
        return pulumi.dynamic.UpdateResult(outputs)

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        facet = self.facet
        org, group_id, client = str(props[facet.location]), int(str(props["runner_group_id"])), self.client()
        if exclusive_owner(client, facet.owners, org, group_id) is not None:
            return  # the list moved to another owner in this run (a group's inline list): it is theirs now
        setting = props.get(inherited.SETTING_FIELD)
        try:
            if props.get("exclusive", True):
                if isinstance(setting, dict):
                    inherited.put_back(client, org, group_id, setting)  # never emptied: the enterprise's group
                else:
                    facet.set_members(client, org, group_id, [])
                return
            own = _ids(props, facet.ids_field) - _ids(props, facet.found_field)
            taken = {m for m in own if taken_over_in_this_run(client, facet.owners, org, group_id, m)}
            for member in sorted(own - taken):
                self._remove(client, org, group_id, member)
            if taken:
                log.warning(
                    "not removing %s %s from runner group %d in %s '%s': another resource of this run holds %s now "
                    "(to rename a resource without this, use an alias)",
                    facet.noun,
                    ", ".join(str(m) for m in sorted(taken)),
                    group_id,
                    facet.location,
                    org,
                    "them" if len(taken) > 1 else "it",
                )
            elif entry := self._added_entry(org, group_id, _ids(props, facet.ids_field)):
                _journal.drop(client, entry)
        except GitHubNotFound:
            pass  # the group is gone, and its members with it
        except GitHubValidationError as exc:
            if not facet.refused_means_no_list:
                raise explain(facet, exc, org, group_id) from None
            # GitHub keeps no such list for the group (no longer `selected`): nothing is left to empty.

    # Helpers

    def _apply(
        self,
        inputs: Mapping[str, Any],
        previous: set[int],
        previous_found: set[int],
        *,
        setting: Any,
        creating: bool = False,
    ) -> dict[str, Any]:
        """Make the group's members what `inputs` declare, once every reference is proven to exist and no other
        resource of the run owns the same list or entry: exclusive, one PUT of the whole set (on create, only when
        the live list differs); additive, a PUT for each missing entry and a DELETE for each of `previous` (this
        resource's members) no longer declared, except those it found in the group (`previous_found`)."""
        facet = self.facet
        org, group_id, client = str(inputs[facet.location]), int(str(inputs["runner_group_id"])), self.client()
        exclusive = bool(inputs.get("exclusive", True))
        wanted = resolve_members(client, facet, org, inputs.get(facet.refs_field))
        claim(client, facet.owners, org, group_id, exclusive, wanted)
        if creating and facet.inherited_side:
            try:
                setting = inherited.open_for_list(
                    client, org, group_id, exclusive, lambda: live_members(client, facet, org, group_id)
                )
            except GitHubError as exc:
                raise explain(facet, exc, org, group_id) from None
        extra = {inherited.SETTING_FIELD: setting} if facet.inherited_side else {}
        found: set[int] = set()
        if exclusive:
            try:
                # On create, a list that already matches is left as it is: an exported program writes nothing.
                if not creating or list_differs(client, facet, org, group_id, wanted, None) is not None:
                    facet.set_members(client, org, group_id, sorted(wanted))
            except GitHubError as exc:
                raise _undo_switch(
                    explain(facet, exc, org, group_id), client, org, group_id, setting, creating
                ) from None
        else:
            found = self._apply_additive(client, org, group_id, set(wanted), previous, previous_found)
        return {**inputs, **_members(facet, wanted, found), "etag": None, **extra}

    def _apply_additive(
        self,
        client: GitHubClient,
        org: str,
        group_id: int,
        wanted: set[int],
        previous: set[int],
        previous_found: set[int],
    ) -> set[int]:
        """Writes only what is missing, after one read of the group's list, and removes only members it added
        itself; returns the members found in the group (not added by this resource). When a write fails, the
        writes made before it are undone (a create that raises leaves nothing in Pulumi's state to own them)."""
        facet = self.facet
        try:
            present = live_members(client, facet, org, group_id)
        except GitHubError as exc:
            raise explain(facet, exc, org, group_id) from None
        # What a resource declaring this same list added earlier and no state may record (a provider killed
        # between GitHub's answer and the state write; a resource renamed without an alias): its own, not found.
        entry = self._added_entry(org, group_id, wanted)
        journaled = {int(m) for m in (_journal.get(client, entry) or {}).get("members", [])} if entry else set()
        mine = (previous - previous_found) | (journaled & wanted)
        take_over(client, facet.owners, org, group_id, (mine - (previous - previous_found)) & present)
        if entry:  # the intent, before the first write: the members this resource will have added
            _journal.note(client, entry, {"members": sorted((mine & present & wanted) | (wanted - present))})
        # Each step: the write, and how to take it back (what that is called, and the inverse write).
        steps: list[tuple[MemberWrite, str, MemberWrite, int]] = [
            (facet.add_member, "remove", self._remove, member) for member in sorted(wanted - present)
        ]
        steps += [
            (self._remove, "add back", facet.add_member, member)
            for member in sorted((previous - previous_found - wanted) & present)
        ]
        undo: list[Undo] = []
        for write, undo_verb, inverse, member in steps:
            try:
                write(client, org, group_id, member)
            except GitHubError as exc:
                if not undo:
                    if entry and not isinstance(exc, GitHubOutcomeUnknown):  # refused: nothing was written
                        _journal.note(client, entry, {"members": sorted(journaled)})
                    raise explain(facet, exc, org, group_id) from None
                # The group took this step's earlier writes, so the refusal is about this member, not the group.
                note = undo_writes(undo, group_id, facet.location)
                raise exc.with_hint(f"The refusal concerns {facet.noun} {member} itself. {note}") from None
            undo.append((f"{undo_verb} {facet.noun} {member}", partial(inverse, client, org, group_id, member)))
        old_entry = self._added_entry(org, group_id, previous) if previous and previous != wanted else None
        if old_entry:
            _journal.drop(client, old_entry)
        return (wanted & present) - mine

    def _added_entry(self, org: str, group_id: int, members: set[int]) -> str | None:
        """The journal's key for the members this stack's additive resource declaring exactly `members` added to
        the group; None (no journal) when the provider was not made by the Resource class, which names the stack."""
        if self.stack is None:
            return None
        facet = self.facet
        return _journal.key("added", self.stack, facet.location, facet.refs_field, org, group_id, *sorted(members))

    def _remove(self, client: GitHubClient, org: str, group_id: int, member: int) -> None:
        try:
            self.facet.remove_member(client, org, group_id, member)
        except GitHubNotFound:
            pass  # the member itself is gone (a deleted repository, an unregistered runner): nothing to remove


# What a group's inline lists (RunnerGroup, EnterpriseRunnerGroup) share with the separate resources: checking,
# resolving, judging drift, writing and explaining a list.


def check_references(checker: Checker, facet: Facet) -> None:
    """The facet's list of references: each a name or id, none twice (`acme/api` is `api`), none of another org."""
    checker.reference_list(facet.refs_field, facet.noun, facet.example)
    if facet.kind.qualified_by_org and checker.known("org") and checker.known(facet.refs_field):
        _check_qualified_refs(checker, facet.refs_field, str(checker.inputs["org"]))
    if facet.noun == "organization" and checker.known(facet.refs_field):
        for index, ref in enumerate(checker.inputs.get(facet.refs_field) or []):
            problem = org_problem(ref) if isinstance(ref, str) else None
            if problem is not None:  # a login GitHub would refuse can name no organization
                checker.fail(f"{facet.refs_field}[{index}]", f"{facet.refs_field}[{index}]: {problem}")


def matches_members(facet: Facet, olds: Mapping[str, Any], news: Mapping[str, Any]) -> bool:
    """Do the program's references name exactly the members last seen (all of them when exclusive)?"""
    refs = news.get(facet.refs_field)
    owner = news.get(facet.location)
    if contains_unknown(refs) or not isinstance(refs, list) or is_unknown(owner):
        return False
    seen_ids = [int(i) for i in olds.get(facet.ids_field) or []]
    seen_names = [str(n).lower() for n in olds.get(facet.names_field) or []]
    by_name = dict(zip(seen_names, seen_ids, strict=False))
    matched: set[int] = set()
    for ref in refs:
        normalised = normalise_reference(ref)
        if isinstance(normalised, int):
            member = normalised if normalised in seen_ids else None
        else:
            member = by_name.get(resolve.bare_name(str(owner), str(normalised)).lower())
        if member is None:
            return False
        matched.add(member)
    # Additive resources see only their own members, so the same test holds in both modes.
    return matched == set(seen_ids)


def foreign_members(facet: Facet, olds: Mapping[str, Any], news: Mapping[str, Any]) -> list[str]:
    """The members an exclusive list will remove that it never listed itself: in the group when last seen (the
    last apply or refresh) but named neither by the program's old references nor by its new ones. Someone else
    (a person, another stack's additive resource) put them there. Judged without the API, like the diff."""
    owner, refs = news.get(facet.location), news.get(facet.refs_field)
    if contains_unknown(refs) or not isinstance(refs, list) or is_unknown(owner):
        return []
    own = [*refs, *(olds.get(facet.refs_field) or [])]
    named_ids = {ref for ref in map(normalise_reference, own) if isinstance(ref, int)}
    named = {resolve.bare_name(str(owner), str(ref)).lower() for ref in own if isinstance(ref, str)}
    seen = zip([int(i) for i in olds.get(facet.ids_field) or []], olds.get(facet.names_field) or [], strict=False)
    return [str(name) for member, name in seen if member not in named_ids and str(name).lower() not in named]


def warn_foreign_removals(facet: Facet, olds: Mapping[str, Any], news: Mapping[str, Any], owner: str) -> None:
    """Say, in preview as in the update (diff runs in both), which entries an exclusive list is about to remove
    that it never listed, and the fix: two owners of one list undo each other on every `up`."""
    foreign = foreign_members(facet, olds, news)
    if not foreign:
        return
    group = olds.get("runner_group_id") or olds.get("group_id")
    log.warning(
        "runner group %s in %s '%s': this update removes %s %s from the %s: the %s owns the whole list and never "
        "listed %s (added by hand, or by another stack's additive resource). If another stack adds entries to "
        "this group, make this list additive in every stack (%s with exclusive=False, or `exclusive: false` on "
        "the spec group); to keep %s, list %s here.",
        group,
        facet.location,
        news.get(facet.location),
        facet.kind.plural,
        ", ".join(repr(name) for name in foreign[:10])
        + (f" and {len(foreign) - 10} more" if len(foreign) > 10 else ""),
        facet.list_noun,
        owner,
        "them" if len(foreign) > 1 else "it",
        facet.resource_type,
        "them" if len(foreign) > 1 else "it",
        "them" if len(foreign) > 1 else "it",
    )


def resolve_members(client: GitHubClient, facet: Facet, org: str, refs: Any) -> dict[int, str]:
    """The members (id -> name) the references name, each proven to exist by the org's listing."""
    normalised = [normalise_reference(r) for r in refs or []]
    resolved = resolve.resolve_ids(client, facet.kind, org, [r for r in normalised if r is not None])
    written_as: dict[int, str | int] = {}
    for ref, member in resolved.items():
        if member in written_as:
            raise DuplicateReferenceError(
                f"{facet.refs_field} names the {facet.noun} with id {member} twice, as {written_as[member]!r} "
                f"and {ref!r}; list it once."
            )
        written_as[member] = ref
    names = resolve.names_for_ids(client, facet.kind, org, written_as)
    return {member: names.get(member, str(member)) for member in sorted(written_as)}


def live_members(client: GitHubClient, facet: Facet, org: str, group_id: int) -> set[int]:
    # Read without an ETag: never unchanged, so always a body.
    return {member.id for member in facet.list_members(client, org, group_id, None).body or ()}


def list_differs(
    client: GitHubClient, facet: Facet, org: str, group_id: int, wanted: Mapping[int, str], before: set[int] | None
) -> set[int] | None:
    """The members the list has (`before`, or read when None) if they differ from `wanted`; None when they match,
    and nothing needs writing."""
    current = live_members(client, facet, org, group_id) if before is None else before
    return None if current == set(wanted) else current


def read_members(
    facet: Facet, listing: api.Conditional[Sequence[api.Named]], props: Mapping[str, Any]
) -> dict[str, Any]:
    """The outputs of a whole list as a (conditional) listing shows it; unchanged: those in `props`."""
    if listing.unchanged:
        return {name: props.get(name) for name in (facet.ids_field, facet.names_field, facet.etag_field)}
    live = {member.id: member.name for member in listing.body or ()}
    return {**members_outputs(facet, live), facet.etag_field: listing.etag}


def explain(facet: Facet, exc: GitHubError, org: str, group_id: int) -> GitHubError:
    """GitHub's refusals, with the reason in the list's terms (every member was verified beforehand)."""
    if isinstance(exc, GitHubNotFound):
        return exc.with_hint(
            f"Runner group {group_id} does not exist in {facet.location} '{org}' (deleted outside Pulumi? run "
            f"`pulumi refresh`), or the token cannot see it ({facet.permission}).",
        )
    if isinstance(exc, GitHubValidationError):
        return exc.with_hint(facet.refusal_hint)
    return exc


# One write to take back: what it does, in words, and the write itself.
Undo = tuple[str, Callable[[], object]]


def undo_writes(steps: list[Undo], group_id: int, location: str) -> str:
    """Run the undo steps, newest first; what to tell the user about them."""
    failed: list[str] = []
    for what, step in reversed(steps):
        try:
            step()
        except GitHubError as exc:
            failed.append(f"{what}: {exc}")
    if not failed:
        return f"The {len(steps)} change(s) this step had made to runner group {group_id} were undone first."
    return (
        f"Undoing this step's {len(steps)} change(s) to runner group {group_id} failed for {len(failed)} "
        f"({'; '.join(failed[:3])}); no resource owns what is left: make that change by hand in the "
        f"{location}'s Actions runner-group settings."
    )


def _undo_switch(
    exc: GitHubError, client: GitHubClient, org: str, group_id: int, setting: Any, creating: bool
) -> GitHubError:
    """A create that switched an inherited group's org setting to `selected` and then failed puts it back."""
    if not (creating and isinstance(setting, dict) and setting.get("visibility") != inherited.SELECTED):
        return exc
    step = partial(inherited.put_back, client, org, group_id, setting)
    note = undo_writes([("put back the org's repository access setting", step)], group_id, "org")
    return exc.with_hint(f"{exc.hint} {note}" if exc.hint else note)


def members_outputs(facet: Facet, members: Mapping[int, str]) -> dict[str, Any]:
    """A list's members as outputs: ids sorted, names in the same order."""
    ordered = sorted(members)
    return {facet.ids_field: ordered, facet.names_field: [members[m] for m in ordered]}


def _members(facet: Facet, members: Mapping[int, str], found: set[int]) -> dict[str, Any]:
    return {**members_outputs(facet, members), facet.found_field: sorted(found & set(members))}


def _ids(props: Mapping[str, Any], name: str) -> set[int]:
    """A list of ids from state (numbers come back as floats); absent in states written before the field was."""
    return {int(i) for i in props.get(name) or []}


def _resource_id(org: str, group_id: int, facet: Facet) -> str:
    return f"{org}/{group_id}/{facet.refs_field}"


def _same_text(old: Any, new: Any) -> bool:
    if is_unknown(new):
        return False
    return str(old or "").lower() == str(new or "").lower()


def _same_id(old: Any, new: Any) -> bool:
    if is_unknown(new):
        return False
    return parse_id(old) == parse_id(new)


def _same_flag(old: Any, new: Any) -> bool:
    if is_unknown(new):
        return False
    return (old is None or bool(old)) == (new is None or bool(new))


def _check_qualified_refs(checker: Checker, refs_field: str, org: str) -> None:
    """`acme/api` and `api` are one repository of org acme; another org's repositories cannot be given access."""
    seen: set[str] = set()
    for index, ref in enumerate(checker.inputs.get(refs_field) or []):
        if not isinstance(ref, str):
            continue
        bare = resolve.bare_name(org, ref).lower()
        if bare in seen and ref.lower() != bare:
            checker.fail(f"{refs_field}[{index}]", f"{refs_field} lists {ref!r} twice (as {bare!r} too); list it once.")
        seen.add(bare)
        problem = repository_reference_problem(ref) or resolve.foreign_repository(org, ref)
        if problem:
            checker.fail(f"{refs_field}[{index}]", f"{refs_field}[{index}]: {problem}")


_REPOSITORY_NAME = re.compile(r"[A-Za-z0-9._-]{1,100}")


def repository_reference_problem(ref: str) -> str | None:
    """A repository is NAME or OWNER/NAME: not `acme/api/extra`, not an owner GitHub would refuse, not `..`."""
    owner, slash, name = ref.rpartition("/")
    if "/" in owner or (slash and org_problem(owner) is not None):
        return (
            f"{shown(ref)} is not a repository: give NAME or OWNER/NAME, where OWNER is a GitHub login (letters, "
            "digits and single hyphens, not at either end)"
        )
    if name in (".", "..") or not _REPOSITORY_NAME.fullmatch(name):
        return f"{shown(ref)} is not a repository name: letters, digits, '.', '-' and '_', not '.' or '..'"
    return None


def _refuse_exclusive_default_group(checker: Checker, facet: Facet) -> None:
    """GitHub fills the Default group itself: an exclusive list there would fight it and move others' runners."""
    if not (checker.known("runner_group_id") and checker.known("exclusive")):
        return
    if checker.inputs["exclusive"] is True and parse_id(checker.inputs["runner_group_id"]) == DEFAULT_GROUP_ID:
        checker.fail(
            "runner_group_id",
            f"runner_group_id {DEFAULT_GROUP_ID} is the {facet.location}'s Default group, which GitHub fills itself; "
            "an exclusive "
            f"{facet.resource_type} cannot own its {facet.list_noun}: {facet.default_group_harm}. Put the "
            f"{facet.kind.plural} in a group of your own, or set exclusive=False to add and remove only these.",
        )
