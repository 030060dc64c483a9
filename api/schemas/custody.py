"""Custody: lots, their legs (stays and moves) and the signed events behind them."""

from __future__ import annotations

from datetime import tzinfo

from analyzer.custody import CustodyEvent, CustodyLeg
from api.schemas.common import Moment, Public


class CustodyEventPublic(Public):
    event_id: str
    time: Moment
    type: str
    lot: str
    location: str
    bundles: int | None
    persons: list[str]
    device: str | None
    note: str

    @classmethod
    def of(cls, e: CustodyEvent, zone: tzinfo) -> CustodyEventPublic:
        return cls(
            event_id=e.event_id,
            time=Moment.of(e.time, zone),
            type=e.type.value,
            lot=e.lot,
            location=e.location,
            bundles=e.bundles,
            persons=list(e.persons),
            device=e.device,
            note=e.note,
        )


class CustodyLegPublic(Public):
    leg_id: str
    lot: str
    kind: str
    start: Moment
    end: Moment
    from_room: str
    to_room: str
    start_event: str
    end_event: str
    bundles: int | None
    device: str | None

    @classmethod
    def of(cls, leg: CustodyLeg, zone: tzinfo) -> CustodyLegPublic:
        return cls(
            leg_id=leg.leg_id,
            lot=leg.lot,
            kind=leg.kind.value,
            start=Moment.of(leg.start, zone),
            end=Moment.of(leg.end, zone),
            from_room=leg.from_room,
            to_room=leg.to_room,
            start_event=leg.start_event,
            end_event=leg.end_event,
            bundles=leg.bundles,
            device=leg.device,
        )


class LotSummaryPublic(Public):
    lot: str
    events: int
    first: Moment
    last: Moment


class LotPublic(Public):
    lot: str
    events: list[CustodyEventPublic]
    legs: list[CustodyLegPublic]
