"""Reading raw table contents, to prove what the store did and did not change, and comparing
count timelines."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import sqlalchemy as sa

from analyzer.counting import CountTimeline
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


def assert_same_timelines(
    actual: Sequence[CountTimeline], expected: Sequence[CountTimeline]
) -> None:
    """Equal timelines in the same order: equal fields, arrays equal element for element with
    the same shape and dtype (`==` on the dataclass would compare arrays elementwise)."""
    assert len(actual) == len(expected)
    for got, want in zip(actual, expected, strict=True):
        assert (got.camera, got.recording_sha256, got.counted_with) == (
            want.camera,
            want.recording_sha256,
            want.counted_with,
        )
        for name in ("time", "persons", "bundles", "confidence"):
            np.testing.assert_array_equal(
                getattr(got, name), getattr(want, name), err_msg=name, strict=True
            )
