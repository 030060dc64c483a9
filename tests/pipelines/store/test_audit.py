"""The audit trail: hash chain, append-only in the database, verification that names the
first break, concurrent writers that cannot fork the chain."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from pipelines.store import current_revision, downgrade, open_store, upgrade
from pipelines.store.audit import (
    GENESIS,
    AuditEntry,
    append_audit,
    count_audit,
    load_audit,
    record_hash,
    run_audited,
    verify_chain,
)


def entry(n: int, **detail: object) -> AuditEntry:
    return AuditEntry(
        actor=f"user{n}",
        role="inspector",
        action="clip.view",
        object_type="finding",
        object_id=f"f{n}",
        client="10.0.0.7",
        detail=detail,
    )


@pytest.fixture
def store(db_url: str) -> sa.Engine:
    engine = open_store(db_url)
    yield engine
    engine.dispose()


def append(engine: sa.Engine, *entries: AuditEntry) -> None:
    with Session(engine) as session:
        for e in entries:
            append_audit(session, e)
        session.commit()


def test_records_chain_from_genesis_and_verify(store: sa.Engine) -> None:
    append(store, entry(1), entry(2, comment="看过 ✓", count=3), entry(3))
    with Session(store) as session:
        records = load_audit(session)
        report = verify_chain(session)
        assert count_audit(session, actor="user2") == 1
    assert [r.seq for r in records] == [1, 2, 3]
    assert records[0].prev_hash == GENESIS
    assert [r.prev_hash for r in records[1:]] == [r.hash for r in records[:-1]]
    assert records[1].entry.detail == {"comment": "看过 ✓", "count": 3}
    assert report.intact and report.records == 3 and report.head == records[-1].hash
    # The hash covers every field: recomputing it from the stored values gives it back.
    r = records[1]
    assert record_hash(r.seq, r.at, r.entry, r.prev_hash) == r.hash


@pytest.mark.parametrize(
    "statement", ["UPDATE audit_records SET actor = 'x'", "DELETE FROM audit_records"]
)
def test_the_database_refuses_to_change_records(store: sa.Engine, statement: str) -> None:
    append(store, entry(1), entry(2))
    with pytest.raises(DBAPIError, match="append-only"), store.begin() as connection:
        connection.execute(sa.text(statement))
    with Session(store) as session:
        assert verify_chain(session).records == 2


def _disable_guard(connection: sa.Connection) -> None:
    """What someone with full database access could do before tampering."""
    if connection.dialect.name == "postgresql":
        connection.execute(sa.text("ALTER TABLE audit_records DISABLE TRIGGER USER"))
    else:
        connection.execute(sa.text("DROP TRIGGER audit_records_no_update"))
        connection.execute(sa.text("DROP TRIGGER audit_records_no_delete"))


@pytest.mark.parametrize(
    ("tampering", "broken_at", "problem"),
    [
        ("UPDATE audit_records SET actor = 'someone else' WHERE seq = 2", 2, "altered"),
        ('UPDATE audit_records SET detail = \'{"to": "confirmed"}\' WHERE seq = 3', 3, "altered"),
        ("DELETE FROM audit_records WHERE seq = 2", 3, "missing"),
        ("UPDATE audit_records SET prev_hash = hash WHERE seq = 4", 4, "does not chain"),
    ],
)
def test_tampering_is_found_where_it_happened(
    store: sa.Engine, tampering: str, broken_at: int, problem: str
) -> None:
    append(store, *(entry(n, to="dismissed") for n in range(1, 6)))
    with store.begin() as connection:
        _disable_guard(connection)
        connection.execute(sa.text(tampering))
    with Session(store) as session:
        report = verify_chain(session)
    assert not report.intact
    assert report.broken_at == broken_at
    assert problem in (report.problem or "")


def test_a_record_with_a_moved_time_breaks_the_chain(store: sa.Engine) -> None:
    append(store, entry(1), entry(2))
    with store.begin() as connection:
        _disable_guard(connection)
        connection.execute(
            sa.text("UPDATE audit_records SET at = :at WHERE seq = 1"),
            {"at": datetime(2026, 1, 1, tzinfo=UTC).replace(tzinfo=None)}
            if connection.dialect.name == "sqlite"
            else {"at": datetime(2026, 1, 1, tzinfo=UTC)},
        )
    with Session(store) as session:
        assert verify_chain(session).broken_at == 1


def test_concurrent_writers_make_one_linear_chain(store: sa.Engine) -> None:
    factory = sessionmaker(store)
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for i in range(10):
                run_audited(
                    factory, lambda s, i=i: append_audit(s, entry(n * 100 + i)), attempts=50
                )
        except BaseException as exc:  # the assertion below reports it
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with Session(store) as session:
        report = verify_chain(session)
        actors = {r.entry.actor for r in load_audit(session)}
    assert report.intact and report.records == 40
    assert len(actors) == 40


def test_a_failed_unit_of_work_leaves_no_record(store: sa.Engine) -> None:
    factory = sessionmaker(store)

    def work(session: Session) -> None:
        append_audit(session, entry(1))
        raise RuntimeError("the audited change failed")

    with pytest.raises(RuntimeError):
        run_audited(factory, work)
    with Session(store) as session:
        assert verify_chain(session).records == 0


def test_0005_downgrades_to_0004_and_upgrades_again(store: sa.Engine) -> None:
    append(store, entry(1))
    downgrade(store, "0004")
    tables = set(sa.inspect(store).get_table_names())
    assert not tables & {"users", "audit_records", "finding_reviews", "scan_jobs"}
    upgrade(store, "0005")
    assert current_revision(store) == "0005"
    upgrade(store)  # records are written with the columns of the newest schema
    append(store, entry(2))
    with Session(store) as session:
        assert verify_chain(session).records == 1  # a new chain; the dropped one is gone
    with pytest.raises(DBAPIError, match="append-only"), store.begin() as connection:
        connection.execute(sa.text("DELETE FROM audit_records"))
