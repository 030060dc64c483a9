"""Labelled frames: a finding's picture to label, the boxes saved for it, the list."""

from __future__ import annotations

from datetime import datetime, tzinfo
from enum import StrEnum
from typing import Annotated

from pydantic import Field

from api.schemas.common import Moment, Page, Public
from pipelines.store.labels import MAX_BOXES, LabelledFrame

Box = Annotated[
    list[float],
    Field(min_length=4, max_length=4, description="x1, y1, x2, y2 in pixels of the frame"),
]


class LabelledFramePublic(Public):
    id: int
    finding_id: str | None
    recording_sha256: str
    camera: str
    at: Moment
    offset_s: float = Field(description="Seconds from the recording's start.")
    width: int
    height: int
    boxes: list[Box] = Field(description="Bundle boxes; empty: the frame shows no bundle.")
    started_from: str = Field(description="Model whose boxes were corrected (name@weights).")
    labelled_by: str
    labelled_at: datetime

    @classmethod
    def of(cls, frame: LabelledFrame, zone: tzinfo) -> LabelledFramePublic:
        return cls(
            id=frame.id,
            finding_id=frame.finding_id,
            recording_sha256=frame.key.recording_sha256,
            camera=frame.camera,
            at=Moment.of(frame.at, zone),
            offset_s=frame.key.offset_ms / 1000,
            width=frame.width,
            height=frame.height,
            boxes=frame.box_list(),
            started_from=frame.started_from,
            labelled_by=frame.labelled_by,
            labelled_at=frame.labelled_at,
        )


class BoxSource(StrEnum):
    LABELLED = "labelled"
    DETECTOR = "detector"
    NONE = "none"


class LabelFramePublic(Public):
    """A finding's picture for the box editor: where it is, its size, the boxes to start
    from (the saved ones, else the bundle model's) and where they came from."""

    finding_id: str
    recording_sha256: str
    camera: str
    at: Moment
    offset_s: float
    width: int
    height: int
    image: str = Field(description="URL of the picture (JPEG, full size).")
    bundle_model: str = Field(description="The camera's bundle model now, or 'none'.")
    source: BoxSource
    boxes: list[Box]
    labelled: LabelledFramePublic | None


class LabelledFrameUpdate(Public):
    """The frame's bundle boxes as the inspector leaves them (replacing any saved ones)."""

    boxes: list[Box] = Field(max_length=MAX_BOXES)


LabelledFrameListPublic = Page[LabelledFramePublic]
