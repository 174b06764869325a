"""GitHub-hosted larger runners inside an Azure virtual network, and a policy that keeps repository-level
self-hosted runners to one repository.

pulumi config set github:owner acme
pulumi config set --secret github:token ghp_...     # admin:org and write:network_configurations
pulumi config set network-settings-id 220F78DACB92BBFBC5E6F22DE1CCF52309D   # the GitHubId tag of the
                                                     # GitHub.Network/networkSettings resource made in Azure

The runner group uses the network configuration by its id (an output), and its hosted runner therefore runs
in the Azure subnet. Renaming the configuration or switching its failover is an update in place.
"""

import github_runner_groups as rg
import pulumi

config = pulumi.Config()

network = rg.NetworkConfiguration(
    "private-net",
    name="private-net",
    network_settings_ids=[config.require("network-settings-id")],
)

private = rg.RunnerGroup(
    "private-runners",
    name="private-runners",
    visibility="selected",
    repositories=["api", "data-pipeline"],
    network_configuration_id=network.id,
)

rg.HostedRunner(
    "linux-private",
    name="linux-private",
    runner_group_id=private.id,
    image_id="ubuntu-24.04",
    size="4-core",
)

# Only `infra` may register runners of its own; everything else uses the org's runner groups.
rg.SelfHostedRunnerPolicy("self-hosted-runners", enabled_repositories="selected", repositories=["infra"])

pulumi.export("network_configuration_id", network.id)
