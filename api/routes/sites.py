"""/api/cameras, /api/rooms: the site as the service knows it; a camera's day."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from analyzer import ANALYZER_VERSION
from analyzer.wallclock import day_window
from api.access import visible_cameras
from api.deps import AuditorUser, SessionDep, StateDep
from api.errors import ERROR_RESPONSES, not_found
from api.schemas.sites import CameraDayPublic, CameraPublic, RoomPublic, SpanPublic
from pipelines.store import load_findings, load_recordings

router = APIRouter(prefix="/api", tags=["site"], responses=ERROR_RESPONSES)


@router.get("/rooms", response_model=list[RoomPublic])
def list_rooms(_user: AuditorUser, state: StateDep) -> list[RoomPublic]:
    return [RoomPublic(id=r.id, kind=r.kind.value, name=r.name) for r in state.site.rooms]


@router.get("/cameras", response_model=list[CameraPublic])
def list_cameras(user: AuditorUser, session: SessionDep, state: StateDep) -> list[CameraPublic]:
    """The site file's cameras and any other camera recordings were stored for."""
    counts = Counter(r.camera for r in load_recordings(session))
    configured = {c.id: c for c in state.site.cameras}
    allowed = visible_cameras(user)
    return [
        CameraPublic(
            id=camera_id,
            kind=configured[camera_id].kind.value if camera_id in configured else "unknown",
            room=configured[camera_id].room if camera_id in configured else None,
            configured=camera_id in configured,
            recordings=counts[camera_id],
        )
        for camera_id in sorted(set(configured) | set(counts))
        if allowed is None or camera_id in allowed
    ]


@router.get("/cameras/{camera}/day", response_model=CameraDayPublic)
def camera_day(
    camera: str,
    day: Annotated[date, Query(description="the site's calendar day, YYYY-MM-DD")],
    user: AuditorUser,
    session: SessionDep,
    state: StateDep,
) -> CameraDayPublic:
    """What a camera recorded on one day of the site's calendar, and its findings."""
    if not user.may_see((camera,)) or not (
        state.site.camera(camera) is not None or load_recordings(session, camera=camera)
    ):
        raise not_found(f"camera {camera}")
    window = day_window(day, state.zone)
    start, end = window.start, window.end
    spans = [
        SpanPublic(start=max(r.start, start), end=min(r.end, end))
        for r in load_recordings(session, camera=camera, ending_after=start, starting_before=end)
        if r.start < end
    ]
    findings = load_findings(
        session, camera=camera, since=start, until=end, analyzer_version=ANALYZER_VERSION
    )
    return CameraDayPublic(
        camera=camera,
        date=day.isoformat(),
        day_start=start,
        day_end=end,
        recordings=spans,
        findings=[f.id for f in findings],
    )
