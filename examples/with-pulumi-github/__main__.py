"""Repositories made by pulumi_github feed a runner group's access list by id, in the same stack.

pulumi-github and these resources read the same config keys (github:owner, github:token), so one
`pulumi config set` configures both; this package's own keys live under github-runner-groups: (pulumi-github
refuses keys it does not know under github:), and stack config wins over GITHUB_TOKEN for both.

`repo_id` is unknown until the repository exists: `pulumi preview` shows the access as changing, and
`pulumi up` creates the repositories first, then gives them access.
"""

import github_runner_groups as rg
import pulumi
import pulumi_github as github

services = [github.Repository(name, name=name, visibility="private", auto_init=True) for name in ("orders", "billing")]

group = rg.RunnerGroup("services", name="services", visibility="selected")
rg.RunnerGroupRepositoryAccess(
    "services-repositories",
    runner_group_id=group.id,
    repositories=[repository.repo_id for repository in services],
)

pulumi.export("services_group_id", group.id)
