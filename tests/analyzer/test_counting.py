"""Counting on hand-made detections: zones, what counts, confidence and flicker suppression."""

from __future__ import annotations

import numpy as np
import pytest

from analyzer.counting import (
    NOT_MEASURED,
    CountTimeline,
    Zone,
    countable,
    frame_count,
    in_zone,
    inside,
    suppress_flicker,
)
from analyzer.detections import Detections, ObjectClass

PERSON, BUNDLE = int(ObjectClass.PERSON), int(ObjectClass.BUNDLE)
THRESHOLDS = {ObjectClass.PERSON: 0.35, ObjectClass.BUNDLE: 0.35}


def detections(rows: list[tuple[float, float, float, float, float, int, int]]) -> Detections:
    """rows of (x1, y1, x2, y2, confidence, class, tracker id)."""
    if not rows:
        return Detections.empty()
    a = np.asarray(rows, np.float64)
    return Detections.from_arrays(a[:, :4], a[:, 4], a[:, 5].astype(int), a[:, 6].astype(int))


@pytest.mark.parametrize(
    ("point", "expected"),
    [
        ((0.5, 0.5), True),
        ((0.05, 0.5), False),
        ((0.5, 0.95), False),
        ((0.79, 0.21), True),
        ((0.5, 0.25), False),  # inside the notch of the concave zone
    ],
)
def test_point_in_concave_zone(point, expected):
    # a U shape: the notch between x 0.4-0.6 above y 0.3 is outside
    zone = Zone.of(
        [(0.1, 0.1), (0.4, 0.1), (0.4, 0.3), (0.6, 0.3), (0.6, 0.1), (0.9, 0.1), (0.9, 0.9),
         (0.1, 0.9)]
    )  # fmt: skip
    assert inside(np.array([point], np.float64), zone).tolist() == [expected]


@pytest.mark.parametrize(
    ("corners", "error"),
    [([(0, 0), (1, 1)], "k >= 3"), ([(0, 0, 0), (1, 1, 1), (0, 1, 0)], "k >= 3")],
)
def test_bad_zone_is_refused(corners, error):
    with pytest.raises(ValueError, match=error):
        Zone.of(corners)


def test_person_counts_where_the_feet_are():
    zone = Zone.of([(0.0, 0.5), (1.0, 0.5), (1.0, 1.0), (0.0, 1.0)])  # lower half of a 100x100
    found = detections(
        [
            (10, 10, 20, 60, 0.9, PERSON, -1),  # head above, feet inside: counts
            (30, 10, 40, 45, 0.9, PERSON, -1),  # entirely above: does not
            (50, 40, 60, 70, 0.9, BUNDLE, -1),  # bundle centre at y 55: counts
            (70, 20, 80, 60, 0.9, BUNDLE, -1),  # bundle centre at y 40: does not
        ]
    )
    kept = in_zone(found, zone, 100, 100)
    assert kept.xyxy[:, 0].tolist() == [10, 50]
    assert in_zone(found, None, 100, 100) is found


def test_weak_boxes_count_only_on_a_track():
    found = detections(
        [
            (0, 0, 10, 10, 0.9, PERSON, -1),  # confident, new: counts
            (0, 0, 10, 10, 0.2, PERSON, 4),  # weak but continues track 4: counts
            (0, 0, 10, 10, 0.2, PERSON, -1),  # weak and alone: does not
            (0, 0, 10, 10, 0.3, BUNDLE, -1),  # under the bundle threshold
        ]
    )
    assert len(countable(found, THRESHOLDS)) == 2
    fallback = {ObjectClass.PERSON: 0.0, ObjectClass.BUNDLE: 0.35}
    assert len(countable(found, fallback)) == 3


def test_frame_count_confidence_is_the_weakest_counted_box():
    found = detections([(0, 0, 1, 1, 0.9, PERSON, 1), (0, 0, 1, 1, 0.6, BUNDLE, 3)])
    both = frame_count(found, count_persons=True, count_bundles=True)
    assert (both.persons, both.bundles, both.confidence) == (1, 1, pytest.approx(0.6))
    empty = frame_count(detections([]), count_persons=True, count_bundles=False)
    assert (empty.persons, empty.bundles, empty.confidence) == (0, NOT_MEASURED, 1.0)
    capped = frame_count(found, count_persons=True, count_bundles=False, ceiling=0.3)
    assert (capped.persons, capped.confidence) == (1, 0.3)


T = np.arange(20) * 0.5  # 2 fps


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # a one-frame dropout of a person is ignored
        ([2] * 8 + [1] + [2] * 11, [2] * 20),
        # a one-frame false extra person is ignored
        ([1] * 10 + [2] + [1] * 9, [1] * 20),
        # a change seen for exactly 1 s (two frames) is believed, from its first frame
        ([1] * 10 + [2, 2] + [1] * 8, [1] * 10 + [2, 2] + [1] * 8),
        # a short run at the very start takes the value after it
        ([0] + [1] * 19, [1] * 20),
        # real changes keep their exact boundaries
        ([0] * 5 + [1] * 10 + [0] * 5, [0] * 5 + [1] * 10 + [0] * 5),
        # a crowd gathering one person at a time: every step is real
        ([2] * 5 + [3, 4, 5, 6] + [7] * 11, [2] * 5 + [3, 4, 5, 6] + [7] * 11),
        # a blip on top of a step is still a blip
        ([3] * 5 + [4] * 5 + [2] + [4] * 9, [3] * 5 + [4] * 15),
    ],
)
def test_suppress_flicker(raw, expected):
    assert suppress_flicker(T, np.array(raw), 1.0).tolist() == expected


def test_suppress_flicker_uses_time_not_frame_count():
    # at 10 fps a 0.5 s run is 5 frames, still shorter than 1 s
    times = np.arange(40) * 0.1
    raw = np.array([1] * 15 + [0] * 5 + [1] * 20)
    assert suppress_flicker(times, raw, 1.0).tolist() == [1] * 40
    assert suppress_flicker(times, raw, 0.5).tolist() == raw.tolist()


def test_count_timeline_checks_shapes():
    with pytest.raises(ValueError, match="persons must have shape"):
        CountTimeline(
            "cam", "a" * 64, "x", np.zeros(3), np.zeros(2, np.int64), np.zeros(3, np.int64),
            np.zeros(3, np.float32),
        )  # fmt: skip
