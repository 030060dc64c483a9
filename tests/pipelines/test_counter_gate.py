"""The detector gate of the counter: when the detector runs on a picture that did not change."""

from __future__ import annotations

import threading
from collections.abc import Sequence

import av
import numpy as np
import pytest

from analyzer.detections import Detections, ObjectClass
from models.detector import BgrFrame
from pipelines.counting import CountingSetup, ObjectCounter
from pipelines.media import DecodedFrame


class ScriptedDetector:
    """Sees one person while `present` says so; records when it ran."""

    name = "scripted"

    def __init__(self) -> None:
        self.present = False
        self.calls = 0

    def detect(self, frames: Sequence[BgrFrame]) -> list[Detections]:
        self.calls += len(frames)
        box = np.array([[10, 10, 40, 90]], np.float32) if self.present else np.zeros((0, 4))
        n = len(box)
        return [
            Detections.from_arrays(
                box.astype(np.float32),
                np.full(n, 0.9),
                np.full(n, int(ObjectClass.PERSON)),
            )
            for _ in frames
        ]


def still_frame(time: float) -> DecodedFrame:
    picture = np.full((90, 160, 3), 120, np.uint8)
    return DecodedFrame(time, av.VideoFrame.from_ndarray(picture, format="bgr24"))


def run(detector: ScriptedDetector, seconds: float) -> ObjectCounter:
    setup = CountingSetup(
        person=detector,
        bundle=None,
        every_s=0.5,
        batch=1,
        detect_width=160,
        detect_on_change=6.0,
        keep_alive_s=5.0,
        empty_keep_alive_s=30.0,
    )
    counter = ObjectCounter(setup, "cam", "sha", recording_start=0.0)
    for i in range(int(seconds / 0.5)):
        counter.take(still_frame(i * 0.5))
    counter.finish()
    return counter


def test_an_unchanged_empty_room_is_checked_on_the_long_keep_alive():
    detector = ScriptedDetector()
    run(detector, 120.0)
    assert detector.calls == 4  # 0, 30, 60, 90 s


def test_an_unchanged_room_with_someone_in_it_is_checked_on_the_short_keep_alive():
    detector = ScriptedDetector()
    detector.present = True
    counter = run(detector, 120.0)
    assert detector.calls == 24  # every 5 s
    assert counter.detector_runs == 24


class BrokenDetector(ScriptedDetector):
    def detect(self, frames: Sequence[BgrFrame]) -> list[Detections]:
        raise RuntimeError("model file vanished")


def test_a_detector_error_reaches_the_scan_and_stops_the_detector_thread():
    setup = CountingSetup(person=BrokenDetector(), bundle=None, every_s=0.5, batch=1)
    counter = ObjectCounter(setup, "cam", "sha", recording_start=0.0)
    with pytest.raises(RuntimeError, match="model file vanished"):
        for i in range(10):
            counter.take(still_frame(i * 0.5))
        counter.finish()
    counter.close()
    assert not [t for t in threading.enumerate() if t.name.startswith("detector")]


def test_detection_runs_beside_the_caller_and_counts_stay_in_frame_order():
    threads: set[int] = set()

    class Recording(ScriptedDetector):
        def detect(self, frames: Sequence[BgrFrame]) -> list[Detections]:
            threads.add(threading.get_ident())
            self.present = not self.present  # alternate: 1, 0, 1, 0 ...
            return super().detect(frames)

    setup = CountingSetup(person=Recording(), bundle=None, every_s=0.5, batch=1, min_run_s=0.0)
    counter = ObjectCounter(setup, "cam", "sha", recording_start=0.0)
    for i in range(40):
        counter.take(still_frame(i * 0.5))
    timeline = counter.finish()
    assert threading.get_ident() not in threads
    assert timeline.persons.tolist() == [1, 0] * 20


class SeesAfter(ScriptedDetector):
    """Sees one person in frames whose (grey) level says they were taken at or after
    `arrives` seconds: the frame carries its time, so any order of calls gives one answer."""

    def __init__(self, arrives: float) -> None:
        super().__init__()
        self.arrives = arrives

    def detect(self, frames: Sequence[BgrFrame]) -> list[Detections]:
        found = []
        for frame in frames:
            self.present = int(frame[0, 0, 0]) >= self.arrives * 4
            found += super().detect([frame])
        return found


def timed_frame(time: float) -> DecodedFrame:
    picture = np.full((90, 160, 3), int(time * 4), np.uint8)  # the level tells the time
    return DecodedFrame(time, av.VideoFrame.from_ndarray(picture, format="bgr24"))


def test_a_count_change_between_keyframes_is_counted_again_on_the_counting_grid():
    detector = SeesAfter(arrives=21.3)
    setup = CountingSetup(
        person=detector, bundle=None, every_s=0.5, batch=2, detect_width=160, min_run_s=0.0
    )
    counter = ObjectCounter(setup, "cam", "sha", recording_start=100.0)
    for time in range(0, 40, 2):  # keyframe-only GOPs: one frame every 2 s
        counter.take(timed_frame(float(time)))
    assert counter.coarse_changes() == [(20.0, 22.0)]
    # the GOP decoded again in full: 10 fps, its keyframe and the next keyframe included
    frames = [timed_frame(20.0 + i / 10) for i in range(21)]
    counter.count_between(20.0, 22.0, frames)
    assert counter.coarse_changes() == []  # placed now: only grid steps around the change
    timeline = counter.finish()
    expected = [*range(0, 20, 2), 20, 20.5, 21.0, 21.5, *range(22, 40, 2)]
    assert (timeline.time - 100.0).tolist() == expected
    present = timeline.time[timeline.persons == 1] - 100.0
    assert present.min() == 21.5  # the first grid sample after 21.3 s, as on every frame
    assert counter.detector_runs == 20 + 3
