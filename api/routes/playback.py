"""/api/findings/{id}/played: the finding page's player reports the footage it played.

V12 counts a block of vault footage as checked by a person only when its footage was played
through. Serving a clip (`clip.view`) says nothing about that: the player may be closed after
a second. So the player reports its `played` ranges (when playback pauses or ends, and when
the page is left) and each report is kept as a `clip.played` audit record naming the
recording, the camera and the wall-clock spans played, which the playback-check form counts.

The report is held to the rules of every other write: a signed-in user (the session cookie
is SameSite=Strict), the same object access as the clip itself (a finding of a camera the
user may not see is not found), a JSON body, and no request a browser marks as coming from
another site (`api.cross_site`, before routing).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header

from analyzer.intervals import Span, merge_spans
from api.access import visible_finding
from api.audit_trail import Action, entry, record
from api.deps import AuditorUser, ClientDep, SessionDep, StateDep
from api.errors import ERROR_RESPONSES, ApiError, ErrorCode
from api.footage import finding_clip_file
from api.schemas.common import Moment
from api.schemas.playback import PlayedPublic, PlayedRange, PlayedReport, PlayedSpanPublic
from pipelines.review_media import ClipFile
from pipelines.store import get_recording

# The clip's last picture stays on screen for a frame (up to a second on a 1-fps NVR
# camera), so a player may report a little past the last picture's time.
LAST_PICTURE_S = 1.0


def json_only(content_type: Annotated[str | None, Header()] = None) -> None:
    """Refuse a body that is not JSON: a form or a beacon of plain text is what another
    site's page can send without the browser asking (a write another site's page started
    is refused before routing, `api.cross_site`)."""
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    if media_type != "application/json":
        raise ApiError(
            415, ErrorCode.UNSUPPORTED_MEDIA_TYPE, "send the played ranges as application/json"
        )


router = APIRouter(
    prefix="/api/findings",
    tags=["finding media"],
    responses=ERROR_RESPONSES | {415: ERROR_RESPONSES[422] | {"description": "not JSON"}},
)


@router.post(
    "/{finding_id}/played",
    response_model=PlayedPublic,
    status_code=201,
    dependencies=[Depends(json_only)],
    responses={409: ERROR_RESPONSES[404] | {"description": "no footage for this finding"}},
)
def report_played(
    finding_id: str,
    report: PlayedReport,
    user: AuditorUser,
    session: SessionDep,
    state: StateDep,
    client: ClientDep,
) -> PlayedPublic:
    """Record what the finding's player played of its clip (`ranges` in seconds from the
    clip's first picture, as the video element's `played` gives them). Each range lies
    inside the clip, else 422; the record names the wall-clock spans."""
    stored = visible_finding(session, user, finding_id, None)
    clip = finding_clip_file(state, session, user, stored)
    recording = None if clip is None else get_recording(session, sha256=clip.recording_sha256)
    if clip is None or recording is None:
        raise ApiError(409, ErrorCode.MEDIA_UNAVAILABLE, "no recording shows this finding")
    spans = wall_clock_spans(report.ranges, clip)
    detail: dict[str, Any] = {
        "recording": clip.recording_sha256,
        "camera": recording.camera,
        "played": [[round(s.start, 3), round(s.end, 3)] for s in spans],
    }
    record(state, entry(user, client, Action.CLIP_PLAYED, "finding", finding_id, detail))
    return PlayedPublic(
        finding_id=finding_id,
        recording_sha256=clip.recording_sha256,
        camera=recording.camera,
        played=[
            PlayedSpanPublic(start=Moment.of(s.start, state.zone), end=Moment.of(s.end, state.zone))
            for s in spans
        ],
        played_s=sum(s.duration_s for s in merge_spans(spans)),
    )


def wall_clock_spans(ranges: Sequence[PlayedRange], clip: ClipFile) -> list[Span]:
    """The played `ranges` (seconds from the clip's first picture) as POSIX spans; a range
    ending past the clip's last picture (and the frame it stays on screen) is a 422."""
    length = clip.last_s - clip.first_s + LAST_PICTURE_S
    for played in ranges:
        if played.end > length:
            raise ApiError(
                422,
                ErrorCode.INVALID_REQUEST,
                f"a played range ends at {played.end:.3f} s, past the clip's end ({length:.3f} s)",
            )
    return [Span(clip.first_s + r.start, clip.first_s + r.end) for r in ranges]
