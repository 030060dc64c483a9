"""Signing out ends every session of the user: the moment it happened.

Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

from pipelines.store.migrations.columns import UTC_DATETIME

revision = "0007"
down_revision = "0006"


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("signed_out_at", UTC_DATETIME, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("signed_out_at")
