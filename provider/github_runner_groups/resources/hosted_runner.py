"""HostedRunner: one GitHub-hosted larger runner of an organization, in one of its runner groups.

Everything the pinned API's PATCH accepts changes in place (name, size, image, maximum_runners, static IP,
image_gen and the group: moving between groups is a PATCH); only a new org replaces the runner. Before any
write, create and update check what the org offers (sizes, images, static IPs, read once per run), that the
group exists and that no other hosted runner holds the name. GitHub Enterprise Server has no hosted runners:
check refuses them when github:baseUrl is a GHES one, and a GHES behind another URL is named by its release
before any write.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi.dynamic

from .. import api
from ..client import GitHubClient
from ..errors import GitHubError, GitHubNotFound, GitHubOutcomeUnknown, GitHubValidationError
from ..redaction import logger
from . import _journal, group_registry, hosted_catalog, hosted_deletion
from ._common import (
    GitHubProvider,
    GroupLister,
    Refused,
    changed_fields,
    check_field,
    check_result,
    gone,
    managed_settings,
    numeric_id,
    of_this_stack,
    registration,
    table_outputs,
)
from ._common import user_inputs as without_provider
from .fields import HOSTED_RUNNER_FIELDS, Role, named, on_ghes
from .surface_fields import ENTERPRISE_HOSTED_RUNNER_FIELDS

__all__ = ["HostedRunner", "HostedRunnerArgs", "HostedRunnerProvider"]

FIELDS = {f.name: f for f in (*HOSTED_RUNNER_FIELDS, *ENTERPRISE_HOSTED_RUNNER_FIELDS)}
SETTABLE = named(HOSTED_RUNNER_FIELDS, Role.SETTING)
# An org's runners, or an enterprise's (GHEC): the same settings, another location and group listing.
TABLES = {"org": HOSTED_RUNNER_FIELDS, "enterprise": ENTERPRISE_HOSTED_RUNNER_FIELDS}
GROUP_LISTERS: dict[str, GroupLister] = {"org": api.list_runner_groups, "enterprise": api.list_enterprise_runner_groups}
COMPUTED = named(HOSTED_RUNNER_FIELDS, Role.COMPUTED)
_UNSET_OPTIONAL = {
    f.name for f in HOSTED_RUNNER_FIELDS if f.role is Role.SETTING and f.default is None and not f.required
}
SIZES_DOCS = (
    "https://docs.github.com/en/actions/reference/runners/larger-runners#specifications-for-general-larger-runners"
)
log = logger("github_runner_groups")
# PATCH names the image fields flat; POST nests them in `image`.
_IMAGE_KEYS = {"image_id": "id", "image_source": "source", "image_version": "version"}


class HostedRunnerProvider(GitHubProvider):
    # Where the runner lives: an org, or (EnterpriseHostedRunnerProvider) an enterprise, with its field table.
    location = "org"

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> pulumi.dynamic.CheckResult:
        checker = self.start_check(news, set(_inputs(self.location)), self.location)
        base_url = self.settings.client.base_url
        if on_ghes(base_url):
            server = f"GitHub Enterprise Server (github:baseUrl {base_url})"
            checker.fail("provider", hosted_catalog.ghes_has_no_hosted_runners(server))
        adopting = checker.inputs.get("adopt") is True
        for field in TABLES[self.location]:
            if field.role in (Role.SETTING, Role.STEERING) and field.name != "runner_group_id":
                check_field(checker, field, adopting=adopting, ghes=False)
        checker.group_id("runner_group_id")
        if isinstance(checker.inputs.get("maximum_runners"), float):
            checker.inputs["maximum_runners"] = int(checker.inputs["maximum_runners"])  # a number from state
        return check_result(checker, news)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> pulumi.dynamic.DiffResult:
        changes = _changed(olds, news, (self.location, *_managed(news)))
        replaces = [self.location] if self.location in changes else []
        return pulumi.dynamic.DiffResult(changes=bool(changes), replaces=replaces, delete_before_replace=False)

    @_journal.for_stack
    def create(self, props: dict[str, Any]) -> pulumi.dynamic.CreateResult:
        inputs = without_provider(props)
        org, name = str(inputs[self.location]), str(inputs["name"])
        adopting = inputs.get("adopt") is True
        action = f"{'adopting' if adopting else 'creating'} GitHub-hosted runner '{name}' in {self.location} '{org}'"
        client = self.client()
        catalog = hosted_catalog.org_catalog(client, org, action, self.location)
        existing = catalog.holder_of(name) if adopting else None
        if existing is not None and existing.status == hosted_deletion.DELETING:
            raise Refused(action, _deleting_hint(existing))
        if existing is None:
            made = _create_new(client, org, action, catalog, inputs)
        else:
            made = _take_over(client, org, action, catalog, existing, inputs)
        catalog.remember(made)
        _journal.note_held(client, "hosted", org.lower(), str(made.id))
        return pulumi.dynamic.CreateResult(str(made.id), _outputs(org, adopting, made, self.location))

    def read(self, id_: str, props: dict[str, Any]) -> pulumi.dynamic.ReadResult:
        org = str(props[self.location])
        client = self.client()
        try:
            found = api.get_hosted_runner(client, org, _hosted_runner_id(id_), location=self.location)
        except GitHubNotFound:
            return gone(client, org, GROUP_LISTERS[self.location])
        if found.status == hosted_deletion.DELETING:
            # Deleted outside this stack and on its way out: dropped now, as it will be once GitHub is done (an
            # `up` that recreates it is told to wait until the name is free).
            return pulumi.dynamic.ReadResult("", {})
        outputs = _outputs(org, props.get("adopt") is True, found, self.location)
        inputs = {key: outputs[key] for key in _inputs(self.location) if outputs.get(key) is not None}
        return pulumi.dynamic.ReadResult(str(found.id), outputs, inputs)

    @_journal.for_stack
    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> pulumi.dynamic.UpdateResult:
        inputs = without_provider(news)
        org = str(inputs[self.location])
        hosted_runner_id = _hosted_runner_id(id_)
        differing = _changed(olds, inputs, _managed(inputs))
        if not differing:
            return pulumi.dynamic.UpdateResult({**olds, **inputs})
        where = f"{self.location} '{org}'"
        action = f"updating GitHub-hosted runner {hosted_runner_id} ('{olds.get('name')}') in {where}"
        client = self.client()
        catalog = hosted_catalog.org_catalog(client, org, action, self.location)
        updated = _patch(client, org, action, catalog, hosted_runner_id, _wanted(olds, inputs), differing)
        catalog.remember(updated)
        return pulumi.dynamic.UpdateResult(_outputs(org, inputs.get("adopt") is True, updated, self.location))

    @_journal.for_stack
    def delete(self, id_: str, props: dict[str, Any]) -> None:
        org = str(props[self.location])
        hosted_runner_id = _hosted_runner_id(id_)
        client = self.client()
        catalog = hosted_catalog.known_org_catalog(client, org, self.location)
        if catalog is not None and catalog.adopted_in_this_run(hosted_runner_id):
            log.warning(
                "not deleting GitHub-hosted runner %d ('%s') in %s '%s': another resource of this run adopted it "
                "and holds it now; only this resource leaves the state (to rename a resource without "
                "this, use an alias)",
                hosted_runner_id,
                props.get("name"),
                self.location,
                org,
            )
            return
        try:
            api.delete_hosted_runner(client, org, hosted_runner_id, location=self.location)
        except GitHubNotFound:
            pass  # Already gone: the desired end state.
        else:
            # `Deleting` still holds the name
            hosted_deletion.wait_until_gone(client, org, hosted_runner_id, location=self.location)
        _journal.drop_held(client, "hosted", org.lower(), str(hosted_runner_id))
        if catalog is not None:
            catalog.forget(hosted_runner_id)
            if props.get("enable_static_ip"):
                catalog.give_back_public_ip()


def _create_new(
    client: GitHubClient, org: str, action: str, catalog: hosted_catalog.OrgHostedCatalog, inputs: Mapping[str, Any]
) -> api.HostedRunner:
    _verify(client, org, action, catalog, inputs, SETTABLE, own_id=None)
    taking_ip = inputs.get("enable_static_ip") is True
    with _public_ip(catalog, action, taking=taking_ip):
        made = _create(client, org, action, _post_body(inputs), catalog)
    catalog.own(made.id)
    return made


def _take_over(
    client: GitHubClient,
    org: str,
    action: str,
    catalog: hosted_catalog.OrgHostedCatalog,
    existing: api.HostedRunner,
    inputs: Mapping[str, Any],
) -> api.HostedRunner:
    """Adopt a hosted runner: write only the settings the program sets that differ from GitHub's."""
    if not catalog.own(existing.id):
        raise Refused(
            action,
            f"another resource of this program already creates or adopts the hosted runner '{existing.name}' (id "
            f"{existing.id}); two resources owning one runner would overwrite each other: keep one of them.",
        )
    live = _outputs(org, True, existing, catalog.location)
    differing = _changed(live, inputs, _managed(inputs))
    if not differing:
        return existing
    return _patch(client, org, action, catalog, existing.id, _wanted(live, inputs), differing)


