"""Labelled frames: the bundle boxes an inspector set on one frame of a recording.

A frame is found by its recording and its moment in milliseconds from the recording's start;
saving it again replaces its boxes (the audit trail, written in the same transaction by the
caller, keeps every version). The boxes are pixels of the decoded frame (rotation applied),
which is what `vaultwatch labels export` decodes again for the training set.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

import numpy as np
import numpy.typing as npt
from sqlalchemy import ColumnElement, Select, and_, func, select
from sqlalchemy.orm import Session

from pipelines.store.schema import LabelledFrameRow

_Row = TypeVar("_Row")

MAX_BOXES = 500
"""More boxes than any frame of a vault holds bundles: a client sending more is broken."""


class InvalidBoxesError(ValueError):
    """Boxes that are not boxes of the frame: the message names the first bad one."""


class UnknownLabelledFrameError(LookupError):
    """No labelled frame with this id."""


Boxes = npt.NDArray[np.float64]
"""(n, 4) float64 pixel boxes x1 y1 x2 y2."""


def checked_boxes(boxes: Sequence[Sequence[float]] | Boxes, width: int, height: int) -> Boxes:
    """`boxes` as an (n, 4) float64 array, each inside the `width` x `height` frame (edges
    included) with positive width and height; `InvalidBoxesError` naming the first that is
    not."""
    if width <= 0 or height <= 0:
        raise InvalidBoxesError(f"the frame must have a size, got {width} x {height}")
    array = np.asarray(boxes, dtype=np.float64)
    if array.size == 0:
        return np.zeros((0, 4), np.float64)
    if array.ndim != 2 or array.shape[1] != 4:
        raise InvalidBoxesError(f"boxes must be [x1, y1, x2, y2] each, got shape {array.shape}")
    if len(array) > MAX_BOXES:
        raise InvalidBoxesError(f"{len(array)} boxes: at most {MAX_BOXES} a frame")
    for index, (x1, y1, x2, y2) in enumerate(array):
        where = f"box {index} [{x1:g}, {y1:g}, {x2:g}, {y2:g}]"
        if not np.isfinite([x1, y1, x2, y2]).all():
            raise InvalidBoxesError(f"{where}: not a number")
        if not (x2 > x1 and y2 > y1):
            raise InvalidBoxesError(f"{where}: needs x2 > x1 and y2 > y1 (a positive size)")
        if x1 < 0 or y1 < 0 or x2 > width or y2 > height:
            raise InvalidBoxesError(f"{where}: leaves the {width} x {height} frame")
    return array


@dataclass(frozen=True)
class FrameKey:
    """Which picture: a recording and its moment (ms from the recording's start)."""

    recording_sha256: str
    offset_ms: int


@dataclass(frozen=True, eq=False)
class LabelledFrame:
    """One frame's bundle boxes as an inspector left them.

    at: POSIX seconds of the picture; width, height: the decoded frame's size in pixels;
    boxes: (n, 4) float64 pixel x1 y1 x2 y2, checked by `checked_boxes` (n = 0: the frame
    shows no bundle, a negative for training). started_from: the detector whose boxes were
    corrected ("name@weights"), "none" when none ran. id is 0 until stored.
    """

    key: FrameKey
    camera: str
    at: float
    width: int
    height: int
    boxes: Boxes
    started_from: str
    finding_id: str | None
    labelled_by: str
    labelled_at: datetime
    id: int = 0

    def __post_init__(self) -> None:
        if self.key.offset_ms < 0:
            raise InvalidBoxesError(f"offset {self.key.offset_ms} ms is before the recording")
        object.__setattr__(self, "boxes", checked_boxes(self.boxes, self.width, self.height))

    def box_list(self) -> list[list[float]]:
        """The boxes as JSON-ready lists (rounded to 1/100 pixel)."""
        return [[round(float(v), 2) for v in box] for box in self.boxes]


@dataclass(frozen=True)
class LabelFilter:
    """Which labelled frames: cameras (empty: all), POSIX period, cameras the reader may see
    (None: all)."""

    cameras: Sequence[str] = ()
    since: float | None = None
    until: float | None = None
    visible_cameras: Sequence[str] | None = None


def save_labelled_frame(
    session: Session, frame: LabelledFrame
) -> tuple[LabelledFrame | None, LabelledFrame]:
    """Store `frame`'s boxes, replacing those of the same frame if it was labelled before
    (its `started_from` is kept: the model the first correction started from). Returns the
    frame as it was (None if new) and as stored. The row is locked (PostgreSQL) so two
    inspectors saving at once each see the other's boxes as "before". Does not commit."""
    row = session.scalar(
        select(LabelledFrameRow)
        .where(
            LabelledFrameRow.recording_sha256 == frame.key.recording_sha256,
            LabelledFrameRow.offset_ms == frame.key.offset_ms,
        )
        .with_for_update()
    )
    before = None if row is None else _from_row(row)
    if row is None:
        row = LabelledFrameRow(
            recording_sha256=frame.key.recording_sha256,
            offset_ms=frame.key.offset_ms,
            started_from=frame.started_from,
        )
        session.add(row)
    row.camera = frame.camera
    row.at_s = frame.at
    row.width = frame.width
    row.height = frame.height
    row.boxes = frame.box_list()
    row.finding_id = frame.finding_id
    row.labelled_by = frame.labelled_by
    row.labelled_at = frame.labelled_at
    session.flush()
    return before, _from_row(row)


def get_labelled_frame(session: Session, *, frame_id: int) -> LabelledFrame | None:
    row = session.get(LabelledFrameRow, frame_id)
    return None if row is None else _from_row(row)


def find_labelled_frame(session: Session, key: FrameKey) -> LabelledFrame | None:
    row = session.scalar(
        select(LabelledFrameRow).where(
            LabelledFrameRow.recording_sha256 == key.recording_sha256,
            LabelledFrameRow.offset_ms == key.offset_ms,
        )
    )
    return None if row is None else _from_row(row)


def load_labelled_frames(
    session: Session, criteria: LabelFilter, *, offset: int = 0, limit: int | None = None
) -> list[LabelledFrame]:
    """Frames matching `criteria`, by time (then id)."""
    query = _filtered(select(LabelledFrameRow), criteria).order_by(
        LabelledFrameRow.at_s, LabelledFrameRow.id
    )
    query = query.offset(offset)
    if limit is not None:
        query = query.limit(limit)
    return [_from_row(row) for row in session.scalars(query)]


def count_labelled_frames(session: Session, criteria: LabelFilter) -> int:
    query = _filtered(select(func.count()).select_from(LabelledFrameRow), criteria)
    return int(session.scalar(query) or 0)


def delete_labelled_frame(session: Session, *, frame_id: int) -> LabelledFrame:
    """Remove the frame's labels; returns what they were. `UnknownLabelledFrameError` if
    there is none. Does not commit."""
    row = session.scalar(
        select(LabelledFrameRow).where(LabelledFrameRow.id == frame_id).with_for_update()
    )
    if row is None:
        raise UnknownLabelledFrameError(f"no labelled frame {frame_id}")
    gone = _from_row(row)
    session.delete(row)
    session.flush()
    return gone


def _filtered(query: Select[_Row], criteria: LabelFilter) -> Select[_Row]:
    conditions: list[ColumnElement[bool]] = []
    if criteria.cameras:
        conditions.append(LabelledFrameRow.camera.in_(list(criteria.cameras)))
    if criteria.visible_cameras is not None:
        conditions.append(LabelledFrameRow.camera.in_(list(criteria.visible_cameras)))
    if criteria.since is not None:
        conditions.append(LabelledFrameRow.at_s >= criteria.since)
    if criteria.until is not None:
        conditions.append(LabelledFrameRow.at_s < criteria.until)
    return query.where(and_(*conditions)) if conditions else query


def _from_row(row: LabelledFrameRow) -> LabelledFrame:
    return LabelledFrame(
        key=FrameKey(row.recording_sha256, row.offset_ms),
        camera=row.camera,
        at=row.at_s,
        width=row.width,
        height=row.height,
        boxes=np.asarray(row.boxes, np.float64).reshape(-1, 4),
        started_from=row.started_from,
        finding_id=row.finding_id,
        labelled_by=row.labelled_by,
        labelled_at=row.labelled_at,
        id=row.id,
    )
