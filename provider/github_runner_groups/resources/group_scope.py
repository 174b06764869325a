"""GroupScope: where a runner group lives, an organization or an enterprise, as the one group provider sees it.

The org and enterprise resources share their provider; what differs is this value: the field table, the rules,
the list facets and the REST operations. What a table alone decides (which inputs a step manages, which differ,
a request body, the outputs of a group) is answered here, once for both.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from .. import api
from ..client import GitHubClient
from ._common import GroupLister, TableScope, managed_settings, table_outputs
from ._facet import MEMBERSHIP, REPOSITORY_ACCESS, Facet
from .fields import RUNNER_GROUP_FIELDS, RUNNER_GROUP_RULES, Field, Role, Rule, named


@dataclass(frozen=True)
class GroupScope(TableScope):
    """Where a runner group lives, an organization or an enterprise: its field table and its REST operations.
    One provider serves both; the enterprise resource differs only in its scope."""

    location: str  # the input naming the owner: `org` or `enterprise`
    table: tuple[Field, ...]
    rules: tuple[Rule, ...]
    facets: tuple[Facet, ...]  # what each MEMBERS field shares with its separate access/membership resource
    list_groups: GroupLister
    create: Callable[[GitHubClient, str, api.RequestBody], api.Versioned[api.RunnerGroup]]
    get_if_changed: Callable[[GitHubClient, str, int, str | None], api.Conditional[api.RunnerGroup]]
    update: Callable[[GitHubClient, str, int, api.RequestBody], api.Versioned[api.RunnerGroup]]
    delete: Callable[[GitHubClient, str, int], None]

    @cached_property
    def lists(self) -> dict[str, Facet]:
        """The inline lists the table has, each with the facet (of the same field name) whose resolution, drift,
        ownership and explanations it shares."""
        by_field = {facet.refs_field: facet for facet in self.facets}
        return {name: by_field[name] for name in named(self.table, Role.MEMBERS)}

    @property
    def group_type(self) -> str:
        """The resource serving this scope, for messages (every facet names it as the owner of its inline list)."""
        return next(iter(self.lists.values())).group_type

    def where(self, owner: str) -> str:
        """`org 'acme'` or `enterprise 'acme-corp'`, for messages."""
        return f"{self.location} '{owner}'"

    def managed(self, inputs: Mapping[str, Any]) -> tuple[str, ...]:
        return managed_settings(inputs, self.settable)

    def body(self, inputs: Mapping[str, Any], names: Iterable[str], *, send_nulls: bool = True) -> dict[str, Any]:
        """Request body for `names`; `send_nulls` clears an unset network configuration on PATCH."""
        body: dict[str, Any] = {}
        for name in dict.fromkeys(names):
            value = self.fields[name].to_json(inputs.get(name))
            if value is not None or send_nulls:
                body[name] = value
        return body

    def outputs(
        self,
        owner: str,
        adopt: bool,
        group: api.RunnerGroup,
        etag: str | None = None,
        lists: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """`etag` is that of the last full read: the next refresh (a new process) sends it and gets a 304 if
        unchanged. `lists`: the inline lists' outputs (see `_group_lists.list_outputs`); not owned when absent."""
        return table_outputs(self.table, group, {self.location: owner, "adopt": adopt, "etag": etag, **(lists or {})})


ORG_GROUPS = GroupScope(
    "org",
    RUNNER_GROUP_FIELDS,
    RUNNER_GROUP_RULES,
    (REPOSITORY_ACCESS, MEMBERSHIP),
    api.list_runner_groups,
    api.create_runner_group,
    api.get_runner_group_if_changed,
    api.update_runner_group,
    api.delete_runner_group,
)
