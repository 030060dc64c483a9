"""Reading raw table contents, to prove what the store did and did not change."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from pipelines.store.schema import Base


def table_rows(engine: sa.Engine, name: str) -> list[dict[str, Any]]:
    """Every row of table `name` as a dict, in primary-key order."""
    table = Base.metadata.tables[name]
    query = sa.select(table).order_by(*table.primary_key.columns)
    with engine.connect() as connection:
        return [dict(row) for row in connection.execute(query).mappings()]


def count(engine: sa.Engine, name: str) -> int:
    table = Base.metadata.tables[name]
    with engine.connect() as connection:
        return connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
