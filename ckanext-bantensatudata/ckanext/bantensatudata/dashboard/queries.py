"""The dashboard's SQL: read-only aggregates over CKAN's own tables.

Every query groups by ``(owner_org, private)`` and covers *all* OPD, so its
result ("facts") does not depend on who asks: it can be cached once and cut
down per viewer in :mod:`.figures` (an OPD's private rows are kept only for
viewers allowed to read them).  Only active datasets owned by an active
organization are counted; custom fields are read from ``package.extras``.

Nothing here writes; downloads come from the uploads wing's table
``bantensatudata_resource_download`` when it exists.
"""
from __future__ import annotations

import datetime
import json
from typing import Any

import sqlalchemy as sa

from . import fields

DOWNLOAD_TABLE = "bantensatudata_resource_download"

_OWNED = """
    FROM package p
    JOIN "group" o ON o.id = p.owner_org AND o.is_organization AND o.state = 'active'
    WHERE p.state = 'active' AND p.type = :ptype
"""

_SECTOR_MEMBERS = """
    SELECT m.table_id AS package_id, m.group_id
    FROM member m
    JOIN "group" g ON g.id = m.group_id AND NOT g.is_organization AND g.type = 'group'
         AND g.state = 'active'
    WHERE m.table_name = 'package' AND m.state = 'active'
"""


def _iso(value: datetime.datetime | None, timespec: str = "seconds") -> str | None:
    return value.isoformat(timespec=timespec) if value else None


def _rows(conn: Any, sql: str, **params: Any) -> list[dict[str, Any]]:
    return [dict(r._mapping) for r in conn.execute(sa.text(sql), params)]


# Packages having at least one of a related thing: one hash join each, not a subquery per row.
_HAVING = {
    "tags": """SELECT DISTINCT pt.package_id FROM package_tag pt JOIN tag t ON t.id = pt.tag_id
               WHERE pt.state = 'active' AND t.vocabulary_id IS NULL""",
    "groups": f"SELECT DISTINCT package_id FROM ({_SECTOR_MEMBERS}) s",
    "resources": "SELECT DISTINCT package_id FROM resource WHERE state = 'active'",
}


def _filled_sql(field: fields.CompletenessField) -> str:
    """SQL expression, 1 when the field is filled for package ``p``, else 0.

    ``tags``/``groups``/``resources`` read the ``has_<kind>`` sets joined in
    by :func:`_completeness_sql`.
    """
    empties = ", ".join("'" + v.replace("'", "''") + "'" for v in fields.EMPTY_EXTRA_VALUES)
    if field.kind == "column":
        if field.name not in ("notes", "license_id", "url", "version", "author", "maintainer"):
            raise ValueError(f"not a package text column: {field.name}")
        expr = f"btrim(coalesce(p.{field.name}, '')) NOT IN ({empties})"
    elif field.kind == "extra":
        key = field.name.replace("'", "''")
        expr = f"btrim(coalesce(p.extras->>'{key}', '')) NOT IN ({empties})"
    elif field.kind in _HAVING:
        expr = f"has_{field.kind}.package_id IS NOT NULL"
    else:
        raise ValueError(f"unknown completeness field kind: {field.kind}")
    return f"(CASE WHEN {expr} THEN 1 ELSE 0 END)"


def _completeness_sql() -> str:
    kinds = sorted({f.kind for f in fields.COMPLETENESS_FIELDS if f.kind in _HAVING})
    ctes = ", ".join(f"has_{k} AS ({_HAVING[k]})" for k in kinds)
    joins = " ".join(f"LEFT JOIN has_{k} ON has_{k}.package_id = p.id" for k in kinds)
    filled = " + ".join(_filled_sql(f) for f in fields.COMPLETENESS_FIELDS)
    return f"""
        {"WITH " + ctes if ctes else ""}
        SELECT p.owner_org AS org, p.private, count(*) AS n, sum({filled}) AS filled
        {_OWNED.replace("WHERE", joins + " WHERE", 1)}
        GROUP BY 1, 2"""


def downloads_available(conn: Any) -> bool:
    return bool(conn.execute(sa.text("SELECT to_regclass(:t) IS NOT NULL"),
                             {"t": f"public.{DOWNLOAD_TABLE}"}).scalar())


def parse_multi(value: str | None) -> list[str]:
    """A scheming multiple-choice value: a JSON list, or comma-separated text."""
    value = (value or "").strip()
    if not value:
        return []
    if value.startswith("["):
        try:
            items = json.loads(value)
        except ValueError:
            items = value.strip("[]").split(",")
    else:
        items = value.replace(";", ",").split(",")
    return [str(i).strip().strip('"') for i in items if str(i).strip().strip('"')]


