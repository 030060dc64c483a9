"""${message}

Create Date: ${create_date}
"""
## No "Revision ID:" / "Revises:" lines: `revision` and `down_revision` below say it (and
## `alembic history` prints them). Column types come from pipelines.store.migrations.columns
## (UTC_DATETIME, JSON_DOCUMENT, id_column, ...), never from pipelines.store.columns: see
## that module's docstring.

import sqlalchemy as sa
from alembic import op
${imports if imports else ""}
revision = ${repr(up_revision)}
down_revision = ${repr(down_revision)}
% if branch_labels:
branch_labels = ${repr(branch_labels)}
% endif
% if depends_on:
depends_on = ${repr(depends_on)}
% endif


def upgrade() -> None:
    ${upgrades if upgrades else "pass"}


def downgrade() -> None:
    ${downgrades if downgrades else "pass"}
