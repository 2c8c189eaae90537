"""Server-side state of the sign-in, in CKAN's Redis.

CKAN 2.12's default session is a signed (not encrypted, not revocable) cookie, so
a browser could replay an old cookie.  The sign-in transaction (state, nonce, PKCE
verifier, came_from) therefore lives in Redis under a hash of its state, is read
and deleted in one atomic GETDEL (single use) and expires on its own; the session
only records which states this browser started.  The id_token kept for
RP-initiated logout also lives here (never in the cookie, never in a log).
"""
from __future__ import annotations

import hashlib
import json
import secrets
import time
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.lib.redis import connect_to_redis as _connect
from redis import Redis
from redis.exceptions import RedisError

from ckanext.bantensso import config
from ckanext.bantensso.errors import SSOError

_TX = "bantensso:tx:"
_LOGOUT = "bantensso:logout:"


class StoreUnavailable(SSOError):
    """Redis is down: no sign-in can be started or finished safely."""

    status = 503


class _Guarded:
    """A Redis connection whose failures become a readable 503 page, not a 500."""

    def __init__(self, conn: Redis) -> None:
        self._conn = conn

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._conn, name)

        def call(*args: Any, **kwargs: Any) -> Any:
            try:
                return method(*args, **kwargs)
            except RedisError as exc:
                raise StoreUnavailable(
                    tk._("Banten Satu Login cannot be reached at the moment. Please try again in a few minutes."),
                    "session_store_unavailable",
                ) from exc

        return call


def connect_to_redis() -> Any:
    return _Guarded(_connect())


def _key(prefix: str, value: str) -> str:
    site = tk.config.get("ckan.site_id") or ""
    digest = hashlib.sha256(value.encode("utf-8")).hexdigest()
    return f"{prefix}{site}:{digest}"


def save_transaction(state: str, data: dict[str, Any]) -> None:
    """Store a sign-in transaction for at most transaction_lifetime seconds."""
    lifetime = config.transaction_lifetime()
    record = dict(data, created=time.time(), lifetime=lifetime)
    connect_to_redis().set(_key(_TX, state), json.dumps(record), ex=lifetime)


def pop_transaction(state: str) -> dict[str, Any] | None:
    """Take the transaction of ``state`` out of the store: a second call gets None."""
    raw = connect_to_redis().getdel(_key(_TX, state))
    if raw is None:
        return None
    record = json.loads(raw)
    if time.time() - float(record.get("created", 0)) > float(record.get("lifetime", 0)):
        return None
    return record


def age_transaction(state: str, seconds: float) -> bool:
    """Make a stored transaction older by ``seconds`` (used by the expiry tests)."""
    conn = connect_to_redis()
    key = _key(_TX, state)
    raw = conn.get(key)
    if raw is None:
        return False
    record = json.loads(raw)
    record["created"] = float(record["created"]) - seconds
    conn.set(key, json.dumps(record), keepttl=True)
    return True


def save_logout_token(id_token: str) -> str:
    """Keep the id_token for id_token_hint at logout; returns the handle for the session."""
    handle = secrets.token_urlsafe(32)
    connect_to_redis().set(_key(_LOGOUT, handle), id_token, ex=config.logout_token_ttl())
    return handle


def pop_logout_token(handle: str) -> str | None:
    raw = connect_to_redis().getdel(_key(_LOGOUT, handle))
    return raw.decode("utf-8") if isinstance(raw, bytes) else raw
