"""What applying a spec would change in who can reach which runners, before anyone runs `pulumi up`.

The spec is applied to a snapshot of the org as `OrgRunnerGroups` would apply it: groups of the spec are created
or updated, listed repositories and runners set (exclusive) or added (additive), runners dropped from an
exclusive list go back to Default. Groups that are not in the spec are left as they are, unless the spec is
`complete` (it manages every group, as an exported one does): then `up` deletes them and their runners go back
to Default. Which groups a stack created is known only to its state (`pulumi preview`).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, replace
from typing import TypeVar

from ..spec import GroupSpec, OrgSpec
from .findings import Finding
from .model import Group, OrgSnapshot, Repository, Runner

T = TypeVar("T")


@dataclass(frozen=True)
class AccessChange:
    """Repositories that gain (or lose) the same set of self-hosted runners."""

    gained: bool
    repositories: tuple[str, ...]
    runners: tuple[Runner, ...]


@dataclass(frozen=True)
class Delta:
    org: str
    group_changes: tuple[str, ...]  # what the spec changes in each group, in words
    access_changes: tuple[AccessChange, ...]
    added: tuple[Finding, ...]
    resolved: tuple[Finding, ...]
    notes: tuple[str, ...]  # what the apply would fail on (unknown names, groups it may not manage)

    @property
    def empty(self) -> bool:
        return not (self.group_changes or self.access_changes or self.added or self.resolved or self.notes)


def apply_spec(
    snapshot: OrgSnapshot, spec: OrgSpec, *, complete: bool = False
) -> tuple[OrgSnapshot, list[str], list[str]]:
    """The org as it would be after `up` of `spec`; the changes in words, and notes on what `up` would refuse.

    `complete`: the spec manages every group of the org (as an exported one does), so `up` deletes a group it no
    longer lists, and that group's runners go back to Default.
    """
    groups = {g.id: g for g in snapshot.groups}
    runners = {r.id: r for r in snapshot.runners}
    default_id = next((g.id for g in snapshot.groups if g.default), None)
    new_ids = itertools.count(-1, -1)
    changes: list[str] = []
    notes: list[str] = []
    for wanted in spec.groups:
        current = snapshot.group_named(wanted.name)
        if current is not None and (current.default or current.inherited):
            notes.append(
                f"group '{current.name}' is the Default or an inherited group: the providers refuse to manage it"
            )
            continue
        group = _target(current, wanted, next(new_ids))
        if wanted.repositories is not None:
            ids = _resolve(wanted.repositories, snapshot.repositories, wanted.name, "repository", notes)
            group = replace(group, repository_ids=ids if wanted.exclusive else group.repository_ids | ids)
        if wanted.runners is not None:
            ids = _resolve(wanted.runners, snapshot.runners, wanted.name, "runner", notes)
            for runner in list(runners.values()):
                if runner.id in ids:
                    runners[runner.id] = replace(runner, group_id=group.id)
                elif wanted.exclusive and runner.group_id == group.id and default_id is not None:
                    runners[runner.id] = replace(runner, group_id=default_id)
        changes.extend(_described(current, group, snapshot, tuple(runners.values())))
        groups[group.id] = group
    if complete:
        listed = {wanted.name.lower() for wanted in spec.groups}
        for group in snapshot.groups:
            if group.default or group.inherited or group.name.lower() in listed:
                continue
            del groups[group.id]
            changes.append(f"group '{group.name}' is not in the spec: deleted")
            for runner in list(runners.values()):
                if runner.group_id == group.id and default_id is not None:
                    runners[runner.id] = replace(runner, group_id=default_id)
    return snapshot.with_groups(tuple(groups.values()), tuple(runners.values())), changes, notes


def _target(current: Group | None, wanted: GroupSpec, new_id: int) -> Group:
    """The group as the spec leaves it: a setting the spec does not give keeps GitHub's value (or its default)."""
    base = current or Group(id=new_id, name=wanted.name, visibility="all")

    def given(value: T | None, kept: T) -> T:
        return kept if value is None else value

    return replace(
        base,
        visibility=given(wanted.visibility, base.visibility),
        allows_public_repositories=given(wanted.allows_public_repositories, base.allows_public_repositories),
        restricted_to_workflows=given(wanted.restricted_to_workflows, base.restricted_to_workflows),
        selected_workflows=given(wanted.selected_workflows, base.selected_workflows),
    )


def _resolve(
    references: tuple[str | int, ...],
    known: tuple[Repository, ...] | tuple[Runner, ...],
    group: str,
    noun: str,
    notes: list[str],
) -> frozenset[int]:
    by_name = {item.name.lower(): item.id for item in known}
    ids = {item.id for item in known}
    found: set[int] = set()
    for reference in references:
        key = reference if isinstance(reference, int) else by_name.get(str(reference).rpartition("/")[2].lower())
        if key is None or key not in ids:
            notes.append(f"group '{group}': no {noun} {reference!r} in the org, so `up` would fail")
        else:
            found.add(key)
    return frozenset(found)


def _described(
    before: Group | None, after: Group, snapshot: OrgSnapshot, runners_after: tuple[Runner, ...]
) -> list[str]:
    runner_names = sorted(r.name for r in runners_after if r.group_id == after.id)
    if before is None:
        repositories = f", {len(after.repository_ids)} repositories" if after.visibility == "selected" else ""
        runners = f"{len(runner_names)} runner{'' if len(runner_names) == 1 else 's'}"
        return [f"new group '{after.name}' ({after.visibility}{repositories}, {runners})"]
    said = []
    for name in ("visibility", "allows_public_repositories", "restricted_to_workflows", "selected_workflows"):
        old, new = getattr(before, name), getattr(after, name)
        if old != new:
            said.append(f"'{after.name}': {name} {_plain(old)} -> {_plain(new)}")
    repository_names = {r.id: r.name for r in snapshot.repositories}
    for verb, ids in (
        ("gets", after.repository_ids - before.repository_ids),
        ("loses", before.repository_ids - after.repository_ids),
    ):
        if ids and after.visibility == "selected":
            said.append(f"'{after.name}' {verb} repositories {', '.join(sorted(repository_names[i] for i in ids))}")
    runners_before = sorted(r.name for r in snapshot.runners if r.group_id == before.id)
    for verb, names in (
        ("gets", sorted(set(runner_names) - set(runners_before))),
        ("loses", sorted(set(runners_before) - set(runner_names))),
    ):
        if names:
            said.append(f"'{after.name}' {verb} runners {', '.join(names)}")
    return said


def _plain(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return str(value)
