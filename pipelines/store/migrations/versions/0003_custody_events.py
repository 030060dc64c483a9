"""Custody events: the signed lines of imported handover forms.

Create Date: 2024-12-09
"""

import sqlalchemy as sa
from alembic import op

from pipelines.store.migrations.columns import JSON_DOCUMENT, UTC_DATETIME

revision = "0003"
down_revision = "0002"


def upgrade() -> None:
    op.create_table(
        "custody_events",
        sa.Column("event_id", sa.String(200), nullable=False),
        sa.Column("time", UTC_DATETIME, nullable=False),
        sa.Column("time_s", sa.Double(), nullable=False),
        sa.Column("type", sa.String(16), nullable=False),
        sa.Column("lot", sa.String(200), nullable=False),
        sa.Column("location", sa.String(200), nullable=False),
        sa.Column("bundles", sa.Integer(), nullable=True),
        sa.Column("persons", JSON_DOCUMENT, nullable=False),
        sa.Column("device", sa.String(200), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("source_sha256", sa.String(64), nullable=False),
        sa.Column("source_row", sa.Integer(), nullable=False),
        sa.Column("imported_at", UTC_DATETIME, nullable=False),
        sa.CheckConstraint(
            "bundles IS NULL OR bundles >= 0",
            name=op.f("ck_custody_events_bundles_not_negative"),
        ),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_custody_events")),
    )
    op.create_index("ix_custody_events_lot_time_s", "custody_events", ["lot", "time_s"])
    op.create_index("ix_custody_events_time_s", "custody_events", ["time_s"])
    op.create_index("ix_custody_events_source_sha256", "custody_events", ["source_sha256"])


def downgrade() -> None:
    op.drop_table("custody_events")
