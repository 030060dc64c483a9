"""Counting people on real footage with the real YOLOX-Nano from ../shared, imported through the
product's model registry and run through the scan path (decode, detect, track, smooth)."""

from __future__ import annotations

import av
import cv2
import numpy as np
import onnxruntime as ort
import pytest

from analyzer.counting import CountTimeline
from analyzer.gating import GateSettings
from analyzer.wallclock import time_zone
from models.storage import sha256_file
from pipelines import scan
from pipelines.detectors import DetectorCatalog, DetectorChoice, counting_setup
from pipelines.site import Camera, Site
from tests.conftest import shared_path
from tests.models.test_real_models import reference_detect

pytestmark = [pytest.mark.video, pytest.mark.shared]

# Seconds in which someone is in the room, checked by eye on frames every 0.5 s: from the
# first frame a head shows at the bottom edge to the last frame a foot shows at the right.
VISITS = [(6.0, 20.3), (22.5, 45.3), (50.4, 70.4), (74.4, 87.2), (92.6, 120.4), (123.4, 136.3)]


def count_timeline(video: str, *, screened: bool = True) -> CountTimeline:
    """The scan's count timeline; `screened=False` turns the packet screening off, so every
    frame on the 2-fps grid is analysed (`vaultwatch scan --exhaustive` also turns off the
    detector gate)."""
    path = shared_path("videos", video)
    site = Site()
    catalog = DetectorCatalog()
    choice = DetectorChoice(person_model="yolox-nano", bundle_model="none")
    options = scan.ScanOptions(
        site=site,
        zone=time_zone("UTC"),
        start=0.0,
        counting=lambda camera: counting_setup(
            camera, choice=choice, settings=site.counting, catalog=catalog
        ),
        gate=GateSettings() if screened else None,
    )
    analysis = scan.analyse_recording(
        path, sha256=sha256_file(path), camera=Camera(id="cam"), options=options
    )
    assert analysis.counts is not None
    return analysis.counts


def expected_persons(times: np.ndarray) -> np.ndarray:
    expected = np.zeros(times.size, np.int64)
    for start, end in VISITS:
        expected[(times >= start) & (times <= end)] = 1
    return expected


def test_one_person_during_each_visit_and_nobody_otherwise():
    # Every frame of the 2-fps grid analysed: the count itself, whatever the screening skips.
    timeline = count_timeline("one-by-one-person-detection.mp4", screened=False)
    times = timeline.time
    assert times[0] <= 0.5 and times[-1] >= 138.5
    assert np.diff(times).max() <= 0.61  # the 2-fps grid on a 10-fps clip
    agreement = float(np.mean(timeline.persons == expected_persons(times)))
    assert agreement >= 0.95, f"{agreement:.3f} of frames right"
    # every visit is seen, and each as one person
    for start, end in VISITS:
        during = timeline.persons[(times >= start + 1) & (times <= end - 1)]
        assert np.mean(during == 1) >= 0.9
    assert set(timeline.persons.tolist()) <= {0, 1}
    assert (timeline.bundles == -1).all()


def test_the_screened_count_holds_the_same_values_over_time():
    """The default (screened) scan analyses fewer frames, where nothing moves; as a step
    function of time its count must match the every-frame one."""
    screened = count_timeline("one-by-one-person-detection.mp4")
    full = count_timeline("one-by-one-person-detection.mp4", screened=False)
    # 2 a second where something happens; one a GOP (1 s here) where the screening finds none
    assert screened.time[0] <= 0.5 and np.diff(screened.time).max() <= 1.01
    grid = np.arange(0.5, 138.5, 0.1)

    def held(timeline: CountTimeline) -> np.ndarray:
        return timeline.persons[np.searchsorted(timeline.time, grid, side="right") - 1]

    assert np.mean(held(screened) == held(full)) >= 0.98
    assert np.mean(held(screened) == expected_persons(grid)) >= 0.95


def test_counts_follow_the_model_on_a_crowded_street():
    timeline = count_timeline("vtest.avi")
    session = ort.InferenceSession(
        str(shared_path("models", "yolox_nano.onnx")), providers=["CPUExecutionProvider"]
    )
    wanted = {round(float(t), 3) for t in timeline.time}
    reference: dict[float, int] = {}
    with av.open(str(shared_path("videos", "vtest.avi"))) as container:
        for frame in container.decode(video=0):
            if round(float(frame.time), 3) in wanted:
                image = frame.to_ndarray(format="bgr24")
                # the product analyses frames scaled to 640 wide; so does the reference
                scale = 640 / image.shape[1]
                small = cv2.resize(image, (640, round(image.shape[0] * scale)), cv2.INTER_AREA)
                boxes, _ = reference_detect(session, small, conf=0.35, iou=0.45)
                reference[round(float(frame.time), 3)] = len(boxes)
    model = np.array([reference[round(float(t), 3)] for t in timeline.time])
    within_one = float(np.mean(np.abs(timeline.persons - model) <= 1))
    assert model.max() >= 3  # a real crowd: several people at once
    assert within_one >= 0.95, f"{within_one:.3f} of frames within ±1 of the model"
