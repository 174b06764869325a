"""What RunnerGroupRepositoryAccess and RunnerGroupMembership share: a set of members of one runner group.

Both resources hold a list of references (names or numeric ids) that resolve to ids, in one of two modes:
exclusive (the resource owns the group's whole list: one PUT of the full set) or additive (it adds and removes
only its own entries, so several stacks can share a group). The two differ only in a `Facet`.

Drift is judged in `diff` without the API: the old outputs hold the members as last seen (ids and names, from the
last apply or refresh), and the program's references must match exactly those, by id or by name. An additive
resource sees only its own members, so the same test holds in both modes: a refresh after an out-of-band change
shows as a diff, as does a changed program, while members that others added never cause one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

import pulumi.dynamic

from .. import api, resolve
from ..client import Conditional, GitHubClient
from ..errors import GitHubNotFound, GitHubValidationError
from ._common import (
    Checker,
    GitHubProvider,
    check_result,
    contains_unknown,
    gone,
    is_unknown,
    normalise_reference,
    parse_id,
    user_inputs,
)


@dataclass(frozen=True)
class Facet:
    """The repository-access or the runner-membership side of a runner group."""

    noun: str
    refs_field: str
    ids_field: str
    names_field: str
    example: str
    kind: resolve.NameKind
    list_members: Callable[[GitHubClient, str, int, str | None], Conditional]
    set_members: Callable[[GitHubClient, str, int, list[int]], None]
    add_member: Callable[[GitHubClient, str, int, int], None]
    remove_member: Callable[[GitHubClient, str, int, int], None]
    refusal_hint: str

    @property
    def inputs(self) -> set[str]:
        return {"org", "runner_group_id", self.refs_field, "exclusive"}


REPOSITORY_ACCESS = Facet(
    noun="repository",
    refs_field="repositories",
    ids_field="repository_ids",
    names_field="repository_names",
    example='["api", "acme/web", 123456]',
    kind=resolve.REPOSITORIES,
    list_members=api.list_group_repositories_if_changed,
    set_members=api.set_group_repositories,
    add_member=api.add_group_repository,
    remove_member=api.remove_group_repository,
    refusal_hint="GitHub keeps a repository list only for groups with visibility 'selected': set "
    "visibility='selected' on the RunnerGroup (or drop this resource to let all repositories use the group).",
)
MEMBERSHIP = Facet(
    noun="self-hosted runner",
    refs_field="runners",
    ids_field="runner_ids",
    names_field="runner_names",
    example='["linux-1", "linux-2"]',
    kind=resolve.RUNNERS,
    list_members=api.list_group_runners_if_changed,
    set_members=api.set_group_runners,
    add_member=api.add_group_runner,
    remove_member=api.remove_group_runner,
    refusal_hint="Check that the runners are registered at the organization (not at a repository).",
)


class AssignmentProvider(GitHubProvider):
    """check/diff/create/read/update/delete for one Facet; subclasses only name the facet."""

    facet: Facet

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> pulumi.dynamic.CheckResult:
        facet = self.facet
        checker = self.start_check(news, facet.inputs)
        inputs = checker.inputs
        checker.group_id()
        checker.default("exclusive", True)
        checker.boolean("exclusive")
        checker.reference_list(facet.refs_field, facet.noun, facet.example)
        if facet is REPOSITORY_ACCESS and checker.known("org") and checker.known(facet.refs_field):
            _check_repository_refs(checker, str(inputs["org"]))
        return check_result(checker, news)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> pulumi.dynamic.DiffResult:
        replaces = [
            name
            for name, same in (
                ("org", _same_text(olds.get("org"), news.get("org"))),
                ("runner_group_id", _same_id(olds.get("runner_group_id"), news.get("runner_group_id"))),
            )
            if not same
        ]
        changed = bool(replaces) or not _same_flag(olds.get("exclusive"), news.get("exclusive"))
        changed = changed or not self._matches_members(olds, news)
        return pulumi.dynamic.DiffResult(changes=changed, replaces=replaces, delete_before_replace=bool(replaces))

    def create(self, props: dict[str, Any]) -> pulumi.dynamic.CreateResult:
        inputs = user_inputs(props)
        outputs = self._apply(inputs, previous=set())
        return pulumi.dynamic.CreateResult(
            _resource_id(str(inputs["org"]), int(str(inputs["runner_group_id"])), self.facet), outputs
        )

    def read(self, id_: str, props: dict[str, Any]) -> pulumi.dynamic.ReadResult:
        facet = self.facet
        org, group_id, client = str(props["org"]), int(str(props["runner_group_id"])), self.client()
        try:
            listing = facet.list_members(client, org, group_id, props.get("etag"))
        except GitHubNotFound:
            return gone(client, org)
        inputs = {key: props[key] for key in facet.inputs if key in props}
        if listing.unchanged:
            return pulumi.dynamic.ReadResult(id_, user_inputs(props), inputs)
        live = {int(item["id"]): str(item["name"]) for item in listing.body}
        if not props.get("exclusive", True):
            own = {int(i) for i in props.get(facet.ids_field) or []}
            live = {member: name for member, name in live.items() if member in own}
        outputs = {**user_inputs(props), **_members(facet, live), "etag": listing.etag}
        return pulumi.dynamic.ReadResult(id_, outputs, inputs)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> pulumi.dynamic.UpdateResult:
        previous = {int(i) for i in olds.get(self.facet.ids_field) or []}
        return pulumi.dynamic.UpdateResult(self._apply(user_inputs(news), previous=previous))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        facet = self.facet
        org, group_id, client = str(props["org"]), int(str(props["runner_group_id"])), self.client()
        try:
            if props.get("exclusive", True):
                self._write(org, group_id, partial(facet.set_members, client, org, group_id, []))
            else:
                for member in props.get(facet.ids_field) or []:
                    self._remove(client, org, group_id, int(member))
        except GitHubNotFound:
            pass  # the group is gone, and its members with it
        except GitHubValidationError:
            if facet is not REPOSITORY_ACCESS:
                raise
            # The group is no longer `selected`: GitHub holds no repository list for it, so nothing is left.

    # Helpers

    def _apply(self, inputs: Mapping[str, Any], previous: set[int]) -> dict[str, Any]:
        """Make the group's members what `inputs` declare: exclusive, one PUT of the whole set; additive, a PUT
        for each new entry and a DELETE for each of `previous` (this resource's members) no longer declared."""
        facet = self.facet
        org, group_id, client = str(inputs["org"]), int(str(inputs["runner_group_id"])), self.client()
        wanted = self._resolve(client, org, inputs)
        if inputs.get("exclusive", True):
            self._write(org, group_id, partial(facet.set_members, client, org, group_id, wanted))
        else:
            for member in sorted(set(wanted) - previous):
                self._write(org, group_id, partial(facet.add_member, client, org, group_id, member))
            for member in sorted(previous - set(wanted)):
                self._remove(client, org, group_id, member)
        return self._outputs(client, inputs, wanted)

    def _matches_members(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> bool:
        """Do the program's references name exactly the members last seen (all of them when exclusive)?"""
        facet = self.facet
        refs = news.get(facet.refs_field)
        if contains_unknown(refs) or not isinstance(refs, list) or is_unknown(news.get("org")):
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
                member = by_name.get(resolve.bare_name(str(news.get("org")), str(normalised)).lower())
            if member is None:
                return False
            matched.add(member)
        # Additive resources see only their own members, so the same test holds in both modes.
        return matched == set(seen_ids)

    def _resolve(self, client: GitHubClient, org: str, inputs: Mapping[str, Any]) -> list[int]:
        refs = [normalise_reference(r) for r in inputs.get(self.facet.refs_field) or []]
        resolved = resolve.resolve_ids(client, self.facet.kind, org, [r for r in refs if r is not None])
        return sorted(set(resolved.values()))

    def _outputs(self, client: GitHubClient, inputs: Mapping[str, Any], member_ids: Sequence[int]) -> dict[str, Any]:
        org = str(inputs["org"])
        names = resolve.names_for_ids(client, self.facet.kind, org, member_ids)
        members = {member: names.get(member, str(member)) for member in member_ids}
        return {**inputs, **_members(self.facet, members), "etag": None}

    def _write(self, org: str, group_id: int, call: Callable[[], None]) -> None:
        """Run one write; GitHub's refusals get the reason in this resource's terms."""
        try:
            call()
        except GitHubNotFound as exc:
            raise exc.with_hint(
                f"Runner group {group_id} does not exist in org '{org}' (deleted outside Pulumi? run "
                "`pulumi refresh`), or the token cannot see it (admin:org scope, or the organization "
                "permission 'Self-hosted runners').",
            ) from None
        except GitHubValidationError as exc:
            raise exc.with_hint(self.facet.refusal_hint) from None

    def _remove(self, client: GitHubClient, org: str, group_id: int, member: int) -> None:
        try:
            self.facet.remove_member(client, org, group_id, member)
        except GitHubNotFound:
            pass  # the member itself is gone (a deleted repository, an unregistered runner): nothing to remove


def _members(facet: Facet, members: Mapping[int, str]) -> dict[str, Any]:
    ordered = sorted(members)
    return {facet.ids_field: ordered, facet.names_field: [members[m] for m in ordered]}


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


def _check_repository_refs(checker: Checker, org: str) -> None:
    """`acme/api` and `api` are one repository of org acme; another org's repositories cannot be given access."""
    seen: set[str] = set()
    for index, ref in enumerate(checker.inputs.get("repositories") or []):
        if not isinstance(ref, str):
            continue
        bare = resolve.bare_name(org, ref).lower()
        if bare in seen and ref.lower() != bare:
            checker.fail(f"repositories[{index}]", f"repositories lists {ref!r} twice (as {bare!r} too); list it once.")
        seen.add(bare)
        problem = resolve.foreign_repository(org, ref)
        if problem:
            checker.fail(f"repositories[{index}]", f"repositories[{index}]: {problem}")
