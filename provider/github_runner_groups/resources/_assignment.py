"""What the access and membership resources (of org and of enterprise groups) share: a set of members of one
runner group.

Both resources hold a list of references (names or numeric ids) that resolve to ids, in one of two modes:
exclusive (the resource owns the group's whole list: one PUT of the full set) or additive (it adds what is
missing and removes only entries it added itself, so several stacks can share a group). The two differ only in
a `Facet` (`_facet`), which also says where the group lives (an org or an enterprise).

Before the first write of an apply, every reference is proven to exist by the owner's listing (organizations,
which no listing holds, by one read per login; an id is then checked by GitHub as it is written), and the resource
claims its list or entries for the run (`_ownership`); an additive step that fails part-way undoes its earlier
writes, so nothing is left that no resource owns.

Drift is judged in `diff` without the API: the old outputs hold the members as last seen (ids and names, from the
last apply or refresh), and the program's references must match exactly those, by id or by name. An additive
resource sees only its own members, so the same test holds in both modes: a refresh after an out-of-band change
shows as a diff, as does a changed program, while members that others added never cause one.

This module holds the provider (its writes and the crash journal's record of what an additive resource added);
what is judged without the API lives in `_assignment_checks`, what is done with a list against the API (shared
with a group's inline lists) in `_assignment_lists`, an enterprise-shared group's org setting in
`_inherited_access`.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any

import pulumi.dynamic

from ..client import GitHubClient
from ..errors import GitHubError, GitHubNotFound, GitHubOutcomeUnknown, GitHubValidationError
from ..redaction import logger
from . import _inherited_access as inherited
from . import _journal
from ._assignment_checks import (
    check_references,
    matches_members,
    refuse_exclusive_default_group,
    same_flag,
    same_id,
    same_text,
    warn_foreign_removals,
)
from ._assignment_lists import Undo, explain, list_differs, live_members, members_outputs, resolve_members, undo_writes
from ._common import GitHubProvider, check_result, gone, user_inputs
from ._facet import Facet, MemberWrite
from ._ownership import claim, exclusive_owner, take_over, taken_over_in_this_run

log = logger("github_runner_groups")


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
        refuse_exclusive_default_group(checker, facet)
        return check_result(checker, news)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> pulumi.dynamic.DiffResult:
        replaces = [
            name
            for name, same in (
                (self.facet.location, same_text(olds.get(self.facet.location), news.get(self.facet.location))),
                ("runner_group_id", same_id(olds.get("runner_group_id"), news.get("runner_group_id"))),
            )
            if not same
        ]
        changed = bool(replaces) or not same_flag(olds.get("exclusive"), news.get("exclusive"))
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


def _undo_switch(
    exc: GitHubError, client: GitHubClient, org: str, group_id: int, setting: Any, creating: bool
) -> GitHubError:
    """A create that switched an inherited group's org setting to `selected` and then failed puts it back."""
    if not (creating and isinstance(setting, dict) and setting.get("visibility") != inherited.SELECTED):
        return exc
    step = partial(inherited.put_back, client, org, group_id, setting)
    note = undo_writes([("put back the org's repository access setting", step)], group_id, "org")
    return exc.with_hint(f"{exc.hint} {note}" if exc.hint else note)


def _members(facet: Facet, members: Mapping[int, str], found: set[int]) -> dict[str, Any]:
    return {**members_outputs(facet, members), facet.found_field: sorted(found & set(members))}


def _ids(props: Mapping[str, Any], name: str) -> set[int]:
    """A list of ids from state (numbers come back as floats); absent in states written before the field was."""
    return {int(i) for i in props.get(name) or []}


def _resource_id(org: str, group_id: int, facet: Facet) -> str:
    return f"{org}/{group_id}/{facet.refs_field}"
