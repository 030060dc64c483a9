"""Audit records sealed with a key kept outside the database (HMAC of each record's hash).

Records written before this revision have no seal; the first sealed record's seal covers
them through the chain.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ADD COLUMN, not a batch (SQLite would copy the table and lose the triggers
    # that keep the records append-only).
    op.add_column("audit_records", sa.Column("mac", sa.String(64), nullable=True))


def downgrade() -> None:
    op.drop_column("audit_records", "mac")
