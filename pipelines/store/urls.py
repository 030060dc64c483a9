"""Where the store lives: the default database URL and the drivers behind URLs."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import URL, make_url

from models.home import user_data_dir, vaultwatch_home

DB_FILE_NAME = "vaultwatch.db"

# Plain PostgreSQL URLs would make SQLAlchemy look for psycopg2, which is not a dependency;
# "postgres://" is what Heroku-style settings hand out and SQLAlchemy no longer accepts.
_PSYCOPG_ALIASES = frozenset({"postgres", "postgresql"})

__all__ = ["default_db_url", "normalize_url", "sqlite_file", "user_data_dir", "vaultwatch_home"]


def default_db_url() -> str:
    """The store URL to use when none is given.

    `$VAULTWATCH_DB` if set, else `sqlite:///<VAULTWATCH_HOME>/vaultwatch.db`. Pure: the
    directory is created by `open_store`, not here.
    """
    explicit = os.environ.get("VAULTWATCH_DB", "")
    if explicit:
        return explicit
    return f"sqlite:///{(vaultwatch_home() / DB_FILE_NAME).as_posix()}"


def normalize_url(url: str | URL) -> URL:
    """Parse `url`, pointing plain `postgresql://` and `postgres://` at psycopg 3.

    Other drivers and SQLite URLs are returned unchanged.
    """
    parsed = make_url(url)
    if parsed.drivername in _PSYCOPG_ALIASES:
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def sqlite_file(url: URL) -> Path | None:
    """The database file of a SQLite URL; None for in-memory databases and other backends."""
    if url.get_backend_name() != "sqlite":
        return None
    database = url.database or ""
    # "file:" URIs (uri=true) name their file inside a query string; leave those alone.
    if database in ("", ":memory:") or database.startswith("file:"):
        return None
    return Path(database)
