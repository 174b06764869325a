"""What no runner group step may do, whatever the program says: the refusals a group's own nature causes.

GitHub's Default group is never renamed or deleted and fills its own lists; a group an organization inherits
from its enterprise is read-only there; workflow restrictions the enterprise set are read-only; and with adopt,
the settings GitHub keeps must still satisfy the table's rules; a network configuration the group names must exist.
Check, create, take-over, update and delete all ask here, so each refusal is worded once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .. import api
from ..client import GitHubClient
from ..errors import GitHubAuthError, GitHubNotFound
from ..redaction import logger
from ._assignment_checks import DEFAULT_GROUP_NAME
from ._common import Checker, Refused
from .group_scope import GroupScope

log = logger("github_runner_groups")

# An org sees a group its enterprise shares with it read-only; the EnterpriseRunnerGroup resource manages it.
INHERITED_HINT = (
    "it is inherited from the enterprise, and an organization can change only which of its repositories may use "
    "it: choose those with a RunnerGroupRepositoryAccess (runner_group_id=the group's id); manage the group itself "
    "with an EnterpriseRunnerGroup resource (enterprise=SLUG, adopt=True, a token with manage_runners:enterprise "
    "or admin:enterprise), or in the enterprise's settings"
)


def default_lists(scope: GroupScope, where: str, group_id: int) -> Refused:
    return Refused(f"owning the lists of the Default runner group ({group_id}) of {where}", _default_lists_hint(scope))


def _default_lists_hint(scope: GroupScope) -> str:
    harms = "; ".join(f"as its {facet.list_noun}, {facet.default_group_harm}" for facet in scope.lists.values())
    separate = " / ".join(facet.resource_type for facet in scope.lists.values())
    return (
        f"GitHub fills the Default group itself with what no other group holds, so an exclusive list there fights "
        f"it: {harms}. Leave {' and '.join(scope.lists)} unset on this {scope.group_type}, or use a {separate} "
        "with exclusive=False."
    )


def refuse_default_group_lists(checker: Checker, scope: GroupScope) -> None:
    """The Default group is the one named `Default` (GitHub neither renames it nor lets another group take the
    name), so owning its lists is refused before anything is read; adopting it by id is refused at apply."""
    name = checker.inputs.get("name")
    if not isinstance(name, str) or name.lower() != DEFAULT_GROUP_NAME.lower():
        return
    for field in scope.lists:
        if checker.inputs.get(field) is not None:
            checker.fail(
                field,
                f"{field} is given for '{name}', the {scope.location}'s Default runner group: "
                f"{_default_lists_hint(scope)}",
            )


def default_rename(where: str, name: str, new_name: str) -> Refused:
    return Refused(
        f"renaming the Default runner group of {where} to {new_name!r}",
        f"GitHub does not allow renaming the Default group: keep name={name!r}.",
    )


def refuse_undeletable(scope: GroupScope, owner: str, group_id: int, props: Mapping[str, Any]) -> None:
    """Neither the Default group nor an inherited one can be deleted here: say how to stop managing it instead."""
    if props.get("default") or props.get("inherited"):
        what = "the Default group" if props.get("default") else "an enterprise-inherited group"
        raise Refused(
            f"deleting runner group {group_id} ('{props.get('name')}') in {scope.where(owner)}",
            f"it is {what}, which GitHub does not let anyone delete here. To stop managing it, run "
            "`pulumi state delete <urn>` (the group stays as it is), or mark the resource "
            "retain_on_delete=True.",
        )


def refuse_read_only_workflows(group: Mapping[str, Any], differing: Iterable[str]) -> None:
    if group.get("workflow_restrictions_read_only") and {"restricted_to_workflows", "selected_workflows"} & set(
        differing
    ):
        raise Refused(
            f"changing the workflow restrictions of runner group '{group.get('name')}'",
            "GitHub reports them read-only for this group (set by the enterprise): remove "
            "restricted_to_workflows/selected_workflows from the program or change them at the enterprise.",
        )


def refuse_broken_rules(scope: GroupScope, action: str, current: Mapping[str, Any], inputs: Mapping[str, Any]) -> None:
    """With adopt, unset settings keep GitHub's values: the rules check held for the program alone must also hold
    for that mix (workflows given, while GitHub's restricted_to_workflows is false, would be ignored forever)."""
    result = {**current, **{name: inputs.get(name) for name in (*scope.managed(inputs), *scope.lists)}}
    problems = [reason for rule in scope.rules for _, reason in rule(result)]
    if problems:
        raise Refused(action, " ".join(problems))


def refuse_unknown_network_configuration(
    scope: GroupScope, client: GitHubClient, owner: str, action: str, inputs: Mapping[str, Any]
) -> None:
    """A literal `network_configuration_id` is proven to exist (one GET) before the group's first write: GitHub
    would refuse it only at the POST or PATCH. Called after `refuse_what_ghes_lacks`, so never on GHES (no
    networking there), and only from create and update, where every input is known. A 403 proves nothing either
    way (a classic token without `read:network_configurations` may still write the group): GitHub then judges the
    id at the write, as it did before this check, and the log says so."""
    configuration_id = inputs.get("network_configuration_id")
    if configuration_id is None:
        return
    try:
        api.get_network_configuration(client, scope.location, owner, str(configuration_id))
    except GitHubAuthError:
        log.warning(
            "%s: could not check network_configuration_id %r (the token may not read network configurations: a "
            "classic token needs read:network_configurations); GitHub will judge it at the write",
            action,
            str(configuration_id),
        )
    except GitHubNotFound:
        resource = "EnterpriseNetworkConfiguration" if scope.location == "enterprise" else "NetworkConfiguration"
        raise Refused(
            action,
            f"network_configuration_id is {str(configuration_id)!r}, but there is no network configuration with id "
            f"{configuration_id} in {scope.where(owner)}: create it with {resource} and pass its .id (or the id "
            "the network configuration listing shows), or leave network_configuration_id unset for self-hosted "
            "runners. (A token that cannot see network configurations gets the same answer: a fine-grained token "
            'needs the "Network configurations" permission, read.)',
        ) from None
