"""/api/findings/{id}/clip, /thumbnail, /detections, /counts: the footage of a finding.

Clips are cut from the original by stream copy (the original's bits) and cached; with
`boxes=true` the same span is re-encoded with people and bundles boxed (a derived picture,
said so in the response headers and the audit record). Every view and download of a clip or
thumbnail is audited. Media is found by the finding's id, never by a path from the client.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Query
from starlette.responses import FileResponse

from analyzer.recording import RecordingInfo
from api.access import visible_finding
from api.audit_trail import Action, entry, record, record_footage
from api.deps import AuditorUser, ClientDep, SessionDep, StateDep
from api.errors import ERROR_RESPONSES, ApiError, ErrorCode
from api.files import check_ranges, media_response
from api.footage import (
    clip_recording,
    counted_camera,
    counted_timelines,
    counts_window,
    finding_clip_file,
    media_errors,
    served_recording,
)
from api.schemas.media import CountTimelinePublic
from pipelines import review_media
from pipelines.detectors import DetectorChoice, counting_setup
from pipelines.store.finding_query import StoredFinding

router = APIRouter(prefix="/api/findings", tags=["finding media"], responses=ERROR_RESPONSES)


def _media_responses(kind: str) -> dict[int | str, dict[str, Any]]:
    return {
        200: {"content": {kind: {}}, "description": "the file"},
        206: {"content": {kind: {}}, "description": "the range asked for"},
        409: ERROR_RESPONSES[404] | {"description": "no footage for this finding"},
        416: ERROR_RESPONSES[404] | {"description": "range_not_satisfiable"},
    }


@router.get(
    "/{finding_id}/clip", response_class=FileResponse, responses=_media_responses("video/mp4")
)
def finding_clip(
    finding_id: str,
    user: AuditorUser,
    session: SessionDep,
    state: StateDep,
    client: ClientDep,
    boxes: bool = False,
    download: bool = False,
    range: Annotated[str | None, Header()] = None,
) -> FileResponse:
    """The finding's footage: from a few seconds before it to a few seconds after (at most
    the first two minutes of a long one)."""
    stored = visible_finding(session, user, finding_id, None)
    clip = finding_clip_file(state, session, user, stored, boxes=boxes)
    if clip is None:
        raise ApiError(409, ErrorCode.MEDIA_UNAVAILABLE, "no recording shows this finding")
    new_view = check_ranges(range, clip.path.stat().st_size)
    action = Action.CLIP_DOWNLOAD if download else Action.CLIP_VIEW
    detail = {
        "recording": clip.recording_sha256,
        "derived": clip.derived,
        "made_by": clip.description,
    } | ({} if new_view else {"range": (range or "")[:200]})
    record_footage(
        state, entry(user, client, action, "finding", finding_id, detail), new_view=new_view
    )
    return media_response(
        clip.path,
        range_header=range,
        media_type="video/mp4",
        download_name=f"{finding_id[:16]}{'-boxed' if boxes else ''}.mp4" if download else None,
    )


@router.get(
    "/{finding_id}/thumbnail", response_class=FileResponse, responses=_media_responses("image/jpeg")
)
def finding_thumbnail(
    finding_id: str,
    user: AuditorUser,
    session: SessionDep,
    state: StateDep,
    client: ClientDep,
    width: Annotated[int, Query(ge=review_media.THUMBNAIL_WIDTHS[0], le=1920)] = 640,
) -> FileResponse:
    """The picture at the finding's representative moment (its start if it has none)."""
    stored = visible_finding(session, user, finding_id, None)
    recording = clip_recording(session, stored)
    if recording is None or not user.may_see((recording.camera,)):
        raise ApiError(409, ErrorCode.MEDIA_UNAVAILABLE, "no recording shows this finding")
    at = _representative(stored, recording)
    with media_errors():
        path = review_media.thumbnail(
            served_recording(state, recording),
            at=at,
            cache_dir=state.settings.cache_dir / "thumbnails",
            width=width,
        )
    record(
        state,
        entry(
            user,
            client,
            Action.THUMBNAIL_VIEW,
            "finding",
            finding_id,
            {"recording": recording.sha256, "at": at},
        ),
    )
    return media_response(path, range_header=None, media_type="image/jpeg")


@router.get("/{finding_id}/detections")
def finding_detections(
    finding_id: str,
    at: Annotated[float, Query(description="POSIX seconds", ge=0, le=1e11)],
    user: AuditorUser,
    session: SessionDep,
    state: StateDep,
) -> dict[str, Any]:
    """People and bundles the camera's detectors find in the picture at `at` (boxes relative
    to the picture), for the player's overlay."""
    stored = visible_finding(session, user, finding_id, None)
    recording = clip_recording(session, stored)
    if recording is None or not user.may_see((recording.camera,)):
        raise ApiError(409, ErrorCode.MEDIA_UNAVAILABLE, "no recording shows this finding")
    camera = state.site.camera(recording.camera)
    if camera is None:
        raise ApiError(
            409, ErrorCode.CONFLICT, f"camera {recording.camera} is not in the site file"
        )
    setup = counting_setup(
        camera, choice=DetectorChoice(), settings=state.site.counting, catalog=state.detectors
    )
    with media_errors():
        try:
            found = review_media.detections_at(
                served_recording(state, recording), at=at, setup=setup
            )
        except review_media.NotDetectableFromOnePicture as exc:
            raise ApiError(409, ErrorCode.CONFLICT, str(exc)) from exc
    return dict(found.to_json())


@router.get("/{finding_id}/counts", response_model=CountTimelinePublic)
def finding_counts(
    finding_id: str, user: AuditorUser, session: SessionDep, state: StateDep
) -> CountTimelinePublic:
    """The camera's people and bundle counts from the clip's start to its end."""
    stored = visible_finding(session, user, finding_id, None)
    window = counts_window(state, stored)
    camera = counted_camera(stored, user)
    times: list[float] = []
    persons: list[int] = []
    bundles: list[int] = []
    for timeline in counted_timelines(session, camera, window):
        keep = (timeline.time >= window[0]) & (timeline.time <= window[1])
        times += [round(float(t), 3) for t in timeline.time[keep]]
        persons += [int(v) for v in timeline.persons[keep]]
        bundles += [int(v) for v in timeline.bundles[keep]]
    return CountTimelinePublic(
        camera=camera or stored.finding.camera, time=times, persons=persons, bundles=bundles
    )


def _representative(stored: StoredFinding, recording: RecordingInfo) -> float:
    at = (
        stored.finding.frame_time if stored.finding.frame_time is not None else stored.finding.start
    )
    return min(max(at, recording.start), recording.decoded_to - 1e-3)
