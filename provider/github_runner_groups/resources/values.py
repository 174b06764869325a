"""Judging input values without importing Pulumi, so that the spec and the exporter load fast.

Inside a Pulumi program or provider, Pulumi is loaded and its unknowns are recognised; elsewhere (the CLI
reading a spec) no value can be unknown.
"""

from __future__ import annotations

import re
import sys
from typing import Any

from ..errors import ConfigError
from ..redaction import scrub

_ACCOUNT_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9]))*")


def is_unknown(value: Any) -> bool:
    """A value the engine does not know yet (preview): the SDK's Unknown, or its wire form where it stays text."""
    output = sys.modules.get("pulumi.output")
    rpc = sys.modules.get("pulumi.runtime.rpc")
    return (output is not None and isinstance(value, output.Unknown)) or (
        rpc is not None and isinstance(value, str) and value == rpc.UNKNOWN
    )


def org_problem(value: Any) -> str | None:
    """What is wrong with `value` as an organization login (None: nothing); the exporter and lookups use it too."""
    return _account_problem(value, "org", "a GitHub organization login", 39, "the ORG of github.com/ORG")


def enterprise_problem(value: Any) -> str | None:
    """What is wrong with `value` as an enterprise slug (None: nothing)."""
    where = "the ENTERPRISE of github.com/enterprises/ENTERPRISE"
    return _account_problem(value, "enterprise", "an enterprise slug", 100, where)


def _account_problem(value: Any, field: str, what: str, longest: int, where: str) -> str | None:
    """Logins and slugs: letters, digits and single hyphens, not at either end, up to `longest` characters."""
    if isinstance(value, str) and len(value) <= longest and _ACCOUNT_NAME.fullmatch(value):
        return None
    return (
        f"{field} must be {what} (letters, digits and single hyphens, at most {longest} characters), "
        f"got {shown(value)}; use {where}."
    )


def require_org(value: Any) -> str:
    """`value` when it is an organization login; otherwise ConfigError, before any request is built from it."""
    problem = org_problem(value)
    if problem is not None:
        raise ConfigError(problem)
    return str(value)


def shown(value: Any, limit: int = 80) -> str:
    """`repr(value)` for a message, scrubbed of secrets, then capped so that a huge input cannot flood the error."""
    text = scrub(repr(value))
    length = len(value) if isinstance(value, str) else len(text)  # the value's own length, not its repr's
    return text if len(text) <= limit else f"{text[: limit - 3]}... ({length} characters)"
