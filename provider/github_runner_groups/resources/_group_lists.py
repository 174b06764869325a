"""A runner group's inline lists (`repositories`, `runners`; an enterprise group's `organizations`, `runners`).

Each step goes through the same stages for every list the group owns: which lists changed, resolve their
references, claim them for this run, write those that differ (taking back the step's earlier writes when one
fails), and report their outputs. Resolution, drift, ownership and explanations are the Facets' of the separate
access and membership resources (`_facet`, `_assignment_checks`, `_assignment_lists`, `_ownership`), so an inline
list and its separate resource agree.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import partial
from typing import Any

from ..client import GitHubClient
from ..errors import GitHubError
from ._assignment_checks import matches_members
from ._assignment_lists import Undo, explain, list_differs, members_outputs, resolve_members, undo_writes
from ._facet import Facet
from ._ownership import ListClaim, claim
from .group_scope import GroupScope

# Members (id -> name) of each inline list a step writes, by list field.
Wanted = dict[str, dict[int, str]]


def changed_lists(scope: GroupScope, olds: Mapping[str, Any], news: Mapping[str, Any]) -> list[str]:
    """Inline lists owned now and not before (or the reverse), or whose references no longer name exactly the
    members last seen (a changed program, or drift that a refresh recorded)."""
    return [
        field
        for field, facet in scope.lists.items()
        if (olds.get(field) is None) != (news.get(field) is None)
        or (news.get(field) is not None and not matches_members(facet, olds, news))
    ]


def owned_lists(scope: GroupScope, props: Mapping[str, Any]) -> dict[str, Facet]:
    return {field: facet for field, facet in scope.lists.items() if props.get(field) is not None}


def resolve_lists(client: GitHubClient, owner: str, inputs: Mapping[str, Any], lists: Mapping[str, Facet]) -> Wanted:
    return {field: resolve_members(client, facet, owner, inputs[field]) for field, facet in lists.items()}


def claim_list(
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


def members_in_state(scope: GroupScope, props: Mapping[str, Any], fields: Iterable[str]) -> dict[str, set[int] | None]:
    """The ids each of `fields` held at the last step (None where the group did not own it: `write_lists` reads
    it). Numbers come back from state as floats."""
    return {
        field: {int(i) for i in props.get(scope.lists[field].ids_field) or []} if props.get(field) is not None else None
        for field in fields
    }


def write_lists(
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


def list_outputs(
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
