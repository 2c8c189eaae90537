"""Download counts per resource: table ``bantensatudata_resource_download`` (see docs/CONVENTIONS.md).

Counts are written on their own short transaction, so a failure to count (or a
missing table) never breaks a download or leaks into the request's session.
"""
from __future__ import annotations

import logging
from typing import Any

import ckan.model as model
import sqlalchemy as sa

log = logging.getLogger(__name__)

TABLE = "bantensatudata_resource_download"

DDL = f"""
CREATE TABLE IF NOT EXISTS {TABLE} (
    resource_id text PRIMARY KEY,
    package_id text,
    downloads bigint NOT NULL DEFAULT 0,
    last_download timestamptz
);
CREATE INDEX IF NOT EXISTS {TABLE}_package_id_idx ON {TABLE} (package_id);
"""

_RECORD = sa.text(
    f"""
    INSERT INTO {TABLE} (resource_id, package_id, downloads, last_download)
    VALUES (:resource_id, :package_id, 1, now())
    ON CONFLICT (resource_id) DO UPDATE
       SET downloads = {TABLE}.downloads + 1,
           last_download = now(),
           package_id = EXCLUDED.package_id
    """
)


def ensure_table(connection: Any) -> None:
    """Create the table when missing (idempotent; the migration does the same)."""
    for statement in DDL.split(";"):
        if statement.strip():
            connection.execute(sa.text(statement))


def record(resource_id: str, package_id: str | None) -> None:
    """Count one download; never raises."""
    try:
        with model.meta.engine.begin() as conn:  # type: ignore[union-attr]
            conn.execute(_RECORD, {"resource_id": resource_id, "package_id": package_id})
    except sa.exc.SQLAlchemyError:
        log.warning("could not count a download of resource %s", resource_id, exc_info=True)


def count(resource_id: str) -> tuple[int, str | None]:
    """``(downloads, last_download ISO string or None)`` for one resource (0 when never downloaded)."""
    row = model.Session.execute(
        sa.text(f"SELECT downloads, last_download FROM {TABLE} WHERE resource_id = :id"), {"id": resource_id}
    ).first()
    if row is None:
        return 0, None
    return int(row[0]), row[1].isoformat() if row[1] is not None else None
