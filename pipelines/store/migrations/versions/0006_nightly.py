"""Nightly runs: the media roots' file inventory, per-recording analyses, runs.

Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

from pipelines.store.migrations.columns import JSON_DOCUMENT, UTC_DATETIME, id_column

revision = "0006"
down_revision = "0005"


def upgrade() -> None:
    op.create_table(
        "media_files",
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("mtime_ns", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("first_seen_at", UTC_DATETIME, nullable=False),
        sa.Column("last_seen_at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("path", name=op.f("pk_media_files")),
    )
    op.create_index("ix_media_files_sha256", "media_files", ["sha256"])
    op.create_table(
        "recording_analyses",
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("analyzer_version", sa.String(64), nullable=False),
        sa.Column("settings_sha256", sa.String(64), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("camera", sa.String(200), nullable=False),
        sa.Column("findings", JSON_DOCUMENT, nullable=False),
        sa.Column("unreadable", sa.Boolean(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("analysed_at", UTC_DATETIME, nullable=False),
        sa.Column("finalized_at", UTC_DATETIME, nullable=True),
        sa.PrimaryKeyConstraint(
            "sha256", "analyzer_version", "settings_sha256", name=op.f("pk_recording_analyses")
        ),
    )
    op.create_index("ix_recording_analyses_run_id", "recording_analyses", ["run_id"])
    op.create_index("ix_recording_analyses_finalized_at", "recording_analyses", ["finalized_at"])
    op.create_table(
        "nightly_runs",
        id_column(),
        sa.Column("backend", sa.String(16), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("started_at", UTC_DATETIME, nullable=False),
        sa.Column("finished_at", UTC_DATETIME, nullable=True),
        sa.Column("files_seen", sa.Integer(), nullable=False),
        sa.Column("files_hashed", sa.Integer(), nullable=False),
        sa.Column("units_total", sa.Integer(), nullable=False),
        sa.Column("findings_new", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "state IN ('running', 'done', 'failed')", name=op.f("ck_nightly_runs_state")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nightly_runs")),
    )


def downgrade() -> None:
    op.drop_table("nightly_runs")
    op.drop_table("recording_analyses")
    op.drop_table("media_files")
