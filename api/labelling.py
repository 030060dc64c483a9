"""Labelling a finding's picture: which frame, the bundle detector's boxes on it, and saving or
deleting an inspector's corrected boxes with their audit record in one transaction.

The frame is the finding's representative picture (its start if it has none), decoded at the
recording's full size; its boxes are pixels of that picture. The detector is the camera's
bundle model alone, without the camera's zone: a bundle outside the counted zone is still a
bundle, and a training set that leaves it unboxed teaches the model to miss it.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from analyzer.recording import RecordingInfo
from api.audit_trail import Action, entry
from api.errors import ApiError, ErrorCode
from api.footage import clip_recording, served_recording
from api.state import ServiceState
from pipelines import media, review_media
from pipelines.counting import CountingSetup
from pipelines.detectors import DetectorChoice, DetectorChoiceError, counting_setup
from pipelines.store.audit import append_audit, run_audited
from pipelines.store.finding_query import StoredFinding
from pipelines.store.labels import (
    Boxes,
    FrameKey,
    InvalidBoxesError,
    LabelledFrame,
    UnknownLabelledFrameError,
    checked_boxes,
    delete_labelled_frame,
    save_labelled_frame,
)
from pipelines.store.users import Role, User

NO_MODEL = "none"


@dataclass(frozen=True)
class LabelTarget:
    """The picture a finding is labelled on: its recording (path checked against the media
    roots), the moment (POSIX seconds, on the recording's millisecond grid) and its size."""

    finding_id: str
    recording: RecordingInfo
    key: FrameKey
    at: float
    width: int
    height: int


def label_target(
    state: ServiceState, session: Session, user: User, stored: StoredFinding
) -> LabelTarget:
    """The finding's picture, or `ApiError` 409 when no recording the user may see shows
    it."""
    recording = clip_recording(session, stored)
    if recording is None or not user.may_see((recording.camera,)):
        raise ApiError(409, ErrorCode.MEDIA_UNAVAILABLE, "no recording shows this finding")
    finding = stored.finding
    moment = finding.frame_time if finding.frame_time is not None else finding.start
    # The last picture is a millisecond before the end; the store keys frames by whole ms.
    last_ms = max(int((recording.decoded_to - recording.start) * 1000) - 1, 0)
    offset_ms = min(max(round((moment - recording.start) * 1000), 0), last_ms)
    return LabelTarget(
        finding_id=finding.id,
        recording=served_recording(state, recording),
        key=FrameKey(recording.sha256, offset_ms),
        at=recording.start + offset_ms / 1000,
        width=recording.width,
        height=recording.height,
    )


def bundle_setup(state: ServiceState, camera_id: str) -> CountingSetup | None:
    """The camera's counting setup reduced to its bundle model, zone left out; None when the
    camera (or the site) counts no bundles."""
    camera = state.site.camera(camera_id)
    if camera is None:
        return None
    setup = counting_setup(
        camera, choice=DetectorChoice(), settings=state.site.counting, catalog=state.detectors
    )
    if setup is None or setup.bundle is None:
        return None
    return dataclasses.replace(setup, person=None, zone=None, needs_every_frame=False)


def bundles_counted_by(counted_by: str | None) -> str | None:
    """The bundle detectors named in a finding's `counted_by` ("persons: A; bundles: B",
    several cameras' joined by " | "), or None when it names none."""
    if counted_by is None:
        return None
    names = dict.fromkeys(m.strip() for m in re.findall(r"bundles: ([^;|]+)", counted_by))
    return ", ".join(names) or None


def camera_bundle_model(state: ServiceState, camera_id: str) -> str:
    """ "name@weights" of the model that counts the camera's bundles now, or "none" (also
    when the site's choice cannot be loaded: the page says so rather than fail)."""
    try:
        return model_name(bundle_setup(state, camera_id))
    except DetectorChoiceError:
        return NO_MODEL


def model_name(setup: CountingSetup | None) -> str:
    """ "name@weights" of the bundle model, or "none"."""
    return NO_MODEL if setup is None or setup.bundle is None else setup.bundle.name


def detected_boxes(target: LabelTarget, setup: CountingSetup) -> Boxes:
    """(n, 4) pixel boxes x1 y1 x2 y2 of the bundles the model finds in the target picture
    (at the camera's confidence threshold)."""
    try:
        found = review_media.detections_at(target.recording, at=target.at, setup=setup)
    except review_media.TimeOutsideRecording as exc:
        raise ApiError(422, ErrorCode.INVALID_REQUEST, str(exc)) from exc
    except media.UnreadableMedia as exc:
        raise ApiError(409, ErrorCode.MEDIA_UNAVAILABLE, str(exc)) from exc
    scale = [target.width, target.height, target.width, target.height]
    return checked_boxes(
        (found.box.astype("float64") * scale).round(2), target.width, target.height
    )


def save_labels(
    state: ServiceState,
    *,
    user: User,
    client: str,
    target: LabelTarget,
    boxes: list[list[float]],
    started_from: str,
) -> LabelledFrame:
    """Store the target's boxes (inspector, admin) and their `label.save` audit record in one
    transaction; 422 for boxes that are not boxes of the picture."""
    if not user.role.at_least(Role.INSPECTOR):
        raise ApiError(403, ErrorCode.FORBIDDEN, "this needs the inspector role")
    try:
        frame = LabelledFrame(
            key=target.key,
            camera=target.recording.camera,
            at=target.at,
            width=target.width,
            height=target.height,
            boxes=checked_boxes(boxes, target.width, target.height),
            started_from=started_from,
            finding_id=target.finding_id,
            labelled_by=user.username,
            labelled_at=datetime.now(UTC),
        )
    except InvalidBoxesError as exc:
        raise ApiError(422, ErrorCode.INVALID_REQUEST, str(exc)) from exc

    def work(session: Session) -> LabelledFrame:
        before, saved = save_labelled_frame(session, frame)
        detail = {
            "finding": target.finding_id,
            "recording": saved.key.recording_sha256,
            "offset_ms": saved.key.offset_ms,
            "started_from": saved.started_from,
            "boxes_before": None if before is None else before.box_list(),
            "boxes": saved.box_list(),
        }
        append_audit(
            session,
            entry(user, client, Action.LABEL_SAVE, "labelled_frame", str(saved.id), detail),
            at=saved.labelled_at,
        )
        return saved

    try:
        return run_audited(state.sessions, work)
    except IntegrityError as exc:
        if "labelled_frames" not in str(exc):
            raise
        # Another inspector saved the same new frame first: this save replaces theirs, with
        # their boxes as "before" in the audit record.
        return run_audited(state.sessions, work)


def delete_labels(state: ServiceState, *, user: User, client: str, frame: LabelledFrame) -> None:
    """Remove a labelled frame and record `label.delete` with the boxes it held, in one
    transaction; 404 when it is gone already."""

    def work(session: Session) -> None:
        gone = delete_labelled_frame(session, frame_id=frame.id)
        detail = {
            "finding": gone.finding_id,
            "recording": gone.key.recording_sha256,
            "offset_ms": gone.key.offset_ms,
            "started_from": gone.started_from,
            "boxes_before": gone.box_list(),
        }
        append_audit(
            session,
            entry(user, client, Action.LABEL_DELETE, "labelled_frame", str(gone.id), detail),
        )

    try:
        run_audited(state.sessions, work)
    except UnknownLabelledFrameError as exc:
        raise ApiError(404, ErrorCode.NOT_FOUND, str(exc)) from exc
