"""One owner per list: two resources that write the same runner group's list undo each other on every `pulumi up`.

Each such `up` would report success while the list flips, so the conflict is refused twice:

- `register` runs in the program process while the resources are constructed, with no API call, so `pulumi
  preview` shows it, also for groups still to be created. It sees what the program's values tell: the group as
  the same Output (`group.id`) or the same literal id, and references written literally.
- `claim` runs in the provider process at apply, after every name is resolved to an id, so it also sees a
  runner written by name in one resource and by id in another: the second claimant fails before it writes.
  Claims live as long as the client, that is one provider process, which Pulumi starts for each run.

An exclusive owner owns a group's whole list; an additive one owns only its entries, and two additive ones may
share a group as long as no entry is in both. A RunnerGroup's inline list (`repositories`, `runners`), like an
EnterpriseRunnerGroup's (`organizations`, `runners`), is an exclusive owner of its own group's list. A runner sits
in exactly one group, so two resources that place the same runner conflict whatever their groups.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi
from pulumi.runtime.config import get_config
from pulumi.runtime.settings import get_monitor

from ..client import GitHubClient
from ..errors import ConfigError, GitHubRunnerGroupsError
from ..settings import resolve_settings
from ._common import normalise_reference, parse_id


class OwnershipConflict(GitHubRunnerGroupsError, ValueError):
    """Two resources of one program or run own the same list, or the same entry of it."""


@dataclass(frozen=True)
class ListKind:
    """What the ownership rules need to know of a facet (repository access or runner membership)."""

    resource_type: str
    refs_field: str
    noun: str
    list_noun: str
    # A runner sits in one group: two resources placing it conflict even when their groups differ.
    member_in_one_group: bool
    # References may be written `org/name` (repositories): `acme/api` and `api` are one entry.
    qualified_by_org: bool
    # The input naming where the group lives: `org`, or `enterprise` for the enterprise resources.
    location: str = "org"
    # The group resource that may own the list inline.
    group_type: str = "RunnerGroup"


# Program side


@dataclass(frozen=True)
class _Owner:
    kind: ListKind
    name: str
    group: Hashable | None
    group_label: str
    exclusive: bool | None
    members: Mapping[Hashable, str]
    inline: bool = False

    @property
    def label(self) -> str:
        declared = f"{self.kind.group_type} '{self.name}' (its inline `{self.kind.refs_field}`)"
        return declared if self.inline else f"{self.kind.resource_type} '{self.name}'"


@dataclass
class _ProgramOwners:
    """The owners registered by one program run; `keep` holds the Outputs whose identity keys the groups."""

    default_org: str | None
    default_enterprise: str | None
    owners: list[_Owner] = field(default_factory=list)
    keep: list[Any] = field(default_factory=list)


def _program_owners() -> _ProgramOwners:
    """With the org (enterprise) of a resource without `org` (`enterprise`), as the provider will resolve it
    (github:owner, else GITHUB_OWNER; github-runner-groups:enterprise, else GITHUB_ENTERPRISE)."""
    try:
        settings = resolve_settings(get_config)
    except ConfigError:
        return _ProgramOwners(None, None)  # the provider's check reports bad settings; here they leave it unknown
    return _ProgramOwners(
        settings.owner.lower() if settings.owner else None,
        settings.enterprise.lower() if settings.enterprise else None,
    )


_program: tuple[object, _ProgramOwners] | None = None
_program_lock = threading.Lock()


def register(kind: ListKind, resource_name: str, props: Mapping[str, Any], *, inline: bool = False) -> None:
    """Record a resource about to be constructed; raise OwnershipConflict naming both if it shares an owned list.

    `inline`: the list is a RunnerGroup's or EnterpriseRunnerGroup's own (`props` then carry the group's `id` Output
    as runner_group_id)."""
    global _program
    with _program_lock:
        monitor = get_monitor()
        if _program is None or _program[0] is not monitor:
            _program = (monitor, _program_owners())  # a new program (tests run several in one process)
        owners = _program[1]
        owner = _program_owner(kind, resource_name, props, owners, inline)
        for other in owners.owners:
            problem = _program_conflict(owner, other)
            if problem:
                raise OwnershipConflict(problem)
        owners.owners.append(owner)


def _program_owner(
    kind: ListKind, resource_name: str, props: Mapping[str, Any], program: _ProgramOwners, inline: bool
) -> _Owner:
    org = props.get(kind.location)
    if not (org is None or isinstance(org, str)):
        # An Output: which org is not known here, so neither is which group or runner; apply checks it.
        return _Owner(kind, resource_name, None, "", None, {}, inline)
    default = program.default_enterprise if kind.location == "enterprise" else program.default_org
    org_key = default if org is None else org.lower()
    group_input = props.get("runner_group_id")
    literal_id = parse_id(group_input)
    group: Hashable | None
    if isinstance(group_input, pulumi.Output):
        program.keep.append(group_input)  # alive for the whole program, so that its id() is not reused
        group, label = ("output", id(group_input)), "the same runner group (the same Output as runner_group_id)"
    elif literal_id is not None:
        group, label = ("id", org_key, literal_id), f"runner group {literal_id}"
    else:
        group, label = None, ""
    exclusive = props.get("exclusive")
    refs = props.get(kind.refs_field)
    members: dict[Hashable, str] = {}
    for ref in refs if isinstance(refs, (list, tuple)) else ():
        key = _literal_key(kind, org_key, ref)
        if key is not None:
            members.setdefault(key, str(ref))
    # An Output (or anything else not a bool) for `exclusive` is not known here: only a literal decides.
    known_exclusive = True if exclusive is None else exclusive if isinstance(exclusive, bool) else None
    return _Owner(kind, resource_name, group, label, known_exclusive, members, inline)


def _literal_key(kind: ListKind, org_key: str | None, ref: Any) -> Hashable | None:
    """One key per repository or runner of the org, however it is written; None when not a literal."""
    if isinstance(ref, pulumi.Output):
        return None
    normalised = normalise_reference(ref)
    if normalised is None or isinstance(normalised, int):
        return None if normalised is None else (org_key, normalised)
    text = normalised.lower()
    if kind.qualified_by_org and org_key is not None and text.startswith(f"{org_key}/"):
        text = text[len(org_key) + 1 :]
    return (org_key, text)


def _program_conflict(new: _Owner, old: _Owner) -> str | None:
    if new.kind != old.kind:
        return None
    both = f"{new.label} and {old.label}"
    same_group = new.group is not None and new.group == old.group
    if same_group and (new.inline or old.inline):
        return f"{both} both own the {new.kind.list_noun} of {new.group_label}: {_inline_fix(new.kind)}"
    if same_group and (new.exclusive or old.exclusive):
        return (
            f"{both} both own the {new.kind.list_noun} of {new.group_label}, and one of them is exclusive (it owns "
            f"the whole list): each `pulumi up` would undo the other's writes. Keep one exclusive "
            f"{new.kind.resource_type} per group and list every {new.kind.noun} in it, or set exclusive=False on "
            f"both so that each owns only its own entries."
        )
    if same_group or new.kind.member_in_one_group:
        shared = [text for key, text in new.members.items() if key in old.members]
        if shared:
            where = f"for {new.group_label}" if same_group else "(a runner sits in one group only)"
            return (
                f"{both} both list {new.kind.noun} {shared[0]!r} {where}: each `pulumi up` would undo the other's "
                f"write. List it in one of them only."
            )
    return None


def _inline_fix(kind: ListKind) -> str:
    """Why a group's inline list and any other owner of that list cannot both stay, and the two fixes."""
    group = kind.group_type
    return (
        f"a {group}'s inline `{kind.refs_field}` owns the whole list, so each `pulumi up` would undo the other's "
        f"writes. Keep the list in one place: list every {kind.noun} in the {group}'s `{kind.refs_field}` and "
        f"remove the {kind.resource_type}, or leave `{kind.refs_field}` unset on the {group}."
    )


