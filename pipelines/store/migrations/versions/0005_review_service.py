"""The review service: users, finding reviews, scan jobs and the hash-chained audit trail.

Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

from pipelines.store.migrations.columns import (
    JSON_DOCUMENT,
    UTC_DATETIME,
    created_at_column,
    id_column,
)

revision = "0005"
down_revision = "0004"

# The audit trail is append-only in the database itself, not only in the code that writes it.
_APPEND_ONLY = "audit records are append-only"
_POSTGRES_TRIGGER = f"""
CREATE FUNCTION audit_records_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '{_APPEND_ONLY}';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_records_append_only BEFORE UPDATE OR DELETE ON audit_records
    FOR EACH ROW EXECUTE FUNCTION audit_records_append_only();
"""
_SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER audit_records_no_{verb.lower()} BEFORE {verb} ON audit_records
    BEGIN SELECT RAISE(ABORT, '{_APPEND_ONLY}'); END"""
    for verb in ("UPDATE", "DELETE")
]


def upgrade() -> None:
    op.create_table(
        "users",
        id_column(),
        sa.Column("username", sa.String(100), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=True),
        sa.Column("cameras", JSON_DOCUMENT, nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        created_at_column(),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.CheckConstraint("role IN ('auditor', 'inspector', 'admin')", name=op.f("ck_users_role")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("username", name=op.f("uq_users_username")),
    )
    op.create_table(
        "finding_reviews",
        id_column(),
        sa.Column("finding_id", sa.String(64), nullable=False),
        sa.Column("analyzer_version", sa.String(64), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("reviewer", sa.String(100), nullable=False),
        sa.Column("at", UTC_DATETIME, nullable=False),
        sa.CheckConstraint(
            "state IN ('open', 'confirmed', 'dismissed')", name=op.f("ck_finding_reviews_state")
        ),
        sa.ForeignKeyConstraint(
            ["finding_id", "analyzer_version"],
            ["findings.id", "findings.analyzer_version"],
            name=op.f("fk_finding_reviews_finding_id_findings"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_finding_reviews")),
    )
    op.create_index(
        "ix_finding_reviews_finding_id_analyzer_version",
        "finding_reviews",
        ["finding_id", "analyzer_version"],
    )
    op.create_table(
        "scan_jobs",
        id_column(),
        sa.Column("paths", JSON_DOCUMENT, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("submitted_by", sa.String(100), nullable=False),
        sa.Column("submitted_at", UTC_DATETIME, nullable=False),
        sa.Column("started_at", UTC_DATETIME, nullable=True),
        sa.Column("finished_at", UTC_DATETIME, nullable=True),
        sa.Column("scan_id", sa.Integer(), nullable=True),
        sa.Column("recordings", sa.Integer(), nullable=True),
        sa.Column("findings", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "state IN ('queued', 'running', 'done', 'failed')", name=op.f("ck_scan_jobs_state")
        ),
        sa.ForeignKeyConstraint(["scan_id"], ["scans.id"], name=op.f("fk_scan_jobs_scan_id_scans")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scan_jobs")),
    )
    op.create_index("ix_scan_jobs_state", "scan_jobs", ["state"])
    op.create_table(
        "audit_records",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("at", UTC_DATETIME, nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("object_type", sa.String(32), nullable=False),
        sa.Column("object_id", sa.Text(), nullable=False),
        sa.Column("detail", JSON_DOCUMENT, nullable=False),
        sa.Column("client", sa.String(200), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_audit_records")),
    )
    op.create_index(
        "ix_audit_records_object_type_object_id", "audit_records", ["object_type", "object_id"]
    )
    op.create_index("ix_audit_records_actor", "audit_records", ["actor"])
    op.create_index("ix_audit_records_at", "audit_records", ["at"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_POSTGRES_TRIGGER)
    else:
        for trigger in _SQLITE_TRIGGERS:
            op.execute(trigger)


def downgrade() -> None:
    op.drop_table("audit_records")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION audit_records_append_only()")
    op.drop_table("scan_jobs")
    op.drop_table("finding_reviews")
    op.drop_table("users")
