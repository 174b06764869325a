"""The engine-protocol test rig: plays the Pulumi engine against the Python SDK's dynamic provider server.

The Pulumi CLI is not available to the test suite; this package does what `pulumi preview/up/refresh/destroy`
do with a dynamic provider, over gRPC, against `python -u -m pulumi.dynamic`. One module per concern:
`program` (resource registrations), `wire` (the engine's encodings), `process` (the provider process and its boot
sequence), `engine` (what each command does), `checkpoint` (the state and its file). What it models of the engine
and what it does not is listed in docs/architecture.md (The engine-protocol rig).
"""

from .checkpoint import PROVIDER_TYPE, PROVIDER_URN, Checkpoint, DefaultProvider, StateResource
from .engine import Deployment, Engine, RunResult
from .errors import CheckFailed, HarnessError
from .program import Later, Ref, Res, make_urn
from .wire import PROVIDER_KEY, REDACTED, SECRET_SIG, SIG_KEY, UNKNOWN

__all__ = [
    "PROVIDER_KEY",
    "PROVIDER_TYPE",
    "PROVIDER_URN",
    "REDACTED",
    "SECRET_SIG",
    "SIG_KEY",
    "UNKNOWN",
    "CheckFailed",
    "Checkpoint",
    "DefaultProvider",
    "Deployment",
    "Engine",
    "HarnessError",
    "Later",
    "Ref",
    "Res",
    "RunResult",
    "StateResource",
    "make_urn",
]
