"""The Facet: what makes a list of runner-group members the repository-access or the runner-membership side of a
group (the enterprise's sides are Facets too, in their resources' modules), and the two sides of an org's group.

The access and membership resources (`_assignment`) and a group's inline lists (`_group_lists`) are driven by a
Facet, so both treat one list alike.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .. import api, resolve
from ..client import GitHubClient
from . import _inherited_access as inherited
from ._common import GroupLister
from ._ownership import ListKind

# One write of one member: (client, org, group id, member id).
MemberWrite = Callable[[GitHubClient, str, int, int], None]


@dataclass(frozen=True)
class Facet:
    """The repository-access or the runner-membership side of a runner group."""

    noun: str
    refs_field: str
    ids_field: str
    names_field: str
    # Additive only: the members that were already in the group when this resource first declared them. Someone
    # else put them there, so this resource never removes them.
    found_field: str
    example: str
    kind: resolve.NameKind
    list_members: Callable[[GitHubClient, str, int, str | None], api.Conditional[Sequence[api.Named]]]
    set_members: Callable[[GitHubClient, str, int, list[int]], None]
    body_key: str  # the list's key in GitHub's create-group body
    add_member: MemberWrite
    remove_member: MemberWrite
    refusal_hint: str
    resource_type: str
    list_noun: str
    # A runner sits in one group, so two resources placing the same runner conflict whatever their groups.
    member_in_one_group: bool
    # GitHub answers 422 when the group keeps no such list (repositories of a group that is not `selected`).
    refused_means_no_list: bool
    # What an exclusive owner of the Default group's list would do.
    default_group_harm: str
    # Where the group lives (the input naming it: `org` or `enterprise`), how to list its groups (to tell a
    # deleted group from lost access), and what the token needs to see it.
    location: str = "org"
    list_groups: GroupLister = api.list_runner_groups
    permission: str = "admin:org scope, or the organization permission 'Self-hosted runners'"
    # The group resource that may hold the list inline (`refs_field` is its field too).
    group_type: str = "RunnerGroup"
    # The list is one an org may also keep for a group its enterprise shares with it (`_inherited_access`).
    inherited_side: bool = False

    @property
    def etag_field(self) -> str:
        """Where the ETag of the last listing is kept (a RunnerGroup keeps one per inline list)."""
        return f"{self.refs_field}_etag"

    @property
    def inputs(self) -> set[str]:
        return {self.location, "runner_group_id", self.refs_field, "exclusive"}

    @property
    def owners(self) -> ListKind:
        """What the one-owner-per-list rules need of this facet."""
        return ListKind(
            self.resource_type,
            self.refs_field,
            self.noun,
            self.list_noun,
            self.member_in_one_group,
            self.kind.qualified_by_org,
            self.location,
            self.group_type,
        )

    @property
    def computed(self) -> tuple[str, ...]:
        """The outputs a resource of this facet computes: unknown until the provider has answered."""
        extra = (inherited.SETTING_FIELD,) if self.inherited_side else ()
        return (self.ids_field, self.names_field, self.found_field, "etag", *extra)


REPOSITORY_ACCESS = Facet(
    noun="repository",
    refs_field="repositories",
    ids_field="repository_ids",
    names_field="repository_names",
    found_field="found_repository_ids",
    example='["api", "acme/web", 123456]',
    kind=resolve.REPOSITORIES,
    list_members=api.list_group_repositories_if_changed,
    set_members=api.set_group_repositories,
    body_key=api.REPOSITORY_IDS_KEY,
    add_member=api.add_group_repository,
    remove_member=api.remove_group_repository,
    refusal_hint="GitHub keeps a repository list only for groups with visibility 'selected': set "
    "visibility='selected' on the RunnerGroup (or drop this resource to let all repositories use the group); for a "
    "group inherited from the enterprise, the org's setting was changed since this resource was created: set "
    "'Selected repositories' for it again in the org's Actions runner-group settings.",
    resource_type="RunnerGroupRepositoryAccess",
    list_noun="repository list",
    member_in_one_group=False,
    refused_means_no_list=True,
    default_group_harm="it would take the group away from every repository it does not list",
    inherited_side=True,
)


MEMBERSHIP = Facet(
    noun="self-hosted runner",
    refs_field="runners",
    ids_field="runner_ids",
    names_field="runner_names",
    found_field="found_runner_ids",
    example='["linux-1", "linux-2"]',
    kind=resolve.RUNNERS,
    list_members=api.list_group_runners_if_changed,
    set_members=api.set_group_runners,
    body_key=api.RUNNER_IDS_KEY,
    add_member=api.add_group_runner,
    remove_member=api.remove_group_runner,
    refusal_hint="Check that the runners are registered at the organization (not at a repository).",
    resource_type="RunnerGroupMembership",
    list_noun="runner list",
    member_in_one_group=True,
    refused_means_no_list=False,
    default_group_harm="it would move every runner it lists out of the group that runner is in, while GitHub alone "
    "decides which runners fall back to Default",
)
