"""Frozen column types and columns for the migrations in `versions/`, and only for them.

Plain SQLAlchemy, not the application's column classes in `pipelines.store.columns`: those
follow the application, while an applied migration must keep emitting the DDL it emitted the
day it ran. So never change what a migration already uses here; add a new name instead.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

UTC_DATETIME = sa.DateTime(timezone=True)
JSON_DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def id_column() -> sa.Column[int]:
    """A surrogate key "id" numbered by the database (the table names its primary key)."""
    return sa.Column("id", sa.Integer(), autoincrement=True, nullable=False)


def created_at_column() -> sa.Column[datetime]:
    """When the row was written, in UTC."""
    return sa.Column("created_at", UTC_DATETIME, nullable=False)
