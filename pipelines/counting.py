"""Counting people and bundles on the frames a scan decodes.

`ObjectCounter` takes decoded frames in time order (it samples them on its own time grid),
runs the camera's detectors on batches, tracks, filters by zone, counts, and finally returns
the recording's `CountTimeline` with flicker suppressed.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace

import numpy as np
import numpy.typing as npt

from analyzer.counting import (
    CountTimeline,
    Zone,
    countable,
    frame_count,
    in_zone,
    suppress_flicker,
)
from analyzer.detections import Detections, ObjectClass
from analyzer.gating import coarse_changes
from analyzer.intervals import StreamSpan
from analyzer.picture import block_change
from analyzer.sampling import SampleGrid
from models.detector import BgrFrame, Detector
from models.tracking import ObjectTracker
from pipelines.media import DecodedFrame

# Width of the grey thumbnail the detector gate compares: a person is a few blocks of it.
GATE_WIDTH = 96
# Detector batches queued behind the one running (each holds `batch` frames of detect_width).
MAX_BATCHES_IN_FLIGHT = 2


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
    # Seconds between counted frames; 0 counts every decoded frame (the audit, `every_frame`).
    every_s: float = 0.5
    min_run_s: float = 1.0
    min_confidence: float = 0.35
    # A class's own threshold where it is not `min_confidence`: the motion fallback's (its
    # boxes are all weak) or the one a model's training chose (`ModelManifest`).
    person_min_confidence: float | None = None
    bundle_min_confidence: float | None = None
    batch: int = 4
    detect_width: int = 640
    # Detector gating: run the detector only when the picture changed this much (largest
    # block change, grey levels) since it last ran, or `keep_alive_s` has passed, so that
    # a motionless person is still counted. None runs it on every analysed frame.
    detect_on_change: float | None = None
    keep_alive_s: float = 5.0
    # A detector that learns from the sequence of frames (the motion fallback's background
    # model) needs them all: the packet screening must not thin them out.
    needs_every_frame: bool = False
    # While the detector's last run found nobody and nothing: nobody can enter an unchanged
    # picture, so the keep-alive only guards against slow drift and runs far less often.
    empty_keep_alive_s: float = 30.0

    @property
    def description(self) -> str:
        """What produced a timeline: detector names (with weight hashes) and sampling."""
        person = "none" if self.person is None else self.person.name
        bundle = "none" if self.bundle is None else self.bundle.name
        zone = (
            "none" if self.zone is None else "x".join(f"{v:.3f}" for v in self.zone.points.ravel())
        )
        gate = (
            "every-frame"
            if self.detect_on_change is None
            else f"{self.detect_on_change:g}/{self.keep_alive_s:g}s/{self.empty_keep_alive_s:g}s"
        )
        own = "".join(
            f";{name}_min_confidence={value:g}"
            for name, value in (
                ("person", self.person_min_confidence),
                ("bundle", self.bundle_min_confidence),
            )
            if value is not None
        )
        return (
            f"persons={person};bundles={bundle};every_s={self.every_s:g};"
            f"min_run_s={self.min_run_s:g};min_confidence={self.min_confidence:g};zone={zone};"
            f"gate={gate}{own}"
        )

    @property
    def thresholds(self) -> dict[ObjectClass, float]:
        """Score a new box of each class needs to count."""
        return {
            ObjectClass.PERSON: _or(self.person_min_confidence, self.min_confidence),
            ObjectClass.BUNDLE: _or(self.bundle_min_confidence, self.min_confidence),
        }

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


def _or(own: float | None, default: float) -> float:
    return default if own is None else own


def every_frame(setup: CountingSetup) -> CountingSetup:
    """The audit's counting (`vaultwatch scan --exhaustive`): the detectors on every decoded
    frame, none skipped because the picture did not change. It is the reference the screened
    default scan answers to, so it must not share the default's shortcuts."""
    return replace(setup, every_s=0.0, detect_on_change=None)


