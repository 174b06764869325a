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

from ..spec import EnterpriseGroupSpec, GroupSpec, OrgSpec
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
class Worse:
    """A finding the spec keeps but makes worse: higher severity, more repositories or runners exposed."""

    before: Finding
    after: Finding
    why: tuple[str, ...]


@dataclass(frozen=True)
class Delta:
    org: str
    group_changes: tuple[str, ...]  # what the spec changes in each group, in words
    access_changes: tuple[AccessChange, ...]
    added: tuple[Finding, ...]
    resolved: tuple[Finding, ...]
    notes: tuple[str, ...]  # what the apply would fail on (unknown names, groups it may not manage)
    worse: tuple[Worse, ...] = ()
    unseen: tuple[str, ...] = ()  # what the token could not see (the delta may miss it)
    after: tuple[Finding, ...] = ()  # every finding of the org as the spec leaves it

    @property
    def empty(self) -> bool:
        return not (
            self.group_changes or self.access_changes or self.added or self.resolved or self.notes or self.worse
        )


def apply_spec(
    snapshot: OrgSnapshot,
    spec: OrgSpec,
    *,
    complete: bool = False,
    enterprise_runners: tuple[Runner, ...] = (),
) -> tuple[OrgSnapshot, list[str], list[str]]:
    """The org as it would be after `up` of `spec`; the changes in words, and notes on what `up` would refuse.

    `complete`: the spec manages every group of the org (as an exported one does), so `up` deletes a group it no
    longer lists, and that group's runners go back to Default. `enterprise_runners`: the enterprise's runners,
    where the token could list them: a runner the spec moves into a group newly shared with the org keeps its
    labels and state (the org's endpoints do not show it yet).
    """
    groups = {g.id: g for g in snapshot.groups}
    runners = {r.id: r for r in snapshot.runners}
    default_id = next((g.id for g in snapshot.groups if g.default), None)
    new_ids = itertools.count(-1, -1)
    changes: list[str] = []
    notes: list[str] = []
    claimed: dict[int, str] = {}  # runner id -> the group whose list holds it
    for wanted in spec.groups:
        current = snapshot.group_named(wanted.name)
        if current is not None and (current.default or current.inherited):
            notes.append(
                f"group '{current.name}' is the Default or an inherited group: the providers refuse to manage it"
            )
            continue
        group = _target(current, wanted, next(new_ids))
        if wanted.repositories is not None:
            ids = _resolve(wanted.repositories, snapshot.repositories, snapshot.org, wanted.name, "repository", notes)
            group = replace(group, repository_ids=ids if wanted.exclusive else group.repository_ids | ids)
        if wanted.hosted_runners is not None:
            group = replace(group, hosted_runners=tuple(h.name for h in wanted.hosted_runners))
            if wanted.hosted_runners and not snapshot.hosted_runners:
                notes.append(
                    f"group '{wanted.name}': this GitHub (Enterprise Server) has no GitHub-hosted runners, so `up` "
                    "of its hosted_runners would fail"
                )
        if wanted.runners is not None:
            ids = _resolve(wanted.runners, snapshot.runners, snapshot.org, wanted.name, "runner", notes)
            for runner_id in sorted(ids):
                if runner_id in claimed:
                    notes.append(
                        f"runner '{runners[runner_id].name}' is listed by groups '{claimed[runner_id]}' and "
                        f"'{wanted.name}': a runner is in one group at a time, so `up` would fail"
                    )
                claimed[runner_id] = wanted.name
            for runner in list(runners.values()):
                if runner.id in ids:
                    runners[runner.id] = replace(runner, group_id=group.id)
                elif wanted.exclusive and runner.group_id == group.id and default_id is not None:
                    runners[runner.id] = replace(runner, group_id=default_id)
        changes.extend(_described(current, group, snapshot, tuple(runners.values())))
        groups[group.id] = group
    if spec.enterprise is not None:
        notes.extend(_claimed_twice(spec.enterprise.groups))
        for shared in spec.enterprise.groups:
            _shared_group(snapshot, shared, groups, runners, new_ids, changes, enterprise_runners)
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


