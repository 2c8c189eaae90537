"""The pysolr-shaped object core talks to: ``add``, ``delete``, ``commit``, ``search``.

CKAN 2.12 indexes a dataset inside the action, after the dataset's rows are
flushed and just before ``model.repo.commit()``.  A write made while the session's
transaction has written something (a flush, or an earlier index write) joins it:
the dataset and its index row are committed or rolled back together.  Any other
write (``search-index rebuild``/``clear``, ``clean_index``, a read-only session)
runs in its own short transaction and is durable at once, as a Solr commit would
be: nobody would commit a read-only session for us.
"""
from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable
from typing import Any

import ckan.model as model
import pysolr
import sqlalchemy as sa
from ckan.lib.search.common import solr_datetime_decoder
from sqlalchemy import event

from . import compiler, facets, store
from . import config as search_config

log = logging.getLogger(__name__)

SORT_RE = re.compile(r"^\s*([A-Za-z_][\w.\-]*)\s+(asc|desc)\s*$", re.IGNORECASE)
PENDING_BUMP = "bantensatudata_search_pending_bump"
WROTE = "bantensatudata_search_session_wrote"


def _after_flush(session: Any, *args: Any) -> None:
    session.info[WROTE] = True


def _after_commit(session: Any) -> None:
    session.info.pop(WROTE, None)
    if session.info.pop(PENDING_BUMP, None):
        facets.bump()


def _after_rollback(session: Any, *args: Any) -> None:
    session.info.pop(WROTE, None)
    session.info.pop(PENDING_BUMP, None)


event.listen(model.Session, "after_flush", _after_flush)
event.listen(model.Session, "after_commit", _after_commit)
event.listen(model.Session, "after_rollback", _after_rollback)


def _execute_write(statement: Any, params: Any) -> None:
    """Run an index write in the session's open transaction (see the module docstring)
    or in its own.

    The facet cache generation is bumped only once the write is committed, so a
    reader can never cache a pre-commit answer under the post-commit generation.
    """
    session = model.Session()
    if session.in_transaction() and (session.info.get(WROTE) or session.info.get(PENDING_BUMP)):
        session.execute(statement, params)
        session.info[PENDING_BUMP] = True
        return
    with model.meta.engine.begin() as conn:  # type: ignore[union-attr]
        conn.execute(statement, params)
    facets.bump()


_ENSURED: set[str] = set()


def _ensure_table() -> None:
    """Create the index table once per process and database when it is missing
    (the migration normally has; switching from Solr must not need a manual step)."""
    engine = model.meta.engine
    key = str(engine.url) if engine is not None else ""
    if key in _ENSURED or engine is None:
        return
    with engine.begin() as conn:
        if conn.execute(sa.text("SELECT to_regclass(:t)"), {"t": store.TABLE}).scalar() is None:
            store.ensure_table(conn)
    _ENSURED.add(key)


class PostgresConnection:
    """Stands in for ``pysolr.Solr`` (core only calls these four methods)."""

    url = "postgresql://bantensatudata-search"

    def __init__(self, decode_dates: bool = True):
        self.decode_dates = decode_dates
        _ensure_table()

    # ------------------------------------------------------------------ writes
    def add(self, docs: Iterable[dict[str, Any]], commit: bool = True, **_: Any) -> str:
        rows = [store.prepare(doc) for doc in docs]
        if not rows:
            return ""
        try:
            _execute_write(store.upsert_statement(), rows)
        except sa.exc.SQLAlchemyError as exc:
            raise pysolr.SolrError(f"index write failed: {exc.__class__.__name__}") from exc
        return ""

    def delete(self, id: Any = None, q: str | None = None, commit: bool = True, **_: Any) -> str:
        sql = compiler.SQL(search_config.text_config())
        if id is not None:
            ids = id if isinstance(id, (list, tuple)) else [id]
            where = f"index_id = ANY(CAST({sql.bind([str(i) for i in ids])} AS text[]))"
        elif q is not None:
            try:
                where = sql.node(compiler.parse_lucene(q))
            except compiler.QuerySyntaxError as exc:
                raise pysolr.SolrError(f"org.apache.solr.search.SyntaxError: {exc}") from exc
        else:
            raise ValueError("delete needs id or q")
        _execute_write(sa.text(f"DELETE FROM {store.TABLE} WHERE {where}"), sql.params)
        return ""

    def commit(self, **_: Any) -> str:
        """Index writes are committed with their transaction: nothing to do."""
        return ""

    # ------------------------------------------------------------------ search
    def search(self, q: str | None = None, **params: Any) -> pysolr.Results:
        try:
            return self._search(q or "*:*", params)
        except compiler.QuerySyntaxError as exc:
            raise pysolr.SolrError(f"org.apache.solr.search.SyntaxError: {exc}") from exc

    def _search(self, q: str, params: dict[str, Any]) -> pysolr.Results:
        sql = compiler.SQL(search_config.text_config())
        default_and = str(params.get("q.op", "AND")).upper() != "OR"
        where: list[str] = []
        def_type = params.get("defType", "lucene")
        if def_type == "dismax" and ":" not in q or def_type == "edismax" and ":" not in q:
            dm = compiler.parse_dismax(q, params.get("mm"))
            where.append(sql.dismax(dm, compiler.qf_fields(params.get("qf"))))
        else:
            where.append(sql.node(compiler.parse_lucene(q, default_and),
                                  _field(params.get("df") or "text")))
        rank_sql = sql.rank()
        fq = params.get("fq") or []
        for item in [fq] if isinstance(fq, str) else fq:
            if item and item.strip():
                where.append(sql.node(compiler.parse_lucene(item, default_and)))
        where_sql = " AND ".join(where)

        rows = _int(params.get("rows", 10), "rows")
        start = _int(params.get("start", 0), "start")
        order = _order_by(params.get("sort"), rank_sql)
        fl = _fields(params.get("fl"))

        session = model.Session()
        total = facets.cached(
            ["count", where_sql, sql.params],
            lambda: session.execute(
                sa.text(f"SELECT count(*) FROM {store.TABLE} WHERE {where_sql}"), sql.params
            ).scalar_one())
        docs: list[dict[str, Any]] = []
        if rows > 0 and total > start:
            columns = ", ".join(_select_columns(fl, rank_sql))
            result = session.execute(
                sa.text(f"SELECT {columns} FROM {store.TABLE} WHERE {where_sql} "
                        f"ORDER BY {order} LIMIT {rows} OFFSET {start}"),
                sql.params,
            )
            docs = [_doc(row._mapping, fl) for row in result]
            if self.decode_dates:
                docs = [solr_datetime_decoder(d) for d in docs]

        facet_fields: dict[str, list[Any]] = {}
        if str(params.get("facet", "false")).lower() == "true" and params.get("facet.field"):
            names = params["facet.field"]
            names = [names] if isinstance(names, str) else list(names)
            facet_fields = facets.count(
                session, where_sql, sql.params, names,
                limit=_int(params.get("facet.limit", 50), "facet.limit"),
                mincount=_int(params.get("facet.mincount", 1), "facet.mincount"),
            )
        return pysolr.Results({
            "response": {"numFound": total, "docs": docs, "start": start},
            "facet_counts": {"facet_fields": facet_fields},
        })


