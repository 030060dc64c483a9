"""The detector gate of the counter: when the detector runs on a picture that did not change."""

from __future__ import annotations

from collections.abc import Sequence

import av
import numpy as np

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
