"""An enterprise runner group shared with two organizations, with its enterprise runners, as one resource.

pulumi config set github-runner-groups:enterprise acme-corp
pulumi config set --secret github:token ghp_...     # admin:enterprise (an enterprise owner's token)
pulumi config set organizations '["acme", "acme-labs"]' --path   # optional

Against the emulator (from the repository root):
github-runner-groups demo --seed enterprise --project examples/enterprise

The group owns both lists inline: creating it is one POST (with its organizations and runners), a changed list
is one PUT, and destroying it is one DELETE (GitHub drops its organization list and moves its runners back to
the enterprise's Default group). To share ownership of a list with other stacks, leave it unset here and use an
EnterpriseRunnerGroupOrganizationAccess / EnterpriseRunnerGroupMembership with exclusive=False instead.
"""

import github_runner_groups as rg
import pulumi

enterprise = pulumi.Config("github-runner-groups").get("enterprise")  # None: the provider's own default
organizations = pulumi.Config().get_object("organizations") or ["acme", "acme-labs"]

# Only the listed organizations see the group (as an inherited group, read-only there).
shared = rg.EnterpriseRunnerGroup(
    "shared-linux",
    name="shared-linux",
    enterprise=enterprise,
    visibility="selected",
    organizations=organizations,
    runners=["ent-linux-1", "ent-linux-2"],
)

pulumi.export("shared_group_id", shared.id)
pulumi.export("shared_with", shared.organization_logins)
