"""EnterpriseRunnerGroupOrganizationAccess: which organizations may use an enterprise runner group whose
visibility is `selected`.

Organizations are named by login or numeric id. The tokens these endpoints take (classic, with
manage_runners:enterprise) cannot list an enterprise's organizations (only a GitHub App installed on the enterprise
can: `/enterprises/{enterprise}/apps/installable_organizations`), so each login is read once per run
(`GET /orgs/{org}`); an id that is not a member organization is refused by GitHub when written, and an additive
step undoes what it wrote before such a refusal.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi

from .. import api, resolve
from ._assignment import AssignmentProvider
from ._assignment_resource import AssignmentResource
from ._facet import Facet

ENTERPRISE_PERMISSION = "a classic token with the manage_runners:enterprise scope, which admin:enterprise includes"

ORGANIZATION_ACCESS = Facet(
    noun="organization",
    refs_field="organizations",
    ids_field="organization_ids",
    names_field="organization_logins",
    found_field="found_organization_ids",
    example='["acme", "acme-labs", 123456]',
    kind=resolve.ORGANIZATIONS,
    list_members=api.list_enterprise_group_organizations_if_changed,
    set_members=api.set_enterprise_group_organizations,
    body_key=api.ORGANIZATION_IDS_KEY,
    add_member=api.add_enterprise_group_organization,
    remove_member=api.remove_enterprise_group_organization,
    refusal_hint="GitHub keeps an organization list only for enterprise groups with visibility 'selected', and "
    "only of the enterprise's own organizations: set visibility='selected' on the EnterpriseRunnerGroup, and "
    "check that every organization listed belongs to the enterprise.",
    resource_type="EnterpriseRunnerGroupOrganizationAccess",
    list_noun="organization list",
    member_in_one_group=False,
    refused_means_no_list=True,
    default_group_harm="it would take the group away from every organization it does not list",
    location="enterprise",
    list_groups=api.list_enterprise_runner_groups,
    permission=ENTERPRISE_PERMISSION,
    group_type="EnterpriseRunnerGroup",
)


class EnterpriseRunnerGroupOrganizationAccessProvider(AssignmentProvider):
    facet = ORGANIZATION_ACCESS


@dataclass
class EnterpriseRunnerGroupOrganizationAccessArgs:
    """`organizations`: logins or numeric ids. `exclusive=False` manages only these entries, leaving organizations
    that others shared the same group with alone."""

    runner_group_id: pulumi.Input[str | int]
    organizations: pulumi.Input[Sequence[pulumi.Input[str | int]]]
    enterprise: pulumi.Input[str] | None = None
    exclusive: pulumi.Input[bool] = True


class EnterpriseRunnerGroupOrganizationAccess(
    AssignmentResource[EnterpriseRunnerGroupOrganizationAccessArgs],
    module="github",
    name="EnterpriseRunnerGroupOrganizationAccess",
):
    """The organizations that may use a `selected` enterprise runner group; outputs their ids (sorted) and logins."""

    _provider_type = EnterpriseRunnerGroupOrganizationAccessProvider

    enterprise: pulumi.Output[str]
    runner_group_id: pulumi.Output[str]
    organizations: pulumi.Output[list[str | int]]
    exclusive: pulumi.Output[bool]
    organization_ids: pulumi.Output[list[int]]
    organization_logins: pulumi.Output[list[str]]
    found_organization_ids: pulumi.Output[list[int]]
    etag: pulumi.Output[str | None]