def _shared_group(
    snapshot: OrgSnapshot,
    shared: EnterpriseGroupSpec,
    groups: dict[int, Group],
    runners: dict[int, Runner],
    new_ids: itertools.count[int],
    changes: list[str],
    enterprise_runners: tuple[Runner, ...],
) -> None:
    """An enterprise group of the spec as this org would see it: inherited, when shared with the org (visible to
    all orgs, or the org in its list); its runners by name (from the org's view or the enterprise's listing;
    unknown ones drawn as new enterprise runners without labels). An exclusive runner list sends the runners it
    does not name back to the enterprise's Default group, which no org sees."""
    org_names = {str(o).lower() for o in shared.organizations or ()}
    current = next((g for g in snapshot.groups if g.inherited and g.name.lower() == shared.name.lower()), None)
    visible = (shared.visibility in (None, "all") and shared.organizations is None) or snapshot.org.lower() in org_names
    if not visible:
        if current is not None:
            del groups[current.id]
            changes.append(f"enterprise group '{shared.name}' is no longer shared with '{snapshot.org}'")
        return
    base = current or Group(id=next(new_ids), name=shared.name, visibility="all", inherited=True)
    group = replace(
        base,
        allows_public_repositories=base.allows_public_repositories
        if shared.allows_public_repositories is None
        else shared.allows_public_repositories,
        restricted_to_workflows=base.restricted_to_workflows
        if shared.restricted_to_workflows is None
        else shared.restricted_to_workflows,
        selected_workflows=base.selected_workflows if shared.selected_workflows is None else shared.selected_workflows,
    )
    groups[group.id] = group
    if shared.runners is not None:
        known = {r.name.lower(): replace(r, enterprise=True, repository_id=None) for r in enterprise_runners}
        known.update({r.name.lower(): r for r in runners.values() if r.enterprise})
        named = set()
        for reference in shared.runners:
            runner = known.get(str(reference).lower())
            if runner is None:
                runner = Runner(next(new_ids), str(reference), "", "online", (), group.id, enterprise=True)
            runners[runner.id] = replace(runner, group_id=group.id)
            named.add(runner.id)
        if shared.exclusive:
            for runner in list(runners.values()):
                if runner.group_id == group.id and runner.id not in named:
                    del runners[runner.id]
    if current is None:
        changes.append(f"enterprise group '{shared.name}' shared with '{snapshot.org}'")
    else:
        changes.extend(_described(current, group, snapshot, tuple(runners.values())))


def _claimed_twice(shared: tuple[EnterpriseGroupSpec, ...]) -> list[str]:
    """An enterprise runner listed by two of the spec's enterprise groups (a runner is in one group at a time)."""
    first: dict[str, str] = {}
    notes = []
    for group in shared:
        for reference in group.runners or ():
            key = str(reference).lower()
            if key in first and first[key] != group.name:
                notes.append(
                    f"enterprise runner '{reference}' is listed by enterprise groups '{first[key]}' and "
                    f"'{group.name}': a runner is in one group at a time, so `up` would fail"
                )
            first.setdefault(key, group.name)
    return notes


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
    org: str,
    group: str,
    noun: str,
    notes: list[str],
) -> frozenset[int]:
    by_name = {item.name.lower(): item.id for item in known}
    ids = {item.id for item in known}
    found: set[int] = set()
    for reference in references:
        owner, _, name = str(reference).rpartition("/")
        foreign = isinstance(reference, str) and bool(owner) and owner.lower() != org.lower()  # owner matters
        key = reference if isinstance(reference, int) else (None if foreign else by_name.get(name.lower()))
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
        counts = (
            [_plural(len(after.repository_ids), "repository", "repositories")] if after.visibility == "selected" else []
        )
        if runner_names or not after.hosted_runners:
            counts.append(_plural(len(runner_names), "runner", "runners"))
        if after.hosted_runners:
            counts.append(_plural(len(after.hosted_runners), "GitHub-hosted runner", "GitHub-hosted runners"))
        return [f"new group '{after.name}' ({', '.join([after.visibility, *counts])})"]
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
            shown = sorted(repository_names.get(i, f"#{i} (not visible to this token)") for i in ids)
            said.append(f"'{after.name}' {verb} repositories {', '.join(shown)}")
    runners_before = sorted(r.name for r in snapshot.runners if r.group_id == before.id)
    for verb, names in (
        ("gets", sorted(set(runner_names) - set(runners_before))),
        ("loses", sorted(set(runners_before) - set(runner_names))),
    ):
        if names:
            said.append(f"'{after.name}' {verb} runners {', '.join(names)}")
    for verb, names in (
        ("gets", sorted(set(after.hosted_runners) - set(before.hosted_runners))),
        ("loses", sorted(set(before.hosted_runners) - set(after.hosted_runners))),
    ):
        if names:
            said.append(f"'{after.name}' {verb} GitHub-hosted runners {', '.join(names)}")
    return said


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _plain(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return str(value)
