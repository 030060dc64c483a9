"""Export records: added, read back exactly, on SQLite and PostgreSQL; migration 0004."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from pipelines.store import current_revision, downgrade, open_store, upgrade
from pipelines.store.exports import ExportRecord, load_exports, save_export


def record(case: str = "LEAK-1") -> ExportRecord:
    return ExportRecord(
        case=case,
        since=1795998540.25,
        until=1795998900.0,
        lot="L2026-001",
        cameras=("vault-b", "phone-2"),
        manifest_sha256="ab" * 32,
        signer_fingerprint="d8f5 adc8",
        created_by="auditor",
        created_at=datetime(2026, 11, 24, 3, 0, 1, 123456, tzinfo=UTC),
        out_path="/exports/leak-1.zip",
    )


def test_exports_round_trip(db_url: str) -> None:
    engine = open_store(db_url)
    try:
        with Session(engine) as session:
            save_export(session, record())
            save_export(session, record("LEAK-2"))
            session.commit()
        with Session(engine) as session:
            assert load_exports(session) == [record(), record("LEAK-2")]
            assert load_exports(session, case="LEAK-2") == [record("LEAK-2")]
        downgrade(engine, "0003")
        assert "exports" not in sa.inspect(engine).get_table_names()
        upgrade(engine)
        assert current_revision(engine) == "0009"
    finally:
        engine.dispose()
