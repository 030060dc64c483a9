"""/api/recordings: the originals, by SHA-256; streaming and download (audited)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Header, Query
from fastapi import Path as PathParam
from sqlalchemy.orm import Session
from starlette.responses import FileResponse

from api.access import visible_cameras, visible_recording
from api.audit_trail import Action, entry, record_footage
from api.deps import AuditorUser, ClientDep, SessionDep, StateDep
from api.errors import ERROR_RESPONSES
from api.files import check_ranges, media_response
from api.footage import original_path
from api.schemas.recordings import RecordingListPublic, RecordingPublic
from api.state import ServiceState
from pipelines.store import load_recordings
from pipelines.store.users import User

router = APIRouter(prefix="/api/recordings", tags=["recordings"], responses=ERROR_RESPONSES)

Sha256 = Annotated[
    str, PathParam(pattern=r"^[0-9a-f]{64}$", description="hex SHA-256 of the original")
]
VIDEO_TYPES = {
    "mp4": "video/mp4",
    "mov": "video/quicktime",
    "mkv": "video/x-matroska",
    "webm": "video/webm",
    "avi": "video/x-msvideo",
    "ts": "video/mp2t",
}


@router.get("", response_model=RecordingListPublic)
def list_recordings(
    user: AuditorUser,
    session: SessionDep,
    state: StateDep,
    camera: Annotated[str | None, Query(max_length=200)] = None,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> RecordingListPublic:
    allowed = visible_cameras(user)
    recordings = [
        r for r in load_recordings(session, camera=camera) if allowed is None or r.camera in allowed
    ]
    return RecordingListPublic(
        items=[RecordingPublic.of(r, state.zone) for r in recordings[offset : offset + limit]],
        total=len(recordings),
        offset=offset,
        limit=limit,
    )


@router.get("/{sha256}", response_model=RecordingPublic)
def read_recording(
    sha256: Sha256, user: AuditorUser, session: SessionDep, state: StateDep
) -> RecordingPublic:
    return RecordingPublic.of(visible_recording(session, user, sha256), state.zone)


def _video_responses() -> dict[int | str, dict[str, object]]:
    return {
        200: {"content": {"video/mp4": {}}, "description": "the original's bytes"},
        206: {"content": {"video/mp4": {}}, "description": "the range asked for"},
        416: ERROR_RESPONSES[404] | {"description": "range_not_satisfiable"},
    }


@router.get("/{sha256}/video", response_class=FileResponse, responses=_video_responses())
def stream_recording(
    sha256: Sha256,
    user: AuditorUser,
    session: SessionDep,
    state: StateDep,
    client: ClientDep,
    range: Annotated[str | None, Header()] = None,
) -> FileResponse:
    """The original recording, byte for byte, with range requests (a view is audited)."""
    return _original(sha256, user, session, state, client, range, download=False)


@router.get("/{sha256}/download", response_class=FileResponse, responses=_video_responses())
def download_recording(
    sha256: Sha256,
    user: AuditorUser,
    session: SessionDep,
    state: StateDep,
    client: ClientDep,
    range: Annotated[str | None, Header()] = None,
) -> FileResponse:
    """The original as a file download under its own name (audited)."""
    return _original(sha256, user, session, state, client, range, download=True)


def _original(
    sha256: str,
    user: User,
    session: Session,
    state: ServiceState,
    client: str,
    range_header: str | None,
    *,
    download: bool,
) -> FileResponse:
    recording = visible_recording(session, user, sha256)
    path = original_path(state, recording)
    new_view = check_ranges(range_header, path.stat().st_size)
    action = Action.RECORDING_DOWNLOAD if download else Action.RECORDING_VIEW
    detail = {} if new_view else {"range": (range_header or "")[:200]}
    record_footage(
        state, entry(user, client, action, "recording", sha256, detail), new_view=new_view
    )
    return media_response(
        path,
        range_header=range_header,
        media_type=video_type(path),
        download_name=path.name if download else None,
    )


def video_type(path: Path) -> str:
    return VIDEO_TYPES.get(path.suffix.lower().lstrip("."), "application/octet-stream")
