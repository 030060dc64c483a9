"""Evidence package exports: one row per package written.

Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

from pipelines.store.migrations.columns import JSON_DOCUMENT, created_at_column, id_column

revision = "0004"
down_revision = "0003"


def upgrade() -> None:
    op.create_table(
        "exports",
        id_column(),
        sa.Column("case", sa.String(200), nullable=False),
        sa.Column("since_s", sa.Double(), nullable=False),
        sa.Column("until_s", sa.Double(), nullable=False),
        sa.Column("lot", sa.String(200), nullable=True),
        sa.Column("cameras", JSON_DOCUMENT, nullable=False),
        sa.Column("manifest_sha256", sa.String(64), nullable=False),
        sa.Column("signer_fingerprint", sa.String(100), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        created_at_column(),
        sa.Column("out_path", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exports")),
    )
    op.create_index("ix_exports_case", "exports", ["case"])


def downgrade() -> None:
    op.drop_table("exports")