# Provider side


@dataclass(frozen=True)
class ListClaim:
    kind: ListKind
    org: str
    group_id: int | None  # None: the group is still to be created (its inline list goes in the create)
    exclusive: bool
    members: Mapping[int, str]
    inline: bool = False

    def describe(self) -> str:
        mode = "an exclusive" if self.exclusive else "an additive"
        listed = ", ".join(repr(name) for name in list(self.members.values())[:5])
        more = f" and {len(self.members) - 5} more" if len(self.members) > 5 else ""
        group = "a runner group being created" if self.group_id is None else f"runner group {self.group_id}"
        owner = f"the inline `{self.kind.refs_field}`" if self.inline else f"{mode} {self.kind.resource_type}"
        return f"{owner} of {group} in {self.kind.location} '{self.org}' (listing {listed or 'nothing'}{more})"


@dataclass
class _RunClaims:
    lock: threading.Lock = field(default_factory=threading.Lock)
    by_list: dict[tuple[str, str, str, int | None], list[ListClaim]] = field(default_factory=dict)
    by_member: dict[tuple[Hashable, ...], ListClaim] = field(default_factory=dict)
    # Members a resource of the run found in the group and took as its own earlier write (see `take_over`).
    taken_over: set[tuple[Hashable, ...]] = field(default_factory=set)


