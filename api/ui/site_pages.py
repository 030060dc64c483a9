"""A lot's custody timeline, the cameras, and a camera's day."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from analyzer import ANALYZER_VERSION
from analyzer.custody import CustodyLeg, events_by_lot
from analyzer.findings import Finding, Severity
from analyzer.legs import derive_legs
from analyzer.recording import RecordingInfo
from analyzer.wallclock import day_window
from api.access import lot_visible, visible_cameras
from api.deps import MaybeUser, SessionDep, StateDep
from api.errors import not_found
from api.ui import charts
from api.ui.count_chart import counts_chart
from api.ui.render import page_user, page_words, render
from api.ui.words import Words
from pipelines.store import (
    load_count_timelines,
    load_custody_events,
    load_findings,
    load_recordings,
)
from pipelines.store.finding_query import FindingFilter, find_findings

router = APIRouter(include_in_schema=False)


@router.get("/lots", response_class=HTMLResponse)
def lots_page(
    request: Request, state: StateDep, session: SessionDep, user: MaybeUser
) -> HTMLResponse:
    me = page_user(request, user)
    lots = [
        (lot, events)
        for lot, events in events_by_lot(load_custody_events(session)).items()
        if lot_visible(events, me, state.site)
    ]
    return render(request, state, me, "lots.html", lots=lots)


@router.get("/lots/view", response_class=HTMLResponse)
def lot_page(
    request: Request,
    state: StateDep,
    session: SessionDep,
    user: MaybeUser,
    lot: Annotated[str, Query(max_length=200)],
) -> HTMLResponse:
    me = page_user(request, user)
    events = load_custody_events(session, lot=lot)
    # A lot the user may not see is answered as one that does not exist.
    if not events or not lot_visible(events, me, state.site):
        raise not_found(f"lot {lot}")
    words = page_words(request, state)
    legs = derive_legs(events).legs
    start, end = events[0].time, max(events[-1].time, *(leg.end for leg in legs))
    margin = max((end - start) * 0.05, 60.0)
    start, end = start - margin, end + margin
    leg_bars = charts.bars(
        [
            charts.Span(
                leg.start,
                leg.end,
                f"{words.leg(leg.kind)} {_leg_label(leg)}: {words.when(leg.start)} – "
                f"{words.when(leg.end)}",
                leg.kind.value,
                text=_leg_label(leg),
            )
            for leg in legs
        ],
        start,
        end,
    )
    rooms = {leg.from_room for leg in legs} | {leg.to_room for leg in legs}
    devices = {leg.device for leg in legs if leg.device}
    cameras = sorted(
        c.id
        for c in state.site.cameras
        if (c.room in rooms or c.id in devices) and me.may_see((c.id,))
    )
    coverage = [
        (
            camera,
            charts.bars(
                [
                    _footage(r, words)
                    for r in load_recordings(session, camera=camera, ending_after=start)
                    if r.start <= end
                ],
                start,
                end,
            ),
        )
        for camera in cameras
    ]
    page = find_findings(
        session,
        FindingFilter(
            analyzer_version=ANALYZER_VERSION, lot=lot, visible_cameras=visible_cameras(me)
        ),
        limit=500,
    )
    findings = [item.finding for item in page.items]
    finding_bars = _finding_bars(findings, start, end, words)
    return render(
        request,
        state,
        me,
        "lot.html",
        lot=lot,
        start=start,
        end=end,
        legs=legs,
        events=events,
        leg_bars=leg_bars,
        coverage=coverage,
        findings=findings,
        finding_bars=finding_bars,
        lanes=charts.lanes(finding_bars),
        ticks=charts.time_ticks(start, end, state.zone),
        severities=list(Severity),
    )


@router.get("/cameras", response_class=HTMLResponse)
def cameras_page(
    request: Request, state: StateDep, session: SessionDep, user: MaybeUser
) -> HTMLResponse:
    me = page_user(request, user)
    days: dict[str, set[str]] = defaultdict(set)
    for r in load_recordings(session):
        days[r.camera].add(datetime.fromtimestamp(r.start, state.zone).date().isoformat())
    configured = {c.id: c for c in state.site.cameras}
    cameras = [
        {
            "id": camera_id,
            "kind": configured[camera_id].kind if camera_id in configured else None,
            "room": configured[camera_id].room if camera_id in configured else None,
            "days": sorted(days[camera_id]),
        }
        for camera_id in sorted(set(configured) | set(days))
        if me.may_see((camera_id,))
    ]
    return render(request, state, me, "cameras.html", cameras=cameras)


@router.get("/cameras/{camera}/day", response_class=HTMLResponse)
def camera_day_page(
    request: Request,
    camera: str,
    state: StateDep,
    session: SessionDep,
    user: MaybeUser,
    day: date,
) -> HTMLResponse:
    me = page_user(request, user)
    if not me.may_see((camera,)):
        raise not_found(f"camera {camera}")
    window = day_window(day, state.zone)
    start, end = window.start, window.end
    recordings = [
        r
        for r in load_recordings(session, camera=camera, ending_after=start, starting_before=end)
        if r.start < end
    ]
    findings = load_findings(
        session, camera=camera, since=start, until=end, analyzer_version=ANALYZER_VERSION
    )
    words = page_words(request, state)
    finding_bars = _finding_bars(findings, start, end, words)
    timelines = load_count_timelines(
        session, camera=camera, analyzer_version=ANALYZER_VERSION, since=start, until=end
    )
    return render(
        request,
        state,
        me,
        "camera_day.html",
        camera=camera,
        day=day.isoformat(),
        previous_day=(day - timedelta(days=1)).isoformat(),
        next_day=(day + timedelta(days=1)).isoformat(),
        footage=charts.bars([_footage(r, words) for r in recordings], start, end),
        findings=findings,
        finding_bars=finding_bars,
        lanes=charts.lanes(finding_bars),
        ticks=charts.time_ticks(start, end, state.zone),
        severities=list(Severity),
        chart=counts_chart(timelines, start=start, end=end, zone=state.zone),
    )


def _finding_bars(
    findings: list[Finding], start: float, end: float, words: Words
) -> list[charts.Bar]:
    """Findings as bars, each titled with what, where and when (overlapping ones in lanes)."""
    return charts.bars(
        [
            charts.Span(
                f.start,
                f.end,
                f"{words.kind(f.kind)} · {f.rule} · {f.camera} · {words.when(f.start)} – "
                f"{words.when(f.end)}",
                f"sev-{f.severity.value}",
                f"/findings/{f.id}",
                words.kind(f.kind),
            )
            for f in findings
        ],
        start,
        end,
    )


def _footage(recording: RecordingInfo, words: Words) -> charts.Span:
    name = recording.path.rsplit("/", 1)[-1]
    label = f"{name}: {words.when(recording.start)} – {words.when(recording.end)}"
    return charts.Span(recording.start, recording.end, label, "footage")


def _leg_label(leg: CustodyLeg) -> str:
    where = leg.from_room if leg.from_room == leg.to_room else f"{leg.from_room}→{leg.to_room}"
    return f"{where} ({leg.bundles})" if leg.bundles is not None else where
