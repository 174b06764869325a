"""A GitHub-hosted larger runner in a runner group of the org, which only two repositories may use.

pulumi config set github:owner acme
pulumi config set --secret github:token ghp_...     # admin:org
pulumi config set size 16-core                       # optional; get_hosted_runner_sizes() lists the org's sizes

Workflows of api and web run on it with `runs-on: group: large-runners`. Changing the size, the image or the
concurrency, or moving the runner to another group, is an update in place: no runner is recreated.
"""

import github_runner_groups as rg
import pulumi

config = pulumi.Config()

large = rg.RunnerGroup("large-runners", name="large-runners", visibility="selected")
rg.RunnerGroupRepositoryAccess("large-runners-repositories", runner_group_id=large.id, repositories=["api", "web"])

linux = rg.HostedRunner(
    "linux-x64-large",
    name="linux-x64-large",
    runner_group_id=large.id,
    image_id="ubuntu-24.04",
    size=config.get("size") or "8-core",
    maximum_runners=20,
)

pulumi.export("large_runners_group_id", large.id)
pulumi.export("hosted_runner_platform", linux.platform)
