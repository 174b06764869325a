"""An enterprise runner group shared with two organizations, using the enterprise resources directly.

pulumi config set github:enterprise acme-corp
pulumi config set --secret github:token ghp_...     # admin:enterprise (an enterprise owner's token)
pulumi config set organizations '["acme", "acme-labs"]' --path   # optional
"""

import github_runner_groups as rg
import pulumi

enterprise = pulumi.Config("github").get("enterprise")  # None: the provider's github:enterprise
organizations = pulumi.Config().get_object("organizations") or ["acme", "acme-labs"]

# Only the listed organizations see the group (as an inherited group, read-only there).
shared = rg.EnterpriseRunnerGroup("shared-linux", name="shared-linux", enterprise=enterprise, visibility="selected")
rg.EnterpriseRunnerGroupOrganizationAccess(
    "shared-linux-organizations", runner_group_id=shared.id, enterprise=enterprise, organizations=organizations
)
rg.EnterpriseRunnerGroupMembership(
    "shared-linux-runners", runner_group_id=shared.id, enterprise=enterprise, runners=["ent-linux-1", "ent-linux-2"]
)

pulumi.export("shared_group_id", shared.id)
