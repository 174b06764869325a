"""What the access and membership resources and a group's inline lists do with a list against the API:
resolve its references to verified members, read the members live, say whether a write is needed, explain
GitHub's refusals in the list's terms, and take back a step's earlier writes when a later one fails."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from .. import api, resolve
from ..client import GitHubClient
from ..errors import GitHubError, GitHubNotFound, GitHubRunnerGroupsError, GitHubValidationError
from ._common import normalise_reference
from ._facet import Facet


class DuplicateReferenceError(GitHubRunnerGroupsError, ValueError):
    """Two references of one list (a name and an id) turned out to be the same repository or runner."""


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


def members_outputs(facet: Facet, members: Mapping[int, str]) -> dict[str, Any]:
    """A list's members as outputs: ids sorted, names in the same order."""
    ordered = sorted(members)
    return {facet.ids_field: ordered, facet.names_field: [members[m] for m in ordered]}


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
