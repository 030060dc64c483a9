"""Counting people and bundles on the frames a scan decodes.

`ObjectCounter` takes decoded frames in time order (it samples them on its own time grid),
runs the camera's detectors on batches, tracks, filters by zone, counts, and finally returns
the recording's `CountTimeline` with flicker suppressed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from analyzer.counting import (
    CountTimeline,
    Zone,
    countable,
    frame_count,
    in_zone,
    suppress_flicker,
)
from analyzer.detections import Detections, ObjectClass
from analyzer.sampling import SampleGrid
from models.detector import BgrFrame, Detector
from models.tracking import ObjectTracker
from pipelines.media import DecodedFrame


@dataclass(frozen=True)
class CountingSetup:
    """The detectors and settings one camera is counted with.

    `person` / `bundle` may be the same detector (a model that knows both classes runs once);
    None means that class is not counted on this camera. `person_ceiling` caps the confidence
    of person counts (1.0 for a trained model, 0.3 for the motion fallback).
    """

    person: Detector | None
    bundle: Detector | None
    person_ceiling: float = 1.0
    zone: Zone | None = None
    every_s: float = 0.5
    min_run_s: float = 1.0
    min_confidence: float = 0.35
    person_min_confidence: float | None = None
    batch: int = 4
    detect_width: int = 640

    @property
    def description(self) -> str:
        """What produced a timeline: detector names (with weight hashes) and sampling."""
        person = "none" if self.person is None else self.person.name
        bundle = "none" if self.bundle is None else self.bundle.name
        zone = (
            "none" if self.zone is None else "x".join(f"{v:.3f}" for v in self.zone.points.ravel())
        )
        return (
            f"persons={person};bundles={bundle};every_s={self.every_s:g};"
            f"min_run_s={self.min_run_s:g};min_confidence={self.min_confidence:g};zone={zone}"
        )

    @property
    def thresholds(self) -> dict[ObjectClass, float]:
        """Score a new box of each class needs to count (the fallback's boxes are all weak)."""
        person = (
            self.min_confidence
            if self.person_min_confidence is None
            else self.person_min_confidence
        )
        return {ObjectClass.PERSON: person, ObjectClass.BUNDLE: self.min_confidence}

    def jobs(self) -> list[tuple[Detector, frozenset[ObjectClass]]]:
        """Each distinct detector once, with the classes this camera takes from it."""
        jobs: list[tuple[Detector, frozenset[ObjectClass]]] = []
        for detector, object_class in (
            (self.person, ObjectClass.PERSON),
            (self.bundle, ObjectClass.BUNDLE),
        ):
            if detector is None:
                continue
            for index, (known, classes) in enumerate(jobs):
                if known is detector:
                    jobs[index] = (known, classes | {object_class})
                    break
            else:
                jobs.append((detector, frozenset({object_class})))
        return jobs


@dataclass
class ObjectCounter:
    """Consumes one recording's decoded frames; `finish()` gives its count timeline."""

    setup: CountingSetup
    camera: str
    recording_sha256: str
    recording_start: float
    tracker: ObjectTracker = field(default_factory=ObjectTracker)
    _grid: SampleGrid = field(init=False)
    _batch_times: list[float] = field(default_factory=list)
    _batch_images: list[BgrFrame] = field(default_factory=list)
    _times: list[float] = field(default_factory=list)
    _persons: list[int] = field(default_factory=list)
    _bundles: list[int] = field(default_factory=list)
    _confidence: list[float] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._grid = SampleGrid(self.setup.every_s)

    def take(self, frame: DecodedFrame) -> None:
        if not self._grid.due(frame.time):
            return
        self._batch_times.append(frame.time)
        self._batch_images.append(frame.bgr(self.setup.detect_width))
        if len(self._batch_images) >= self.setup.batch:
            self._flush()

    def _flush(self) -> None:
        if not self._batch_images:
            return
        per_detector = [
            [_only(found, classes) for found in detector.detect(self._batch_images)]
            for detector, classes in self.setup.jobs()
        ]
        for index, time in enumerate(self._batch_times):
            image = self._batch_images[index]
            found = _merge([results[index] for results in per_detector])
            self._count(time, found, width=image.shape[1], height=image.shape[0])
        self._batch_times.clear()
        self._batch_images.clear()

    def _count(self, time: float, found: Detections, *, width: int, height: int) -> None:
        tracked = self.tracker.update(found, time)
        counted = in_zone(countable(tracked, self.setup.thresholds), self.setup.zone, width, height)
        count = frame_count(
            counted,
            count_persons=self.setup.person is not None,
            count_bundles=self.setup.bundle is not None,
            ceiling=self.setup.person_ceiling,
        )
        self._times.append(time)
        self._persons.append(count.persons)
        self._bundles.append(count.bundles)
        self._confidence.append(count.confidence)

    def finish(self) -> CountTimeline:
        self._flush()
        times = np.asarray(self._times, np.float64)
        persons = np.asarray(self._persons, np.int64)
        bundles = np.asarray(self._bundles, np.int64)
        smooth = self.setup.min_run_s
        return CountTimeline(
            camera=self.camera,
            recording_sha256=self.recording_sha256,
            counted_with=self.setup.description,
            time=self.recording_start + times,
            persons=persons
            if self.setup.person is None
            else suppress_flicker(times, persons, smooth),
            bundles=bundles
            if self.setup.bundle is None
            else suppress_flicker(times, bundles, smooth),
            confidence=np.asarray(self._confidence, np.float32),
        )


def _only(detections: Detections, classes: frozenset[ObjectClass]) -> Detections:
    """A person model that also knows a bundle-like class must not count bundles when the
    camera has a bundle model of its own, and vice versa."""
    return detections[np.isin(detections.class_id, [int(c) for c in classes])]


def _merge(parts: list[Detections]) -> Detections:
    if len(parts) == 1:
        return parts[0]
    if not parts:
        return Detections.empty()
    return Detections(
        np.concatenate([p.xyxy for p in parts]),
        np.concatenate([p.confidence for p in parts]),
        np.concatenate([p.class_id for p in parts]),
        np.concatenate([p.tracker_id for p in parts]),
    )
