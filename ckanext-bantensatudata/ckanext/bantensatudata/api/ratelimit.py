"""Sliding-window rate limits kept in Redis, shared by every worker process.

One counter per (bucket, identity, fixed window): ``INCR`` then ``EXPIRE NX``,
plus a read of the previous window's counter, in one round trip.  The count is
the current window plus the previous one weighted by how much of it still lies
within the last ``seconds`` (the usual sliding-window estimate), so a burst that
straddles a window boundary is still refused.  An identity is the client IP and, when the request carries an API
token, a hash of that token (the token itself never reaches Redis), so one
client cannot dodge the limit by rotating tokens nor by rotating addresses
with a single token.  If Redis is unreachable the request is let through: the
portal stays available and the failure is logged.
"""
from __future__ import annotations

import hashlib
import logging
import math
import time
from collections.abc import Iterable

import ckan.plugins.toolkit as tk
from ckan.lib.redis import connect_to_redis
from redis.exceptions import RedisError

from .config import Limit

log = logging.getLogger(__name__)


def _prefix() -> str:
    return f"{tk.config.get('ckan.site_id') or 'ckan'}:bantensatudata_api:rl"


def token_identity(token: str) -> str:
    return "tok:" + hashlib.sha256(token.encode("utf-8")).hexdigest()[:32]


def ip_identity(address: str) -> str:
    return "ip:" + (address or "unknown")


def hit(bucket: str, identities: Iterable[str], limit: Limit, now: float | None = None) -> int | None:
    """Count one request; return the seconds to wait if any identity is over its limit."""
    now = time.time() if now is None else now
    window = int(now // limit.seconds)
    elapsed = (now - window * limit.seconds) / limit.seconds
    prefixes = [f"{_prefix()}:{bucket}:{identity}" for identity in identities]
    if not prefixes:
        return None
    try:
        pipe = connect_to_redis().pipeline(transaction=False)
        for prefix in prefixes:
            pipe.incr(f"{prefix}:{window}")
            pipe.expire(f"{prefix}:{window}", 2 * limit.seconds, nx=True)
            pipe.get(f"{prefix}:{window - 1}")
        replies = pipe.execute()
    except RedisError as e:  # fail open: availability over strictness
        log.warning("Rate limit not applied (Redis error: %s)", e)
        return None
    estimates = [int(replies[i]) + int(replies[i + 2] or 0) * (1 - elapsed)
                 for i in range(0, len(replies), 3)]
    if max(estimates) <= limit.count:
        return None
    return max(1, math.ceil((window + 1) * limit.seconds - now))
