"""Errors of the sign-in flow: each carries the HTTP status of the error page, a
translated message for the user and a short reason code for the log (never a token)."""
from __future__ import annotations


class SSOError(Exception):
    """A sign-in that must stop: no session and no account change may follow."""

    status = 400

    def __init__(self, message: str, reason: str, status: int | None = None) -> None:
        super().__init__(reason)
        self.message = message
        self.reason = reason
        if status is not None:
            self.status = status


class TransactionError(SSOError):
    """The callback does not belong to a sign-in this browser started (state, expiry)."""

    status = 400


class TokenRejected(SSOError):
    """The provider's answer failed verification (id_token, userinfo, profile)."""

    status = 401


class ProviderError(SSOError):
    """The provider answered with an OAuth error or something that is not OAuth."""

    status = 502


class ProviderUnavailable(SSOError):
    """The provider could not be reached (connection, TLS, timeout, 5xx)."""

    status = 503


class AccessDenied(SSOError):
    """The user cancelled, or the account may not sign in."""

    status = 403


class AccountConflict(SSOError):
    """The identity cannot be mapped to a CKAN account without risking a takeover."""

    status = 409


class ConfigurationError(SSOError):
    """The portal's SSO settings or rule files are wrong; an administrator must act.

    503, not 500: the portal works, its sign-in does not until the settings are fixed."""

    status = 503
