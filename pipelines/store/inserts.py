"""Insert-if-absent for SQLite and PostgreSQL: INSERT ... ON CONFLICT DO NOTHING RETURNING."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Executable, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from pipelines.store.engine import UnsupportedDatabaseError


@dataclass(frozen=True, slots=True)
class Inserted:
    """How many distinct rows were written now vs were already stored."""

    new: int
    known: int


def insert_missing(
    session: Session, *, table: Table, rows: Sequence[Mapping[str, Any]], key: Sequence[str]
) -> Inserted:
    """Insert the rows whose `key` is not stored yet; leave stored rows exactly as they are.

    Rows repeating a key within `rows` count once (the first wins). Rows are written in key
    order so that two concurrent writers lock the same keys in the same order: on PostgreSQL
    the second waits for the first to commit and then skips its rows, instead of deadlocking.
    """
    distinct: dict[tuple[Any, ...], Mapping[str, Any]] = {}
    for row in rows:
        distinct.setdefault(tuple(row[name] for name in key), row)
    if not distinct:
        return Inserted(new=0, known=0)
    ordered = [distinct[k] for k in sorted(distinct)]

    dialect = session.get_bind().dialect.name
    # RETURNING yields only the rows actually inserted, which is how "new" is counted
    # without a racy SELECT beforehand.
    returning = [table.c[name] for name in key]
    statement: Executable
    if dialect == "postgresql":
        statement = (
            postgresql.insert(table)
            .on_conflict_do_nothing(index_elements=list(key))
            .returning(*returning)
        )
    elif dialect == "sqlite":
        statement = (
            sqlite.insert(table)
            .on_conflict_do_nothing(index_elements=list(key))
            .returning(*returning)
        )
    else:
        raise UnsupportedDatabaseError(f"no insert-if-absent for {dialect!r}")
    returned = session.execute(statement, ordered)
    new = len(returned.all())
    return Inserted(new=new, known=len(ordered) - new)
