"""Leadership dashboard: access grants and their audit log.

Revision ID: 0001bsddashboard
Revises:
Create Date: 2026-12-04
"""
from __future__ import annotations

from alembic import op

from ckanext.bantensatudata.dashboard import access

revision = "0001bsddashboard"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(access.DDL)


def downgrade() -> None:
    op.execute(f"DROP TABLE IF EXISTS {access.AUDIT_TABLE}")
    op.execute(f"DROP TABLE IF EXISTS {access.GRANT_TABLE}")