def _patch(
    client: GitHubClient,
    org: str,
    action: str,
    catalog: hosted_catalog.OrgHostedCatalog,
    hosted_runner_id: int,
    wanted: Mapping[str, Any],
    differing: list[str],
) -> api.HostedRunner:
    """PATCH only `differing`, once what it sets is verified; a static IP turned off goes back to the org."""
    _verify(client, org, action, catalog, wanted, differing, own_id=hosted_runner_id)
    turning_ip = "enable_static_ip" in differing
    with _public_ip(catalog, action, taking=turning_ip and wanted.get("enable_static_ip") is True):
        try:
            body = _patch_body(wanted, differing)
            updated = api.update_hosted_runner(client, org, hosted_runner_id, body, location=catalog.location)
        except GitHubNotFound as exc:
            raise exc.with_hint(
                "The hosted runner was deleted outside this stack: run `pulumi refresh` to drop it from the state "
                "(the next `pulumi up` creates it again)."
            ) from None
        except GitHubValidationError as exc:
            raise _explained(exc, wanted) from None
    if turning_ip and not updated.public_ip_enabled:
        catalog.give_back_public_ip()
    return updated


@contextmanager
def _public_ip(catalog: hosted_catalog.OrgHostedCatalog, action: str, *, taking: bool) -> Iterator[None]:
    """Hold one of the org's static IP ranges for the write inside, when it turns one on; give it back if the
    write fails."""
    if taking:
        catalog.take_public_ip(action)
    try:
        yield
    except BaseException:
        if taking:
            catalog.give_back_public_ip()
        raise


