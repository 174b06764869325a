"""NetworkConfiguration and EnterpriseNetworkConfiguration: a hosted compute network configuration (Azure private
networking for GitHub-hosted runners) of an organization or of an enterprise (GHEC).

One provider serves both; a NetworkScope says where the configuration lives. Everything changes in place (one
PATCH of what differs); only a new org or enterprise replaces it. Before any write, the network settings ids are
read back (each must exist and be used by no other configuration) and the name is checked free (with
`adopt=True`, the configuration of that name is taken over instead). A create whose answer was lost claims a
configuration of that name only if it did not exist before and has exactly the settings sent. A runner group
uses it through its `network_configuration_id` (e.g. `network_configuration_id=config.id`), and the group's
GitHub-hosted runners with it. GitHub Enterprise Server has no network configurations: check refuses them when
github:baseUrl is a GHES one; a GHES behind another URL is named by its release at the first answer.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi.dynamic

from .. import api
from ..client import GitHubClient
from ..errors import GitHubNotFound, GitHubOutcomeUnknown
from ._common import (
    GitHubProvider,
    Refused,
    TableScope,
    check_field,
    check_result,
    managed_settings,
    registration,
    table_outputs,
)
from ._common import user_inputs as without_provider
from .fields import Field, Role, on_ghes
from .hosted_catalog import server_release
from .surface_fields import (
    ENTERPRISE_NETWORK_CONFIGURATION_FIELDS,
    NETWORK_CONFIGURATION_FIELDS,
    NETWORK_CONFIGURATION_RULES,
)

__all__ = [
    "EnterpriseNetworkConfiguration",
    "EnterpriseNetworkConfigurationArgs",
    "EnterpriseNetworkConfigurationProvider",
    "NetworkConfiguration",
    "NetworkConfigurationArgs",
    "NetworkConfigurationProvider",
]

_SETTINGS_IDS = ("network_settings_ids", "failover_network_settings_ids")


@dataclass(frozen=True)
class NetworkScope(TableScope):
    location: str  # `org` or `enterprise`
    table: tuple[Field, ...]

    def body(self, inputs: Mapping[str, Any], names: Iterable[str]) -> dict[str, Any]:
        return {name: self.fields[name].to_json(inputs.get(name)) for name in names}

    def outputs(self, owner: str, adopt: bool, found: api.NetworkConfiguration) -> dict[str, Any]:
        return table_outputs(self.table, found, {self.location: owner, "adopt": adopt})


ORG_NETWORK = NetworkScope("org", NETWORK_CONFIGURATION_FIELDS)
ENTERPRISE_NETWORK = NetworkScope("enterprise", ENTERPRISE_NETWORK_CONFIGURATION_FIELDS)


class NetworkConfigurationProvider(GitHubProvider):
    scope = ORG_NETWORK

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> pulumi.dynamic.CheckResult:
        scope = self.scope
        checker = self.start_check(news, set(scope.inputs), scope.location)
        base_url = self.settings.client.base_url
        if on_ghes(base_url):
            checker.fail("provider", ghes_has_no_networking(f"GitHub Enterprise Server (github:baseUrl {base_url})"))
        adopting = checker.inputs.get("adopt") is True
        for field in scope.table:
            if field.role in (Role.SETTING, Role.STEERING):
                check_field(checker, field, adopting=adopting, ghes=False)
        if not checker.failures:
            for rule in NETWORK_CONFIGURATION_RULES:
                for path, reason in rule(checker.inputs):
                    checker.fail(path, reason)
        return check_result(checker, news)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> pulumi.dynamic.DiffResult:
        location = self.scope.location
        changes = self.scope.changed(olds, news, (location, *self._managed(news)))
        replaces = [location] if location in changes else []
        return pulumi.dynamic.DiffResult(changes=bool(changes), replaces=replaces, delete_before_replace=False)

    def create(self, props: dict[str, Any]) -> pulumi.dynamic.CreateResult:
        scope = self.scope
        inputs = without_provider(props)
        owner, name = str(inputs[scope.location]), str(inputs["name"])
        adopting = inputs.get("adopt") is True
        where = f"{scope.location} '{owner}'"
        action = f"{'adopting' if adopting else 'creating'} network configuration '{name}' in {where}"
        client = self.client()
        before = _listing(client, scope.location, owner, action)
        holder = _named(before, name)
        if holder is not None and not adopting:
            raise Refused(action, _taken_hint(holder, where))
        if holder is not None:
            _own(client, scope.location, owner, holder.id, action)
            made = self._take_over(client, owner, action, holder, inputs)
        else:
            _verify_settings(client, scope.location, owner, action, inputs, _SETTINGS_IDS, own_id=None)
            made = self._post(client, owner, action, inputs, before)
            _own(client, scope.location, owner, made.id, action)
        return pulumi.dynamic.CreateResult(made.id, scope.outputs(owner, adopting, made))

    def read(self, id_: str, props: dict[str, Any]) -> pulumi.dynamic.ReadResult:
        scope = self.scope
        owner = str(props[scope.location])
        client = self.client()
        try:
            found = api.get_network_configuration(client, scope.location, owner, id_)
        except GitHubNotFound as missing:
            # Dropped from state only once the owner's configurations are readable: a 404 may mean lost access.
            _listing(client, scope.location, owner, missing.action)
            return pulumi.dynamic.ReadResult("", {})
        outputs = scope.outputs(owner, props.get("adopt") is True, found)
        inputs = {key: outputs[key] for key in scope.inputs if outputs.get(key) is not None}
        return pulumi.dynamic.ReadResult(found.id, outputs, inputs)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> pulumi.dynamic.UpdateResult:
        scope = self.scope
        inputs = without_provider(news)
        owner = str(inputs[scope.location])
        differing = scope.changed(olds, inputs, self._managed(inputs))
        if not differing:
            return pulumi.dynamic.UpdateResult({**olds, **inputs})
        action = f"updating network configuration {id_} ('{olds.get('name')}') of {scope.location} '{owner}'"
        client = self.client()
        updated = self._patch(client, owner, action, id_, inputs, differing)
        return pulumi.dynamic.UpdateResult(scope.outputs(owner, inputs.get("adopt") is True, updated))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        scope = self.scope
        try:
            api.delete_network_configuration(self.client(), scope.location, str(props[scope.location]), id_)
        except GitHubNotFound:
            pass  # Already gone: the desired end state.

    # Steps

    def _managed(self, inputs: Mapping[str, Any]) -> tuple[str, ...]:
        return managed_settings(inputs, self.scope.settable)

    def _take_over(
        self,
        client: GitHubClient,
        owner: str,
        action: str,
        existing: api.NetworkConfiguration,
        inputs: Mapping[str, Any],
    ) -> api.NetworkConfiguration:
        """Adopt: write only the settings the program sets that differ from GitHub's."""
        live = self.scope.outputs(owner, True, existing)
        differing = self.scope.changed(live, inputs, self._managed(inputs))
        if not differing:
            return existing
        return self._patch(client, owner, action, existing.id, inputs, differing)

    def _patch(
        self,
        client: GitHubClient,
        owner: str,
        action: str,
        configuration_id: str,
        inputs: Mapping[str, Any],
        differing: Sequence[str],
    ) -> api.NetworkConfiguration:
        scope = self.scope
        if "name" in differing:
            holder = _named(_listing(client, scope.location, owner, action), str(inputs["name"]), configuration_id)
            if holder is not None:
                raise Refused(action, _taken_hint(holder, f"{scope.location} '{owner}'"))
        _verify_settings(client, scope.location, owner, action, inputs, differing, own_id=configuration_id)
        try:
            return api.update_network_configuration(
                client, scope.location, owner, configuration_id, scope.body(inputs, differing)
            )
        except GitHubNotFound as exc:
            raise exc.with_hint(
                "The network configuration was deleted outside this stack: run `pulumi refresh` to drop it from the "
                "state (the next `pulumi up` creates it again)."
            ) from None

    def _post(
        self,
        client: GitHubClient,
        owner: str,
        action: str,
        inputs: Mapping[str, Any],
        before: list[api.NetworkConfiguration],
    ) -> api.NetworkConfiguration:
        """POST every setting; if the answer was lost, look before retrying: a configuration of that name that did
        not exist before and has exactly the settings sent is the one this POST made."""
        scope = self.scope
        body = scope.body(inputs, scope.settable)
        try:
            return api.create_network_configuration(client, scope.location, owner, body)
        except GitHubOutcomeUnknown:
            after = _listing(client, scope.location, owner, action)
            found = _named(after, str(body["name"]))
            if found is None:
                return api.create_network_configuration(client, scope.location, owner, body)
            existed = {c.id for c in before}
            live = scope.outputs(owner, False, found)
            if found.id in existed or scope.changed(live, inputs, scope.settable):
                raise Refused(
                    f"{action} (its answer was lost)",
                    f"a network configuration named '{found.name}' (id {found.id}) appeared in "
                    f"{scope.location} '{owner}' with other settings than this create sent, so it may be someone "
                    "else's: check it on GitHub, then set adopt=True to take it over, or choose another name.",
                ) from None
            return found


