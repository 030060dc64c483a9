"""Every store test runs on SQLite and PostgreSQL through `db_url` (tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from pipelines.store import open_store


@pytest.fixture
def store(db_url: str) -> Iterator[sa.Engine]:
    """An opened (migrated) store."""
    engine = open_store(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session(store: sa.Engine) -> Iterator[Session]:
    with Session(store) as session:
        yield session
