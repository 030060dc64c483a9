"""The finding: one violation or continuity problem, with the time span it covers."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import StrEnum


class FindingKind(StrEnum):
    """What went wrong. Later analyses add kinds; a kind's meaning never changes."""

    COVERAGE_GAP = "coverage_gap"
    TIMESTAMP_JUMP = "timestamp_jump"
    DROPPED_FRAMES = "dropped_frames"
    FROZEN_VIDEO = "frozen_video"
    BLACK_VIDEO = "black_video"
    DECODE_ERROR = "decode_error"
    UNREADABLE_RECORDING = "unreadable_recording"
    LATE_RECORDING_START = "late_recording_start"
    MISSING_ARRIVAL = "missing_arrival"
    LONE_PERSON = "lone_person"
    NO_CARRIER = "no_carrier"
    PAPER_OFF_CAMERA = "paper_off_camera"
    BUNDLE_COUNT_MISMATCH = "bundle_count_mismatch"
    UNLOGGED_ACCESS = "unlogged_access"
    DUTY_UNDERSTAFFED = "duty_understaffed"
    EARLY_PICKUP = "early_pickup"
    CLOCK_JUMP = "clock_jump"
    CLOCK_DRIFT = "clock_drift"
    CLOCK_UNREADABLE = "clock_unreadable"
    OBSTRUCTED_VIEW = "obstructed_view"
    BLURRED_VIEW = "blurred_view"
    CAMERA_MOVED = "camera_moved"


# Stretches of these kinds are not coverage (V2): the video there cannot prove anything.
NOT_COVERAGE = frozenset(
    {
        FindingKind.TIMESTAMP_JUMP,
        FindingKind.FROZEN_VIDEO,
        FindingKind.BLACK_VIDEO,
        FindingKind.DECODE_ERROR,
        FindingKind.UNREADABLE_RECORDING,
        # A cut made before export: the missing time lies inside the stretch.
        FindingKind.CLOCK_JUMP,
        # Complete video of nothing: a covered lens, a refocused or a turned-away camera.
        FindingKind.OBSTRUCTED_VIEW,
        FindingKind.BLURRED_VIEW,
        FindingKind.CAMERA_MOVED,
    }
)


class Severity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


# Below this median confidence the counts behind a finding are too unsure to act on unseen:
# the motion fallback's counts (0.3 at most) and a detector's weak boxes fall under it.
LOW_CONFIDENCE = 0.5

# A finding's cameras as one text, the form the store, the JSON outputs and the finding's id
# have always used: "vault-a1", a room's "vault-a1+vault-a2", "-" for none named. Site camera
# ids cannot hold "+" (`pipelines.site.Identifier`), so the text reads back into the same
# cameras.
_CAMERA_JOIN = "+"
_NO_CAMERA = "-"


def camera_label(cameras: tuple[str, ...]) -> str:
    """The stored and shown text of a finding's cameras ("a", "a+b", "-" for none)."""
    return _CAMERA_JOIN.join(cameras) if cameras else _NO_CAMERA


def cameras_from_label(label: str) -> tuple[str, ...]:
    """The cameras a stored or JSON `camera_label` text names; the one place it is read."""
    return () if label == _NO_CAMERA else tuple(label.split(_CAMERA_JOIN))


@dataclass(frozen=True, slots=True)
class Counts:
    """People and bundles seen during a finding (None where not measured).

    `counted_by` names the detectors the counts came from ("persons: yolox-nano; bundles:
    bundle_yolo"); `confidence` is the median confidence of the counted frames (0..1), None
    where the finding was not made from counts.
    """

    persons_min: int | None = None
    persons_max: int | None = None
    bundles_min: int | None = None
    bundles_expected: int | None = None
    counted_by: str | None = None
    confidence: float | None = None

    @property
    def low_confidence(self) -> bool:
        """Whether the counts are too unsure to act on without looking at the footage."""
        return self.confidence is not None and self.confidence < LOW_CONFIDENCE


@dataclass(frozen=True, slots=True)
class Finding:
    """One finding on the cameras that show it: one camera's, or a room's (all its cameras).

    Times are POSIX seconds (UTC); they become ISO-8601 with the site's offset only at the edges.
    `frame_time` is when a representative frame can be grabbed (None where no picture exists,
    e.g. inside a gap); `frame` is the JPEG written for it by the pipeline. `cameras` is empty
    for a custody finding whose form names no recorder.
    """

    kind: FindingKind
    rule: str
    cameras: tuple[str, ...]
    start: float
    end: float
    severity: Severity
    detail: str
    recording_sha256: str | None = None
    counts: Counts | None = None
    custody_event: str | None = None
    custody_leg: str | None = None
    frame_time: float | None = None
    frame: str | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"finding ends before it starts: {self.start} > {self.end}")
        if not isinstance(self.cameras, tuple):
            raise TypeError(f"a finding's cameras are a tuple, not {self.cameras!r}")

    @property
    def camera(self) -> str:
        """The cameras as one text ("a", "a+b", "-"): for showing, sorting and storing only;
        read `cameras` to know which cameras they are."""
        return camera_label(self.cameras)

    @property
    def duration_s(self) -> float:
        return self.end - self.start

    @property
    def id(self) -> str:
        """Stable identity: the same problem found again by a re-scan gets the same id."""
        key = "|".join(
            (
                self.kind.value,
                self.rule,
                # The text form keeps every id the same as before findings had a tuple.
                self.camera,
                self.recording_sha256 or "",
                f"{self.start:.3f}",
                f"{self.end:.3f}",
                self.custody_leg or "",
            )
        )
        return hashlib.sha256(key.encode()).hexdigest()[:20]
