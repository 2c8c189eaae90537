"""Redis cache of the viewer-independent facts, invalidated on every write.

Keys carry a generation number; any change to a dataset, resource or
membership (IDomainObjectModification) bumps it, once when the change is
flushed and once after the transaction commits, so a reader that recomputed
between the two cannot keep serving what it saw before the commit.  Entries
also expire after ``cache_seconds`` because some figures move without a CKAN
write (time passing for overdue datasets, download counters).  If Redis is
unreachable the figures are simply computed every time.
"""
from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from ckan.lib.redis import connect_to_redis
from redis.exceptions import RedisError

from . import config

log = logging.getLogger(__name__)

VERSION = "v1"  # bump when the shape of cached facts changes
_DIRTY = "bantensatudata_dashboard_dirty"


def _prefix() -> str:
    return f"bantensatudata_dashboard:{tk.config.get('ckan.site_id') or 'default'}"


def generation() -> str:
    value = connect_to_redis().get(f"{_prefix()}:generation")
    return value.decode() if isinstance(value, bytes) else str(value or "0")


def invalidate() -> None:
    """Makes every cached figure stale (cheap: one INCR)."""
    try:
        connect_to_redis().incr(f"{_prefix()}:generation")
    except RedisError:
        log.warning("dashboard cache: Redis unavailable, invalidation skipped", exc_info=True)


def cached(name: str, params: str, compute: Callable[[], Any]) -> Any:
    seconds = config.cache_seconds()
    if not seconds:
        return compute()
    try:
        conn = connect_to_redis()
        key = f"{_prefix()}:{VERSION}:{generation()}:{name}:{params}"
        raw = conn.get(key)
        if raw is not None:
            return json.loads(raw)
    except RedisError:
        log.warning("dashboard cache: Redis unavailable, computing", exc_info=True)
        return compute()
    value = compute()
    try:
        conn.setex(key, seconds, json.dumps(value, default=str))
    except RedisError:
        log.warning("dashboard cache: could not store %s", name, exc_info=True)
    return value


def mark_dirty(session: Any) -> None:
    """Called from IDomainObjectModification before the commit."""
    session.info[_DIRTY] = True
    invalidate()


def _after_commit(session: Any) -> None:
    if session.info.pop(_DIRTY, False):
        invalidate()


def _after_rollback(session: Any, *_args: Any) -> None:
    session.info.pop(_DIRTY, None)


_LISTENING: list[bool] = []


def listen() -> None:
    """Registers the commit hooks on CKAN's session (once per process)."""
    if _LISTENING:
        return
    sa.event.listen(model.Session, "after_commit", _after_commit)
    sa.event.listen(model.Session, "after_soft_rollback", _after_rollback)
    _LISTENING.append(True)
