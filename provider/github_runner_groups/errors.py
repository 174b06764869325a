"""Typed errors shared by every layer.

Messages follow one shape so that a user reading a failed `pulumi up` knows what was being done, what GitHub
answered and what to do next. No message ever carries a credential: every error's text is scrubbed of the
process's secrets (`redaction.scrub`) when it is made, and the client scrubs GitHub's own fields too (a server may
echo what it was sent).
"""

from __future__ import annotations

from collections.abc import Callable

from .redaction import scrub


class GitHubRunnerGroupsError(Exception):
    """Base of every error this package raises on purpose; its text is scrubbed of every secret when it is made."""

    def __init__(self, *args: object) -> None:
        super().__init__(*(scrub(arg) if isinstance(arg, str) else arg for arg in args))


class ConfigError(GitHubRunnerGroupsError, ValueError):
    """Bad settings (token, base URL, App credentials, owner): found before any API call."""


class GitHubError(GitHubRunnerGroupsError):
    """GitHub answered, or failed to answer, a request.

    `action` says what was being done ("creating runner group 'ci' in org 'acme'"), `status` is the HTTP
    status (None when no answer came), `github_message` is GitHub's own `message` field and `hint` the likely fix.
    """

    def __init__(
        self,
        action: str,
        *,
        status: int | None = None,
        github_message: str | None = None,
        hint: str | None = None,
        errors: list[object] | None = None,
        request_id: str | None = None,
    ) -> None:
        self.action = action
        self.status = status
        self.github_message = github_message
        self.hint = hint
        self.errors = errors or []
        self.request_id = request_id
        super().__init__(self._compose())

    def with_hint(self, hint: str) -> GitHubError:
        """The same error (type, status, GitHub's answer) with the hint a caller can give in its own terms."""
        return type(self)(
            self.action,
            status=self.status,
            github_message=self.github_message,
            hint=hint,
            errors=self.errors,
            request_id=self.request_id,
        )

    def redacted(self, scrub: Callable[[str], str]) -> GitHubError:
        """The same error with `scrub` applied to every text a server could have filled (it may echo secrets)."""
        return type(self)(
            scrub(self.action),
            status=self.status,
            github_message=scrub(self.github_message) if self.github_message is not None else None,
            hint=scrub(self.hint) if self.hint is not None else None,
            errors=[_scrub_error(error, scrub) for error in self.errors],
            request_id=scrub(self.request_id) if self.request_id is not None else None,
        )

    def _compose(self) -> str:
        if self.status is None:
            answered = f"no answer from GitHub ({self.github_message})" if self.github_message else "no answer"
        else:
            answered = f"GitHub answered {self.status}"
            if self.github_message:
                answered += f": {self.github_message}"
            details = "; ".join(_describe_error(e) for e in self.errors)
            if details:
                answered += f" ({details})"
        text = f"{self.action} failed: {answered.rstrip('.')}."
        if self.request_id:
            text += f" [request id {self.request_id}]"
        if self.hint:
            text += f" {self.hint}"
        return text


class GitHubNotFound(GitHubError):
    """404: the object is gone, or the token cannot see it."""


class GitHubValidationError(GitHubError):
    """422 (or 400/409): GitHub refused the request body."""


class GitHubAuthError(GitHubError):
    """401, or a 403 that is not a rate limit: bad or under-scoped credentials."""


class GitHubRateLimited(GitHubError):
    """A primary or secondary rate limit that would take longer than the configured wait."""


class GitHubServerError(GitHubError):
    """5xx after every retry."""


class GitHubConnectionError(GitHubError):
    """No answer (connection refused, reset or timed out) after every retry."""


class GitHubOutcomeUnknown(GitHubConnectionError):
    """A non-idempotent request (POST) was sent but no answer came: it may or may not have taken effect.

    The caller must look before retrying, or it may make a duplicate.
    """


def _scrub_error(error: object, scrub: Callable[[str], str]) -> object:
    if isinstance(error, dict):
        return {scrub(str(key)): _scrub_error(value, scrub) for key, value in error.items()}
    if isinstance(error, list):
        return [_scrub_error(item, scrub) for item in error]
    return scrub(error) if isinstance(error, str) else error


def _describe_error(error: object) -> str:
    if isinstance(error, dict):
        parts = [f"{key}={error[key]}" for key in ("resource", "field", "code") if key in error]
        if "message" in error:
            parts.append(str(error["message"]))
        return " ".join(parts) or str(error)
    return str(error)
