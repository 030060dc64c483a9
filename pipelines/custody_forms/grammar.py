"""The custody grammar of a lot: where its papers can be, event by event.

A lot is in no room until it arrives; `arrive` puts it in a room, `depart` takes it out, and
`handover`, `open` and `close` happen in the room it is in. A `depart` with no later
`arrive` is not a grammar error: the move that never ended is a finding of the rules.

Real forms start mid-trail: a transport form opens with the depart from the vault whose
arrive was logged on paper or on a form never imported. A lot's first known event may
therefore be a `depart`, `handover`, `open` or `close`: the lot was in that room then, and
where it was before is unknown (`mid_trail_starts` names such lots, once each).

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
    known_ids = _known_ids(events, history)
    problems: list[FormProblem] = []
    for lot, ordered in _lot_trails(events, history).items():
        for event, reason in _lot_problems(lot, ordered, known_ids):
            if event.event_id in known_ids:
                problems.append(
                    FormProblem(0, f"stored event {event.event_id} no longer fits: {reason}")
                )
            else:
                problems.append(FormProblem(event.row, reason))
    return problems


def mid_trail_starts(
    events: Sequence[CustodyEvent], *, history: Sequence[CustodyEvent] = ()
) -> list[FormProblem]:
    """One note for each lot of `events` whose first known event (with `history`) is not an
    arrive: the custody before it is not on the forms, so no rule checks it."""
    known_ids = _known_ids(events, history)
    notes = []
    for lot, ordered in _lot_trails(events, history).items():
        first = ordered[0]
        if first.type is EventType.ARRIVE or first.event_id in known_ids:
            continue
        notes.append(
            FormProblem(
                first.row,
                f"lot {lot} starts with its {first.type.value} in {first.location}: where it "
                "was before is not on the forms and is not checked",
            )
        )
    return notes


def _known_ids(events: Sequence[CustodyEvent], history: Sequence[CustodyEvent]) -> set[str]:
    given = {event.event_id for event in events}
    return {event.event_id for event in history if event.event_id not in given}


def _lot_trails(
    events: Sequence[CustodyEvent], history: Sequence[CustodyEvent]
) -> dict[str, list[CustodyEvent]]:
    """Each lot of `events` with its known and new events in time order (duty events belong
    to rooms, not lots, and are left out). At equal times known events come first, then the
    form's in row order; a form's event replaces a known one with the same id."""
    given = {event.event_id for event in events}
    known = [event for event in history if event.event_id not in given]
    lots = {event.lot for event in events}
    by_lot: dict[str, list[tuple[int, CustodyEvent]]] = defaultdict(list)
    for origin, group in ((0, known), (1, events)):
        for event in group:
            if event.type is not EventType.DUTY and event.lot in lots:
                by_lot[event.lot].append((origin, event))
    return {
        lot: [e for _, e in sorted(pairs, key=lambda p: (p[1].time, p[0], p[1].row))]
        for lot, pairs in by_lot.items()
    }


def _lot_problems(
    lot: str, events: Sequence[CustodyEvent], known_ids: Collection[str]
) -> list[tuple[CustodyEvent, str]]:
    def at(event: CustodyEvent) -> str:
        if event.event_id in known_ids:
            return f"stored event {event.event_id}"
        return f"row {event.row}"

    problems: list[tuple[CustodyEvent, str]] = []
    # The event that put the lot in the room it is in: an arrive, or the lot's first event
    # when the trail starts mid-way (it was in that room then).
    inside: CustodyEvent | None = None
    left: CustodyEvent | None = None  # the depart of a move not yet ended
    for index, event in enumerate(events):
        if index == 0 and event.type is not EventType.ARRIVE:
            inside = event
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
            else:  # after the first event a lot is either in a room or on its way
                assert left is not None
                where = f"it left {left.location} at {at(left)} and has not arrived anywhere since"
            what = f"{event.type.value} of lot {lot}"
            preposition = "from" if event.type is EventType.DEPART else "in"
            problems.append((event, f"{what} {preposition} {event.location}, but {where}"))
        if event.type is EventType.DEPART:
            inside, left = None, event
    return problems
