"""The writes of a runner group's own record: the create POST, the adopting take-over, and the settings PATCH.

Ownership lives here: a create takes only a name nobody held when the groups were listed, and a create whose
answer was lost claims a group only if it did not exist before the attempt; a take-over writes only what
differs from GitHub. Each GitHub refusal a program can cause (a name taken, a list member GitHub rejects, a group
gone) comes back with what to do.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import partial
from typing import Any

from .. import api
from ..client import GitHubClient
from ..errors import GitHubNotFound, GitHubOutcomeUnknown, GitHubValidationError
from . import _journal, group_registry
from ._assignment_lists import Undo, list_differs
from ._common import Refused
from ._group_lists import Wanted, claim_list, write_lists
from ._group_rules import (
    INHERITED_HINT,
    default_lists,
    default_rename,
    refuse_broken_rules,
    refuse_read_only_workflows,
)
from .group_scope import GroupScope


def create_group(
    scope: GroupScope,
    client: GitHubClient,
    owner: str,
    inputs: Mapping[str, Any],
    groups: group_registry.OrgGroups,
    wanted: Wanted,
) -> api.Versioned[api.RunnerGroup]:
    """POST a group (with its lists) whose name nobody held when the groups were listed; claim it if the answer
    was lost."""
    settings = scope.body(inputs, scope.managed(inputs), send_nulls=False)
    body = {**settings, **{scope.lists[field].body_key: sorted(members) for field, members in wanted.items()}}
    try:
        return _post(scope, client, owner, body)
    except GitHubOutcomeUnknown as lost:
        # The POST may have created the group: look before retrying, so that no duplicate is made.
        found = group_registry.find_by_name(scope.list_groups(client, owner), str(body["name"]))
        if found is None:
            return _post(scope, client, owner, body)
        if found.id in groups.listed_ids:
            hint = taken_hint(found, holds(client, scope, owner, found.id))
            raise Refused(f"{lost.action} (its answer was lost)", hint) from None
        differing = _differs_from_post(scope, client, owner, found, settings, wanted)
        if differing:
            raise Refused(
                f"{lost.action} (its answer was lost)",
                f"a runner group named '{found.name}' already exists (id {found.id}): it appeared while the answer "
                f"was lost, but its {', '.join(differing)} differ from what this create sent, so someone else made "
                "it; it was not claimed. Check it in the Actions runner-group settings: if it is yours, set "
                "adopt=True; if not, choose another name.",
            ) from None
        return api.Versioned(found, None)  # the listing's ETag is not the group's


def _post(
    scope: GroupScope, client: GitHubClient, owner: str, body: Mapping[str, Any]
) -> api.Versioned[api.RunnerGroup]:
    try:
        return scope.create(client, owner, body)
    except GitHubValidationError as exc:
        existing = group_registry.find_by_name(scope.list_groups(client, owner), str(body["name"]))
        if existing is not None:
            raise exc.with_hint(taken_hint(existing, holds(client, scope, owner, existing.id))) from None
        # Not the name: one of the lists sent inline (an organization id outside the enterprise, which no listing
        # can verify beforehand). GitHub made nothing.
        hints = [facet.refusal_hint for facet in scope.lists.values() if facet.body_key in body]
        if not hints:
            raise
        raise exc.with_hint(" ".join(dict.fromkeys(hints))) from None


def owned_in_this_run_hint(name: str, group: api.RunnerGroup | None) -> str:
    held = f" (id {group.id})" if group is not None else ""
    return (
        f"another resource of this program creates or adopts the runner group named '{name}'{held}; two resources "
        "owning one group would overwrite each other's settings on every `pulumi up`: keep one of them, or give "
        "each its own name."
    )


def held(scope: GroupScope, owner: str, group_id: int) -> tuple[str, ...]:
    """What names the group in the ownership journal's records of what this stack holds (see `_journal`)."""
    return ("group", scope.location, owner.lower(), str(group_id))


def holds(client: GitHubClient, scope: GroupScope, owner: str, group_id: int) -> bool:
    return _journal.holds(client, *held(scope, owner, group_id))


def taken_hint(existing: api.RunnerGroup, held: bool = False) -> str:
    """Why a name is taken and what to do: an alias when this stack holds the group under another resource name
    (adopting it would let the old resource's delete remove it), else adopt or another name."""
    if held:
        return (
            f"a runner group named '{existing.name}' already exists (id {existing.id}), and a resource of this "
            "stack created or adopted it and has not deleted it: most likely this stack still holds it under "
            "another resource name (the resource, its spec group key or its component was renamed). Tell Pulumi "
            "it was renamed instead of setting adopt=True: `opts=pulumi.ResourceOptions(aliases=[pulumi.Alias("
            "name='OLD-RESOURCE-NAME')])` on the resource, or `renamed_from: OLD-KEY` on the spec group; the next "
            "`pulumi up` then keeps the group as it is, with no create and no delete. If no resource in "
            f"`pulumi stack export` has id {existing.id}, a run interrupted after creating it left it: then "
            "adopt=True is safe."
        )
    return (
        f"a runner group named '{existing.name}' already exists (id {existing.id}) and this stack does not own it. "
        "To manage it with this stack set adopt=True on the resource (the next `pulumi up` takes it over without "
        "recreating it), or choose another name."
    )