def compute_facts(conn: Any, now: datetime.datetime, limit: int) -> dict[str, Any]:
    """All viewer-independent figures.  ``now`` is naive UTC (CKAN's timestamps)."""
    dtype = fields.DATASET_TYPE
    facts: dict[str, Any] = {"computed": _iso(now)}

    facts["datasets"] = _rows(conn, f"""
        SELECT p.owner_org AS org, p.private, count(*) AS n {_OWNED}
        GROUP BY 1, 2""", ptype=dtype)

    facts["sectors"] = _rows(conn, f"""
        WITH s AS (SELECT DISTINCT package_id, group_id FROM ({_SECTOR_MEMBERS}) m)
        SELECT p.owner_org AS org, p.private, s.group_id AS sector, count(*) AS n
        {_OWNED.replace("WHERE", "LEFT JOIN s ON s.package_id = p.id WHERE", 1)}
        GROUP BY 1, 2, 3""", ptype=dtype)

    facts["formats"] = _rows(conn, f"""
        SELECT p.owner_org AS org, p.private,
               regexp_replace(upper(btrim(coalesce(r.format, ''))), '^\\.', '') AS format,
               count(*) AS n
        {_OWNED.replace("WHERE", "JOIN resource r ON r.package_id = p.id AND r.state = 'active' WHERE", 1)}
        GROUP BY 1, 2, 3""", ptype=dtype)

    facts["completeness"] = _rows(conn, _completeness_sql(), ptype=dtype)

    intervals = ", ".join(
        f"('{k}', interval '{v}')" for k, v in fields.FREQUENCY_INTERVALS.items()
    )
    fresh_base = f"""
        WITH iv(freq, span) AS (VALUES {intervals}),
        d AS (
            SELECT p.id, p.name, p.title, p.owner_org AS org, p.private, p.metadata_modified,
                   btrim(coalesce(p.extras->>'frekuensi', '')) AS freq
            {_OWNED}
        ),
        f AS (
            SELECT d.*, d.metadata_modified + iv.span AS due
            FROM d LEFT JOIN iv ON iv.freq = d.freq
        )
    """
    facts["freshness"] = _rows(conn, f"""{fresh_base}
        SELECT org, private,
               count(*) FILTER (WHERE due IS NOT NULL) AS evaluated,
               count(*) FILTER (WHERE due IS NOT NULL AND due >= :now) AS fresh,
               count(*) FILTER (WHERE due < :now) AS overdue,
               count(*) FILTER (WHERE due IS NULL) AS no_frequency
        FROM f GROUP BY 1, 2""", ptype=dtype, now=now)

    overdue = _rows(conn, f"""{fresh_base}
        SELECT * FROM (
            SELECT id, name, title, org, private, freq, metadata_modified, due,
                   row_number() OVER (PARTITION BY org, private ORDER BY due, name) AS rank
            FROM f WHERE due < :now
        ) o WHERE rank <= :limit""", ptype=dtype, now=now, limit=limit)
    for row in overdue:
        row["days_overdue"] = (now - row["due"]).days
        row["metadata_modified"] = _iso(row["metadata_modified"])
        row["due_key"] = _iso(row["due"], "microseconds")  # exact order when merging groups
        row["due"] = _iso(row["due"])
        del row["rank"]
    facts["overdue"] = overdue

    facts["downloads_available"] = downloads_available(conn)
    if facts["downloads_available"]:
        per_dataset = f"""
            WITH per AS (
                SELECT coalesce(d.package_id, r.package_id) AS package_id,
                       sum(coalesce(d.downloads, 0)) AS downloads
                FROM {DOWNLOAD_TABLE} d LEFT JOIN resource r ON r.id = d.resource_id
                GROUP BY 1
            )
        """
        facts["downloads"] = _rows(conn, f"""{per_dataset}
            SELECT p.owner_org AS org, p.private, sum(per.downloads)::bigint AS n
            {_OWNED.replace("WHERE", "JOIN per ON per.package_id = p.id WHERE", 1)}
            GROUP BY 1, 2""", ptype=dtype)
        facts["top_downloads"] = _rows(conn, f"""{per_dataset}
            SELECT id, name, title, org, private, downloads FROM (
                SELECT p.id, p.name, p.title, p.owner_org AS org, p.private,
                       per.downloads::bigint AS downloads,
                       row_number() OVER (PARTITION BY p.owner_org, p.private
                                          ORDER BY per.downloads DESC, p.name) AS rank
                {_OWNED.replace("WHERE", "JOIN per ON per.package_id = p.id WHERE", 1)}
                  AND per.downloads > 0
            ) t WHERE rank <= :limit""", ptype=dtype, limit=limit)
    else:
        facts["downloads"] = []
        facts["top_downloads"] = []

    apps = _rows(conn, f"""
        SELECT p.owner_org AS org, p.private,
               btrim(coalesce(p.extras->>'status_aplikasi', '')) AS status,
               coalesce(p.extras->>'pilar', '') AS pilar, count(*) AS n
        {_OWNED} GROUP BY 1, 2, 3, 4""", ptype=fields.APPLICATION_TYPE)
    for row in apps:
        row["pilar"] = parse_multi(row["pilar"])
    facts["applications"] = apps
    return facts


def compute_period(conn: Any, start: datetime.datetime, end: datetime.datetime) -> list[dict[str, Any]]:
    """New and updated datasets per (OPD, private) in ``[start, end)`` (naive UTC).

    New: created in the period.  Updated: created before it, modified in it.
    """
    return _rows(conn, f"""
        SELECT p.owner_org AS org, p.private,
               count(*) FILTER (WHERE p.metadata_created >= :start AND p.metadata_created < :end) AS new,
               count(*) FILTER (WHERE p.metadata_created < :start AND p.metadata_modified < :end)
                   AS updated
        {_OWNED} AND p.metadata_modified >= :start
        GROUP BY 1, 2""", ptype=fields.DATASET_TYPE, start=start, end=end)


def sectors(conn: Any) -> list[dict[str, Any]]:
    """Active sector groups, in their declared order (``urutan``) then title."""
    return _rows(conn, """
        SELECT id, name, coalesce(nullif(btrim(title), ''), name) AS title,
               CASE WHEN btrim(coalesce(extras->>'urutan', '')) ~ '^[0-9]+$'
                    THEN (extras->>'urutan')::int END AS urutan
        FROM "group"
        WHERE NOT is_organization AND type = 'group' AND state = 'active'
        ORDER BY 4 NULLS LAST, lower(coalesce(nullif(btrim(title), ''), name)), name""")
