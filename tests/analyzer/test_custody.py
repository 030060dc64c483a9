"""Grouping a form's events by lot."""

from __future__ import annotations

from analyzer.custody import CustodyEvent, EventType, events_by_lot


def event(event_id: str, lot: str, time: float, kind: EventType = EventType.ARRIVE) -> CustodyEvent:
    return CustodyEvent(event_id=event_id, time=time, type=kind, lot=lot, location="vault-1")


def test_events_are_grouped_by_lot_in_lot_order_and_keep_their_order() -> None:
    events = [
        event("E1", "L2", 10.0),
        event("E2", "L1", 20.0),
        event("D1", "", 25.0, EventType.DUTY),
        event("E3", "L2", 30.0, EventType.DEPART),
    ]
    grouped = events_by_lot(events)
    assert list(grouped) == ["L1", "L2"]
    assert [e.event_id for e in grouped["L2"]] == ["E1", "E3"]
    assert events_by_lot([]) == {}
