"""HostedRunner: one GitHub-hosted larger runner of an organization, in one of its runner groups.

Everything the pinned API's PATCH accepts changes in place (name, size, image, maximum_runners, static IP,
image_gen and the group: moving between groups is a PATCH); only a new org replaces the runner. Before any
write, create and update check what the org offers (sizes, images, static IPs, read once per run), that the
group exists and that no other hosted runner holds the name. GitHub Enterprise Server has no hosted runners:
check refuses them when github:baseUrl is a GHES one, and a GHES behind another URL is named by its release
before any write.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi.dynamic

from .. import api
from ..client import GitHubClient
from ..errors import GitHubNotFound, GitHubOutcomeUnknown, GitHubValidationError
from . import group_registry, hosted_catalog
from ._common import (
    GitHubProvider,
    Refused,
    changed_fields,
    check_field,
    check_result,
    gone,
    parse_id,
    registration,
)
from ._common import user_inputs as without_provider
from .fields import HOSTED_RUNNER_FIELDS, Role, named, on_ghes

__all__ = ["HostedRunner", "HostedRunnerArgs", "HostedRunnerProvider"]

FIELDS = {f.name: f for f in HOSTED_RUNNER_FIELDS}
SETTABLE = named(HOSTED_RUNNER_FIELDS, Role.SETTING)
INPUTS = named(HOSTED_RUNNER_FIELDS, Role.SETTING, Role.LOCATION, Role.STEERING)
COMPUTED = named(HOSTED_RUNNER_FIELDS, Role.COMPUTED)
# PATCH names the image fields flat; POST nests them in `image`.
_IMAGE_KEYS = {"image_id": "id", "image_source": "source", "image_version": "version"}


class HostedRunnerProvider(GitHubProvider):
    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> pulumi.dynamic.CheckResult:
        checker = self.start_check(news, set(INPUTS))
        base_url = self.settings.client.base_url
        if on_ghes(base_url):
            server = f"GitHub Enterprise Server (github:baseUrl {base_url})"
            checker.fail("provider", hosted_catalog.ghes_has_no_hosted_runners(server))
        for field in HOSTED_RUNNER_FIELDS:
            if field.role is Role.SETTING and field.name != "runner_group_id":
                check_field(checker, field, adopting=False, ghes=False)
        checker.group_id("runner_group_id")
        if isinstance(checker.inputs.get("maximum_runners"), float):
            checker.inputs["maximum_runners"] = int(checker.inputs["maximum_runners"])  # a number from state
        return check_result(checker, news)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> pulumi.dynamic.DiffResult:
        changes = _changed(olds, news, ("org", *SETTABLE))
        replaces = ["org"] if "org" in changes else []
        return pulumi.dynamic.DiffResult(changes=bool(changes), replaces=replaces, delete_before_replace=False)

    def create(self, props: dict[str, Any]) -> pulumi.dynamic.CreateResult:
        inputs = without_provider(props)
        org, name = str(inputs["org"]), str(inputs["name"])
        action = f"creating GitHub-hosted runner '{name}' in org '{org}'"
        client = self.client()
        catalog = _verified(client, org, action, inputs, SETTABLE, own_id=None)
        if inputs.get("enable_static_ip"):
            catalog.take_public_ip(action)
        try:
            made = _create(client, org, action, _post_body(inputs), catalog)
        except BaseException:
            if inputs.get("enable_static_ip"):
                catalog.give_back_public_ip()
            raise
        catalog.remember(made)
        return pulumi.dynamic.CreateResult(str(made.id), _outputs(org, made))

    def read(self, id_: str, props: dict[str, Any]) -> pulumi.dynamic.ReadResult:
        org = str(props["org"])
        client = self.client()
        try:
            found = api.get_hosted_runner(client, org, _hosted_runner_id(id_))
        except GitHubNotFound:
            return gone(client, org)
        outputs = _outputs(org, found)
        inputs = {key: outputs[key] for key in INPUTS if outputs.get(key) is not None}
        return pulumi.dynamic.ReadResult(str(found.id), outputs, inputs)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> pulumi.dynamic.UpdateResult:
        inputs = without_provider(news)
        org = str(inputs["org"])
        hosted_runner_id = _hosted_runner_id(id_)
        differing = _changed(olds, inputs, SETTABLE)
        if not differing:
            return pulumi.dynamic.UpdateResult({**olds, **inputs})
        action = f"updating GitHub-hosted runner {hosted_runner_id} ('{olds.get('name')}') in org '{org}'"
        client = self.client()
        catalog = _verified(client, org, action, inputs, differing, own_id=hosted_runner_id)
        taking_ip = "enable_static_ip" in differing and bool(inputs.get("enable_static_ip"))
        if taking_ip:
            catalog.take_public_ip(action)
        try:
            updated = _patch(client, org, hosted_runner_id, _patch_body(inputs, differing))
        except BaseException:
            if taking_ip:
                catalog.give_back_public_ip()
            raise
        if "enable_static_ip" in differing and not inputs.get("enable_static_ip"):
            catalog.give_back_public_ip()
        catalog.remember(updated)
        return pulumi.dynamic.UpdateResult(_outputs(org, updated))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        org = str(props["org"])
        hosted_runner_id = _hosted_runner_id(id_)
        client = self.client()
        try:
            api.delete_hosted_runner(client, org, hosted_runner_id)
        except GitHubNotFound:
            pass  # Already gone: the desired end state.
        catalog = hosted_catalog.known_org_catalog(client, org)
        if catalog is not None:
            catalog.forget(hosted_runner_id)
            if props.get("enable_static_ip"):
                catalog.give_back_public_ip()


def _verified(
    client: GitHubClient,
    org: str,
    action: str,
    inputs: Mapping[str, Any],
    changing: Iterable[str],
    *,
    own_id: int | None,
) -> hosted_catalog.OrgHostedCatalog:
    """The org's catalog, once what `changing` sets is known to be offered, free and existing (no write yet)."""
    changing = set(changing)
    catalog = hosted_catalog.org_catalog(client, org, action)
    image_changing = bool({"image_id", "image_source"} & changing)
    catalog.refuse_unoffered(
        action,
        {
            "size": inputs.get("size") if "size" in changing else None,
            "image_source": inputs.get("image_source"),
            "image_id": inputs.get("image_id") if image_changing else None,
        },
    )
    if "name" in changing:
        holder = catalog.holder_of(str(inputs["name"]), own_id)
        if holder is not None:
            raise Refused(action, _taken_hint(holder))
    if "runner_group_id" in changing:
        group_id = int(inputs["runner_group_id"])
        groups = group_registry.org_groups(client, org)
        if group_id not in groups.known_ids():
            raise Refused(
                action,
                f"runner_group_id={group_id} is not a runner group of org '{org}' (deleted, or never made there): "
                "pass the id of an existing RunnerGroup, e.g. runner_group_id=group.id.",
            )
    return catalog