def _verify(
    client: GitHubClient,
    org: str,
    action: str,
    catalog: hosted_catalog.OrgHostedCatalog,
    wanted: Mapping[str, Any],
    changing: Iterable[str],
    *,
    own_id: int | None,
) -> None:
    """What `changing` sets is offered by the org, free and existing: checked before any write."""
    changing = set(changing)
    # A custom image's pinned version is checked with its image: a new version alone re-checks both.
    image_changing = bool({"image_id", "image_source", "image_version"} & changing)
    catalog.refuse_unoffered(
        action,
        {
            "size": wanted.get("size") if "size" in changing else None,
            "image_source": wanted.get("image_source"),
            "image_id": wanted.get("image_id") if image_changing else None,
            "image_version": wanted.get("image_version"),
        },
    )
    if "name" in changing:
        holder = catalog.holder_of(str(wanted["name"]), own_id)
        if holder is not None:
            raise Refused(action, _taken_hint(holder, _holds(client, org, holder.id)))
    if "runner_group_id" in changing:
        group_id = int(wanted["runner_group_id"])
        groups = group_registry.org_groups(client, org, GROUP_LISTERS[catalog.location])
        if group_id not in groups.known_ids():
            kind = "EnterpriseRunnerGroup" if catalog.location == "enterprise" else "RunnerGroup"
            raise Refused(
                action,
                f"runner_group_id={group_id} is not a runner group of {catalog.location} '{org}' (deleted, or never "
                f"made there): pass the id of an existing {kind}, e.g. runner_group_id=group.id.",
            )


def _wanted(current: Mapping[str, Any], inputs: Mapping[str, Any]) -> dict[str, Any]:
    """The runner as it is to be: the program's settings over the current ones (with adopt, unset ones stay)."""
    return {**current, **{name: inputs.get(name) for name in _managed(inputs)}}


def _managed(inputs: Mapping[str, Any]) -> tuple[str, ...]:
    """With adopt, what the program sets; without, every setting but an unset optional one (`image_version`),
    which stays as GitHub keeps it (GitHub may report the version it chose)."""
    return tuple(
        name
        for name in managed_settings(inputs, SETTABLE)
        if name not in _UNSET_OPTIONAL or inputs.get(name) is not None
    )


def _create(
    client: GitHubClient, org: str, action: str, body: Mapping[str, Any], catalog: hosted_catalog.OrgHostedCatalog
) -> api.HostedRunner:
    """POST; if the answer was lost, look before retrying: a runner of that name made since the org was read, with
    every setting the POST sent, is the one this POST made; any other is someone else's and is never claimed."""
    location = catalog.location
    try:
        return api.create_hosted_runner(client, org, body, location=location)
    except GitHubOutcomeUnknown:
        listed = api.list_hosted_runners(client, org, location=location)
        found = next((r for r in listed if r.name.lower() == body["name"].lower()), None)
        if found is None:
            return api.create_hosted_runner(client, org, body, location=location)
        lost = f"{action} (its answer was lost)"
        if found.id in catalog.listed_ids:
            raise Refused(lost, _taken_hint(found, _holds(client, org, found.id))) from None
        differing = _differs_from_post(found, body, location)
        if differing:
            raise Refused(
                lost,
                f"a GitHub-hosted runner named '{found.name}' already exists (id {found.id}): it appeared while the "
                f"answer was lost, but its {', '.join(differing)} differ from what this create sent, so someone "
                "else made it; it was not claimed. Check it in the org's Actions runner settings: if it is yours, "
                "set adopt=True; if not, choose another name.",
            ) from None
        return found
    except GitHubValidationError as refused:
        listed = api.list_hosted_runners(client, org, location=location)
        holder = next((r for r in listed if r.name.lower() == body["name"].lower()), None)
        if holder is None:
            raise _explained(refused, {"size": body.get("size"), "image_id": body.get("image", {}).get("id")}) from None
        raise refused.with_hint(_taken_hint(holder, _holds(client, org, holder.id))) from None


