"""What is known about one original recording after probing and decoding it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class CameraKind(StrEnum):
    FIXED = "fixed"
    HANDHELD = "handheld"


class StartSource(StrEnum):
    """Where a recording's wall-clock start came from, most trusted first."""

    SITE_PATTERN = "site_pattern"
    OPTION = "option"
    FILE_NAME = "file_name"
    CREATION_TIME = "creation_time"
    FILE_MTIME = "file_mtime"
    # The site trusts the recorder's on-screen clock over the file's own time.
    ONSCREEN_CLOCK = "onscreen_clock"


@dataclass(frozen=True, slots=True)
class RecordingInfo:
    """An ingested original. Times are POSIX seconds (UTC).

    `end` is what the container declares (start + duration); `decoded_to` is the end of the last
    frame that actually decoded, which is earlier for a truncated or corrupt file.
    """

    path: str
    sha256: str
    size_bytes: int
    camera: str
    camera_kind: CameraKind
    start: float
    start_source: StartSource
    duration_s: float
    fps: float
    width: int
    height: int
    codec: str
    container: str
    rotation: int
    decoded_to: float
    decode_errors: int

    @property
    def end(self) -> float:
        return self.start + self.duration_s
