"""Bring index tables created by an early 0001 to the current shape.

0001 was revised before the first release (compact ``sdoc``, filter columns,
title tsvector, NULLS LAST sort indexes), so databases migrated during
development may hold the older table.  The index is derived data: an old-shape
table is dropped and recreated empty (``make run`` then re-indexes what is
missing with ``search-index rebuild -o``); the sort indexes are rebuilt.

Revision ID: 0002bsdsearch
Revises: 0001bsdsearch
Create Date: 2026-12-04
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from ckanext.bantensatudata.search import store

revision = "0002bsdsearch"
down_revision = "0001bsdsearch"
branch_labels = None
depends_on = None

CURRENT_COLUMNS = {"sdoc", "title_tsv", "state", "capacity", "permission_labels", "res_format"}


def upgrade() -> None:
    bind = op.get_bind()
    columns = {row[0] for row in bind.execute(sa.text(
        "SELECT column_name FROM information_schema.columns WHERE table_name = :t"), {"t": store.TABLE})}
    if columns and not columns >= CURRENT_COLUMNS:
        op.execute(f"DROP TABLE {store.TABLE}")
    op.execute("DROP INDEX IF EXISTS bantensatudata_search_modified_idx")
    op.execute("DROP INDEX IF EXISTS bantensatudata_search_created_idx")
    op.execute(store.DDL)


def downgrade() -> None:
    """Nothing to undo: 0001 describes the same table."""
