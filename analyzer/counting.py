"""Counting people and paper bundles per analysed frame, and the count timeline it gives.

Pure functions over `Detections`: which objects stand inside a camera's zone, how many there
are, how sure the count is, and how to keep a count from flickering when a detector misses an
object for a frame.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from analyzer.detections import Detections, ObjectClass

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

NOT_MEASURED = -1
"""Count value where nothing could count this class (e.g. no person model on a phone clip)."""


@dataclass(frozen=True)
class Zone:
    """A polygon in coordinates relative to the displayed picture (0..1 on both axes).

    points: (k, 2) float64 corners in order, k >= 3. Relative coordinates keep a zone
    valid whatever resolution the picture is analysed at.
    """

    points: FloatArray

    def __post_init__(self) -> None:
        if self.points.ndim != 2 or self.points.shape[1] != 2 or self.points.shape[0] < 3:
            raise ValueError(f"a zone needs (k >= 3, 2) corners, got {self.points.shape}")

    @classmethod
    def of(cls, corners: list[tuple[float, float]] | list[list[float]]) -> Zone:
        return cls(np.asarray(corners, np.float64))


def inside(points: FloatArray, zone: Zone) -> npt.NDArray[np.bool_]:
    """(n,) whether each of (n, 2) points lies inside the zone (even-odd rule)."""
    x, y = points[:, 0:1], points[:, 1:2]
    corners = zone.points
    x1, y1 = corners[:, 0], corners[:, 1]
    x2, y2 = np.roll(x1, -1), np.roll(y1, -1)
    crosses = (y1 > y) != (y2 > y)
    with np.errstate(divide="ignore", invalid="ignore"):
        at_x = x1 + (y - y1) * (x2 - x1) / (y2 - y1)
    result: npt.NDArray[np.bool_] = (np.count_nonzero(crosses & (x < at_x), axis=1) % 2) == 1
    return result


def anchor_points(detections: Detections, width: int, height: int) -> FloatArray:
    """(n, 2) relative point that decides whether an object is in a zone.

    A person stands where their feet are (bottom centre of the box), so someone leaning over
    the cabinet from outside the room's zone does not count; a bundle is where its centre is.
    """
    boxes = detections.xyxy.astype(np.float64)
    centre_x = (boxes[:, 0] + boxes[:, 2]) / 2
    anchor_y = np.where(
        detections.class_id == ObjectClass.PERSON, boxes[:, 3], (boxes[:, 1] + boxes[:, 3]) / 2
    )
    return np.stack([centre_x / width, anchor_y / height], axis=1)


def in_zone(detections: Detections, zone: Zone | None, width: int, height: int) -> Detections:
    """The detections whose anchor point lies in `zone` (all of them when there is no zone)."""
    if zone is None or len(detections) == 0:
        return detections
    return detections[inside(anchor_points(detections, width, height), zone)]


def countable(detections: Detections, min_confidence: Mapping[ObjectClass, float]) -> Detections:
    """Boxes that count: those on a confirmed track, and confident new ones.

    Detectors run with a low threshold so that the tracker can keep a partly hidden person on
    their track with a weak box (ByteTrack's second association stage); such a weak box
    counts only while it continues a track, never on its own. `min_confidence` is the score a
    new box of each class needs.
    """
    needed = np.array([min_confidence.get(c, 1.0) for c in ObjectClass], np.float32)
    keep = (detections.tracker_id >= 0) | (detections.confidence >= needed[detections.class_id])
    return detections[keep]


@dataclass(frozen=True, slots=True)
class FrameCount:
    persons: int
    bundles: int
    confidence: float


def frame_count(
    detections: Detections, *, count_persons: bool, count_bundles: bool, ceiling: float = 1.0
) -> FrameCount:
    """People and bundles among one frame's (already zone-filtered) detections.

    Confidence is that of the least certain object counted, since the count is only as right
    as its weakest box; a frame with nothing counted is as certain as the detector behind it
    (`ceiling`: 1.0 for a trained model, lower for the motion fallback, which also caps every
    other value).
    """
    persons = detections.count(ObjectClass.PERSON) if count_persons else NOT_MEASURED
    bundles = detections.count(ObjectClass.BUNDLE) if count_bundles else NOT_MEASURED
    counted = np.zeros(len(detections), np.bool_)
    if count_persons:
        counted |= detections.class_id == ObjectClass.PERSON
    if count_bundles:
        counted |= detections.class_id == ObjectClass.BUNDLE
    weakest = float(detections.confidence[counted].min()) if counted.any() else 1.0
    return FrameCount(persons, bundles, min(weakest, ceiling))


def suppress_flicker(times: FloatArray, counts: IntArray, min_run_s: float) -> IntArray:
    """Counts with one-off blips removed: the hysteresis of the count timeline.

    A run of one value shorter than `min_run_s` (from its first frame to the first frame of
    the next run) that has the same value on both sides (2, 1, 2: a person missed for a
    moment; 1, 2, 1: a false box for a moment) takes that value. A short run between two
    different values (2, 3, 4 while a crowd gathers) is a real step and stays. A short run at
    either end takes its only neighbour's value. Because the analysis is offline, changes that
    stay keep their exact first frame: boundaries do not lag.

    times: (n,) increasing seconds; counts: (n,) integers. Returns a new (n,) array.
    """
    smoothed = counts.astype(np.int64).copy()
    n = smoothed.size
    if n < 2:
        return smoothed
    starts = np.flatnonzero(np.concatenate(([True], smoothed[1:] != smoothed[:-1])))
    stops = np.append(starts[1:], n)
    step = float(np.median(np.diff(times)))
    values = [int(smoothed[first]) for first in starts]
    for k, (first, stop) in enumerate(zip(starts, stops, strict=True)):
        until = times[stop] if stop < n else times[-1] + step
        if until - times[first] >= min_run_s - 1e-9:
            continue
        left = values[k - 1] if k > 0 else None  # already smoothed
        right = values[k + 1] if k + 1 < len(values) else None
        if left is not None and right is not None and left != right:
            continue
        replacement = left if left is not None else right
        if replacement is not None:
            values[k] = replacement
            smoothed[first:stop] = replacement
    return smoothed


@dataclass(frozen=True, slots=True)
class CountedBy:
    """The detectors behind a count timeline, by class (`NO_DETECTOR` where none counted)."""

    persons: str
    bundles: str

    @classmethod
    def parse(cls, counted_with: str) -> CountedBy:
        """From a timeline's `counted_with` ("persons=NAME;bundles=NAME;every_s=..."), the
        description `pipelines.counting.CountingSetup` writes and the store keeps."""
        fields = {}
        for part in counted_with.split(";"):
            key, _, value = part.partition("=")
            fields[key] = value
        return cls(fields.get("persons") or NO_DETECTOR, fields.get("bundles") or NO_DETECTOR)

    def __str__(self) -> str:
        return f"persons: {self.persons}; bundles: {self.bundles}"


NO_DETECTOR = "none"


@dataclass(frozen=True)
class CountTimeline:
    """People and bundles seen on one recording, one row per analysed frame.

    time: (n,) POSIX seconds; persons, bundles: (n,) int64 counts after zone filtering,
    tracking and flicker suppression (`NOT_MEASURED` where no detector counted that class);
    confidence: (n,) float32 in [0, 1]. `counted_with` names the detectors (with their
    weights' hashes) and the sampling that produced it, so timelines made differently are
    never mixed up.
    """

    camera: str
    recording_sha256: str
    counted_with: str
    time: FloatArray
    persons: IntArray
    bundles: IntArray
    confidence: npt.NDArray[np.float32]

    def __post_init__(self) -> None:
        n = self.time.shape
        for name in ("persons", "bundles", "confidence"):
            if getattr(self, name).shape != n:
                raise ValueError(f"{name} must have shape {n}, got {getattr(self, name).shape}")

    def __len__(self) -> int:
        return int(self.time.shape[0])

    @property
    def counted_by(self) -> CountedBy:
        return CountedBy.parse(self.counted_with)

    def shifted(self, seconds: float) -> CountTimeline:
        """The same counts `seconds` later (the recording's start was corrected)."""
        return replace(self, time=self.time + seconds)