def _explained(refused: GitHubValidationError, wanted: Mapping[str, Any]) -> GitHubError:
    """GitHub's refusal of a size, said in terms of its image: not every size serves every image."""
    if not any(isinstance(e, Mapping) and e.get("field") == "size" for e in refused.errors):
        return refused
    return refused.with_hint(
        f"Not every machine size serves every image: size '{wanted.get('size')}' with image "
        f"'{wanted.get('image_id')}' was refused. GitHub's larger-runner specifications: 2 vCPUs are Ubuntu only, "
        "4-vCPU Windows runners need the Windows Server 2025 or Windows 11 Desktop image, 96 vCPUs are x64 only "
        f"({SIZES_DOCS}). Choose another size or image."
    )


def _deleting_hint(holder: api.HostedRunner) -> str:
    return (
        f"the GitHub-hosted runner named '{holder.name}' (id {holder.id}) is being deleted (status Deleting), so it "
        "can be neither taken over nor replaced by a runner of that name yet: wait until GitHub has removed it "
        "(usually a few minutes) and run `pulumi up` again, which then creates a new runner of that name."
    )


def _differs_from_post(found: api.HostedRunner, body: Mapping[str, Any], location: str) -> list[str]:
    """The settings of `body` (a POST, image nested) that `found` does not have, by the fields' own comparison."""
    sent = {name: value for name, value in body.items() if name != "image"}
    sent.update({flat: body.get("image", {}).get(nested) for flat, nested in _IMAGE_KEYS.items()})
    live = _outputs("", False, found, location)
    return [
        name
        for name, value in sent.items()
        if value is not None and FIELDS[name].compare(live.get(name)) != FIELDS[name].compare(value)
    ]


def _holds(client: GitHubClient, org: str, hosted_runner_id: int) -> bool:
    """Whether the ownership journal records that a resource of this stack created or adopted the runner."""
    return _journal.holds(client, "hosted", org.lower(), str(hosted_runner_id))


def _taken_hint(holder: api.HostedRunner, held: bool = False) -> str:
    if holder.status == hosted_deletion.DELETING:
        return _deleting_hint(holder)
    if held:
        return (
            f"a GitHub-hosted runner named '{holder.name}' already exists in the org (id {holder.id}), and a "
            "resource of this stack created or adopted it and has not deleted it: most likely this stack still "
            "holds it under another resource name (the resource, its spec group or its component was renamed). "
            "Tell Pulumi it was renamed instead of setting adopt=True: `opts=pulumi.ResourceOptions(aliases=["
            "pulumi.Alias(name='OLD-RESOURCE-NAME')])` on the resource, or `renamed_from:` on the spec's hosted "
            f"runner. If no resource in `pulumi stack export` has id {holder.id}, a run interrupted after creating "
            "it left it: then adopt=True is safe."
        )
    return (
        f"a GitHub-hosted runner named '{holder.name}' already exists in the org (id {holder.id}) and this stack "
        "does not own it: set adopt=True to take it over (the next `pulumi up` changes only what differs), or "
        "choose another name."
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
    return numeric_id(id_, "hosted runner")


def _outputs(org: str, adopt: bool, runner: api.HostedRunner, location: str = "org") -> dict[str, Any]:
    return table_outputs(TABLES[location], runner, {location: org, "adopt": adopt})


def _inputs(location: str) -> tuple[str, ...]:
    return named(TABLES[location], Role.SETTING, Role.LOCATION, Role.STEERING)


@dataclass
class HostedRunnerArgs:
    """Inputs of a HostedRunner. `org` defaults to github:owner / GITHUB_OWNER; unset settings get the defaults
    this library pins (image_source 'github', maximum_runners 10, no static IP, no image_gen), except with
    `adopt=True`, which takes over the org's hosted runner of that name and leaves unset settings as they are."""

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
    adopt: pulumi.Input[bool] = False


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
    platform: pulumi.Output[str]
    machine_size_details: pulumi.Output[dict[str, Any]]
    public_ips: pulumi.Output[list[str]]
    adopt: pulumi.Output[bool]

    def __init__(
        self,
        resource_name: str,
        args: HostedRunnerArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
        **kwargs: Any,
    ) -> None:
        props = registration(HostedRunnerArgs, args, kwargs, COMPUTED)
        super().__init__(of_this_stack(HostedRunnerProvider()), resource_name, props, opts)
