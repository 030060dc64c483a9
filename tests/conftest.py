"""Fixtures every test may use.

Databases: `db_url` runs a test on SQLite (a temp file) and on the PostgreSQL at
127.0.0.1:5432. PostgreSQL tests get a fresh schema each, selected through the URL's
`options=-csearch_path=...` (so Alembic's version table lands there too) and dropped
afterwards. The session `TimeZone` is set away from UTC on purpose, to catch datetimes read
back in local time. Point them elsewhere with `VAULTWATCH_TEST_PG_URL`. Under CI an
unreachable server fails the run instead of skipping: the multi-user path must be tested.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from pipelines.store import users
from pipelines.store.urls import normalize_url

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


@pytest.fixture(scope="session", autouse=True)
def fast_password_hashes() -> Iterator[None]:
    """New password hashes at scrypt N=2^14 instead of the product's 2^17 (0.6 s a hash,
    several per test of the service); tests of the cost itself set it back."""
    previous = users.current_cost
    users.current_cost = users.ScryptCost(n=2**14, r=8, p=1)
    yield
    users.current_cost = previous


@pytest.fixture(autouse=True)
def vaultwatch_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own data directory; none touches the user's real one."""
    home = tmp_path / "vaultwatch-home"
    monkeypatch.setenv("VAULTWATCH_HOME", str(home))
    monkeypatch.delenv("VAULTWATCH_DB", raising=False)
    return home


def shared_path(*parts: str) -> Path:
    """A file of ../shared (real footage and models), or skip the test with the reason."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent: real footage and models come from ../shared")
    return path


PG_URL = os.environ.get(
    "VAULTWATCH_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
PG_TIMEZONE = "Asia/Kolkata"  # +05:30: a non-whole-hour offset shows any zone slip


@pytest.fixture(scope="session")
def pg_admin() -> Iterator[sa.Engine]:
    """An engine on the test database, for creating and dropping per-test schemas."""
    engine = sa.create_engine(normalize_url(PG_URL))
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    except sa.exc.OperationalError as error:
        engine.dispose()
        message = f"PostgreSQL not reachable at {PG_URL}: {error.orig}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    yield engine
    engine.dispose()


def pg_schema_url(admin: sa.Engine) -> Iterator[str]:
    """Create a throwaway schema; yield a URL whose connections live in it; drop it."""
    schema = f"vw_test_{uuid.uuid4().hex[:12]}"
    with admin.begin() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        url = normalize_url(PG_URL).update_query_dict(
            {"options": f"-csearch_path={schema} -ctimezone={PG_TIMEZONE}"}
        )
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database, on each backend in turn."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'vaultwatch.db'}"
    else:
        yield from pg_schema_url(request.getfixturevalue("pg_admin"))
