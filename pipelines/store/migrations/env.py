"""Alembic environment for the findings store.

`pipelines.store.engine` runs this with an open connection in `config.attributes["connection"]`
(no alembic.ini at run time). For hand-run commands (new revisions, SQL scripts) build the
config with `pipelines.store.engine.alembic_config(url=...)`.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from pipelines.store.engine import create_store_engine
from pipelines.store.schema import Base
from pipelines.store.urls import default_db_url, normalize_url

config = context.config
target_metadata = Base.metadata


def _configure_and_run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things; batch mode rebuilds the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_offline() -> None:
    """Emit SQL to stdout instead of touching a database (`alembic upgrade --sql`)."""
    url = normalize_url(config.get_main_option("sqlalchemy.url") or default_db_url())
    context.configure(
        url=url,
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure_and_run(connection)
        return
    engine = create_store_engine(config.get_main_option("sqlalchemy.url") or default_db_url())
    try:
        with engine.begin() as own_connection:
            _configure_and_run(own_connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
