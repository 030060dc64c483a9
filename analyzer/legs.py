"""From a lot's signed events to its custody legs (stays and moves)."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from analyzer.custody import CustodyEvent, CustodyLeg, EventType, LegKind

# Events that happen in the room the lot is in.
_IN_ROOM = frozenset({EventType.HANDOVER, EventType.OPEN, EventType.CLOSE})


@dataclass(frozen=True)
class OpenMove:
    """A `depart` with no later `arrive`: the papers left a room and were never signed in."""

    lot: str
    depart: CustodyEvent


@dataclass(frozen=True)
class CustodyTrail:
    """Every lot's legs in time order, and the moves that never ended."""

    legs: list[CustodyLeg] = field(default_factory=list)
    open_moves: list[OpenMove] = field(default_factory=list)

    def leg_at(self, lot: str, time: float) -> CustodyLeg | None:
        return next(
            (leg for leg in self.legs if leg.lot == lot and leg.start <= time <= leg.end), None
        )


def derive_legs(events: Sequence[CustodyEvent], *, until: float | None = None) -> CustodyTrail:
    """Stays (arrive → depart in one room) and moves (depart → next arrive) of every lot.

    Expects events already validated by the import (per lot: arrive before depart, one room at
    a time). Events other than arrive and depart (handover, open, close) fall inside stays;
    duty events belong to rooms, not lots, and are ignored here. A lot whose trail starts
    mid-way was in the room of its first event then: a first handover, open or close starts a
    stay, a first depart a move; nothing before it is a leg (its custody is unknown). A lot
    still in a room after its last event stays there until `until` (the end of the period
    checked, e.g. the end of the footage), or until its last event when no `until` is given.
    """
    by_lot: dict[str, list[CustodyEvent]] = defaultdict(list)
    for event in events:
        if event.type is not EventType.DUTY:
            by_lot[event.lot].append(event)
    trail = CustodyTrail()
    for lot in sorted(by_lot):
        ordered = sorted(by_lot[lot], key=lambda e: (e.time, e.row))
        arrived: CustodyEvent | None = None
        departed: CustodyEvent | None = None
        if ordered[0].type in _IN_ROOM:
            arrived = ordered[0]
        for event in ordered:
            if event.type is EventType.ARRIVE:
                if departed is not None:
                    trail.legs.append(_leg(lot, LegKind.MOVE, departed, event))
                    departed = None
                arrived = event
            elif event.type is EventType.DEPART:
                if arrived is not None:
                    trail.legs.append(_leg(lot, LegKind.STAY, arrived, event))
                    arrived = None
                departed = event
        if arrived is not None:
            end = ordered[-1].time if until is None else max(until, ordered[-1].time)
            if end > arrived.time:
                stay = _leg(lot, LegKind.STAY, arrived, ordered[-1])
                trail.legs.append(dataclasses.replace(stay, end=end, end_event=""))
        if departed is not None:
            trail.open_moves.append(OpenMove(lot, departed))
    return trail


def _leg(lot: str, kind: LegKind, first: CustodyEvent, last: CustodyEvent) -> CustodyLeg:
    """Leg ids name their two events, so they stay the same on every re-check."""
    return CustodyLeg(
        leg_id=f"{lot}/{first.event_id}-{last.event_id if last is not first else 'open'}",
        lot=lot,
        kind=kind,
        start=first.time,
        end=last.time,
        from_room=first.location,
        to_room=last.location if kind is LegKind.MOVE else first.location,
        start_event=first.event_id,
        end_event=last.event_id,
        bundles=first.bundles if first.bundles is not None else last.bundles,
        device=first.device if kind is LegKind.MOVE else None,
    )
