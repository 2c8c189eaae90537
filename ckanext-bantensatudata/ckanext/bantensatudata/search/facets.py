"""Facet counting in one pass, with a small cache invalidated on every index write.

Counts follow Solr's facet.field: documents per value, most frequent first and
then by value, ``facet.limit`` per field (-1: all), ``facet.mincount``.  The
WHERE clause is the search's own, permission labels included, so a facet never
counts a dataset its viewer cannot see.

The cache is per process and keyed by a generation number kept in Redis; a
writer bumps it after its transaction commits, so a reader can never store a
pre-commit answer under the post-commit generation.
"""
from __future__ import annotations

import copy
import json
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from . import config as search_config
from . import store

log = logging.getLogger(__name__)

GENERATION_KEY = "bantensatudata:search:generation"
_CACHE: OrderedDict[str, tuple[float, dict[str, list[Any]]]] = OrderedDict()
_CACHE_SIZE = 256
_LOCK = threading.Lock()


def _redis() -> Any:
    from ckan.lib.redis import connect_to_redis

    return connect_to_redis()


def generation() -> str | None:
    try:
        value = _redis().get(GENERATION_KEY)
    except Exception:  # Redis down: no caching, never wrong answers
        log.warning("search facet cache disabled: Redis unavailable")
        return None
    return value.decode() if isinstance(value, bytes) else str(value or 0)


def bump() -> None:
    with _LOCK:
        _CACHE.clear()
    try:
        _redis().incr(GENERATION_KEY)
    except Exception:
        log.warning("could not bump the search generation in Redis")


def cached(parts: list[Any], compute: Callable[[], Any]) -> Any:
    """``compute()``, cached per process under the current write generation."""
    ttl = search_config.facet_cache_seconds()
    gen = generation() if ttl > 0 else None
    if gen is None:
        return compute()
    key = json.dumps([gen, *parts], sort_keys=True, default=str)
    with _LOCK:
        hit = _CACHE.get(key)
        if hit and hit[0] > time.monotonic():
            _CACHE.move_to_end(key)
            return copy.deepcopy(hit[1])
    result = compute()
    with _LOCK:
        _CACHE[key] = (time.monotonic() + ttl, copy.deepcopy(result))
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return result


def count(session: Any, where_sql: str, params: dict[str, Any], names: list[str],
          limit: int, mincount: int) -> dict[str, list[Any]]:
    from .compiler import FIELD_RE, QuerySyntaxError

    names = list(dict.fromkeys(names))
    for name in names:
        if not FIELD_RE.match(name):
            raise QuerySyntaxError(f"invalid facet field {name!r}")
    return cached(["facets", where_sql, params, names, limit, mincount],
                  lambda: _count(session, where_sql, params, names, limit, mincount))


def _count(session: Any, where_sql: str, params: dict[str, Any], names: list[str],
           limit: int, mincount: int) -> dict[str, list[Any]]:
    """One scan of the matching rows, then one small aggregate per field.

    Values are unique within a document (``store.prepare`` dedupes them), so a
    plain count is Solr's "documents per value"."""
    p = dict(params)
    p["facet_limit"] = limit
    p["facet_mincount"] = max(mincount, 1)
    columns = ["index_id"]
    parts = []
    for i, name in enumerate(names):
        label = f":facet{i}"
        p[f"facet{i}"] = name
        if name in store.COLUMNS and store.COLUMNS[name]:
            columns.append(name)
            source, value = f"matched, unnest(matched.{name}) AS v(value)", "v.value"
        elif name in store.COLUMNS:
            columns.append(name)
            source, value = f"matched WHERE matched.{name} IS NOT NULL", f"matched.{name}"
        else:
            if "sdoc" not in columns:
                columns.append("sdoc")
            source = (f"matched, jsonb_array_elements_text(CASE jsonb_typeof(matched.sdoc->{label}) "
                      f"WHEN 'array' THEN matched.sdoc->{label} "
                      f"WHEN 'string' THEN jsonb_build_array(matched.sdoc->{label}) "
                      f"ELSE '[]'::jsonb END) AS v(value)")
            value = "v.value"
        parts.append(f"SELECT CAST({label} AS text) AS name, {value} AS value, count(*) AS n FROM {source} "
                     f"GROUP BY {value} HAVING count(*) >= :facet_mincount")
    limit_sql = "" if limit < 0 else "WHERE rn <= :facet_limit"
    sql = f"""
        WITH matched AS MATERIALIZED (
            SELECT {", ".join(dict.fromkeys(columns))} FROM {store.TABLE} WHERE {where_sql})
        SELECT name, value, n FROM (
            SELECT name, value, n,
                   row_number() OVER (PARTITION BY name ORDER BY n DESC, value COLLATE "C" ASC) AS rn
            FROM ({" UNION ALL ".join(parts)}) AS per_field
        ) AS ranked {limit_sql}
        ORDER BY name, rn
    """
    out: dict[str, list[Any]] = {name: [] for name in names}
    for name, value, n in session.execute(sa.text(sql), p):
        out[name].extend([value, int(n)])
    return out
