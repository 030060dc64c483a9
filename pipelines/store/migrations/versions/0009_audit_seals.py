"""Audit records sealed with a key kept outside the database (HMAC of each record's hash).

Records written before this revision have no seal; the first sealed record's seal covers
them through the chain.

Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"


def upgrade() -> None:
    # A plain ADD COLUMN, not a batch (SQLite would copy the table and lose the triggers
    # that keep the records append-only).
    op.add_column("audit_records", sa.Column("mac", sa.String(64), nullable=True))


def downgrade() -> None:
    op.drop_column("audit_records", "mac")
