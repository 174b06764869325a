"""What an organization may change on a runner group its enterprise shares with it: which of its repositories
may use the group, and nothing else.

GitHub's docs (docs/emulator-fidelity.md cites them): organization owners "can assign additional granular
repository access policies to the enterprise runner group"; the public-repositories setting and the workflow
access "can't be overridden if configuring an organization's runner group that was shared by an enterprise".
So on an inherited group the org-level PATCH changes `visibility` (the org's repository access: all, selected or
private repositories of the org) and the org-level repository-list operations work once it is `selected`; a
PATCH that would change the name, the public-repositories or workflow settings or the network configuration is
refused with 422 and changes nothing, as are deleting the group and moving runners in or out of it (its runners
are the enterprise's). Which answer GitHub gives to those refusals is not documented: 422 is assumed.
"""

from __future__ import annotations

from typing import Any

from .rendering import HttpError
from .state import Org

ENTERPRISE_OWNS = (
    "This runner group is inherited from the enterprise: an organization may change only which of its "
    "repositories can use it (visibility and the repository list). {what} stay the enterprise's; change them at "
    "the enterprise level (/enterprises/{{enterprise}}/actions/runner-groups)."
)
# The group's settings an org sees but may not override, and how the refusal names them.
_ENTERPRISE_SETTINGS = {
    "name": "Its name",
    "allows_public_repositories": "The public-repositories setting",
    "restricted_to_workflows": "The workflow access settings",
    "selected_workflows": "The workflow access settings",
    "network_configuration_id": "Its network configuration",
}


def refused(what: str) -> HttpError:
    return HttpError(422, ENTERPRISE_OWNS.format(what=what))


def update(org: Org, group: dict[str, Any], fields: dict[str, Any]) -> None:
    """The org-level PATCH of an inherited group (`group` is the org's view, `fields` the validated body): a
    setting the enterprise owns may be sent only unchanged; `visibility` is the org's to set. Leaving `selected`
    drops the org's repository list, as for a group of the org's own."""
    for key, what in _ENTERPRISE_SETTINGS.items():
        if key in fields and _differs(fields[key], group.get(key)):
            raise refused(what)
    visibility = fields.get("visibility", group["visibility"])
    org.inherited_visibility[group["id"]] = visibility
    if visibility != "selected":
        org.group_repositories[group["id"]] = set()


def _differs(sent: Any, kept: Any) -> bool:
    if isinstance(sent, list) or isinstance(kept, list):
        return sorted(sent or []) != sorted(kept or [])
    return bool(sent != kept and (sent or kept))
