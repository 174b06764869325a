"""The org side of a runner group the enterprise shares with an org: which of the org's repositories may use it.

GitHub lets an organization choose that (its visibility: all, selected or private repositories, and the list of
selected ones) and nothing else of such a group: its name, public-repositories and workflow settings, runners and
existence stay the enterprise's (docs/enterprise-shared-groups.md). A RunnerGroupRepositoryAccess given such a
group's id therefore works on it without ever owning the group itself:

- exclusive: when the group is created in the stack, the org's setting found on it is recorded (output
  `inherited_setting`: its visibility, and its list when `selected`); the group is switched to `selected` if it
  is not, then its list is written; on delete that setting is put back (never emptied, never deleted);
- additive: only entries are added and removed, so the org's setting must already be `selected` (else refused
  before any write: switching it would take the group from every repository the resource does not list).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .. import api
from ..client import GitHubClient
from ..errors import GitHubNotFound
from ._common import Refused

SETTING_FIELD = "inherited_setting"
SELECTED = "selected"


def open_for_list(
    client: GitHubClient, org: str, group_id: int, exclusive: bool, live_ids: Callable[[], set[int]]
) -> dict[str, Any] | None:
    """Before the first write of a create: None for a group of the org's own; for an inherited one, the org's
    setting found on it (to put back on delete), once it is `selected` (exclusive) or refused (additive)."""
    group = api.get_runner_group(client, org, group_id)
    if not group.inherited:
        return None
    if group.visibility != SELECTED and not exclusive:
        raise Refused(
            f"adding repositories to runner group {group_id} ('{group.name}') in org '{org}'",
            f"the group is inherited from the enterprise and the org lets {_who(group.visibility)} use it, so an "
            "additive list would change nothing until the org's setting is 'selected', and switching it would take "
            "the group from every repository this resource does not list. Use an exclusive "
            "RunnerGroupRepositoryAccess (it switches the org's setting and puts it back on delete), or set "
            "'Selected repositories' for the group in the org's Actions runner-group settings.",
        )
    found: dict[str, Any] = {"visibility": group.visibility, "repository_ids": []}
    if group.visibility == SELECTED:
        found["repository_ids"] = sorted(live_ids())
    elif exclusive:
        api.update_runner_group(client, org, group_id, {"name": group.name, "visibility": SELECTED})
    return found


def put_back(client: GitHubClient, org: str, group_id: int, setting: dict[str, Any]) -> None:
    """On delete: the org's setting as this resource found it (a `selected` list, or all/private repositories).
    A group gone (deleted or no longer shared) leaves nothing to put back."""
    try:
        if setting.get("visibility") == SELECTED:
            ids = [int(i) for i in setting.get("repository_ids") or []]
            api.set_group_repositories(client, org, group_id, ids)
            return
        group = api.get_runner_group(client, org, group_id)
        if group.visibility != setting.get("visibility"):
            body = {"name": group.name, "visibility": str(setting.get("visibility") or "all")}
            api.update_runner_group(client, org, group_id, body)
    except GitHubNotFound:
        pass


def _who(visibility: str) -> str:
    return "all its private repositories" if visibility == "private" else "all its repositories"
