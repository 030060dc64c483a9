"""Opening the store: engines for SQLite and PostgreSQL, and migrating them with Alembic."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import URL, Connection, Engine, create_engine, event, text

from pipelines.private_files import touch_private
from pipelines.store.urls import normalize_url, sqlite_file

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

# Two processes opening a fresh PostgreSQL store at once would both try to create the tables;
# a transaction-scoped advisory lock makes the second wait and then find the schema at head.
_MIGRATION_LOCK_KEY = int.from_bytes(
    hashlib.sha256(b"vaultwatch.store.migrate").digest()[:8], "big", signed=True
)


class UnsupportedDatabaseError(ValueError):
    """The URL names a backend the store has no SQL for (only SQLite and PostgreSQL)."""


def create_store_engine(url: str | URL) -> Engine:
    """An engine for `url` without touching the schema (see `open_store`).

    Plain `postgresql://` URLs use psycopg 3. For a SQLite file the file (0600) and its missing
    folders (0700) are created, whatever the umask, and every connection enforces foreign
    keys (SQLite's default is off).
    """
    parsed = normalize_url(url)
    backend = parsed.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise UnsupportedDatabaseError(
            f"unsupported database {backend!r}: use SQLite or PostgreSQL"
        )
    db_file = sqlite_file(parsed)
    if db_file is not None:
        # Made private before SQLite opens it: its journal files take the file's mode.
        touch_private(db_file.expanduser())
    engine = create_engine(parsed)
    if backend == "sqlite":
        event.listen(engine, "connect", _enable_sqlite_foreign_keys)
    return engine


def open_store(url: str | URL) -> Engine:
    """Open the store at `url` and bring its schema to the newest migration.

    Safe to call on every start: an up-to-date schema is left alone. Accepts
    `sqlite:///path.db`, `postgresql+psycopg://...` and plain `postgresql://...`.
    The caller owns the returned engine (`engine.dispose()` when done).
    """
    engine = create_store_engine(url)
    try:
        upgrade(engine)
    except BaseException:
        engine.dispose()
        raise
    return engine


def alembic_config(*, connection: Connection | None = None, url: str | None = None) -> Config:
    """An Alembic config for the migrations shipped in this package (no alembic.ini).

    With `connection`, commands run on it inside its transaction; with `url`, `env.py` opens
    its own engine (e.g. `command.revision(alembic_config(url=...), autogenerate=True, ...)`).
    """
    config = Config()
    # ConfigParser would read "%" as interpolation.
    config.set_main_option("script_location", str(MIGRATIONS_DIR).replace("%", "%%"))
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate the store's schema up to `revision` in one transaction (where DDL allows)."""
    _run_migrations(engine, lambda config: command.upgrade(config, revision))


def downgrade(engine: Engine, revision: str) -> None:
    """Migrate the store's schema down to `revision` ("base" drops every table)."""
    _run_migrations(engine, lambda config: command.downgrade(config, revision))


def current_revision(engine: Engine) -> str | None:
    """The schema's Alembic revision, or None for an empty database."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def _run_migrations(engine: Engine, run: Callable[[Config], None]) -> None:
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as connection:
        if sqlite:
            # Batch migrations rebuild tables by copy-and-drop; with foreign keys on, dropping
            # a referenced table would cascade or fail. SQLite's own advice: turn them off
            # outside the transaction, then check the result before turning them back on.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        try:
            with connection.begin():
                if engine.dialect.name == "postgresql":
                    connection.execute(
                        text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK_KEY}
                    )
                run(alembic_config(connection=connection))
            if sqlite:
                problems = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                connection.commit()
                if problems:
                    raise RuntimeError(f"migration broke foreign keys: {problems[:5]}")
        finally:
            if sqlite:
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                connection.commit()


def _enable_sqlite_foreign_keys(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
    finally:
        cursor.close()
