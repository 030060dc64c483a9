"""Initial schema: recordings, recording paths, scans, findings.

Create Date: 2024-11-24
"""

import sqlalchemy as sa
from alembic import op

from pipelines.store.migrations.columns import JSON_DOCUMENT, UTC_DATETIME, created_at_column

revision = "0001"
down_revision = None


def upgrade() -> None:
    op.create_table(
        "recordings",
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("camera", sa.String(200), nullable=False),
        sa.Column("camera_kind", sa.String(32), nullable=False),
        sa.Column("start", UTC_DATETIME, nullable=False),
        sa.Column("start_s", sa.Double(), nullable=False),
        sa.Column("start_source", sa.String(32), nullable=False),
        sa.Column("duration_s", sa.Double(), nullable=False),
        sa.Column("fps", sa.Double(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("codec", sa.String(64), nullable=False),
        sa.Column("container", sa.String(64), nullable=False),
        sa.Column("rotation", sa.Integer(), nullable=False),
        sa.Column("decoded_to", sa.Double(), nullable=False),
        sa.Column("decode_errors", sa.Integer(), nullable=False),
        sa.Column("first_seen_at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_recordings")),
    )
    op.create_index("ix_recordings_camera_start", "recordings", ["camera", "start"])

    op.create_table(
        "recording_paths",
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("first_seen_at", UTC_DATETIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["sha256"],
            ["recordings.sha256"],
            name=op.f("fk_recording_paths_sha256_recordings"),
        ),
        sa.PrimaryKeyConstraint("sha256", "path", name=op.f("pk_recording_paths")),
    )

    op.create_table(
        "scans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("analyzer_version", sa.String(64), nullable=False),
        sa.Column("started_at", UTC_DATETIME, nullable=False),
        sa.Column("finished_at", UTC_DATETIME, nullable=True),
        sa.Column("params", JSON_DOCUMENT, nullable=False),
        sa.Column("recordings_new", sa.Integer(), nullable=False),
        sa.Column("recordings_known", sa.Integer(), nullable=False),
        sa.Column("findings_new", sa.Integer(), nullable=False),
        sa.Column("findings_known", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scans")),
    )

    op.create_table(
        "findings",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("analyzer_version", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("rule", sa.String(200), nullable=False),
        sa.Column("camera", sa.String(200), nullable=False),
        sa.Column("recording_sha256", sa.String(64), nullable=True),
        sa.Column("start", UTC_DATETIME, nullable=False),
        sa.Column("end", UTC_DATETIME, nullable=False),
        sa.Column("start_s", sa.Double(), nullable=False),
        sa.Column("end_s", sa.Double(), nullable=False),
        sa.Column("duration_s", sa.Double(), nullable=False),
        sa.Column("severity", sa.String(16), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("counts", JSON_DOCUMENT, nullable=True),
        sa.Column("custody_event", sa.Text(), nullable=True),
        sa.Column("custody_leg", sa.Text(), nullable=True),
        sa.Column("frame_time", sa.Double(), nullable=True),
        sa.Column("frame", sa.Text(), nullable=True),
        sa.Column("scan_id", sa.Integer(), nullable=False),
        created_at_column(),
        sa.Column("review_state", sa.String(16), server_default="open", nullable=False),
        sa.CheckConstraint("end_s >= start_s", name=op.f("ck_findings_end_after_start")),
        sa.CheckConstraint(
            "review_state IN ('open', 'confirmed', 'dismissed')",
            name=op.f("ck_findings_review_state"),
        ),
        sa.ForeignKeyConstraint(
            ["recording_sha256"],
            ["recordings.sha256"],
            name=op.f("fk_findings_recording_sha256_recordings"),
        ),
        sa.ForeignKeyConstraint(["scan_id"], ["scans.id"], name=op.f("fk_findings_scan_id_scans")),
        sa.PrimaryKeyConstraint("id", "analyzer_version", name=op.f("pk_findings")),
    )
    op.create_index("ix_findings_camera_start", "findings", ["camera", "start"])
    op.create_index("ix_findings_kind_rule_start", "findings", ["kind", "rule", "start"])
    op.create_index("ix_findings_analyzer_version_start", "findings", ["analyzer_version", "start"])
    op.create_index("ix_findings_start", "findings", ["start"])
    op.create_index("ix_findings_end", "findings", ["end"])
    op.create_index("ix_findings_recording_sha256", "findings", ["recording_sha256"])
    op.create_index("ix_findings_scan_id", "findings", ["scan_id"])


def downgrade() -> None:
    # Dependants first, so foreign keys never point at a dropped table.
    op.drop_table("findings")
    op.drop_table("scans")
    op.drop_table("recording_paths")
    op.drop_table("recordings")
