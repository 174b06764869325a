"""Which GitHub the emulator plays: github.com, GitHub Enterprise Cloud or a GitHub Enterprise Server release.

The one place that pins the API description the emulator and the contract test follow: `@octokit/openapi` at
`OPENAPI_VERSION`, one description per flavour (`generated/{flavour}.deref.json` in that package). The hosted-runner
operations changed between versions of that package: 18.0.0 has none; in 20.0.0 the PATCH body takes only name,
runner_group_id, maximum_runners and enable_static_ip; 23.0.2 adds size, image_source, image_id, image_version and
image_gen (so a runner's size and image change in place). The emulator accepts exactly what this version documents.
"""

from __future__ import annotations

from dataclasses import dataclass

OPENAPI_PACKAGE = "@octokit/openapi"
OPENAPI_VERSION = "23.0.2"
# The REST API versions (`X-GitHub-Api-Version`) the emulator serves: the one the pinned descriptions describe.
API_VERSIONS = ("2022-11-28",)

# What a flavour serves, beyond the org runner-group endpoints every flavour has.
HOSTED_RUNNERS = "hosted-runners"  # /orgs/{org}/actions/hosted-runners... and a group's /hosted-runners
ENTERPRISE = "enterprise"  # /enterprises/{enterprise}/actions/runner-groups... and /actions/runners
NETWORK_CONFIGURATION = "network-configuration"  # a group's network_configuration_id (hosted compute networking)
# /orgs/{org}/settings/network-configurations..., network-settings, custom images: what the cloud flavours serve
NETWORK_CONFIGURATIONS = "network-configurations"
# The org's self-hosted-runner policy (/orgs/{org}/actions/permissions/self-hosted-runners..., read and written)
# and the fork pull-request policies (.../fork-pr-*; a repository's fork-pr-*): github.com, GHEC and GHES from
# 3.19 (not in the GHES 3.17 and 3.18 descriptions).
ACTIONS_POLICIES = "actions-policies"
# /enterprises/{enterprise}/network-configurations... and /enterprises/{enterprise}/actions/hosted-runners...: GHEC
ENTERPRISE_CLOUD = "enterprise-cloud"


@dataclass(frozen=True)
class Flavour:
    """One flavour: its name in the npm package, the path prefix of its API root and the features it serves."""

    name: str
    api_prefix: str
    features: frozenset[str]
    example_base_url: str

    @property
    def ghes_version(self) -> str | None:
        """The GitHub Enterprise Server release (`3.19`), None for github.com and GHEC."""
        return self.name.removeprefix("ghes-") if self.name.startswith("ghes-") else None

    def serves(self, feature: str | None) -> bool:
        return feature is None or feature in self.features


def _ghes(version: str, *features: str) -> Flavour:
    return Flavour(f"ghes-{version}", "/api/v3", frozenset({ENTERPRISE, *features}), "https://ghes.example.com/api/v3")


_CLOUD = frozenset({HOSTED_RUNNERS, NETWORK_CONFIGURATION, NETWORK_CONFIGURATIONS, ACTIONS_POLICIES})
FLAVOURS = {
    flavour.name: flavour
    for flavour in (
        Flavour("api.github.com", "", _CLOUD, "https://api.github.com"),
        Flavour("ghec", "", _CLOUD | {ENTERPRISE, ENTERPRISE_CLOUD}, "https://api.github.com"),
        _ghes("3.17"),
        _ghes("3.18"),
        _ghes("3.19", ACTIONS_POLICIES),
    )
}
DEFAULT_FLAVOUR = "api.github.com"


def flavour_named(name: str) -> Flavour:
    """The flavour called `name`; a ValueError that lists the known ones otherwise."""
    flavour = FLAVOURS.get(name)
    if flavour is None:
        raise ValueError(f"flavour {name!r} is not one the emulator plays; use one of: {', '.join(FLAVOURS)}")
    return flavour
