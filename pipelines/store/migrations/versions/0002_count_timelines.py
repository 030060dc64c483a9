"""Count timelines: per-frame people and bundle counts, so rules run without re-decoding.

Create Date: 2024-12-02
"""

import sqlalchemy as sa
from alembic import op

from pipelines.store.migrations.columns import created_at_column

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    # Batch mode for SQLite's sake (plain ALTER TABLE on PostgreSQL), as env.py renders it.
    with op.batch_alter_table("scans") as batch:
        # Scans saved before this revision stored no timelines: zero, not NULL.
        batch.add_column(
            sa.Column("timelines_new", sa.Integer(), server_default="0", nullable=False)
        )
        batch.add_column(
            sa.Column("timelines_known", sa.Integer(), server_default="0", nullable=False)
        )

    op.create_table(
        "count_timelines",
        sa.Column("recording_sha256", sa.String(64), nullable=False),
        sa.Column("analyzer_version", sa.String(64), nullable=False),
        sa.Column("counted_with_sha256", sa.String(64), nullable=False),
        sa.Column("counted_with", sa.Text(), nullable=False),
        sa.Column("camera", sa.String(200), nullable=False),
        sa.Column("frames", sa.Integer(), nullable=False),
        sa.Column("start_s", sa.Double(), nullable=True),
        sa.Column("end_s", sa.Double(), nullable=True),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("scan_id", sa.Integer(), nullable=False),
        created_at_column(),
        sa.CheckConstraint(
            "(frames = 0 AND start_s IS NULL AND end_s IS NULL)"
            " OR (frames > 0 AND end_s >= start_s)",
            name=op.f("ck_count_timelines_span"),
        ),
        sa.ForeignKeyConstraint(
            ["recording_sha256"],
            ["recordings.sha256"],
            name=op.f("fk_count_timelines_recording_sha256_recordings"),
        ),
        sa.ForeignKeyConstraint(
            ["scan_id"], ["scans.id"], name=op.f("fk_count_timelines_scan_id_scans")
        ),
        sa.PrimaryKeyConstraint(
            "recording_sha256",
            "analyzer_version",
            "counted_with_sha256",
            name=op.f("pk_count_timelines"),
        ),
    )
    op.create_index("ix_count_timelines_camera_start_s", "count_timelines", ["camera", "start_s"])
    op.create_index("ix_count_timelines_scan_id", "count_timelines", ["scan_id"])


def downgrade() -> None:
    op.drop_table("count_timelines")
    with op.batch_alter_table("scans") as batch:
        batch.drop_column("timelines_known")
        batch.drop_column("timelines_new")
