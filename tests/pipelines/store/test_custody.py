"""Custody events in the store: round trips, idempotent and conflicting re-imports,
all-or-nothing saves, filters, concurrent imports, and migration 0003."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from analyzer.custody import CustodyEvent, EventType
from pipelines.store import (
    CustodyConflictError,
    current_revision,
    downgrade,
    load_custody_events,
    load_findings,
    save_custody_events,
    save_scan_results,
    upgrade,
)
from pipelines.store.inserts import Inserted
from tests.pipelines.store.factories import T0, make_finding, make_recording, sha
from tests.pipelines.store.helpers import count, table_rows

FORM = sha("form-1")
OTHER_FORM = sha("form-2")


def event(
    event_id: str, offset: float, type: EventType = EventType.ARRIVE, **fields
) -> CustodyEvent:
    """An event of lot L1 in vault-1 at T0 + offset (times not whole microseconds)."""
    values = {
        "event_id": event_id,
        "time": T0 + offset,
        "type": type,
        "lot": "L1",
        "location": "vault-1",
        "bundles": 12,
        "persons": ("张三", "李四"),
        "device": None,
        "note": "从印刷厂接收入库",
        "row": 2,
    }
    values.update(fields)
    return CustodyEvent(**values)  # type: ignore[arg-type]


def trail() -> list[CustodyEvent]:
    return [
        event("E1", 0.0),
        event("E2", 60.0, EventType.OPEN, bundles=None, note="", row=3),
        event("D1", 30.0, EventType.DUTY, lot="", location="duty-1", bundles=None,
              persons=("王五",), row=4),
        event("E3", 120.0, EventType.DEPART, device="phone-1", note="送往考务办", row=5),
        event("E4", 900.0, lot="L2", location="exam-office", persons=(), row=6),
    ]  # fmt: skip


def by_time(events: list[CustodyEvent]) -> list[CustodyEvent]:
    return sorted(events, key=lambda e: e.time)


def test_round_trip_gives_equal_events_in_time_order(session: Session) -> None:
    summary = save_custody_events(session, events=trail(), source_sha256=FORM)
    assert (summary.new, summary.known) == (5, 0)
    assert summary.lots == {
        "": Inserted(new=1, known=0),
        "L1": Inserted(new=3, known=0),
        "L2": Inserted(new=1, known=0),
    }
    session.expire_all()
    assert load_custody_events(session) == by_time(trail())


def test_stored_columns(store: sa.Engine, session: Session) -> None:
    save_custody_events(session, events=trail()[:1], source_sha256=FORM, imported_at=T0 + 5)
    [row] = table_rows(store, "custody_events")
    assert row["persons"] == ["张三", "李四"]
    assert (row["source_sha256"], row["source_row"], row["type"]) == (FORM, 2, "arrive")
    assert row["time"].utcoffset() is not None
    assert abs(row["time"].timestamp() - T0) < 1e-6
    assert abs(row["imported_at"].timestamp() - (T0 + 5)) < 1e-6


def test_filters_by_lot_and_time(session: Session) -> None:
    save_custody_events(session, events=trail(), source_sha256=FORM)
    ids = [e.event_id for e in load_custody_events(session, lot="L1")]
    assert ids == ["E1", "E2", "E3"]
    # Both ends inclusive, to the exact float.
    window = load_custody_events(session, since=T0 + 30.0, until=T0 + 120.0)
    assert [e.event_id for e in window] == ["D1", "E2", "E3"]
    assert load_custody_events(session, lot="L9") == []


def test_reimport_adds_nothing_and_changes_nothing(store: sa.Engine, session: Session) -> None:
    save_custody_events(session, events=trail(), source_sha256=FORM)
    before = table_rows(store, "custody_events")
    # The same events read from another file (e.g. the XLSX of the same form, other rows).
    again = [replace(e, row=e.row + 10) for e in trail()]
    summary = save_custody_events(session, events=again, source_sha256=OTHER_FORM)
    assert (summary.new, summary.known) == (0, 5)
    assert summary.lots["L1"] == Inserted(new=0, known=3)
    assert table_rows(store, "custody_events") == before


def test_a_later_form_adds_only_its_new_events(session: Session) -> None:
    save_custody_events(session, events=trail()[:2], source_sha256=FORM)
    summary = save_custody_events(session, events=trail(), source_sha256=OTHER_FORM)
    assert (summary.new, summary.known) == (3, 2)
    assert summary.lots["L1"] == Inserted(new=1, known=2)
    assert len(load_custody_events(session)) == 5


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"bundles": 11}, ("bundles",)),
        ({"time": T0 + 0.001}, ("time",)),
        ({"persons": ("张三",), "note": "改"}, ("persons", "note")),
        ({"device": "phone-2", "location": "vault-2"}, ("location", "device")),
        ({"type": EventType.HANDOVER}, ("type",)),
    ],
    ids=["bundles", "time", "persons-note", "location-device", "type"],
)
def test_conflicting_reimport_is_refused_whole(
    store: sa.Engine, session: Session, changes: dict[str, object], fields: tuple[str, ...]
) -> None:
    save_custody_events(session, events=trail(), source_sha256=FORM)
    before = table_rows(store, "custody_events")
    changed = replace(trail()[0], **changes)  # type: ignore[arg-type]
    with pytest.raises(CustodyConflictError) as caught:
        save_custody_events(
            session, events=[event("E9", 5.0), changed, *trail()[1:]], source_sha256=OTHER_FORM
        )
    [conflict] = caught.value.conflicts
    assert conflict.given.event_id == "E1"
    assert conflict.fields == fields
    assert conflict.stored == trail()[0]
    assert conflict.stored_sha256 == FORM
    assert "event E1 is stored with other content" in str(caught.value)
    # Nothing of the refused save is stored, not even the new E9, and the session still works.
    assert table_rows(store, "custody_events") == before
    assert [e.event_id for e in load_custody_events(session, lot="L1")] == ["E1", "E2", "E3"]


def test_conflict_message_names_the_difference(session: Session) -> None:
    save_custody_events(session, events=trail()[:1], source_sha256=FORM)
    with pytest.raises(CustodyConflictError) as caught:
        save_custody_events(
            session, events=[replace(trail()[0], bundles=11)], source_sha256=OTHER_FORM
        )
    assert str(caught.value.conflicts[0]) == (
        f"event E1 is stored with other content: bundles (stored 12, now 11); "
        f"stored from file sha256 {FORM[:12]}, row 2"
    )


def test_one_id_given_twice(store: sa.Engine, session: Session) -> None:
    twice = [event("E1", 0.0), event("E1", 0.0, row=7)]  # same content: counted once
    assert save_custody_events(session, events=twice, source_sha256=FORM).new == 1
    with pytest.raises(ValueError, match="E2 is given twice with different content"):
        save_custody_events(
            session, events=[event("E2", 1.0), event("E2", 2.0)], source_sha256=FORM
        )
    assert count(store, "custody_events") == 1


def test_bad_source_hash_is_refused(session: Session) -> None:
    with pytest.raises(ValueError, match="not a hex SHA-256"):
        save_custody_events(session, events=trail(), source_sha256="abc")


def test_nothing_to_save(session: Session) -> None:
    summary = save_custody_events(session, events=[], source_sha256=FORM)
    assert (summary.new, summary.known, dict(summary.lots)) == (0, 0, {})


def test_many_events_in_one_save(session: Session) -> None:
    """More ids than one IN (...) chunk."""
    many = [event(f"E{i:04d}", float(i), EventType.DUTY, lot="") for i in range(1_200)]
    assert save_custody_events(session, events=many, source_sha256=FORM).new == 1_200
    assert save_custody_events(session, events=many, source_sha256=FORM).known == 1_200


@pytest.mark.postgres
@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_concurrent_imports_store_each_event_once(store: sa.Engine) -> None:
    events = [event(f"E{i:03d}", float(i)) for i in range(300)]
    barrier = threading.Barrier(4)

    def import_once(_: int) -> tuple[int, int]:
        with Session(store) as session:
            barrier.wait()
            summary = save_custody_events(session, events=events, source_sha256=FORM)
            return summary.new, summary.known

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(import_once, range(4)))
    assert sum(new for new, _ in results) == 300
    assert all(new + known == 300 for new, known in results)
    assert count(store, "custody_events") == 300


@pytest.mark.postgres
@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_concurrent_conflicting_import_is_refused(store: sa.Engine) -> None:
    first = [event(f"E{i:03d}", float(i)) for i in range(200)]
    second = [replace(e, bundles=11) for e in first]
    barrier = threading.Barrier(2)

    def import_form(events: list[CustodyEvent]) -> str:
        with Session(store) as session:
            barrier.wait()
            try:
                save_custody_events(session, events=events, source_sha256=FORM)
            except CustodyConflictError:
                return "refused"
            return "stored"

    with ThreadPoolExecutor(2) as pool:
        outcomes = sorted(pool.map(import_form, [first, second]))
    assert outcomes == ["refused", "stored"]
    with Session(store) as session:
        assert {e.bundles for e in load_custody_events(session)} in ({12}, {11})
    assert count(store, "custody_events") == 200


def test_0003_downgrades_to_0002_and_upgrades_over_stored_data(store: sa.Engine) -> None:
    with Session(store) as session:
        save_scan_results(
            session,
            recordings=[make_recording()],
            findings=[make_finding()],
            analyzer_version="1.0",
            params={},
        )
        save_custody_events(session, events=trail(), source_sha256=FORM)

    downgrade(store, "0002")
    assert current_revision(store) == "0002"
    assert "custody_events" not in sa.inspect(store).get_table_names()
    assert [count(store, name) for name in ("scans", "recordings", "findings")] == [1, 1, 1]

    upgrade(store)
    assert current_revision(store) == "0009"
    with Session(store) as session:
        assert load_findings(session) == [make_finding()]
        assert load_custody_events(session) == []
        assert save_custody_events(session, events=trail(), source_sha256=FORM).new == 5
