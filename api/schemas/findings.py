"""Findings: the list, one finding with its reviews, a review decision."""

from __future__ import annotations

import dataclasses
from datetime import datetime, tzinfo

from pydantic import Field

from api.schemas.common import Moment, Page, Public
from pipelines.store.finding_query import StoredFinding
from pipelines.store.reviews import Review
from pipelines.store.schema import ReviewState


class CountsPublic(Public):
    persons_min: int | None
    persons_max: int | None
    bundles_min: int | None
    bundles_expected: int | None
    counted_by: str | None = Field(None, description="Detectors the counts came from.")
    confidence: float | None = Field(
        None, description="Median confidence of the counted frames, 0..1."
    )
    low_confidence: bool = Field(
        False, description="The counts are too unsure to act on without viewing the footage."
    )


class FindingBase(Public):
    kind: str
    rule: str
    camera: str = Field(
        description='The cameras as one text: "a", a room\'s "a+b", "-" for none; for showing.'
    )
    cameras: list[str] = Field(
        description="The cameras that show the finding: one, or all of a room's; may be empty."
    )
    severity: str
    detail: str


class FindingPublic(FindingBase):
    id: str
    analyzer_version: str
    recording_sha256: str | None
    start: Moment
    end: Moment
    duration_s: float
    counts: CountsPublic | None
    custody_event: str | None
    custody_leg: str | None
    frame_time: Moment | None
    review_state: ReviewState
    scan_id: int
    created_at: datetime

    @classmethod
    def of(cls, stored: StoredFinding, zone: tzinfo) -> FindingPublic:
        f = stored.finding
        return cls(
            id=f.id,
            analyzer_version=stored.analyzer_version,
            kind=f.kind.value,
            rule=f.rule,
            camera=f.camera,
            cameras=list(f.cameras),
            severity=f.severity.value,
            detail=f.detail,
            recording_sha256=f.recording_sha256,
            start=Moment.of(f.start, zone),
            end=Moment.of(f.end, zone),
            duration_s=round(f.duration_s, 3),
            counts=None
            if f.counts is None
            else CountsPublic(
                **dataclasses.asdict(f.counts), low_confidence=f.counts.low_confidence
            ),
            custody_event=f.custody_event,
            custody_leg=f.custody_leg,
            frame_time=None if f.frame_time is None else Moment.of(f.frame_time, zone),
            review_state=stored.review_state,
            scan_id=stored.scan_id,
            created_at=stored.created_at,
        )


class ReviewPublic(Public):
    state: ReviewState
    comment: str
    reviewer: str
    at: datetime

    @classmethod
    def of(cls, review: Review) -> ReviewPublic:
        return cls(
            state=review.state, comment=review.comment, reviewer=review.reviewer, at=review.at
        )


class FindingDetailPublic(FindingPublic):
    reviews: list[ReviewPublic]


class FindingUpdate(Public):
    """A review decision. Confirming or dismissing needs a comment saying why; moving a
    decided finding back to open is for admins."""

    state: ReviewState
    comment: str = Field(min_length=1, max_length=4000)


FindingListPublic = Page[FindingPublic]
