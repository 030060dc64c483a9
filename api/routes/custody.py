"""/api/custody: lots, each lot's legs and signed events."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from analyzer.custody import events_by_lot
from analyzer.legs import derive_legs
from api.access import lot_visible
from api.deps import AuditorUser, SessionDep, StateDep
from api.errors import ERROR_RESPONSES, not_found
from api.schemas.common import Moment
from api.schemas.custody import (
    CustodyEventPublic,
    CustodyLegPublic,
    LotPublic,
    LotSummaryPublic,
)
from pipelines.store import load_custody_events

router = APIRouter(prefix="/api/custody", tags=["custody"], responses=ERROR_RESPONSES)

LotName = Annotated[str, Query(min_length=1, max_length=200)]


@router.get("/lots", response_model=list[LotSummaryPublic])
def list_lots(user: AuditorUser, session: SessionDep, state: StateDep) -> list[LotSummaryPublic]:
    """Every lot (for a user limited to cameras: the lots that touch them)."""
    return [
        LotSummaryPublic(
            lot=lot,
            events=len(events),
            first=Moment.of(events[0].time, state.zone),
            last=Moment.of(events[-1].time, state.zone),
        )
        for lot, events in events_by_lot(load_custody_events(session)).items()
        if lot_visible(events, user, state.site)
    ]


@router.get("/lot", response_model=LotPublic)
def read_lot(lot: LotName, user: AuditorUser, session: SessionDep, state: StateDep) -> LotPublic:
    """One lot: its events and the legs (stays and moves) they make. The lot is a query
    parameter because lot names may hold any character, slashes included."""
    events = load_custody_events(session, lot=lot)
    if not events or not lot_visible(events, user, state.site):
        raise not_found(f"lot {lot}")
    legs = derive_legs(events).legs
    return LotPublic(
        lot=lot,
        events=[CustodyEventPublic.of(e, state.zone) for e in events],
        legs=[CustodyLegPublic.of(leg, state.zone) for leg in legs],
    )


@router.get("/events", response_model=list[CustodyEventPublic])
def list_events(
    user: AuditorUser,
    session: SessionDep,
    state: StateDep,
    lot: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=5000)] = 1000,
) -> list[CustodyEventPublic]:
    """Events in time order (for a user limited to cameras: of the lots that touch them)."""
    events = load_custody_events(session, lot=lot)
    shown = {
        name
        for name, of_lot in events_by_lot(events).items()
        if lot_visible(of_lot, user, state.site)
    }
    return [CustodyEventPublic.of(e, state.zone) for e in events if e.lot in shown][:limit]
