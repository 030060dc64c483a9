"""Custody events in the store: importing a form's events once, reading them back.

An event is known by its `event_id`. Saving a form again stores nothing new; saving an
event whose id is stored with other content is refused as a whole (`CustodyConflictError`),
because a signed form is evidence and a stored line is never changed. A corrected line needs
a new event id.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum
from typing import Any, cast

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from analyzer.custody import CustodyEvent, EventType
from pipelines.store.columns import utc_datetime
from pipelines.store.inserts import Inserted, insert_missing
from pipelines.store.schema import CustodyEventRow

_CUSTODY_EVENTS = cast(Table, CustodyEventRow.__table__)
# What a signed line says; where it was read from (row, file) is not part of it.
CONTENT_FIELDS = ("time", "type", "lot", "location", "bundles", "persons", "device", "note")
_SHA256 = re.compile(r"[0-9a-f]{64}")
# Keeps IN (...) lists well under every backend's limit on bound parameters.
_CHUNK = 500
# Attempts at a save racing other imports of the same events (see `save_custody_events`).
_ATTEMPTS = 5


@dataclass(frozen=True, slots=True)
class CustodySummary:
    """What one save did: distinct events new to the store vs already stored, in all and per
    lot (the key "" holds duty events that name no lot), lots in sorted order."""

    new: int
    known: int
    lots: Mapping[str, Inserted]


@dataclass(frozen=True, slots=True)
class CustodyConflict:
    """An event whose id is stored with other content; `fields` name what differs."""

    stored: CustodyEvent
    given: CustodyEvent
    stored_sha256: str
    fields: tuple[str, ...]

    def __str__(self) -> str:
        differences = ", ".join(
            f"{name} (stored {_shown(getattr(self.stored, name))}, "
            f"now {_shown(getattr(self.given, name))})"
            for name in self.fields
        )
        return (
            f"event {self.given.event_id} is stored with other content: {differences}; "
            f"stored from file sha256 {self.stored_sha256[:12]}, row {self.stored.row}"
        )


class CustodyConflictError(ValueError):
    """Events whose ids are stored with other content; nothing of the save was stored."""

    def __init__(self, conflicts: Sequence[CustodyConflict]) -> None:
        self.conflicts = list(conflicts)
        ids = ", ".join(c.given.event_id for c in self.conflicts)
        super().__init__(
            f"{len(self.conflicts)} event(s) already stored with other content ({ids}); "
            "stored events are never changed: give a corrected event a new event_id\n"
            + "\n".join(map(str, self.conflicts))
        )


def save_custody_events(
    session: Session,
    *,
    events: Sequence[CustodyEvent],
    source_sha256: str,
    imported_at: float | None = None,
) -> CustodySummary:
    """Store the events not stored yet, all or nothing, then commit.

    `source_sha256` is the hex SHA-256 of the file the events were read from; `imported_at`
    POSIX seconds, defaulting to now. An event stored already with the same content counts as
    known and is left as it is (with the file and row it was first read from).

    Raises, storing nothing: `CustodyConflictError` when an event id is stored with other
    content; ValueError for a malformed `source_sha256` or one id given twice with different
    content. Safe for concurrent imports on PostgreSQL: each event is stored once, and a
    conflict with an import that committed first is found and refused.
    """
    if not _SHA256.fullmatch(source_sha256):
        raise ValueError(f"source_sha256 {source_sha256!r} is not a hex SHA-256")
    distinct = _distinct(events)
    now = datetime.now(UTC) if imported_at is None else utc_datetime(imported_at)
    for _ in range(_ATTEMPTS):
        stored = _stored(session, distinct)
        conflicts = [
            conflict
            for event in distinct.values()
            if (conflict := _conflict(stored.get(event.event_id), event)) is not None
        ]
        if conflicts:
            session.rollback()
            raise CustodyConflictError(conflicts)
        fresh = [event for event in distinct.values() if event.event_id not in stored]
        inserted = insert_missing(
            session,
            table=_CUSTODY_EVENTS,
            rows=[
                custody_event_values(e, source_sha256=source_sha256, imported_at=now) for e in fresh
            ],
            key=("event_id",),
        )
        if inserted.known == 0:
            summary = _summary(distinct.values(), new_ids={e.event_id for e in fresh})
            session.commit()
            return summary
        # Another import stored some of these events after they were read above: read again,
        # so they are compared (and counted as known) instead of silently skipped.
        session.rollback()
    raise RuntimeError(f"custody events kept changing under {_ATTEMPTS} attempts to save them")


def load_custody_events(
    session: Session,
    *,
    lot: str | None = None,
    since: float | None = None,
    until: float | None = None,
) -> list[CustodyEvent]:
    """Stored events (all, or one lot's) in time order, ties in form row then id order.

    `since` / `until` are POSIX seconds, both ends inclusive. `CustodyEvent.row` is the row
    of the file the event was first imported from.
    """
    query = select(CustodyEventRow).order_by(
        CustodyEventRow.time_s, CustodyEventRow.source_row, CustodyEventRow.event_id
    )
    if lot is not None:
        query = query.where(CustodyEventRow.lot == lot)
    if since is not None:
        query = query.where(CustodyEventRow.time_s >= since)
    if until is not None:
        query = query.where(CustodyEventRow.time_s <= until)
    return [custody_event_from_row(row) for row in session.scalars(query)]


def get_custody_event(session: Session, *, event_id: str) -> CustodyEvent | None:
    """The stored event with this id, or None."""
    row = session.get(CustodyEventRow, event_id)
    return None if row is None else custody_event_from_row(row)


def custody_event_values(
    event: CustodyEvent, *, source_sha256: str, imported_at: datetime
) -> dict[str, Any]:
    """The `custody_events` row for `event`, keyed by column name."""
    return {
        "event_id": event.event_id,
        "time": utc_datetime(event.time),
        "time_s": event.time,
        "type": event.type.value,
        "lot": event.lot,
        "location": event.location,
        "bundles": event.bundles,
        "persons": list(event.persons),
        "device": event.device,
        "note": event.note,
        "source_sha256": source_sha256,
        "source_row": event.row,
        "imported_at": imported_at,
    }


def custody_event_from_row(row: CustodyEventRow) -> CustodyEvent:
    """A stored row back into the analyzer's `CustodyEvent` (exact float time, enum type)."""
    return CustodyEvent(
        event_id=row.event_id,
        time=row.time_s,
        type=EventType(row.type),
        lot=row.lot,
        location=row.location,
        bundles=row.bundles,
        persons=tuple(row.persons),
        device=row.device,
        note=row.note,
        row=row.source_row,
    )


def _distinct(events: Sequence[CustodyEvent]) -> dict[str, CustodyEvent]:
    distinct: dict[str, CustodyEvent] = {}
    for event in events:
        first = distinct.setdefault(event.event_id, event)
        if _differences(first, event):
            raise ValueError(
                f"event {event.event_id} is given twice with different content "
                f"(rows {first.row} and {event.row})"
            )
    return distinct


@dataclass(frozen=True, slots=True)
class _Stored:
    event: CustodyEvent
    source_sha256: str


def _stored(session: Session, events: Mapping[str, CustodyEvent]) -> dict[str, _Stored]:
    stored: dict[str, _Stored] = {}
    for ids in _chunks(sorted(events)):
        query = select(CustodyEventRow).where(CustodyEventRow.event_id.in_(ids))
        for row in session.scalars(query):
            stored[row.event_id] = _Stored(custody_event_from_row(row), row.source_sha256)
    return stored


def _conflict(stored: _Stored | None, given: CustodyEvent) -> CustodyConflict | None:
    if stored is None:
        return None
    differences = _differences(stored.event, given)
    if not differences:
        return None
    return CustodyConflict(
        stored=stored.event, given=given, stored_sha256=stored.source_sha256, fields=differences
    )


def _differences(a: CustodyEvent, b: CustodyEvent) -> tuple[str, ...]:
    return tuple(name for name in CONTENT_FIELDS if getattr(a, name) != getattr(b, name))


def _summary(events: Collection[CustodyEvent], *, new_ids: Collection[str]) -> CustodySummary:
    new = Counter(e.lot for e in events if e.event_id in new_ids)
    known = Counter(e.lot for e in events if e.event_id not in new_ids)
    lots = {lot: Inserted(new=new[lot], known=known[lot]) for lot in sorted(new | known)}
    return CustodySummary(new=new.total(), known=known.total(), lots=lots)


def _chunks(items: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def _shown(value: object) -> str:
    """A field's value for a message: times in UTC (the store knows no site zone)."""
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, tuple):
        return repr(";".join(map(str, value)))
    if isinstance(value, float):
        return datetime.fromtimestamp(value, UTC).isoformat()
    return repr(value) if isinstance(value, str) else str(value)
