"""The two ways a run of the rig fails, as the CLI would report them."""

from __future__ import annotations


class HarnessError(Exception):
    """A provider call failed (gRPC status): `message` is the provider's text, as the CLI would print it."""

    def __init__(self, step: str, urn: str, message: str) -> None:
        self.step = step
        self.urn = urn
        self.message = message
        super().__init__(f"{step} {urn or '(provider)'}: {message}")


class CheckFailed(HarnessError):
    """Check returned failures: the engine stops before any write, as for a failed `pulumi preview`."""

    def __init__(self, urn: str, failures: list[tuple[str, str]]) -> None:
        self.failures = failures
        super().__init__("check", urn, "; ".join(f"{prop}: {reason}" for prop, reason in failures))
