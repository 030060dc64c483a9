"""The site file: rooms, cameras, how their files are named, and rule thresholds.

A strict YAML document (unknown keys are errors, so a typo fails loudly instead of silently
using a default). Example, with every key:

    timezone: Asia/Shanghai          # IANA zone of the site's wall clock
    rooms:
      - id: vault-1
        kind: vault                  # vault | duty | exam_office | distribution | other
        name: 试卷保密室
    cameras:
      - id: vault-a
        kind: fixed                  # fixed (CCTV) | handheld (phone, body-cam)
        room: vault-1
        # Regular expression that the whole file name must match; group `start` holds the
        # wall-clock start, read with `time_format` (Python strptime).
        file_pattern: 'ch01_(?P<start>\\d{14})_\\d{14}\\.mp4'
        time_format: '%Y%m%d%H%M%S'
        person_model: yolox-nano      # the shipped default; or one from `vaultwatch models import`
        bundle_model: bundle_yolo     # the shipped default; 'none' to not count
        zone: [[0.05, 0.2], [0.95, 0.2], [0.95, 1.0], [0.05, 1.0]]
        # What the camera should see (a still of its view, same aspect as its video), relative
        # to this file's folder; without it, each recording's first seconds are the reference.
        reference_image: references/vault-a.png
        clock:                        # the NVR's on-screen clock (found automatically)
          read: true                  # default: fixed cameras yes, handheld no
          region: [0.0, 0.0, 0.5, 0.1]  # where it is, fractions of the picture (optional)
          hours: 24                   # or 12 (AM/PM)
          date_order: auto            # ymd / mdy / dmy when the year comes last
          trust: false                # true: finding times follow the on-screen clock
    thresholds:
      continuity:
        frozen_min_s: 5
      clock:
        clock_jump_s: 2
    counting:
      fps: 2
    sessions:                        # exam sessions, for the pickup-time rule (V13)
      - id: chinese-am
        start: 2026-12-01T09:00:00
        lots: [L2026-001]
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Annotated, Literal

import numpy as np
import numpy.typing as npt
import yaml
from PIL import Image, UnidentifiedImageError
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from analyzer.clock_value import DateOrder
from analyzer.custody import RoomKind
from analyzer.recording import CameraKind
from analyzer.thresholds import ClockThresholds, ContinuityThresholds, CustodyThresholds


class SiteError(ValueError):
    """The site file cannot be used; the message names the file and the problem."""


# Validation context key: the folder of the site file, which relative paths in it start from.
SITE_FOLDER = "site_folder"


def read_reference_image(path: Path) -> npt.NDArray[np.uint8]:
    """A camera's reference picture as (h, w) uint8 grey. Raises SiteError naming the file
    when it is missing or not a picture."""
    try:
        with Image.open(path) as image:
            return np.asarray(image.convert("L"), dtype=np.uint8)
    except FileNotFoundError as exc:
        raise SiteError(f"reference image {path} does not exist") from exc
    except (OSError, UnidentifiedImageError, Image.DecompressionBombError) as exc:
        raise SiteError(f"reference image {path} cannot be read as a picture: {exc}") from exc


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Identifier = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[\w.-]+$")]


class Room(StrictModel):
    id: Identifier
    kind: RoomKind = RoomKind.OTHER
    name: str = Field("", description="Name shown to people, e.g. 试卷保密室.")


class ClockSettings(StrictModel):
    """How a camera's recorder burns its clock into the picture (findings clock_jump,
    clock_drift, clock_unreadable). The clock is found and its digits learned from the video;
    these settings only say what the digits cannot."""

    read: bool | None = Field(
        None, description="Read the on-screen clock; default: on for fixed cameras only."
    )
    region: tuple[float, float, float, float] | None = Field(
        None,
        description="Where the clock is, as [left, top, right, bottom] fractions of the "
        "picture; default: found where the picture changes once a second.",
    )
    hours: Literal[12, 24] = Field(24, description="24-hour clock, or 12 with AM/PM.")
    date_order: DateOrder = Field(
        DateOrder.AUTO,
        description="How a date that ends with the year is written: mdy, dmy, or auto (the "
        "reading nearest the file's time).",
    )
    trust: bool = Field(
        False,
        description="The on-screen clock is right and the file's time is not: finding times "
        "follow the clock (clock_drift is still reported).",
    )

    @field_validator("region")
    @classmethod
    def _inside_picture(
        cls, value: tuple[float, float, float, float] | None
    ) -> tuple[float, float, float, float] | None:
        if value is not None:
            left, top, right, bottom = value
            if not (0 <= left < right <= 1 and 0 <= top < bottom <= 1):
                raise ValueError("region is [left, top, right, bottom], fractions 0..1")
        return value

    def reads(self, kind: CameraKind) -> bool:
        """Whether a camera of `kind` with these settings has its clock read."""
        return self.read if self.read is not None else kind is CameraKind.FIXED


class Camera(StrictModel):
    id: Identifier
    kind: CameraKind = CameraKind.FIXED
    room: Identifier | None = Field(None, description="Room a fixed camera watches.")
    file_pattern: str | None = Field(
        None,
        description="Regular expression the whole file name matches; group `start` holds "
        "the wall-clock start when `time_format` is set.",
    )
    time_format: str | None = Field(None, description="strptime format of group `start`.")
    person_model: str | None = Field(
        None,
        description="Registered model that counts people here (default: the shipped "
        "yolox-nano; 'none' to not count; 'motion': the low-confidence motion fallback).",
    )
    bundle_model: str | None = Field(
        None, description="Registered model that counts bundles here ('none' to not count)."
    )
    clock: ClockSettings = ClockSettings()
    zone: list[tuple[float, float]] | None = Field(
        None,
        min_length=3,
        description="Polygon, in fractions of the picture's width and height (0..1), where "
        "people and bundles count, e.g. the vault room without its doorway.",
    )
    reference_image: Path | None = Field(
        None,
        description="Picture (PNG, JPEG) of what the fixed camera should see, the same aspect "
        "as its video (another aspect is stretched to it): the reference for camera_moved, "
        "blurred_view and obstructed_view. Relative to the site file's folder. Without it, "
        "each recording's first seconds are the reference.",
    )

    @field_validator("reference_image")
    @classmethod
    def _readable_picture(cls, value: Path | None, info: ValidationInfo) -> Path | None:
        if value is None:
            return None
        folder = (info.context or {}).get(SITE_FOLDER)
        if folder is not None and not value.is_absolute():
            value = Path(folder) / value
        read_reference_image(value)  # fails now, not in the middle of a scan
        return value

    @field_validator("zone")
    @classmethod
    def _relative(cls, value: list[tuple[float, float]] | None) -> list[tuple[float, float]] | None:
        if value is not None and any(not (0 <= c <= 1) for point in value for c in point):
            raise ValueError("zone corners are fractions of the picture: 0 <= x, y <= 1")
        return value

    @field_validator("file_pattern")
    @classmethod
    def _compiles(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"file_pattern is not a regular expression: {exc}") from exc
        return value

    @model_validator(mode="after")
    def _start_group_with_format(self) -> Camera:
        if self.time_format is not None:
            if self.file_pattern is None or "start" not in re.compile(self.file_pattern).groupindex:
                raise ValueError("time_format needs a file_pattern with a group (?P<start>...)")
        return self

    @property
    def pattern(self) -> re.Pattern[str] | None:
        return None if self.file_pattern is None else re.compile(self.file_pattern)


class Thresholds(StrictModel):
    continuity: ContinuityThresholds = ContinuityThresholds()
    custody: CustodyThresholds = CustodyThresholds()
    clock: ClockThresholds = ClockThresholds()


class Session(StrictModel):
    """An exam session: when it starts and which lots of papers it uses (V13)."""

    id: Identifier
    start: datetime = Field(description="Start, ISO-8601; without offset, the site's zone.")
    lots: list[str] = Field(min_length=1)


class CountingSettings(StrictModel):
    """How people and bundles are counted (the count timeline, `scan --timeline`)."""

    fps: float = Field(2.0, gt=0, le=30, description="Analysed frames a second.")
    min_run_s: float = Field(
        1.0,
        ge=0,
        description="Hysteresis: a new count is believed once seen this long; shorter "
        "flickers keep the count before them.",
    )
    min_confidence: float = Field(
        0.35, gt=0, le=1, description="Score a box needs to count unless it continues a track."
    )
    detect_width: int = Field(
        640, ge=160, le=3840, description="Frames are scaled to this width for the detectors."
    )
    detector_gate: float | None = Field(
        6.0,
        gt=0,
        description="Run the detector only where the picture changed by this many grey levels "
        "(largest block of a 96-pixel thumbnail) since it last ran; null runs it on every "
        "analysed frame (`scan --exhaustive` also analyses every frame).",
    )
    keep_alive_s: float = Field(
        5.0, gt=0, description="The detector runs at least this often, changed or not."
    )
    empty_keep_alive_s: float = Field(
        30.0,
        gt=0,
        description="The same while the detector's last run found nobody and nothing: an "
        "unchanged empty room stays empty.",
    )


class Site(StrictModel):
    timezone: str | None = Field(None, description="IANA zone; the machine's zone if absent.")
    rooms: list[Room] = []
    cameras: list[Camera] = []
    thresholds: Thresholds = Thresholds()
    counting: CountingSettings = CountingSettings()
    sessions: list[Session] = []
    media_roots: list[Path] = Field(
        [],
        description="Folders `vaultwatch nightly` scans for new or changed recordings (NVR "
        "export shares, collected phone clips). Relative to the site file's folder.",
    )

    @field_validator("media_roots")
    @classmethod
    def _media_roots_exist(cls, value: list[Path], info: ValidationInfo) -> list[Path]:
        folder = (info.context or {}).get(SITE_FOLDER)
        roots = [Path(folder) / p if folder is not None and not p.is_absolute() else p
                 for p in value]  # fmt: skip
        missing = [str(p) for p in roots if not p.is_dir()]
        if missing:
            raise ValueError(f"media roots are not folders: {', '.join(missing)}")
        return roots

    @model_validator(mode="after")
    def _references(self) -> Site:
        _unique("room", [room.id for room in self.rooms])
        _unique("camera", [camera.id for camera in self.cameras])
        rooms = {room.id for room in self.rooms}
        for camera in self.cameras:
            if camera.room is not None and camera.room not in rooms:
                raise ValueError(f"camera {camera.id!r} names unknown room {camera.room!r}")
        return self

    def camera(self, camera_id: str) -> Camera | None:
        return next((c for c in self.cameras if c.id == camera_id), None)

    def room(self, room_id: str) -> Room | None:
        return next((r for r in self.rooms if r.id == room_id), None)

    def camera_for_file(self, file_name: str) -> Camera | None:
        """The first camera whose file pattern matches the whole file name."""
        for camera in self.cameras:
            pattern = camera.pattern
            if pattern is not None and pattern.fullmatch(file_name):
                return camera
        return None


def _unique(what: str, ids: list[str]) -> None:
    seen = set()
    for identifier in ids:
        if identifier in seen:
            raise ValueError(f"{what} id {identifier!r} appears twice")
        seen.add(identifier)


def load_site(path: Path) -> Site:
    """Read and validate a site file. Raises SiteError with a readable reason."""
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SiteError(f"{path}: cannot read site file: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        raise SiteError(f"{path}: not valid YAML: {exc}") from exc
    if document is None:
        document = {}
    if not isinstance(document, dict):
        raise SiteError(f"{path}: a site file is a mapping of keys, got {type(document).__name__}")
    try:
        return Site.model_validate(document, context={SITE_FOLDER: path.parent})
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in error['loc']) or 'site'}: {error['msg']}"
            for error in exc.errors()
        )
        raise SiteError(f"{path}: {problems}") from exc