def _create(
    client: GitHubClient, org: str, action: str, body: Mapping[str, Any], catalog: hosted_catalog.OrgHostedCatalog
) -> api.HostedRunner:
    """POST; if the answer was lost, look before retrying: a runner of that name made since the org was read is
    the one this POST made."""
    try:
        return api.create_hosted_runner(client, org, body)
    except GitHubOutcomeUnknown:
        found = next((r for r in api.list_hosted_runners(client, org) if r.name == body["name"]), None)
        if found is None:
            return api.create_hosted_runner(client, org, body)
        if found.id in catalog.listed_ids:
            raise Refused(f"{action} (its answer was lost)", _taken_hint(found)) from None
        return found
    except GitHubValidationError as refused:
        holder = next((r for r in api.list_hosted_runners(client, org) if r.name.lower() == body["name"].lower()), None)
        if holder is None:
            raise
        raise refused.with_hint(_taken_hint(holder)) from None


def _patch(client: GitHubClient, org: str, hosted_runner_id: int, body: Mapping[str, Any]) -> api.HostedRunner:
    try:
        return api.update_hosted_runner(client, org, hosted_runner_id, body)
    except GitHubNotFound as exc:
        raise exc.with_hint(
            "The hosted runner was deleted outside this stack: run `pulumi refresh` to drop it from the state (the "
            "next `pulumi up` creates it again)."
        ) from None