class EnterpriseNetworkConfigurationProvider(NetworkConfigurationProvider):
    scope = ENTERPRISE_NETWORK


# What both scopes share


def _listing(client: GitHubClient, location: str, owner: str, action: str) -> list[api.NetworkConfiguration]:
    """The owner's network configurations; a 404 explained (GHES naming its release, or the plan and scope)."""
    try:
        return api.list_network_configurations(client, location, owner)
    except GitHubNotFound as missing:
        version = server_release(client, location, owner)
        if version is not None:
            raise Refused(action, ghes_has_no_networking(f"GitHub Enterprise Server {version}")) from None
        raise missing.with_hint(
            "Network configurations need GitHub Team or Enterprise Cloud (for an org in an enterprise, the "
            "enterprise must let its organizations create them), and a token with write:network_configurations "
            "(classic) or the organization permission 'Network configurations: write' (fine-grained)."
        ) from None


def _named(
    configurations: Iterable[api.NetworkConfiguration], name: str, own_id: str | None = None
) -> api.NetworkConfiguration | None:
    """The other configuration called `name` (compared case-insensitively, as adoption by name does)."""
    return next((c for c in configurations if c.name.lower() == name.lower() and c.id != own_id), None)


def _taken_hint(holder: api.NetworkConfiguration, where: str) -> str:
    return (
        f"a network configuration named '{holder.name}' already exists in {where} (id {holder.id}) and this stack "
        "does not own it: set adopt=True to take it over (the next `pulumi up` changes only what differs), or "
        "choose another name."
    )