@dataclass
class ObjectCounter:
    """Consumes one recording's decoded frames; `finish()` gives its count timeline."""

    setup: CountingSetup
    camera: str
    recording_sha256: str
    recording_start: float
    tracker: ObjectTracker = field(default_factory=ObjectTracker)
    _grid: SampleGrid = field(init=False)
    # Analysed frames waiting for a detector batch, in time order; None: nothing changed since
    # the detector last ran, so the frame repeats the count before it.
    _pending: list[tuple[float, BgrFrame | None]] = field(default_factory=list)
    # Batches handed to the detector thread, oldest first, counted in this order.
    _in_flight: deque[
        tuple[list[tuple[float, BgrFrame | None]], Future[list[list[Detections]]] | None]
    ] = field(default_factory=deque)
    _executor: ThreadPoolExecutor | None = None
    _last_thumbnail: npt.NDArray[np.uint8] | None = None
    _last_detected_at: float = -np.inf
    # Whether the detector's latest counted run found no one and nothing.
    _last_run_empty: bool = False
    _times: list[float] = field(default_factory=list)
    _persons: list[int] = field(default_factory=list)
    _bundles: list[int] = field(default_factory=list)
    _confidence: list[float] = field(default_factory=list)
    detector_runs: int = 0

    def __post_init__(self) -> None:
        self._grid = SampleGrid(self.setup.every_s)

    def take(self, frame: DecodedFrame) -> None:
        if not self._grid.due(frame.time):
            return
        if self._needs_detector(frame):
            self._pending.append((frame.time, frame.bgr(self.setup.detect_width)))
        else:
            self._pending.append((frame.time, None))
        if sum(image is not None for _, image in self._pending) >= self.setup.batch:
            self._flush()

    def _needs_detector(self, frame: DecodedFrame) -> bool:
        if self.setup.detect_on_change is None:
            return True
        thumbnail = frame.gray(GATE_WIDTH)
        since = frame.time - self._last_detected_at
        changed = (
            self._last_thumbnail is None
            or self._last_thumbnail.shape != thumbnail.shape
            or block_change(self._last_thumbnail, thumbnail) > self.setup.detect_on_change
            or since >= max(self.setup.keep_alive_s, self.setup.empty_keep_alive_s)
        )
        if not changed and since >= self.setup.keep_alive_s:
            # The longer keep-alive holds only if the last run found the room empty. Wait for
            # that run rather than guess: the same recording must always give the same counts.
            self._flush()
            self._count_in_flight()
            changed = not self._last_run_empty
        if changed:
            self._last_thumbnail = thumbnail
            self._last_detected_at = frame.time
        return changed

    def _flush(self) -> None:
        """Hand the pending frames to the detector thread; count what it has finished."""
        if not self._pending:
            return
        entries = self._pending
        self._pending = []
        images = [image for _, image in entries if image is not None]
        future: Future[list[list[Detections]]] | None = None
        if images:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(1, thread_name_prefix="detector")
            future = self._executor.submit(self._detect, images)
            self.detector_runs += len(images)
        self._in_flight.append((entries, future))
        # Bounded: a slow detector makes decoding wait rather than frames pile up.
        while self._in_flight and (
            len(self._in_flight) > MAX_BATCHES_IN_FLIGHT
            or self._in_flight[0][1] is None
            or self._in_flight[0][1].done()
        ):
            self._count_batch(*self._in_flight.popleft())

    def _detect(self, images: list[BgrFrame]) -> list[list[Detections]]:
        """Runs on the detector thread: ONNX Runtime releases the GIL while it computes, so
        decoding and picture checks go on meanwhile."""
        return [
            [_only(found, classes) for found in detector.detect(images)]
            for detector, classes in self.setup.jobs()
        ]

    def _count_batch(
        self,
        entries: list[tuple[float, BgrFrame | None]],
        future: Future[list[list[Detections]]] | None,
    ) -> None:
        per_detector = [] if future is None else future.result()
        index = 0
        for time, image in entries:
            if image is None:
                self._repeat(time)
                continue
            found = Detections.merge([results[index] for results in per_detector])
            index += 1
            self._count(time, found, width=image.shape[1], height=image.shape[0])

    def __enter__(self) -> ObjectCounter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the detector thread (finish() does; call this when a scan is abandoned)."""
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    def _repeat(self, time: float) -> None:
        self._times.append(time)
        self._persons.append(self._persons[-1])
        self._bundles.append(self._bundles[-1])
        self._confidence.append(self._confidence[-1])

    def coarse_changes(self) -> list[StreamSpan]:
        """Stretches (start, end) between two samples further apart than the counting step
        (keyframe-only GOPs) whose counts differ: where the count changed, known only to a
        GOP. Waits for the detector's pending runs."""
        self._flush()
        self._count_in_flight()
        counts = np.column_stack((self._persons, self._bundles)).astype(np.int64)
        return coarse_changes(np.asarray(self._times, np.float64), counts, self.setup.every_s)

    def count_between(self, start: float, end: float, frames: Iterable[DecodedFrame]) -> None:
        """Counts the frames strictly between two samples at `start` and `end` (decoded again
        in full) on the counting grid, the detector on every one of them, and merges them
        into the timeline. They get a tracker of their own, started afresh: a box counts
        there on its own score, as a new track does on the every-frame path."""
        grid = SampleGrid(self.setup.every_s)
        grid.due(start)  # the sample at `start` is counted already: the grid starts there
        taken = [
            (frame.time, frame.bgr(self.setup.detect_width))
            for frame in frames
            if start < frame.time < end - 1e-6 and grid.due(frame.time)
        ]
        if not taken:
            return
        self.detector_runs += len(taken)
        per_detector = self._detect([image for _, image in taken])
        tracker = ObjectTracker()
        for index, (time, image) in enumerate(taken):
            found = Detections.merge([results[index] for results in per_detector])
            self._count(time, found, width=image.shape[1], height=image.shape[0], tracker=tracker)
        # The new rows went to the end: put them in their place, the timeline is in time order.
        order = np.argsort(np.asarray(self._times, np.float64), kind="stable").tolist()
        self._times = [self._times[i] for i in order]
        self._persons = [self._persons[i] for i in order]
        self._bundles = [self._bundles[i] for i in order]
        self._confidence = [self._confidence[i] for i in order]

    def _count(
        self,
        time: float,
        found: Detections,
        *,
        width: int,
        height: int,
        tracker: ObjectTracker | None = None,
    ) -> None:
        tracked = (self.tracker if tracker is None else tracker).update(found, time)
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
        if tracker is None:
            # Tracked boxes below the counting threshold still mean "someone may be there".
            self._last_run_empty = len(tracked) == 0

    def _count_in_flight(self) -> None:
        try:
            while self._in_flight:
                self._count_batch(*self._in_flight.popleft())
        except BaseException:
            self.close()
            raise

    def finish(self) -> CountTimeline:
        self._flush()
        self._count_in_flight()
        self.close()
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
