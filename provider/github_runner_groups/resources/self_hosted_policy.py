"""SelfHostedRunnerPolicy: which repositories of an org may use repository-level self-hosted runners (Settings >
Actions > General > Runners): `all`, `selected` (with a repository list) or `none`.

An org always has this policy, so the resource takes it over rather than making it. Exclusive (the default), it
owns the policy and, when `repositories` is given, the whole list (one PUT each, only when they differ); when
destroyed it gives the org back the policy and list it found. Additive (`exclusive=False`), it owns only its own
entries of a `selected` list, which someone else's policy keeps: it adds what is missing, and removes on destroy
only what it added. Repository names and ids are proven to exist before the first write. Every write is a PUT
or a DELETE of a whole value, so a lost answer is safe to repeat (the client does). github.com, GHEC and GitHub
Enterprise Server from 3.19: on 3.17 and 3.18 the first answer is refused naming the release (the base URL does
not tell a release, so check cannot).
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import pulumi
import pulumi.dynamic
from pulumi.runtime.settings import get_monitor

from .. import api, resolve
from ..client import GitHubClient
from ..errors import GitHubError, GitHubNotFound
from ._assignment_checks import check_references, matches_members
from ._assignment_lists import resolve_members
from ._common import GitHubProvider, Refused, check_field, check_result, contains_unknown, registration
from ._common import user_inputs as without_provider
from ._facet import REPOSITORY_ACCESS
from ._ownership import OwnershipConflict, _program_owners
from .fields import Role, folded, named
from .surface_fields import SELF_HOSTED_POLICY_FIELDS, SELF_HOSTED_POLICY_RULES

__all__ = ["SelfHostedRunnerPolicy", "SelfHostedRunnerPolicyArgs", "SelfHostedRunnerPolicyProvider"]

FIELDS = {f.name: f for f in SELF_HOSTED_POLICY_FIELDS}
INPUTS = named(SELF_HOSTED_POLICY_FIELDS, Role.SETTING, Role.LOCATION, Role.STEERING, Role.MEMBERS)
COMPUTED = named(SELF_HOSTED_POLICY_FIELDS, Role.COMPUTED)
# The policy's repository list shares the access resource's references, resolution and drift test.
FACET = replace(
    REPOSITORY_ACCESS,
    resource_type="SelfHostedRunnerPolicy",
    list_noun="list of repositories allowed self-hosted runners",
)


class SelfHostedRunnerPolicyProvider(GitHubProvider):
    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> pulumi.dynamic.CheckResult:
        checker = self.start_check(news, set(INPUTS))
        check_field(checker, FIELDS["exclusive"], adopting=False, ghes=False)
        exclusive = checker.inputs.get("exclusive") is not False
        wanted = checker.inputs.get("enabled_repositories")
        if exclusive and wanted is None:
            checker.fail(
                "enabled_repositories",
                "enabled_repositories is required: which repositories may use self-hosted runners, 'all', "
                "'selected' or 'none' (an additive policy, exclusive=False, leaves it to its owner).",
            )
        check_field(checker, FIELDS["enabled_repositories"], adopting=True, ghes=False)
        if not exclusive and wanted not in (None, "selected") and checker.known("enabled_repositories"):
            checker.fail(
                "enabled_repositories",
                f"enabled_repositories is {wanted!r} on an additive policy (exclusive=False), which owns only its "
                "repositories' entries of a 'selected' list: leave enabled_repositories unset (or 'selected').",
            )
        if checker.inputs.get("repositories") is not None or not exclusive:
            check_references(checker, FACET)
        if exclusive and checker.known("enabled_repositories"):
            for rule in SELF_HOSTED_POLICY_RULES:
                for path, reason in rule(checker.inputs):
                    checker.fail(path, reason)
        return check_result(checker, news)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> pulumi.dynamic.DiffResult:
        # `exclusive` is True unless set False (check fills it in; a state may predate that).
        replaces = [
            name for name in ("org", "exclusive") if folded(olds.get(name, True)) != folded(news.get(name, True))
        ]
        changes = list(replaces)
        if news.get("exclusive") is not False and _differs(olds.get("enabled_repositories"), news):
            changes.append("enabled_repositories")
        if news.get("repositories") is not None and not matches_members(FACET, olds, news):
            changes.append("repositories")
        # The old policy is given back before the new resource takes it over: it restores what it found.
        return pulumi.dynamic.DiffResult(changes=bool(changes), replaces=replaces, delete_before_replace=True)

    def create(self, props: dict[str, Any]) -> pulumi.dynamic.CreateResult:
        inputs = without_provider(props)
        org = str(inputs["org"])
        client = self.client()
        exclusive = inputs.get("exclusive") is not False
        action = f"taking over the self-hosted-runner policy of org '{org}'"
        _claim(client, org, exclusive, action)
        live, live_ids = _read(client, org, action)
        if exclusive:
            outputs = self._apply_exclusive(client, org, action, inputs, live.enabled_repositories, live_ids)
            outputs["previous_enabled_repositories"] = live.enabled_repositories
            outputs["previous_repository_ids"] = sorted(live_ids)
        else:
            outputs = self._apply_additive(client, org, action, inputs, live.enabled_repositories, live_ids, set())
        return pulumi.dynamic.CreateResult(_resource_id(org), {**inputs, **outputs})

    def read(self, id_: str, props: dict[str, Any]) -> pulumi.dynamic.ReadResult:
        org = str(props["org"])
        client = self.client()
        live, live_ids = _read(client, org, f"reading the self-hosted-runner policy of org '{org}'")
        outputs = dict(props)
        inputs = {key: props[key] for key in INPUTS if props.get(key) is not None}
        if props.get("exclusive") is not False:
            outputs["enabled_repositories"] = inputs["enabled_repositories"] = live.enabled_repositories
            owned = live_ids if props.get("repositories") is not None else set()
        else:
            owned = {int(i) for i in props.get("repository_ids") or []} & live_ids
        if props.get("repositories") is not None:
            members = _named(client, org, owned)
            outputs.update(_members(members))
            inputs["repositories"] = [members[i] for i in sorted(members)]
        return pulumi.dynamic.ReadResult(id_, outputs, inputs)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> pulumi.dynamic.UpdateResult:
        inputs = without_provider(news)
        org = str(inputs["org"])
        client = self.client()
        action = f"updating the self-hosted-runner policy of org '{org}'"
        exclusive = inputs.get("exclusive") is not False
        _claim(client, org, exclusive, action)
        live, live_ids = _read(client, org, action)
        kept = {key: olds.get(key) for key in ("previous_enabled_repositories", "previous_repository_ids")}
        if exclusive:
            outputs = self._apply_exclusive(client, org, action, inputs, live.enabled_repositories, live_ids)
        else:
            found = {int(i) for i in olds.get("found_repository_ids") or []}
            outputs = self._apply_additive(client, org, action, inputs, live.enabled_repositories, live_ids, found)
            # Entries this resource added and no longer lists go; those it found stay.
            dropped = {int(i) for i in olds.get("repository_ids") or []} - set(outputs["repository_ids"]) - found
            for repository_id in sorted(dropped & live_ids):
                _remove(client, org, repository_id)
        return pulumi.dynamic.UpdateResult({**inputs, **kept, **outputs})

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        org = str(props["org"])
        client = self.client()
        action = f"giving back the self-hosted-runner policy of org '{org}'"
        live, live_ids = _read(client, org, action)
        if props.get("exclusive") is not False:
            previous = props.get("previous_enabled_repositories")
            if previous in api.SELF_HOSTED_POLICIES and previous != live.enabled_repositories:
                api.set_self_hosted_runner_policy(client, org, str(previous))
            # The list is given back when this resource owned it, or when its policy change emptied it.
            owned_list = props.get("repositories") is not None or props.get("enabled_repositories") != previous
            if previous == "selected" and owned_list:
                wanted = set(_named(client, org, {int(i) for i in props.get("previous_repository_ids") or []}))
                if wanted != live_ids:
                    api.set_self_hosted_repositories(client, org, sorted(wanted))
            return
        if live.enabled_repositories != "selected":
            return  # The list is gone with the `selected` policy: nothing of this resource's is left.
        found = {int(i) for i in props.get("found_repository_ids") or []}
        for repository_id in sorted({int(i) for i in props.get("repository_ids") or []} - found):
            if repository_id in live_ids:
                _remove(client, org, repository_id)

    # Steps

    def _apply_exclusive(
        self,
        client: GitHubClient,
        org: str,
        action: str,
        inputs: Mapping[str, Any],
        live_policy: str,
        live_ids: set[int],
    ) -> dict[str, Any]:
        wanted = str(inputs["enabled_repositories"])
        listed = inputs.get("repositories")
        members = resolve_members(client, FACET, org, listed) if listed is not None else None  # before any write
        if wanted != live_policy:
            api.set_self_hosted_runner_policy(client, org, wanted)
        outputs: dict[str, Any] = {"repository_ids": None, "repository_names": None}
        if members is not None:
            if set(members) != (live_ids if live_policy == "selected" else set()):
                api.set_self_hosted_repositories(client, org, sorted(members))
            outputs.update(_members(members))
        return outputs

    def _apply_additive(
        self,
        client: GitHubClient,
        org: str,
        action: str,
        inputs: Mapping[str, Any],
        live_policy: str,
        live_ids: set[int],
        found_before: set[int],
    ) -> dict[str, Any]:
        if live_policy != "selected":
            raise Refused(
                action,
                f"the org's self-hosted-runner policy is {live_policy!r}, and an additive SelfHostedRunnerPolicy "
                "(exclusive=False) only adds entries to a 'selected' list: set the policy to 'selected' (an "
                "exclusive SelfHostedRunnerPolicy, or the org's Settings > Actions > General), or make this one "
                "exclusive.",
            )
        members = resolve_members(client, FACET, org, inputs.get("repositories"))
        found = (found_before | (set(members) & live_ids)) & set(members)
        added: list[int] = []
        try:
            for repository_id in sorted(set(members) - live_ids):
                api.add_self_hosted_repository(client, org, repository_id)
                added.append(repository_id)
        except GitHubError:
            for repository_id in added:  # nothing is left that no resource owns
                _remove(client, org, repository_id)
            raise
        return {**_members(members), "found_repository_ids": sorted(found)}


def _read(client: GitHubClient, org: str, action: str) -> tuple[api.SelfHostedRunnerPolicy, set[int]]:
    """The live policy and, when `selected`, its repository ids; a 404 explained (GHES before 3.19, or access)."""
    try:
        live = api.get_self_hosted_runner_policy(client, org)
    except GitHubNotFound as missing:
        version = api.enterprise_server_version(client, "org", org)
        if version is not None:
            raise Refused(
                action,
                f"GitHub Enterprise Server {version} has no self-hosted-runner policy endpoints (GitHub documents "
                "them from GHES 3.19 on): remove the SelfHostedRunnerPolicy (in a spec: self_hosted_runners), or "
                "upgrade the server.",
            ) from None
        raise missing.with_hint(
            f"Check that org '{org}' exists and that the token has admin:org (classic) or the organization "
            "permission 'Actions policies: write' (fine-grained)."
        ) from None
    if live.enabled_repositories != "selected":
        return live, set()
    return live, {repo.id for repo in api.list_self_hosted_repositories(client, org)}


def _remove(client: GitHubClient, org: str, repository_id: int) -> None:
    """Remove one entry; already gone (404), or its list is (409: the policy left `selected`), is done."""
    try:
        api.remove_self_hosted_repository(client, org, repository_id)
    except GitHubError as exc:
        if exc.status not in (404, 409):
            raise


def _named(client: GitHubClient, org: str, ids: set[int]) -> dict[int, str]:
    """Ids with their names, from the org's listing (read once per process); ids the org no longer has are
    dropped (a repository deleted meanwhile)."""
    return resolve.names_for_ids(client, resolve.REPOSITORIES, org, ids) if ids else {}


def _members(members: Mapping[int, str]) -> dict[str, Any]:
    ordered = sorted(members)
    return {"repository_ids": ordered, "repository_names": [members[i] for i in ordered]}


def _differs(old: Any, news: Mapping[str, Any]) -> bool:
    new = news.get("enabled_repositories")
    return contains_unknown(new) or old != new


def _resource_id(org: str) -> str:
    return f"{org}/self-hosted-runners"


# Per client (one per provider process, so one per run): who holds each org's policy.
_held: weakref.WeakKeyDictionary[GitHubClient, dict[str, bool]] = weakref.WeakKeyDictionary()
_held_lock = threading.Lock()


def _claim(client: GitHubClient, org: str, exclusive: bool, action: str) -> None:
    """One exclusive policy per org and run, and never beside an additive one (each `up` would undo the other);
    two additive ones may share the list (their entries are resolved and written one by one)."""
    with _held_lock:
        held = _held.setdefault(client, {})
        other = held.get(org.lower())
        if other is not None and (exclusive or other):
            raise Refused(
                action,
                "another SelfHostedRunnerPolicy of this program already manages this org's policy, and one of them is "
                "exclusive: keep one exclusive SelfHostedRunnerPolicy per org, or make both additive "
                "(exclusive=False) under a policy set to 'selected'.",
            )
        held[org.lower()] = exclusive


@dataclass
class SelfHostedRunnerPolicyArgs:
    """Inputs of a SelfHostedRunnerPolicy. `org` defaults to github:owner / GITHUB_OWNER. `enabled_repositories`:
    'all', 'selected' or 'none' (required unless exclusive=False). `repositories` (names or ids, 'selected' only):
    the whole list when given (exclusive); unset, the list is not managed. `exclusive=False`: only these
    repositories' entries, added to a list that someone else's 'selected' policy keeps."""

    org: pulumi.Input[str] | None = None
    enabled_repositories: pulumi.Input[str] | None = None
    repositories: pulumi.Input[Sequence[pulumi.Input[str | int]]] | None = None
    exclusive: pulumi.Input[bool] = True


class SelfHostedRunnerPolicy(pulumi.dynamic.Resource, module="github", name="SelfHostedRunnerPolicy"):
    """Which repositories of an org may use repository-level self-hosted runners; its id is
    `ORG/self-hosted-runners`."""

    org: pulumi.Output[str]
    enabled_repositories: pulumi.Output[str]
    repositories: pulumi.Output[list[str | int] | None]
    exclusive: pulumi.Output[bool]
    repository_ids: pulumi.Output[list[int] | None]
    repository_names: pulumi.Output[list[str] | None]
    found_repository_ids: pulumi.Output[list[int] | None]
    previous_enabled_repositories: pulumi.Output[str | None]
    previous_repository_ids: pulumi.Output[list[int] | None]

    def __init__(
        self,
        resource_name: str,
        args: SelfHostedRunnerPolicyArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
        **kwargs: Any,
    ) -> None:
        props = registration(SelfHostedRunnerPolicyArgs, args, kwargs, COMPUTED)
        _declare(resource_name, props)
        super().__init__(SelfHostedRunnerPolicyProvider(), resource_name, props, opts)


# The policies a program declares, by org (unset: the provider's owner, as the providers resolve it), so that
# two owners of one org's policy fail when the program is built (in preview too); `_claim` catches the rest (an
# org given as an Output) at apply. Kept with the program's monitor: tests run several programs in one process.
_declared: tuple[object, str | None, dict[str | None, tuple[str, bool]]] | None = None
_declared_lock = threading.Lock()


def _declare(resource_name: str, props: Mapping[str, Any]) -> None:
    global _declared
    org, exclusive = props.get("org"), props.get("exclusive") is not False
    if not (org is None or isinstance(org, str)) or not isinstance(props.get("exclusive", True), bool):
        return  # not known while the program is built
    with _declared_lock:
        monitor = get_monitor()
        if _declared is None or _declared[0] is not monitor:
            _declared = (monitor, _program_owners().default_org, {})  # a new program
        key = org.lower() if org else _declared[1]
        declared = _declared[2]
        other = declared.get(key)
        if other is not None and (exclusive or other[1]):
            raise OwnershipConflict(
                f"SelfHostedRunnerPolicy '{resource_name}' and SelfHostedRunnerPolicy '{other[0]}' both manage the "
                f"self-hosted-runner policy of org '{org or 'github:owner'}', and one of them is exclusive: each "
                "`pulumi up` would undo the other's writes. Keep one exclusive SelfHostedRunnerPolicy per org, or "
                "make both additive (exclusive=False) under a policy set to 'selected'."
            )
        declared[key] = (resource_name, exclusive)
