"""GitHub App JWTs as GitHub checks them: RS256 with the App's public key, `iss` the App id, a short lifetime."""

from __future__ import annotations

from typing import Any

from .rendering import HttpError
from .state import App

_UNDECODABLE = "A JSON web token could not be decoded"
_MAX_LIFETIME_SECONDS = 600  # GitHub refuses a JWT whose exp is more than 10 minutes after its iat
_CLOCK_DRIFT_SECONDS = 60  # and accepts an iat up to a minute ahead of its clock


def verify_app_jwt(token: str, app: App, now: float) -> None:
    """PyJWT checks the format, the algorithm and the signature; the times are checked here against `now`.

    The emulator's clock is injectable (tests move it), and PyJWT reads the wall clock, so its own iat/exp
    checks are turned off in favour of the same checks against the emulator's time.
    """
    import jwt  # imported on first use: only App authentication needs it

    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            app.public_key_pem,
            algorithms=["RS256"],
            options={"require": ["iat", "exp", "iss"], "verify_exp": False, "verify_iat": False},
        )
    except jwt.PyJWTError:
        raise HttpError(401, _UNDECODABLE) from None
    if str(claims["iss"]) != app.app_id:
        raise HttpError(401, "'Issuer' claim ('iss') must be an Integer")
    issued, expires = claims["iat"], claims["exp"]
    if not all(isinstance(t, int | float) and not isinstance(t, bool) for t in (issued, expires)):
        raise HttpError(401, _UNDECODABLE)
    if expires <= now or issued > now + _CLOCK_DRIFT_SECONDS:
        raise HttpError(401, "'Expiration time' claim ('exp') must be a numeric value representing the future time")
    if expires - issued > _MAX_LIFETIME_SECONDS:
        raise HttpError(401, "'Expiration time' claim ('exp') is too far in the future")
