"""Judging input values without importing Pulumi, so that the spec and the exporter load fast.

Inside a Pulumi program or provider, Pulumi is loaded and its unknowns are recognised; elsewhere (the CLI
reading a spec) no value can be unknown.
"""

from __future__ import annotations

import re
import sys
from typing import Any

from ..errors import ConfigError

_ORG_LOGIN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}")
_ENTERPRISE_SLUG = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,99}")


def is_unknown(value: Any) -> bool:
    """A value the engine does not know yet (preview): the SDK's Unknown, or its wire form where it stays text."""
    output = sys.modules.get("pulumi.output")
    rpc = sys.modules.get("pulumi.runtime.rpc")
    return (output is not None and isinstance(value, output.Unknown)) or (
        rpc is not None and isinstance(value, str) and value == rpc.UNKNOWN
    )


def org_problem(value: Any) -> str | None:
    """What is wrong with `value` as an organization login (None: nothing); the exporter and lookups use it too."""
    if isinstance(value, str) and _ORG_LOGIN.fullmatch(value):
        return None
    return (
        f"org must be a GitHub organization login (letters, digits and single hyphens, at most 39 characters), "
        f"got {shown(value)}; use the ORG of github.com/ORG."
    )


def enterprise_problem(value: Any) -> str | None:
    """What is wrong with `value` as an enterprise slug (None: nothing)."""
    if isinstance(value, str) and _ENTERPRISE_SLUG.fullmatch(value):
        return None
    return (
        f"enterprise must be an enterprise slug (letters, digits and single hyphens, at most 100 characters), "
        f"got {shown(value)}; use the ENTERPRISE of github.com/enterprises/ENTERPRISE."
    )


def require_org(value: Any) -> str:
    """`value` when it is an organization login; otherwise ConfigError, before any request is built from it."""
    problem = org_problem(value)
    if problem is not None:
        raise ConfigError(problem)
    return str(value)


def shown(value: Any, limit: int = 80) -> str:
    """`repr(value)` for a message, capped so that a huge input cannot flood the error."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[: limit - 3]}... ({len(text)} characters)"