def _verify_settings(
    client: GitHubClient,
    location: str,
    owner: str,
    action: str,
    inputs: Mapping[str, Any],
    changing: Iterable[str],
    *,
    own_id: str | None,
) -> None:
    """Every network settings id the write sets exists for this owner and is used by no other configuration."""
    for key in _SETTINGS_IDS:
        if key not in changing:
            continue
        for settings_id in inputs.get(key) or []:
            try:
                settings = api.get_network_settings(client, location, owner, str(settings_id))
            except GitHubNotFound:
                raise Refused(
                    action,
                    f"{key} lists {settings_id!r}, which is not a network settings resource of {location} '{owner}': "
                    "create it in Azure for this org or enterprise (the GitHub.Network/networkSettings resource's "
                    "`GitHubId` tag is the id to list), or fix the id.",
                ) from None
            used_by = settings.network_configuration_id
            if used_by and used_by != own_id:
                raise Refused(
                    action,
                    f"{key} lists {settings_id!r} ('{settings.name}'), which network configuration {used_by} already "
                    "uses; a network settings resource serves one configuration: list another one, or remove it "
                    "from that configuration first.",
                )


# Per client (one per settings in a process): the configurations a resource of this run created or adopted.
_owned: weakref.WeakKeyDictionary[GitHubClient, set[tuple[str, str, str]]] = weakref.WeakKeyDictionary()
_owned_lock = threading.Lock()


def _own(client: GitHubClient, location: str, owner: str, configuration_id: str, action: str) -> None:
    with _owned_lock:
        owned = _owned.setdefault(client, set())
        key = (location, owner.lower(), configuration_id)
        if key in owned:
            raise Refused(
                action,
                f"another resource of this program already creates or adopts network configuration {configuration_id}; "
                "two resources owning one configuration would overwrite each other: keep one of them.",
            )
        owned.add(key)


