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
    obstructed_max_structure: float = Field(
        0.4,
        gt=0,
        description="Coarse structure of the picture (mean absolute Laplacian of the 160-px "
        "thumbnail averaged over 4x4 blocks, over mean brightness), as a fraction of the "
        "camera's reference view, below which the view is obstructed (a covered, sprayed or "
        "dark lens). On real footage with people walking, lights dimmed, off, brighter or "
        "gamma-shifted it stays at 0.64 or more; a hand over the lens gives 0.02-0.03, spray "
        "paint 0.24-0.29.",
    )
    obstructed_min_s: float = Field(
        5.0, gt=0, description="Shortest obstructed stretch that is reported."
    )
    blurred_max_sharpness: float = Field(
        0.7,
        gt=0,
        description="Fine over coarse detail of the 160-px thumbnail (the median of 4x4 "
        "regions), as a fraction of the camera's reference view, below which the picture is "
        "blurred (refocused or smeared lens). Real footage with people and light changes stays "
        "at 0.84 or more; a defocus blur of sigma 0.5 % of the picture width gives 0.35-0.54, "
        "0.3 % gives 0.56-0.73 (the smallest found).",
    )
    blurred_min_s: float = Field(5.0, gt=0, description="Shortest blurred stretch reported.")
    moved_max_match: float = Field(
        0.5,
        ge=0,
        le=1,
        description="Fraction of the reference view's textured places (10x10-px cells, "
        "correlation >= 0.7 within a 2-px shift) the picture still shows, below which the "
        "camera was moved (turned, tilted, zoomed). Real footage keeps 0.64 or more with "
        "people walking through and the lights dimmed or off; a pan by 8 % of the field gives "
        "0.06-0.26, a tilt by 8 % 0.02-0.42, a pan by 2 % 0.37-0.67, by 1 % 0.79 or more "
        "(not a move).",
    )
    moved_min_s: float = Field(
        5.0, gt=0, description="Shortest stretch with a moved camera that is reported."
    )


class CustodyThresholds(BaseModel):
    """When what the video shows breaks the custody rules (V4-V10, V13)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    coverage_gap_s: float = Field(
        1.0, gt=0, description="Shortest part of a leg without usable video that is reported."
    )
    late_start_s: float = Field(
        10.0, ge=0, description="V4: the handheld recording starts at most this after departure."
    )
    lone_person_s: float = Field(
        5.0, gt=0, description="V7: one person alone with the papers this long is a finding."
    )
    no_carrier_s: float = Field(
        3.0, gt=0, description="V6: no carrier in the handheld picture this long."
    )
    paper_off_camera_s: float = Field(
        3.0, gt=0, description="V5: fewer bundles in the handheld picture than the form, this long."
    )
    merge_gap_s: float = Field(
        1.0,
        ge=0,
        description="Two stretches of one violation this close are one finding (a detector "
        "dropout does not split it).",
    )
    bundle_window_s: float = Field(
        30.0, gt=0, description="V10: bundles are counted this long before and after an event."
    )
    unlogged_window_s: float = Field(
        600.0,
        ge=0,
        description="V9: presence in a vault this close to a custody event there is logged.",
    )
    unlogged_min_s: float = Field(
        2.0, gt=0, description="V9: shortest presence in a vault that is reported."
    )
    duty_min_persons: int = Field(2, ge=1, description="V8: people always on duty.")
    duty_short_s: float = Field(
        60.0, gt=0, description="V8: fewer people on duty this long is a finding."
    )
    pickup_before_s: float = Field(
        3600.0, ge=0, description="V13: papers leave the vault at most this before the session."
    )


class ClockThresholds(BaseModel):
    """When the on-screen clock tells of a cut, a wrong clock or an unreadable picture."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    clock_jump_s: float = Field(
        2.0,
        ge=1.5,
        description="A change of the on-screen clock against the video's timestamps of at "
        "least this many seconds is a jump (the clock shows whole seconds, so shorter steps "
        "cannot be told from its rounding).",
    )
    confirm_readings: int = Field(
        3, ge=2, description="Readings in a row that must agree on a new offset for a jump."
    )
    clock_drift_s: float = Field(
        30.0, gt=0, description="On-screen clock this far from the file's time is drift."
    )
    clock_unreadable_s: float = Field(
        30.0, gt=0, description="Shortest stretch without a readable clock that is reported."
    )
