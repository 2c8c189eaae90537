"""Create the search index table of the PostgreSQL search engine.

Revision ID: 0001bsdsearch
Revises:
Create Date: 2026-12-04
"""
from __future__ import annotations

from alembic import op

from ckanext.bantensatudata.search import store

revision = "0001bsdsearch"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    # pg_trgm is "trusted" since PostgreSQL 13: the database owner may create it.
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.execute(store.DDL)


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS bantensatudata_search_index")
    op.execute("DROP SEQUENCE IF EXISTS bantensatudata_search_seq")
