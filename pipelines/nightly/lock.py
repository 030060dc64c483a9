"""One coordinator at a time per store: cron, a systemd timer and the beat schedule may all
start `nightly`; the second one finds the lock taken and leaves.

PostgreSQL: a session advisory lock on a connection held for the run. SQLite: an exclusive
`flock` on a file beside the database. Both die with the process, so a coordinator killed
with `kill -9` never leaves a stale lock behind.
"""

from __future__ import annotations

import fcntl
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, text

from pipelines.store.urls import sqlite_file, vaultwatch_home

_KEY = int.from_bytes(hashlib.sha256(b"vaultwatch.nightly").digest()[:8], "big") >> 1


class RunLocked(RuntimeError):
    """Another nightly run holds the lock."""


@contextmanager
def run_lock(engine: Engine) -> Iterator[None]:
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            taken = connection.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": _KEY})
            if not taken.scalar():
                raise RunLocked("another nightly run is in progress on this store")
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _KEY})
                connection.commit()
        return
    database = sqlite_file(engine.url)
    lock_path = (
        database.with_name(database.name + ".nightly.lock")
        if database is not None
        else vaultwatch_home() / "nightly.lock"
    )
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with Path(lock_path).open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise RunLocked(f"another nightly run holds {lock_path}") from exc
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
