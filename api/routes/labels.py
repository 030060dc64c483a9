"""/api/findings/{id}/label-frame and /api/labels: inspectors' bundle boxes on findings'
pictures, for fine-tuning the bundle detector (`vaultwatch labels export`).

Reading is for every role; saving and deleting are review actions (inspector, admin), each
audited with the boxes before and after. Labels never change findings or recordings.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response
from starlette.responses import FileResponse

from api.access import visible_cameras, visible_finding
from api.audit_trail import Action, entry, record
from api.deps import AuditorUser, ClientDep, InspectorUser, SessionDep, StateDep
from api.errors import ERROR_RESPONSES, ApiError, ErrorCode, not_found
from api.files import media_response
from api.footage import media_errors
from api.labelling import (
    bundle_setup,
    delete_labels,
    detected_boxes,
    label_target,
    model_name,
    save_labels,
)
from api.routes.findings import posix_param
from api.schemas.common import Moment
from api.schemas.labels import (
    BoxSource,
    LabelFramePublic,
    LabelledFrameListPublic,
    LabelledFramePublic,
    LabelledFrameUpdate,
)
from pipelines import review_media
from pipelines.store.labels import (
    LabelFilter,
    LabelledFrame,
    count_labelled_frames,
    find_labelled_frame,
    get_labelled_frame,
    load_labelled_frames,
)
from pipelines.store.users import User

router = APIRouter(tags=["labels"], responses=ERROR_RESPONSES)
# Ids are 32-bit database integers: a larger number is no id (and overflows the driver).
FrameId = Annotated[int, Path(ge=1, le=2**31 - 1)]
UNAVAILABLE: dict[int | str, dict[str, Any]] = {
    409: ERROR_RESPONSES[404] | {"description": "no footage for this finding"}
}
PICTURE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"image/jpeg": {}}, "description": "the picture"}
}


@router.get(
    "/api/findings/{finding_id}/label-frame", response_model=LabelFramePublic, responses=UNAVAILABLE
)
def read_label_frame(
    finding_id: str, user: AuditorUser, session: SessionDep, state: StateDep
) -> LabelFramePublic:
    """The finding's picture with the bundle boxes to start from: those saved for it, else
    the camera's bundle model's (run now on the decoded picture)."""
    stored = visible_finding(session, user, finding_id, None)
    target = label_target(state, session, user, stored)
    setup = bundle_setup(state, target.recording.camera)
    labelled = find_labelled_frame(session, target.key)
    if labelled is not None:
        source, boxes = BoxSource.LABELLED, labelled.box_list()
    elif setup is not None:
        source, boxes = BoxSource.DETECTOR, detected_boxes(target, setup).tolist()
    else:
        source, boxes = BoxSource.NONE, []
    return LabelFramePublic(
        finding_id=finding_id,
        recording_sha256=target.key.recording_sha256,
        camera=target.recording.camera,
        at=Moment.of(target.at, state.zone),
        offset_s=target.key.offset_ms / 1000,
        width=target.width,
        height=target.height,
        image=f"/api/findings/{finding_id}/label-frame/image",
        bundle_model=model_name(setup),
        source=source,
        boxes=boxes,
        labelled=None if labelled is None else LabelledFramePublic.of(labelled, state.zone),
    )


@router.get(
    "/api/findings/{finding_id}/label-frame/image",
    response_class=FileResponse,
    responses=PICTURE | UNAVAILABLE,
)
def read_label_image(
    finding_id: str, user: AuditorUser, session: SessionDep, state: StateDep, client: ClientDep
) -> FileResponse:
    """The picture being labelled, at the recording's full size (a view of the footage,
    audited as one)."""
    stored = visible_finding(session, user, finding_id, None)
    target = label_target(state, session, user, stored)
    if target.width > review_media.THUMBNAIL_WIDTHS[1]:
        raise ApiError(
            409,
            ErrorCode.MEDIA_UNAVAILABLE,
            f"the picture is {target.width} px wide: at most "
            f"{review_media.THUMBNAIL_WIDTHS[1]} px can be labelled here",
        )
    with media_errors():
        path = review_media.thumbnail(
            target.recording,
            at=target.at,
            cache_dir=state.settings.cache_dir / "thumbnails",
            width=target.width,
        )
    detail = {"recording": target.key.recording_sha256, "at": target.at, "width": target.width}
    record(state, entry(user, client, Action.THUMBNAIL_VIEW, "finding", finding_id, detail))
    return media_response(path, range_header=None, media_type="image/jpeg")


@router.put(
    "/api/findings/{finding_id}/label-frame",
    response_model=LabelledFramePublic,
    responses=UNAVAILABLE,
)
def save_label_frame(
    finding_id: str,
    update: LabelledFrameUpdate,
    user: InspectorUser,
    session: SessionDep,
    state: StateDep,
    client: ClientDep,
) -> LabelledFramePublic:
    """Save the bundle boxes of the finding's picture (replacing saved ones). Each box lies
    inside the picture with a positive size, else 422."""
    stored = visible_finding(session, user, finding_id, None)
    target = label_target(state, session, user, stored)
    saved = save_labels(
        state,
        user=user,
        client=client,
        target=target,
        boxes=update.boxes,
        started_from=model_name(bundle_setup(state, target.recording.camera)),
    )
    return LabelledFramePublic.of(saved, state.zone)


@router.get("/api/labels", response_model=LabelledFrameListPublic)
def list_labels(
    user: AuditorUser,
    session: SessionDep,
    state: StateDep,
    camera: Annotated[list[str] | None, Query()] = None,
    since: Annotated[datetime | None, Query(description="ISO-8601 with offset")] = None,
    until: Annotated[datetime | None, Query(description="ISO-8601 with offset")] = None,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> LabelledFrameListPublic:
    """Labelled frames of the cameras the user may see, by time."""
    criteria = LabelFilter(
        cameras=camera or (),
        since=None if since is None else posix_param(since, "since"),
        until=None if until is None else posix_param(until, "until"),
        visible_cameras=visible_cameras(user),
    )
    frames = load_labelled_frames(session, criteria, offset=offset, limit=limit)
    return LabelledFrameListPublic(
        items=[LabelledFramePublic.of(f, state.zone) for f in frames],
        total=count_labelled_frames(session, criteria),
        offset=offset,
        limit=limit,
    )


@router.get("/api/labels/{frame_id}", response_model=LabelledFramePublic)
def read_label(
    frame_id: FrameId, user: AuditorUser, session: SessionDep, state: StateDep
) -> LabelledFramePublic:
    return LabelledFramePublic.of(_visible(session, user, frame_id), state.zone)


@router.delete("/api/labels/{frame_id}", status_code=204)
def delete_label(
    frame_id: FrameId, user: InspectorUser, session: SessionDep, state: StateDep, client: ClientDep
) -> Response:
    """Remove a frame's labels (the audit trail keeps what they were)."""
    frame = _visible(session, user, frame_id)
    delete_labels(state, user=user, client=client, frame=frame)
    return Response(status_code=204)


def _visible(session: SessionDep, user: User, frame_id: int) -> LabelledFrame:
    frame = get_labelled_frame(session, frame_id=frame_id)
    if frame is None or not user.may_see((frame.camera,)):
        raise not_found(f"labelled frame {frame_id}")
    return frame