def _taken_hint(holder: api.HostedRunner) -> str:
    return (
        f"a GitHub-hosted runner named '{holder.name}' already exists in the org (id {holder.id}) and this stack "
        "does not own it: choose another name, or delete that runner first."
    )


def _post_body(inputs: Mapping[str, Any]) -> dict[str, Any]:
    """Every setting; the image fields nested as POST wants them, an unset image version left to GitHub."""
    body: dict[str, Any] = {}
    image: dict[str, Any] = {}
    for name, value in _patch_body(inputs, SETTABLE).items():
        if name in _IMAGE_KEYS:
            if value is not None:
                image[_IMAGE_KEYS[name]] = value
        else:
            body[name] = value
    return {**body, "image": image}


def _patch_body(inputs: Mapping[str, Any], names: Iterable[str]) -> dict[str, Any]:
    """Only `names`, as JSON: ids as integers, as GitHub's schema wants them."""
    return {name: FIELDS[name].compare(inputs.get(name)) for name in names}


def _changed(olds: Mapping[str, Any], news: Mapping[str, Any], names: tuple[str, ...]) -> list[str]:
    return changed_fields(olds, news, names, lambda name, value: FIELDS[name].compare(value))


def _hosted_runner_id(id_: str) -> int:
    parsed = parse_id(id_)
    if parsed is None:
        raise ValueError(f"hosted runner resource id {id_!r} is not a numeric hosted runner id")
    return parsed


def _outputs(org: str, runner: api.HostedRunner) -> dict[str, Any]:
    return {
        f.name: org if f.name == "org" else f.from_model(runner)
        for f in HOSTED_RUNNER_FIELDS
        if f.role is not Role.STEERING
    }


@dataclass
class HostedRunnerArgs:
    """Inputs of a HostedRunner. `org` defaults to github:owner / GITHUB_OWNER; unset settings get GitHub's
    defaults as this library pins them (image_source 'github', maximum_runners 10, no static IP, no image_gen)."""

    name: pulumi.Input[str]
    runner_group_id: pulumi.Input[int | str]
    image_id: pulumi.Input[str]
    size: pulumi.Input[str]
    org: pulumi.Input[str] | None = None
    image_source: pulumi.Input[str] | None = None
    image_version: pulumi.Input[str] | None = None
    maximum_runners: pulumi.Input[int] | None = None
    enable_static_ip: pulumi.Input[bool] | None = None
    image_gen: pulumi.Input[bool] | None = None


class HostedRunner(pulumi.dynamic.Resource, module="github", name="HostedRunner"):
    """A GitHub-hosted larger runner; its `id` is GitHub's numeric hosted runner id as text."""

    org: pulumi.Output[str]
    name: pulumi.Output[str]
    runner_group_id: pulumi.Output[int]
    image_id: pulumi.Output[str]
    image_source: pulumi.Output[str]
    image_version: pulumi.Output[str | None]
    size: pulumi.Output[str]
    maximum_runners: pulumi.Output[int]
    enable_static_ip: pulumi.Output[bool]
    image_gen: pulumi.Output[bool]
    hosted_runner_id: pulumi.Output[int]
    status: pulumi.Output[str]
    platform: pulumi.Output[str]
    machine_size_details: pulumi.Output[dict[str, Any]]
    public_ips: pulumi.Output[list[str]]
    last_active_on: pulumi.Output[str | None]

    def __init__(
        self,
        resource_name: str,
        args: HostedRunnerArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
        **kwargs: Any,
    ) -> None:
        props = registration(HostedRunnerArgs, args, kwargs, COMPUTED)
        super().__init__(HostedRunnerProvider(), resource_name, props, opts)
