"""Footage played in the finding page's player: what the player reports, what is recorded."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, model_validator

from api.schemas.common import Moment, Public

# A clip is at most a few minutes; a player reports a handful of ranges (its `played`
# TimeRanges: one per stretch played between seeks). More is no player's report.
MAX_PLAYED_RANGES = 100
# No clip is a day long: a larger number is not a time in a clip.
MAX_CLIP_SECONDS = 86_400.0

ClipSeconds = Annotated[
    float,
    Field(
        ge=0, le=MAX_CLIP_SECONDS, allow_inf_nan=False, description="seconds from the clip's start"
    ),
]


class PlayedRange(Public):
    """One stretch the player played, in the player's own time (0: the clip's first
    picture)."""

    start: ClipSeconds
    end: ClipSeconds

    @model_validator(mode="after")
    def _ends_after_it_starts(self) -> PlayedRange:
        if self.end <= self.start:
            raise ValueError(f"a played range ends after it starts, not {self.start}–{self.end}")
        return self


class PlayedReport(Public):
    """What the finding page's player played of the finding's clip since its last report."""

    ranges: list[PlayedRange] = Field(min_length=1, max_length=MAX_PLAYED_RANGES)


class PlayedSpanPublic(Public):
    start: Moment
    end: Moment


class PlayedPublic(Public):
    """The played footage as the audit trail keeps it: the recording and camera the clip was
    cut from, and the wall-clock spans played (as reported, in order)."""

    finding_id: str
    recording_sha256: str
    camera: str
    played: list[PlayedSpanPublic]
    played_s: float = Field(description="Seconds of footage played, overlaps counted once.")