def _field(name: str) -> str:
    if not compiler.FIELD_RE.match(name):
        raise compiler.QuerySyntaxError(f"invalid field name {name!r}")
    return name


def _int(value: Any, name: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError) as exc:
        raise compiler.QuerySyntaxError(f"{name} must be an integer") from exc
    if name in ("rows", "start") and number < 0:
        raise compiler.QuerySyntaxError(f"{name} must not be negative")
    return number


def _order_by(sort: str | None, rank_sql: str) -> str:
    parts: list[str] = []
    for item in (sort or "score desc").split(","):
        if not item.strip():
            continue
        m = SORT_RE.match(item)
        if not m:
            # The words Solr uses, which core turns into a SearchQueryError.
            raise pysolr.SolrError(f"Can't determine a Sort Order (asc or desc) in sort spec {item!r}")
        fld, direction = m.group(1), m.group(2).upper()
        if fld == "score":
            if rank_sql == "1.0":
                continue  # every document scores the same: fall through to the next key
            expr = rank_sql
        elif fld in ("metadata_modified", "metadata_created"):
            expr = fld
        elif fld == "index_id":
            expr = "index_id"
        elif store.is_date_field(fld):
            expr = (f"(CASE WHEN sdoc->>'{fld}' ~ '^[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}' "
                    f"THEN CAST(sdoc->>'{fld}' AS timestamptz) END)")
        elif fld in store.COLUMNS and not store.COLUMNS[fld]:
            expr = f'{fld} COLLATE "C"'
        elif fld in store.NUMERIC_FIELDS:
            expr = (f"(CASE WHEN sdoc->>'{fld}' ~ '^-?[0-9]+(\\.[0-9]+)?$' "
                    f"THEN CAST(sdoc->>'{fld}' AS numeric) END)")
        else:
            column = "doc" if store.is_text_field(fld) else "sdoc"
            expr = (f"(CASE jsonb_typeof({column}->'{fld}') WHEN 'array' THEN {column}->'{fld}'->>0 "
                    f"ELSE {column}->>'{fld}' END) COLLATE \"C\"")
        parts.append(f"{expr} {direction} NULLS LAST")
    parts.append("seq ASC")
    return ", ".join(parts)


def _fields(fl: Any) -> list[str]:
    if not fl:
        return ["*"]
    items = fl if isinstance(fl, (list, tuple)) else re.split(r"[\s,]+", str(fl))
    names = [i for i in (x.strip() for x in items) if i]
    for name in names:
        if name not in ("*", "score") and not compiler.FIELD_RE.match(name):
            raise compiler.QuerySyntaxError(f"invalid field name {name!r} in fl")
    return names or ["*"]


def _select_columns(fl: list[str], rank_sql: str) -> list[str]:
    cols = ["doc"]
    for blob in store.STORED_BLOBS:
        if "*" in fl or blob in fl:
            cols.append(blob)
    if "score" in fl:
        cols.append(f"{rank_sql} AS score")
    return cols


def _restore(name: str, value: Any) -> Any:
    """Solr returns typed values for typed fields: give them back their type."""
    try:
        if name in ("num_resources", "num_tags", "ratings_count"):
            return int(value)
        if name == "ratings_average":
            return float(value)
    except (TypeError, ValueError):
        return value
    if name in store.BOOLEAN_FIELDS and value in ("true", "false"):
        return value == "true"
    return value


def _doc(row: Any, fl: list[str]) -> dict[str, Any]:
    doc = row["doc"]
    if isinstance(doc, str):
        doc = json.loads(doc)
    out: dict[str, Any] = {}
    if "*" in fl:
        out.update({k: _restore(k, v) for k, v in doc.items()})
        for blob in store.STORED_BLOBS:
            if row.get(blob) is not None:
                out[blob] = row[blob]
    else:
        for name in fl:
            if name in store.STORED_BLOBS:
                if row.get(name) is not None:
                    out[name] = row[name]
            elif name == "score":
                out["score"] = float(row["score"])
            elif name in doc:
                out[name] = _restore(name, doc[name])
    return out
