"""A finding's footage, for the REST API and the pages alike: the recording that shows it,
its clip (cut by stream copy, or re-encoded with boxes), the window and camera of its count
chart, an original's path checked against the media roots, and media failures as API errors.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.orm import Session

from analyzer import ANALYZER_VERSION
from analyzer.counting import CountTimeline
from analyzer.recording import RecordingInfo
from api.errors import ApiError, ErrorCode
from api.state import ServiceState
from pipelines import media, review_media
from pipelines.detectors import DetectorChoice, counting_setup
from pipelines.media_roots import OutsideMediaRoots, resolve_under_roots
from pipelines.review_media import ClipFile
from pipelines.store import get_recording, load_count_timelines, load_recordings
from pipelines.store.finding_query import StoredFinding
from pipelines.store.users import User

# A long finding (an hour alone in the vault) is shown from its start: the clip covers its
# first minutes, the inspector opens the recording for the rest.
MAX_CLIP_S = 120.0


def counted_timelines(
    session: Session, camera: str | None, window: tuple[float, float]
) -> list[CountTimeline]:
    """The count timelines of `camera` (`counted_camera`) over `window`; none for None."""
    if camera is None:
        return []
    return load_count_timelines(
        session, camera=camera, analyzer_version=ANALYZER_VERSION, since=window[0], until=window[1]
    )


def counts_window(state: ServiceState, stored: StoredFinding) -> tuple[float, float]:
    f = stored.finding
    return (
        f.start - state.settings.pre_roll_s,
        min(f.end, f.start + MAX_CLIP_S) + state.settings.post_roll_s,
    )


def counted_camera(stored: StoredFinding, user: User) -> str | None:
    """The camera whose counts a finding's chart shows: its own, or the first of a room's
    cameras that the user may see; None for a finding that names no camera."""
    cameras = stored.finding.cameras
    return next((c for c in cameras if user.may_see((c,))), cameras[0] if cameras else None)


def clip_recording(session: Session, stored: StoredFinding) -> RecordingInfo | None:
    """The recording that shows the finding: its own, or for a finding of several
    recordings (custody rules) the first of its cameras' recordings holding its moment."""
    finding = stored.finding
    if finding.recording_sha256 is not None:
        return get_recording(session, sha256=finding.recording_sha256)
    moment = finding.frame_time if finding.frame_time is not None else finding.start
    for camera in finding.cameras:
        for recording in load_recordings(session, camera=camera, ending_after=moment):
            if recording.start <= moment < recording.decoded_to:
                return recording
    return None


def finding_clip_file(
    state: ServiceState,
    session: Session,
    user: User,
    stored: StoredFinding,
    *,
    boxes: bool = False,
) -> ClipFile | None:
    """The finding's clip (cut now or from the cache), None when no recording shows it."""
    recording = clip_recording(session, stored)
    if recording is None or not user.may_see((recording.camera,)):
        return None
    served = served_recording(state, recording)
    finding = stored.finding
    start = max(finding.start, recording.start)
    end = min(finding.end, start + MAX_CLIP_S, recording.decoded_to)
    settings = state.settings
    cache = settings.cache_dir / "clips"
    with media_errors():
        if not boxes:
            return review_media.finding_clip(
                served,
                start=start,
                end=end,
                cache_dir=cache,
                pre_roll_s=settings.pre_roll_s,
                post_roll_s=settings.post_roll_s,
            )
        camera = state.site.camera(recording.camera)
        setup = (
            None
            if camera is None
            else counting_setup(
                camera,
                choice=DetectorChoice(),
                settings=state.site.counting,
                catalog=state.detectors,
            )
        )
        try:
            detector = review_media.picture_detector(setup)
        except review_media.NotDetectableFromOnePicture as exc:
            raise ApiError(409, ErrorCode.CONFLICT, str(exc)) from exc
        return review_media.boxed_clip(
            served,
            start=start,
            end=end,
            cache_dir=cache,
            detect=detector,
            detector_name=detector.name,
            pre_roll_s=settings.pre_roll_s,
            post_roll_s=settings.post_roll_s,
        )


def served_recording(state: ServiceState, recording: RecordingInfo) -> RecordingInfo:
    """The recording with its path checked against the media roots (and resolved)."""
    return dataclasses.replace(recording, path=str(original_path(state, recording)))


def original_path(state: ServiceState, recording: RecordingInfo) -> Path:
    """The recording's file, if it is (still) under the media roots: a path from the store
    is checked like any other, so a file moved or a symlink swapped is not followed out."""
    try:
        return resolve_under_roots(recording.path, state.settings.media_roots)
    except OutsideMediaRoots as exc:
        raise ApiError(
            403, ErrorCode.OUTSIDE_MEDIA_ROOTS, "the recording is not under the media roots"
        ) from exc
    except FileNotFoundError as exc:
        raise ApiError(
            404, ErrorCode.MEDIA_UNAVAILABLE, "the recording's file is no longer there"
        ) from exc


@contextmanager
def media_errors() -> Iterator[None]:
    """Media failures as API errors: a time outside the recording (422); an original gone,
    changed or undecodable (409)."""
    try:
        yield
    except review_media.TimeOutsideRecording as exc:
        raise ApiError(422, ErrorCode.INVALID_REQUEST, str(exc)) from exc
    except media.UnreadableMedia as exc:
        raise ApiError(409, ErrorCode.MEDIA_UNAVAILABLE, str(exc)) from exc
