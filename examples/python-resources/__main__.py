"""Two runner groups, using the three resources directly.

pulumi config set github:owner acme
pulumi config set --secret github:token ghp_...     # admin:org
pulumi config set buildRepositories '["api", "web"]' --path   # optional
"""

import github_runner_groups as rg
import pulumi

config = pulumi.Config()
build_repositories = config.get_object("buildRepositories") or ["api", "web"]

# Only the listed repositories may use "build", and only its two runners serve it.
build = rg.RunnerGroup("build", name="build", visibility="selected")
rg.RunnerGroupRepositoryAccess("build-repositories", runner_group_id=build.id, repositories=build_repositories)
rg.RunnerGroupMembership("build-runners", runner_group_id=build.id, runners=["linux-3", "linux-4"])

# Deployments: every repository may use it, but only from the release workflow on main.
deploy = rg.RunnerGroup(
    "deploy",
    name="deploy",
    restricted_to_workflows=True,
    selected_workflows=["acme/deploy/.github/workflows/release.yml@main"],
)
# Additive: this stack adds its runner and leaves runners that other stacks put in the group alone.
rg.RunnerGroupMembership("deploy-runners", runner_group_id=deploy.id, runners=["mac-1"], exclusive=False)

pulumi.export("build_group_id", build.id)
pulumi.export("deploy_group_id", deploy.id)
