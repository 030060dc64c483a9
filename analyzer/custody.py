"""Custody of a lot of papers: the signed events (handover forms) and the legs between them.

A lot's events in time order give *stays* (papers in one room, from `arrive` to `depart`) and
*moves* (papers carried, from `depart` to the next `arrive`). Every leg says which video must
cover it: fixed cameras of the room for a stay (V1), the handheld recorder named on the
`depart` for a move (V4).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class RoomKind(StrEnum):
    """What a room is for: the rules judge vaults (V7, V9, V13) and duty rooms (V8)."""

    VAULT = "vault"
    DUTY = "duty"
    EXAM_OFFICE = "exam_office"
    DISTRIBUTION = "distribution"
    OTHER = "other"


class EventType(StrEnum):
    ARRIVE = "arrive"  # papers enter a room
    DEPART = "depart"  # papers leave a room
    HANDOVER = "handover"  # papers change hands inside a room
    OPEN = "open"  # vault or cabinet opened
    CLOSE = "close"  # vault or cabinet closed
    DUTY = "duty"  # a duty shift starts; `persons` are on duty


@dataclass(frozen=True, slots=True)
class CustodyEvent:
    """One signed line of a handover form. `time` is POSIX seconds.

    `bundles` is the count written on the form (None where the form has none, e.g. duty);
    `persons` the names that signed; `device` the handheld recorder carried on a depart.
    `row` is where the event came from in the imported file (for messages), 0 if unknown.
    """

    event_id: str
    time: float
    type: EventType
    lot: str
    location: str
    bundles: int | None = None
    persons: tuple[str, ...] = ()
    device: str | None = None
    note: str = ""
    row: int = 0


class LegKind(StrEnum):
    STAY = "stay"
    MOVE = "move"


@dataclass(frozen=True, slots=True)
class CustodyLeg:
    """The papers of `lot` between two events. Times are POSIX seconds.

    A stay is in `room` (from == to); a move goes from `from_room` to `to_room` with the
    handheld `device` recording. `bundles` is the count the lot should have throughout.
    """

    leg_id: str
    lot: str
    kind: LegKind
    start: float
    end: float
    from_room: str
    to_room: str
    start_event: str
    end_event: str
    bundles: int | None
    device: str | None = None

    @property
    def room(self) -> str:
        return self.from_room


def events_by_lot(events: Iterable[CustodyEvent]) -> dict[str, list[CustodyEvent]]:
    """The events that name a lot, per lot (sorted by lot name), each lot's in the given
    order; duty events naming no lot are left out."""
    grouped: dict[str, list[CustodyEvent]] = {}
    for event in events:
        if event.lot:
            grouped.setdefault(event.lot, []).append(event)
    return dict(sorted(grouped.items()))