def take_over(
    scope: GroupScope,
    client: GitHubClient,
    owner: str,
    group: api.RunnerGroup,
    inputs: Mapping[str, Any],
    wanted: Wanted,
) -> api.Versioned[api.RunnerGroup]:
    """Adopt an existing group: write only the fields the program sets that differ from GitHub's, and only the
    lists that differ from the live ones (an exported spec's first `up` writes nothing)."""
    action = f"adopting runner group '{group.name}' in {scope.where(owner)}"
    if group.inherited:
        raise Refused(action, f"{INHERITED_HINT}; to manage a group of your own, remove adopt or choose another name.")
    if group.default and wanted:
        raise default_lists(scope, scope.where(owner), group.id)
    live = scope.outputs(owner, True, group)
    differing = scope.changed(live, inputs, scope.managed(inputs))
    if group.default and "name" in differing:
        raise default_rename(scope.where(owner), group.name, str(inputs["name"]))
    refuse_read_only_workflows(live, differing)
    refuse_broken_rules(scope, action, live, inputs)
    for field, members in wanted.items():
        claim_list(scope, client, owner, group.id, field, members)
    # The group came from a listing, whose ETag is not the group's.
    made: api.Versioned[api.RunnerGroup] = api.Versioned(group, None)
    undo: list[Undo] = []
    if differing:
        made = patch_settings(scope, client, owner, group.id, live, inputs, differing, undo)
    write_lists(scope, client, owner, group.id, wanted, dict.fromkeys(wanted), undo)
    return made


def patch_settings(
    scope: GroupScope,
    client: GitHubClient,
    owner: str,
    group_id: int,
    current: Mapping[str, Any],
    inputs: Mapping[str, Any],
    differing: Sequence[str],
    undo: list[Undo],
) -> api.Versioned[api.RunnerGroup]:
    """PATCH the `differing` settings to the `inputs` (with `name`, which the org PATCH requires), and add to the
    step's `undo` the PATCH that puts `current`'s back should a later write of the step fail."""
    names = ("name", *differing)
    patched = _patch(scope, client, owner, group_id, scope.body(inputs, names))
    restore = scope.body(current, names)
    undo.append(("restore its settings", partial(_patch, scope, client, owner, group_id, restore)))
    return patched


def _patch(
    scope: GroupScope, client: GitHubClient, owner: str, group_id: int, body: Mapping[str, Any]
) -> api.Versioned[api.RunnerGroup]:
    """PATCH, explaining the two refusals a program can cause: the group is gone, or the new name is taken."""
    try:
        return scope.update(client, owner, group_id, body)
    except GitHubNotFound as exc:
        raise exc.with_hint(
            f"The group was deleted outside this stack, or the token lost access to the {scope.location}: run "
            "`pulumi refresh` to drop a deleted group from the state (the next `pulumi up` creates it again)."
        ) from None
    except GitHubValidationError as exc:
        holder = group_registry.find_by_name(scope.list_groups(client, owner), str(body["name"]))
        if holder is None or holder.id == group_id:
            raise
        if holds(client, scope, owner, holder.id):
            raise exc.with_hint(name_held_in_stack_hint(str(body["name"]), holder.id)) from None
        raise exc.with_hint(
            f"The name '{body['name']}' is held by another runner group (id {holder.id}), which this stack does "
            "not own: choose another name."
        ) from None


def name_held_in_stack_hint(name: str, holder_id: int) -> str:
    """A rename onto a name another group of this stack still holds: two groups swapping names, or a group taking
    the name of one the same `up` deletes. Pulumi applies updates before deletes and GitHub keeps names unique at
    every moment, so neither can happen in one `up`."""
    return (
        f"The name '{name}' is still held by runner group {holder_id}, which another resource of this stack "
        "created or adopted. GitHub keeps runner group names unique "
        "(whatever the case) at every moment and Pulumi applies updates before deletes, so two groups cannot swap "
        "names in one `pulumi up`, nor can a group take the name of a group the same `up` deletes. Nothing was "
        "changed by this step. Do it in steps, one `pulumi up` each: to take the name of a group you are deleting, "
        f"first `up` without group {holder_id}, then rename; to swap two names, first rename one group to a "
        "temporary name, then the other to its final name, then the first to its final name."
    )


def _differs_from_post(
    scope: GroupScope,
    client: GitHubClient,
    owner: str,
    group: api.RunnerGroup,
    settings: Mapping[str, Any],
    wanted: Wanted,
) -> list[str]:
    """What of a POST (its `settings`, and each list it sent inline) `group` does not have: anything, and it is not
    the group that POST made. The lists cost one read each, only after a lost answer."""
    fields = scope.fields
    differing = [
        name
        for name, value in settings.items()
        if fields[name].compare(fields[name].from_model(group)) != fields[name].compare(value)
    ]
    for field, members in wanted.items():
        if list_differs(client, scope.lists[field], owner, group.id, members, None) is not None:
            differing.append(field)
    return differing
