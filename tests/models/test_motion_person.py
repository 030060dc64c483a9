"""The classical motion fallback on synthetic fixed-camera scenes."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest
from pydantic import ValidationError

from analyzer.detections import Detections, ObjectClass
from models.backends.motion_person import (
    MAX_CONFIDENCE,
    MotionPersonDetector,
    MotionPersonSettings,
    merge_pieces,
)
from models.backends.nms import iou_one_to_many

H, W = 240, 320
Frame = npt.NDArray[np.uint8]


class Scene:
    """A textured static background with a little sensor noise per frame."""

    def __init__(self, seed: int = 0) -> None:
        self.rng = np.random.default_rng(seed)
        self.background = self.rng.integers(80, 140, (H, W, 3)).astype(np.int16)

    def frame(self, *rects: tuple[int, int, int, int], value: int = 30) -> Frame:
        """A frame with solid (x1, y1, x2, y2) rectangles of `value` drawn on it."""
        img = self.background + self.rng.integers(-3, 4, (H, W, 3))
        for x1, y1, x2, y2 in rects:
            img[y1:y2, x1:x2] = value
        return np.clip(img, 0, 255).astype(np.uint8)


def run(detector: MotionPersonDetector, frames: list[Frame]) -> list[Detections]:
    return detector.detect(frames)


def walker(i: int) -> tuple[int, int, int, int]:
    """A 30x90 person walking right at 4 px a frame."""
    return (20 + 4 * i, 100, 50 + 4 * i, 190)


def test_finds_a_walking_person_and_says_it_is_a_fallback() -> None:
    scene, det = Scene(), MotionPersonDetector()
    out = run(det, [scene.frame() for _ in range(15)] + [scene.frame(walker(i)) for i in range(40)])
    assert all(len(d) == 0 for d in out[:15])
    for i, d in enumerate(out[15:]):
        assert d.class_id.tolist() == [ObjectClass.PERSON], i
        assert iou_one_to_many(np.array(walker(i), np.float32), d.xyxy)[0] > 0.6
        assert 0 < d.confidence[0] <= MAX_CONFIDENCE
    assert det.low_confidence_fallback and "fallback" in det.name


def test_empty_scene_reports_nothing() -> None:
    scene = Scene(1)
    assert all(len(d) == 0 for d in run(MotionPersonDetector(), [scene.frame() for _ in range(60)]))


@pytest.mark.parametrize(
    "shape",
    [
        lambda i: (40 + 4 * i, 100, 46 + 4 * i, 106),  # a moving 6x6 speck
        lambda i: (10 + 4 * i, 150, 130 + 4 * i, 180),  # a low wide thing (a trolley)
    ],
    ids=["too-small", "too-wide"],
)
def test_blobs_that_are_not_person_shaped_are_ignored(shape: object) -> None:
    scene = Scene(2)
    frames = [scene.frame() for _ in range(15)] + [scene.frame(shape(i)) for i in range(30)]  # type: ignore[operator]
    assert all(len(d) == 0 for d in run(MotionPersonDetector(), frames))


def test_nothing_during_warmup() -> None:
    scene = Scene(3)
    settings = MotionPersonSettings(warmup_frames=10)
    out = run(MotionPersonDetector(settings), [scene.frame(walker(i)) for i in range(10)])
    assert all(len(d) == 0 for d in out)


@pytest.mark.parametrize("fade_seconds", [3.0, 6.0])
def test_a_motionless_person_fades_after_about_fade_seconds(fade_seconds: float) -> None:
    """The documented limit: someone who stops moving disappears after ~fade_seconds."""
    fps = 10.0
    scene = Scene(4)
    det = MotionPersonDetector(MotionPersonSettings(fps=fps, fade_seconds=fade_seconds))
    still = (150, 100, 180, 190)
    out = run(det, [scene.frame() for _ in range(15)] + [scene.frame(still) for _ in range(150)])
    seen = [len(d) > 0 for d in out[15:]]
    last_seen_s = (max(i for i, s in enumerate(seen) if s) + 1) / fps
    assert all(seen[: int(0.5 * fade_seconds * fps)])  # reported while it is "new"
    assert 0.7 * fade_seconds <= last_seen_s <= 1.5 * fade_seconds


def test_history_follows_fade_and_fps() -> None:
    s = MotionPersonSettings(fps=25, fade_seconds=4)
    assert s.history == round(4 * 25 / np.log(1 / 0.9))


def test_a_whole_view_change_resets_instead_of_reporting() -> None:
    scene = Scene(5)
    det = MotionPersonDetector()
    run(det, [scene.frame() for _ in range(15)])
    lights_on = np.clip(scene.frame().astype(np.int16) + 80, 0, 255).astype(np.uint8)
    assert len(det.update(lights_on)) == 0
    # Relearned from the new view: after warm-up the brighter room itself is not "motion".
    out = run(det, [lights_on] * 20)
    assert all(len(d) == 0 for d in out)


def test_a_new_frame_size_starts_over() -> None:
    scene, det = Scene(6), MotionPersonDetector()
    run(det, [scene.frame() for _ in range(15)])
    smaller = np.zeros((120, 160, 3), np.uint8)
    assert len(det.update(smaller)) == 0  # first frame of a new stream: warm-up again


def test_settings_refuse_a_confident_fallback() -> None:
    with pytest.raises(ValidationError):
        MotionPersonSettings(confidence=0.5)
    with pytest.raises(ValidationError):
        MotionPersonSettings(fade_secs=3)  # type: ignore[call-arg]


S = MotionPersonSettings()


@pytest.mark.parametrize(
    ("pieces", "expected"),
    [
        # head, torso, legs of one person split by clothing that matches the background
        ([(100, 40, 120, 60), (95, 62, 125, 120), (98, 125, 122, 180)], [(95, 40, 125, 180)]),
        # one behind the other: joined too (an undercount is the safer error, see docstring)
        ([(100, 40, 130, 120), (105, 125, 135, 210)], [(100, 40, 135, 210)]),
        # ... unless the joined box would be too tall and thin for one person
        ([(100, 0, 110, 60), (100, 62, 110, 120)], [(100, 0, 110, 60), (100, 62, 110, 120)]),
        # side by side: no horizontal overlap, stay apart
        ([(100, 40, 120, 60), (130, 62, 160, 120)], [(100, 40, 120, 60), (130, 62, 160, 120)]),
        ([], []),
    ],
)
def test_merge_pieces(pieces: list[tuple[int, ...]], expected: list[tuple[int, ...]]) -> None:
    merged = merge_pieces(
        np.array(pieces, np.float64).reshape(-1, 4), settings=S, height=H, width=W
    )
    assert sorted(map(tuple, merged.tolist())) == sorted(expected)