# Keyed by the client object: one per provider process, so one per run.
_runs: weakref.WeakKeyDictionary[GitHubClient, _RunClaims] = weakref.WeakKeyDictionary()
_runs_lock = threading.Lock()


def claim(
    client: GitHubClient,
    kind: ListKind,
    org: str,
    group_id: int | None,
    exclusive: bool,
    members: Mapping[int, str],
    *,
    inline: bool = False,
    replacing: ListClaim | None = None,
) -> ListClaim:
    """Claim a list (exclusive) or its entries (additive) for this run before writing; raise OwnershipConflict
    when another resource of the run already holds it. The same claim made twice is one claim.

    A group still to be created (`group_id` None) has a list nobody else can hold yet, but its runners may be
    claimed elsewhere; once it exists, its claim is made again with the id, `replacing` the first one."""
    new = ListClaim(kind, org, group_id, exclusive, dict(members), inline)
    with _runs_lock:
        claims = _runs.setdefault(client, _RunClaims())
    with claims.lock:
        if replacing is not None:
            claims.by_member = {key: held for key, held in claims.by_member.items() if held is not replacing}
        list_key = (kind.location, kind.refs_field, org.lower(), group_id)
        holders = claims.by_list.setdefault(list_key, [])
        if new in holders:
            return new
        for other in holders:
            if new.exclusive or other.exclusive:
                raise OwnershipConflict(_list_conflict(new, other))
        # A group still to be created shares entries with no other group's list; only a runner (in one group at
        # most) can be claimed elsewhere. Keyed by a None id, two such groups' entries would seem to collide.
        claimed = new.members if group_id is not None or kind.member_in_one_group else {}
        member_keys = {member: _member_key(kind, org, group_id, member) for member in claimed}
        for member, key in member_keys.items():
            holder = claims.by_member.get(key)
            if holder is not None:
                raise OwnershipConflict(_member_conflict(new, holder, member))
        if group_id is not None:
            holders.append(new)
        claims.by_member.update(dict.fromkeys(member_keys.values(), new))
        return new


def exclusive_owner(client: GitHubClient, kind: ListKind, org: str, group_id: int) -> str | None:
    """Who owns the group's whole list in this run, if anyone: a resource leaving that list must not empty it
    (a program moving a list from a separate resource into its RunnerGroup deletes the old one last)."""
    with _runs_lock:
        claims = _runs.get(client)
    if claims is None:
        return None
    with claims.lock:
        holders = claims.by_list.get((kind.location, kind.refs_field, org.lower(), group_id), [])
        return next((held.describe() for held in holders if held.exclusive), None)


def take_over(client: GitHubClient, kind: ListKind, org: str, group_id: int, members: set[int]) -> None:
    """Record that a resource of this run took over members it found in the group, written earlier under another
    resource name (a rename without an alias): the old resource's delete must leave them."""
    with _runs_lock:
        claims = _runs.setdefault(client, _RunClaims())
    with claims.lock:
        claims.taken_over.update(_member_key(kind, org, group_id, member) for member in members)


def taken_over_in_this_run(client: GitHubClient, kind: ListKind, org: str, group_id: int, member: int) -> bool:
    with _runs_lock:
        claims = _runs.get(client)
    if claims is None:
        return False
    with claims.lock:
        return _member_key(kind, org, group_id, member) in claims.taken_over


def _member_key(kind: ListKind, org: str, group_id: int | None, member: int) -> tuple[Hashable, ...]:
    if kind.member_in_one_group:
        return (kind.location, kind.refs_field, org.lower(), member)
    return (kind.location, kind.refs_field, org.lower(), group_id, member)


def _list_conflict(new: ListClaim, other: ListClaim) -> str:
    if new.inline or other.inline:
        return f"not writing {new.describe()}: {other.describe()} already owns that list in this run; " + _inline_fix(
            new.kind
        )
    return (
        f"not writing {new.describe()}: {other.describe()} already owns that {new.kind.list_noun} in this run, and "
        f"one of them is exclusive (it owns the whole list), so each `pulumi up` would undo the other's writes. "
        f"Keep one exclusive {new.kind.resource_type} per group and list every {new.kind.noun} in it, or set "
        f"exclusive=False on both so that each owns only its own entries."
    )


def _member_conflict(new: ListClaim, holder: ListClaim, member: int) -> str:
    where = "" if holder.group_id == new.group_id else " (a runner sits in one group only)"
    return (
        f"not writing {new.describe()}: {new.kind.noun} {new.members[member]!r} (id {member}) is already claimed "
        f"in this run by {holder.describe()}{where}, so each `pulumi up` would undo the other's write. List it in "
        f"one resource only."
    )