def ghes_has_no_networking(server: str) -> str:
    return (
        f"{server} has no hosted compute network configurations (only github.com and GitHub Enterprise Cloud do): "
        "remove the network configuration (in a spec: network_configurations), or point github:baseUrl at "
        "https://api.github.com."
    )


# The resources


@dataclass
class NetworkConfigurationArgs:
    """Inputs of a NetworkConfiguration. `org` defaults to github:owner / GITHUB_OWNER. `network_settings_ids`:
    exactly one network settings id (made in Azure); `failover_network_settings_ids`: none or one. Unset settings
    get the defaults this library pins (compute_service 'actions', no failover), except with `adopt=True`, which
    takes over the org's configuration of that name and leaves unset settings as they are."""

    name: pulumi.Input[str]
    network_settings_ids: pulumi.Input[Sequence[pulumi.Input[str]]]
    org: pulumi.Input[str] | None = None
    compute_service: pulumi.Input[str] | None = None
    failover_network_settings_ids: pulumi.Input[Sequence[pulumi.Input[str]]] | None = None
    failover_network_enabled: pulumi.Input[bool] | None = None
    adopt: pulumi.Input[bool] = False


class NetworkConfiguration(pulumi.dynamic.Resource, module="github", name="NetworkConfiguration"):
    """A hosted compute network configuration of an org; its `id` is GitHub's (text) configuration id, what a
    RunnerGroup's `network_configuration_id` takes."""

    org: pulumi.Output[str]
    name: pulumi.Output[str]
    compute_service: pulumi.Output[str]
    network_settings_ids: pulumi.Output[list[str]]
    failover_network_settings_ids: pulumi.Output[list[str]]
    failover_network_enabled: pulumi.Output[bool]
    network_configuration_id: pulumi.Output[str]
    created_on: pulumi.Output[str | None]
    adopt: pulumi.Output[bool]

    def __init__(
        self,
        resource_name: str,
        args: NetworkConfigurationArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
        **kwargs: Any,
    ) -> None:
        props = registration(NetworkConfigurationArgs, args, kwargs, ORG_NETWORK.computed)
        super().__init__(NetworkConfigurationProvider(), resource_name, props, opts)


@dataclass
class EnterpriseNetworkConfigurationArgs:
    """Inputs of an EnterpriseNetworkConfiguration (GHEC): as NetworkConfigurationArgs, with `enterprise`
    (default github-runner-groups:enterprise / GITHUB_ENTERPRISE) instead of `org`."""

    name: pulumi.Input[str]
    network_settings_ids: pulumi.Input[Sequence[pulumi.Input[str]]]
    enterprise: pulumi.Input[str] | None = None
    compute_service: pulumi.Input[str] | None = None
    failover_network_settings_ids: pulumi.Input[Sequence[pulumi.Input[str]]] | None = None
    failover_network_enabled: pulumi.Input[bool] | None = None
    adopt: pulumi.Input[bool] = False


class EnterpriseNetworkConfiguration(pulumi.dynamic.Resource, module="github", name="EnterpriseNetworkConfiguration"):
    """A hosted compute network configuration of an enterprise; an EnterpriseRunnerGroup's
    `network_configuration_id` takes its `id`."""

    enterprise: pulumi.Output[str]
    name: pulumi.Output[str]
    compute_service: pulumi.Output[str]
    network_settings_ids: pulumi.Output[list[str]]
    failover_network_settings_ids: pulumi.Output[list[str]]
    failover_network_enabled: pulumi.Output[bool]
    network_configuration_id: pulumi.Output[str]
    created_on: pulumi.Output[str | None]
    adopt: pulumi.Output[bool]

    def __init__(
        self,
        resource_name: str,
        args: EnterpriseNetworkConfigurationArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
        **kwargs: Any,
    ) -> None:
        props = registration(EnterpriseNetworkConfigurationArgs, args, kwargs, ENTERPRISE_NETWORK.computed)
        super().__init__(EnterpriseNetworkConfigurationProvider(), resource_name, props, opts)
