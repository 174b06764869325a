"""What is judged of an access or membership list without the API, in `check` and `diff` (for the separate
resources and a group's inline lists alike): the references themselves, the Default group that no exclusive list
may own, drift against the members last seen, and the warning about entries an exclusive list will remove."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .. import resolve
from ..redaction import logger
from ._common import Checker, contains_unknown, is_unknown, normalise_reference, org_problem, parse_id, shown
from ._facet import Facet

log = logger("github_runner_groups")
# GitHub's id of every organization's Default group, which it fills itself with what no other group holds.
DEFAULT_GROUP_ID = 1
# Its name, in every org and enterprise: GitHub neither renames it nor lets another group take the name.
DEFAULT_GROUP_NAME = "Default"


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


def refuse_exclusive_default_group(checker: Checker, facet: Facet) -> None:
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


def same_text(old: Any, new: Any) -> bool:
    if is_unknown(new):
        return False
    return str(old or "").lower() == str(new or "").lower()


def same_id(old: Any, new: Any) -> bool:
    if is_unknown(new):
        return False
    return parse_id(old) == parse_id(new)


def same_flag(old: Any, new: Any) -> bool:
    if is_unknown(new):
        return False
    return (old is None or bool(old)) == (new is None or bool(new))
