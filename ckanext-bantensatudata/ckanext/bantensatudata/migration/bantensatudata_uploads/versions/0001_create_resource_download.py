"""Create the per-resource download counter table of the uploads wing.

Revision ID: 0001bsduploads
Revises:
Create Date: 2026-12-05
"""
from __future__ import annotations

from alembic import op

from ckanext.bantensatudata.uploads import downloads

revision = "0001bsduploads"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(downloads.DDL)


def downgrade() -> None:
    op.execute(f"DROP TABLE IF EXISTS {downloads.TABLE}")
