"""The audit chain anchored outside the database: every record sealed with a key the database
never holds, the head sealed into anchors kept outside the store. A rewrite by someone with
full database access (triggers dropped, a record edited, every hash after it recomputed) is
found, and so is a cut at the end or a chain stripped of its seals."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from pipelines.store import open_store
from pipelines.store.audit import append_audit, load_audit, record_hash, verify_chain
from pipelines.store.audit_anchor import anchors_path, keep_anchor, read_anchors, sign_head
from pipelines.store.audit_key import audit_key_path, load_audit_key
from tests.pipelines.store.test_audit import _disable_guard, entry


@pytest.fixture
def store(db_url: str) -> sa.Engine:
    engine = open_store(db_url)
    with Session(engine) as session:
        for n in range(1, 6):
            append_audit(session, entry(n, to="dismissed"))
        session.commit()
    yield engine
    engine.dispose()


def rewrite(engine: sa.Engine, *, seq: int, actor: str, strip_seals: bool = False) -> None:
    """Change record `seq`'s actor and recompute every hash from it on, as a forger with the
    database but not the key would."""
    with Session(engine) as session:
        records = load_audit(session)
    with engine.begin() as connection:
        _disable_guard(connection)
        prev = records[seq - 2].hash if seq > 1 else "0" * 64
        for record in records[seq - 1 :]:
            forged_entry = record.entry
            if record.seq == seq:
                forged_entry = type(record.entry)(**{**record.entry.__dict__, "actor": actor})
            digest = record_hash(record.seq, record.at, forged_entry, prev)
            connection.execute(
                sa.text(
                    "UPDATE audit_records SET actor = :actor, prev_hash = :prev, hash = :hash"
                    + (", mac = NULL" if strip_seals else "")
                    + " WHERE seq = :seq"
                ),
                {"actor": forged_entry.actor, "prev": prev, "hash": digest, "seq": record.seq},
            )
            prev = digest
        if strip_seals:
            connection.execute(sa.text("UPDATE audit_records SET mac = NULL"))


def test_every_record_is_sealed_and_verifies(store: sa.Engine) -> None:
    with Session(store) as session:
        report = verify_chain(session)
        assert all(r.mac is not None for r in load_audit(session))
    assert report.intact and report.records == 5 and report.sealed == 5


def test_a_rewrite_with_rehashed_records_is_found(store: sa.Engine) -> None:
    rewrite(store, seq=2, actor="someone else")
    with Session(store) as session:
        report = verify_chain(session)
    assert not report.intact and report.broken_at == 2
    assert "seal does not match the audit key" in (report.problem or "")


def test_a_rewrite_stripping_every_seal_is_found_by_the_anchor(store: sa.Engine) -> None:
    with Session(store) as session:
        anchor = sign_head(session)
    assert anchor is not None and anchor.seq == 5
    keep_anchor(anchor)
    rewrite(store, seq=3, actor="someone else", strip_seals=True)
    with Session(store) as session:
        report = verify_chain(session)
    assert not report.intact and report.broken_at == 5 and report.anchors == 1
    assert "anchored outside the store" in (report.problem or "")


def test_a_cut_at_the_end_is_found_by_the_anchor(store: sa.Engine) -> None:
    with Session(store) as session:
        anchor = sign_head(session)
    assert anchor is not None
    keep_anchor(anchor)
    with store.begin() as connection:
        _disable_guard(connection)
        connection.execute(sa.text("DELETE FROM audit_records WHERE seq >= 4"))
    with Session(store) as session:
        report = verify_chain(session)
    assert not report.intact and report.broken_at == 4
    assert "records were removed" in (report.problem or "")


def test_seals_stripped_from_the_tail_are_found(store: sa.Engine) -> None:
    with store.begin() as connection:
        _disable_guard(connection)
        connection.execute(sa.text("UPDATE audit_records SET mac = NULL WHERE seq >= 4"))
    with Session(store) as session:
        report = verify_chain(session)
    assert report.broken_at == 4 and "no seal" in (report.problem or "")


def test_records_from_before_sealing_are_covered_by_the_first_seal(store: sa.Engine) -> None:
    with store.begin() as connection:
        _disable_guard(connection)
        connection.execute(sa.text("UPDATE audit_records SET mac = NULL WHERE seq <= 3"))
    with Session(store) as session:
        report = verify_chain(session)
    assert report.intact and report.sealed == 2


def test_another_key_does_not_verify(store: sa.Engine) -> None:
    with Session(store) as session:
        report = verify_chain(session, key=b"x" * 32)
    assert report.broken_at == 1


def test_forged_anchors_are_reported_not_trusted(store: sa.Engine) -> None:
    path = anchors_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    forged = {"seq": 99, "hash": "0" * 64, "at": "2026-01-01T00:00:00+00:00", "mac": "0" * 64}
    path.write_text(json.dumps(forged) + "\nnot json\n")
    anchors, problems = read_anchors(key=load_audit_key())
    assert anchors == [] and len(problems) == 2
    with Session(store) as session:
        report = verify_chain(session)
    assert report.intact and len(report.notes) == 2


def test_the_key_and_anchors_are_private_under_umask_022(store: sa.Engine) -> None:
    old = os.umask(0o022)
    try:
        with Session(store) as session:
            anchor = sign_head(session)
        assert anchor is not None
        log = keep_anchor(anchor)
    finally:
        os.umask(old)
    key = audit_key_path()
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert stat.S_IMODE(key.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    assert stat.S_IMODE(Path(log).parent.stat().st_mode) == 0o700


def test_the_key_file_appears_only_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Another process reading the key the moment it appears must never see it empty or half
    # written: while its bytes are being written, the key's own name does not exist yet.
    where = tmp_path / "keys" / "audit.key"
    seen_while_writing: list[bool] = []
    real_fsync = os.fsync

    def fsync(descriptor: int) -> None:
        seen_while_writing.append(where.exists())
        real_fsync(descriptor)

    monkeypatch.setattr(os, "fsync", fsync)
    key = load_audit_key(where)
    assert seen_while_writing == [False]
    assert len(key) == 32 and where.read_bytes() == key
    assert stat.S_IMODE(where.stat().st_mode) == 0o600
    assert [p.name for p in where.parent.iterdir()] == ["audit.key"]  # no temporary left
    assert load_audit_key(where) == key  # made once
