"""Continuity thresholds, with the defaults from RULES.md. A site file may override each."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class ContinuityThresholds(BaseModel):
    """When a hole or a bad stretch in the video becomes a finding (rules V1, V2, V4)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    segment_gap_s: float = Field(
        1.0, gt=0, description="Missing time between two files of a camera that is a gap."
    )
    segment_overlap_s: float = Field(
        1.0, gt=0, description="Time two files of a camera may overlap before it is a jump back."
    )
    timestamp_jump_s: float = Field(
        1.0, gt=0, description="A forward step between two packets at least this long is a jump."
    )
    dropped_frames_ratio: float = Field(
        0.5,
        gt=0,
        lt=1,
        description="A stretch whose frame rate falls below this fraction of the nominal rate "
        "has dropped frames.",
    )
    dropped_frames_min_s: float = Field(
        2.0, gt=0, description="Shortest stretch of dropped frames that is reported."
    )
    frozen_min_s: float = Field(5.0, gt=0, description="Shortest frozen stretch that is reported.")
    frozen_max_change: float = Field(
        0.5,
        gt=0,
        description="Mean grey-level change between analysed frames (0-255 on a 160-pixel wide "
        "thumbnail) below which the picture counts as unchanged. A live camera on a static "
        "scene stays above it at every keyframe, where the encoder refreshes the sensor noise "
        "(0.6-0.8 on real indoor CCTV); a frozen picture re-encoded only shows requantisation "
        "(0.1-0.5). Cameras with long GOPs and no on-screen clock may need it lower.",
    )
    black_min_s: float = Field(2.0, gt=0, description="Shortest black or blank stretch reported.")
    blank_uniform_fraction: float = Field(
        0.95,
        gt=0,
        le=1,
        description="Fraction of pixels at one grey level above which a picture is blank "
        "(black, a 'no signal' screen, a covered lens); on-screen text stays below the rest.",
    )
    black_max_luma: float = Field(
        40.0, ge=0, le=255, description="A blank picture darker than this is called black."
    )
