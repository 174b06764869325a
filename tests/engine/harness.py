"""The names the engine tests import; the rig itself lives in the `rig` package, one module per concern."""

from rig import (
    PROVIDER_KEY,
    REDACTED,
    SECRET_SIG,
    SIG_KEY,
    UNKNOWN,
    CheckFailed,
    Engine,
    HarnessError,
    Later,
    Ref,
    Res,
    RunResult,
    StateResource,
    make_urn,
)

__all__ = [
    "PROVIDER_KEY",
    "REDACTED",
    "SECRET_SIG",
    "SIG_KEY",
    "UNKNOWN",
    "CheckFailed",
    "Engine",
    "HarnessError",
    "Later",
    "Ref",
    "Res",
    "RunResult",
    "StateResource",
    "make_urn",
]
