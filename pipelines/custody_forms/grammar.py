"""The custody grammar of a lot: where its papers can be, event by event.

A lot is in no room until it arrives; `arrive` puts it in a room, `depart` takes it out, and
`handover`, `open` and `close` happen in the room it is in. A `depart` with no later
`arrive` is not a grammar error: the move that never ended is a finding of the rules.

Forms come in several files (the storage list, the vault in/out record, the distribution
register), so a form is checked together with the events already known (`history`, e.g.
the stored ones): a vault-out record may start with a `depart` when the lot's `arrive` is on
a storage list imported before.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence

from analyzer.custody import CustodyEvent, EventType
from pipelines.custody_forms.tables import FormProblem


def custody_problems(
    events: Sequence[CustodyEvent], *, history: Sequence[CustodyEvent] = ()
) -> list[FormProblem]:
    """Events that contradict where their lot is, checked per lot in time order.

    `events` are a form's (problems name their `row`); `history` are events known before
    (an event of `events` with the same id replaces its known version). At equal times known
    events come first, then the form's in row order. Duty events belong to rooms, not lots,
    and are not checked. A known event that the form's events contradict is a problem of the
    whole form (row 0), naming that event.

    After a contradiction the event is taken at its word (an `arrive` puts the lot in its
    room), so one wrong line gives one problem rather than one for every line after it.
    """
    given = {event.event_id for event in events}
    known = [event for event in history if event.event_id not in given]
    known_ids = {event.event_id for event in known}
    lots = {event.lot for event in events}
    by_lot: dict[str, list[tuple[int, CustodyEvent]]] = defaultdict(list)
    for origin, group in ((0, known), (1, events)):
        for event in group:
            if event.type is not EventType.DUTY and event.lot in lots:
                by_lot[event.lot].append((origin, event))
    problems: list[FormProblem] = []
    for lot, lot_events in by_lot.items():
        ordered = [e for _, e in sorted(lot_events, key=lambda p: (p[1].time, p[0], p[1].row))]
        for event, reason in _lot_problems(lot, ordered, known_ids):
            if event.event_id in known_ids:
                problems.append(
                    FormProblem(0, f"stored event {event.event_id} no longer fits: {reason}")
                )
            else:
                problems.append(FormProblem(event.row, reason))
    return problems


def _lot_problems(
    lot: str, events: Sequence[CustodyEvent], known_ids: Collection[str]
) -> list[tuple[CustodyEvent, str]]:
    def at(event: CustodyEvent) -> str:
        if event.event_id in known_ids:
            return f"stored event {event.event_id}"
        return f"row {event.row}"

    problems: list[tuple[CustodyEvent, str]] = []
    inside: CustodyEvent | None = None  # the arrive of the room the lot is in
    left: CustodyEvent | None = None  # the depart of a move not yet ended
    for event in events:
        if event.type is EventType.ARRIVE:
            if inside is not None:
                problems.append(
                    (
                        event,
                        f"arrive of lot {lot} in {event.location}, but it is still in "
                        f"{inside.location} (arrived at {at(inside)}, no depart since)",
                    )
                )
            inside, left = event, None
            continue
        if inside is None or inside.location != event.location:
            if inside is not None:
                where = f"it is in {inside.location} (arrived at {at(inside)})"
            elif left is not None:
                where = f"it left {left.location} at {at(left)} and has not arrived anywhere since"
            else:
                where = "it has not arrived anywhere before"
            what = f"{event.type.value} of lot {lot}"
            preposition = "from" if event.type is EventType.DEPART else "in"
            problems.append((event, f"{what} {preposition} {event.location}, but {where}"))
        if event.type is EventType.DEPART:
            inside, left = None, event
    return problems
