"""The quickstart program: every runner group of runner-groups.yaml, with its repositories and runners."""

import pulumi
from github_runner_groups.component import OrgRunnerGroups

groups = OrgRunnerGroups("acme", spec_file="runner-groups.yaml")
pulumi.export("group_ids", groups.group_ids)
