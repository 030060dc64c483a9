"""Recordings in the store: adding them once, reading them back as `RecordingInfo`."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from analyzer.recording import CameraKind, RecordingInfo, StartSource
from pipelines.store.columns import utc_datetime
from pipelines.store.inserts import Inserted, insert_missing
from pipelines.store.schema import RecordingPathRow, RecordingRow

_RECORDINGS = cast(Table, RecordingRow.__table__)
_RECORDING_PATHS = cast(Table, RecordingPathRow.__table__)


class UnknownRecordingError(LookupError):
    """Findings or count timelines refer to recordings that are neither stored nor being
    saved with them."""

    def __init__(self, sha256s: Collection[str]) -> None:
        self.sha256s = sorted(sha256s)
        shown = ", ".join(self.sha256s[:5]) + (" ..." if len(self.sha256s) > 5 else "")
        super().__init__(
            f"{len(self.sha256s)} recording(s) referred to are not in the store: {shown}; "
            "save the RecordingInfo together with (or before) its findings and count timelines"
        )


def check_recordings_known(
    session: Session, *, sha256s: Iterable[str | None], also_known: Collection[str] = ()
) -> None:
    """Raise `UnknownRecordingError` unless every recording in `sha256s` is stored or in
    `also_known` (the sha256s about to be saved alongside). None (e.g. a finding for a
    coverage gap between files, which belongs to no recording) always passes.
    """
    wanted = {sha256 for sha256 in sha256s if sha256 is not None}
    wanted.difference_update(also_known)
    if not wanted:
        return
    query = select(RecordingRow.sha256).where(RecordingRow.sha256.in_(wanted))
    missing = wanted - set(session.scalars(query))
    if missing:
        raise UnknownRecordingError(missing)


def add_recordings(
    session: Session, *, recordings: Sequence[RecordingInfo], seen_at: datetime
) -> Inserted:
    """Store recordings not stored yet (by sha256); never change a stored one.

    A recording already stored under another path keeps its first path; every path seen is
    added to `recording_paths`. Does not commit.
    """
    inserted = insert_missing(
        session,
        table=_RECORDINGS,
        rows=[recording_values(info, seen_at=seen_at) for info in recordings],
        key=("sha256",),
    )
    _add_recording_paths(session, recordings=recordings, seen_at=seen_at)
    return inserted


def _add_recording_paths(
    session: Session, *, recordings: Sequence[RecordingInfo], seen_at: datetime
) -> Inserted:
    # The recordings themselves must be stored already (foreign key).
    return insert_missing(
        session,
        table=_RECORDING_PATHS,
        rows=[
            {"sha256": info.sha256, "path": info.path, "first_seen_at": seen_at}
            for info in recordings
        ],
        key=("sha256", "path"),
    )


def load_recordings(
    session: Session,
    *,
    camera: str | None = None,
    ending_after: float | None = None,
    starting_before: float | None = None,
) -> list[RecordingInfo]:
    """Stored recordings (all, or one camera's, or those still running at or after
    `ending_after`, or those begun at or before `starting_before`; POSIX seconds), ordered
    by camera then start time."""
    query = select(RecordingRow).order_by(RecordingRow.camera, RecordingRow.start_s)
    if camera is not None:
        query = query.where(RecordingRow.camera == camera)
    if ending_after is not None:
        query = query.where(RecordingRow.start_s + RecordingRow.duration_s >= ending_after)
    if starting_before is not None:
        query = query.where(RecordingRow.start_s <= starting_before)
    return [recording_from_row(row) for row in session.scalars(query)]


def get_recording(session: Session, *, sha256: str) -> RecordingInfo | None:
    """The stored recording with this sha256, or None."""
    row = session.get(RecordingRow, sha256)
    return None if row is None else recording_from_row(row)


def recording_paths(session: Session, *, sha256: str) -> list[str]:
    """Every path the recording was seen at, in the order first seen (then by name)."""
    query = (
        select(RecordingPathRow.path)
        .where(RecordingPathRow.sha256 == sha256)
        .order_by(RecordingPathRow.first_seen_at, RecordingPathRow.path)
    )
    return list(session.scalars(query))


def recording_values(info: RecordingInfo, *, seen_at: datetime) -> dict[str, Any]:
    """The `recordings` row for `info`, keyed by column name."""
    return {
        "sha256": info.sha256,
        "path": info.path,
        "size_bytes": info.size_bytes,
        "camera": info.camera,
        "camera_kind": info.camera_kind.value,
        "start": utc_datetime(info.start),
        "start_s": info.start,
        "start_source": info.start_source.value,
        "duration_s": info.duration_s,
        "fps": info.fps,
        "width": info.width,
        "height": info.height,
        "codec": info.codec,
        "container": info.container,
        "rotation": info.rotation,
        "decoded_to": info.decoded_to,
        "decode_errors": info.decode_errors,
        "first_seen_at": seen_at,
    }


def recording_from_row(row: RecordingRow) -> RecordingInfo:
    """A stored row back into the analyzer's `RecordingInfo` (exact float times)."""
    return RecordingInfo(
        path=row.path,
        sha256=row.sha256,
        size_bytes=row.size_bytes,
        camera=row.camera,
        camera_kind=CameraKind(row.camera_kind),
        start=row.start_s,
        start_source=StartSource(row.start_source),
        duration_s=row.duration_s,
        fps=row.fps,
        width=row.width,
        height=row.height,
        codec=row.codec,
        container=row.container,
        rotation=row.rotation,
        decoded_to=row.decoded_to,
        decode_errors=row.decode_errors,
    )
