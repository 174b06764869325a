"""The runner groups of an org as this provider process knows them: one listing, taken at the first create.

It answers, at almost no cost: "is this name taken, and by whom?" before a POST (so a clash fails early and
nothing is written), "did this group exist before we tried to create it?" after a POST whose answer was lost
(only a group that did not may be claimed), and "does another resource of this run already own it?" (two
resources creating or adopting one group would fight over it). Groups this process creates, renames or deletes
are kept up to date in it. check and diff never use it: they make no API call.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass

from .. import api
from ..client import GitHubClient


@dataclass(frozen=True)
class NameClaim:
    """What a create found under its name: nothing (the name is now reserved for it), a group, or a busy name."""

    group: api.RunnerGroup | None
    owned_in_this_run: bool = False  # the group was created or adopted by another resource of this run
    busy: bool = False  # another resource of this run is creating or adopting this name right now


class OrgGroups:
    def __init__(self, listed: list[api.RunnerGroup]) -> None:
        self._lock = threading.Lock()
        self._by_id = {group.id: group for group in listed}
        self.listed_ids = frozenset(self._by_id)  # what existed before this process created anything
        self._owned: set[int] = set()  # created or adopted by a resource of this run
        self._busy: set[str] = set()  # folded names whose create or adoption is under way

    def claim(self, name: str) -> NameClaim:
        """Start creating or adopting `name`; `release` ends it, whatever the outcome."""
        with self._lock:
            if name.lower() in self._busy:
                return NameClaim(None, busy=True)
            found = find_by_name(list(self._by_id.values()), name)
            owned = found is not None and found.id in self._owned
            if not owned:
                self._busy.add(name.lower())
            return NameClaim(found, owned_in_this_run=owned)

    def release(self, name: str, made: api.RunnerGroup | None) -> None:
        """`made`: the group the claim created or adopted (None when it failed)."""
        with self._lock:
            self._busy.discard(name.lower())
            if made is not None:
                self._by_id[made.id] = made
                self._owned.add(made.id)

    def remember(self, group: api.RunnerGroup) -> None:
        with self._lock:
            self._by_id[group.id] = group

    def known_ids(self) -> frozenset[int]:
        """The groups that exist as far as this process knows (a reference to verify before a write)."""
        with self._lock:
            return frozenset(self._by_id)

    def forget(self, group_id: int) -> None:
        with self._lock:
            self._by_id.pop(group_id, None)

    def adopted_in_this_run(self, group_id: int) -> bool:
        """Whether a resource of this run adopted the group, which existed before the run: a delete in the same run
        is then another resource's (a rename without an alias, then adopted), and must leave it. A group created
        in this run can only be deleted by its own resource (a process kept for several runs)."""
        with self._lock:
            return group_id in self._owned and group_id in self.listed_ids


def find_by_name(groups: list[api.RunnerGroup], name: str) -> api.RunnerGroup | None:
    """GitHub compares group names case-insensitively; an exact match wins."""
    exact = [g for g in groups if g.name == name]
    folded = [g for g in groups if g.name.lower() == name.lower()]
    matches = exact or folded
    return matches[0] if matches else None


# Lists an org's (or an enterprise's) groups; also what tells org and enterprise registries apart.
Lister = Callable[[GitHubClient, str], list[api.RunnerGroup]]
# Per client (one per settings in a process), per lister and org or enterprise (folded): dropped with the client.
_registries: weakref.WeakKeyDictionary[GitHubClient, dict[tuple[Lister, str], OrgGroups]] = weakref.WeakKeyDictionary()
_registries_lock = threading.Lock()


def org_groups(client: GitHubClient, org: str, list_groups: Lister = api.list_runner_groups) -> OrgGroups:
    """The org's (or, with the enterprise lister, the enterprise's) groups, listed on the first call (the SDK's
    worker threads wait for one listing)."""
    with _registries_lock:
        per_owner = _registries.setdefault(client, {})
        key = (list_groups, org.lower())
        known = per_owner.get(key)
        if known is None:
            known = per_owner[key] = OrgGroups(list_groups(client, org))
        return known


def known_org_groups(client: GitHubClient, org: str, list_groups: Lister = api.list_runner_groups) -> OrgGroups | None:
    """The groups if this process has listed them already (updates and deletes never list)."""
    with _registries_lock:
        return _registries.get(client, {}).get((list_groups, org.lower()))
