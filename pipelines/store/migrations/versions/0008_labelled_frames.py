"""Labelled frames: bundle boxes inspectors corrected, for fine-tuning the bundle detector.

Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

from pipelines.store.migrations.columns import JSON_DOCUMENT, UTC_DATETIME, id_column

revision = "0008"
down_revision = "0007"


def upgrade() -> None:
    op.create_table(
        "labelled_frames",
        id_column(),
        sa.Column("recording_sha256", sa.String(64), nullable=False),
        sa.Column("camera", sa.String(200), nullable=False),
        sa.Column("offset_ms", sa.BigInteger(), nullable=False),
        sa.Column("at_s", sa.Double(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("boxes", JSON_DOCUMENT, nullable=False),
        sa.Column("started_from", sa.String(200), nullable=False),
        sa.Column("finding_id", sa.String(64), nullable=True),
        sa.Column("labelled_by", sa.String(100), nullable=False),
        sa.Column("labelled_at", UTC_DATETIME, nullable=False),
        sa.CheckConstraint("width > 0 AND height > 0", name=op.f("ck_labelled_frames_size")),
        sa.CheckConstraint("offset_ms >= 0", name=op.f("ck_labelled_frames_offset")),
        sa.ForeignKeyConstraint(
            ["recording_sha256"],
            ["recordings.sha256"],
            name=op.f("fk_labelled_frames_recording_sha256_recordings"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_labelled_frames")),
        sa.UniqueConstraint(
            "recording_sha256",
            "offset_ms",
            name=op.f("uq_labelled_frames_recording_sha256_offset_ms"),
        ),
    )
    op.create_index("ix_labelled_frames_camera_at_s", "labelled_frames", ["camera", "at_s"])
    op.create_index("ix_labelled_frames_at_s", "labelled_frames", ["at_s"])


def downgrade() -> None:
    op.drop_table("labelled_frames")
