"""Matching, precision/recall and AP50 on hand-made boxes."""

from __future__ import annotations

import numpy as np
import pytest

from pipelines.training.detection_metrics import (
    average_precision,
    best_f1,
    box_iou,
    match_image,
    summarize,
)


def boxes(*rows: tuple[float, float, float, float]) -> np.ndarray:
    return np.array(rows, np.float32).reshape(-1, 4)


def test_box_iou() -> None:
    iou = box_iou(boxes((0, 0, 10, 10), (0, 0, 0, 0)), boxes((5, 0, 15, 10), (0, 0, 10, 10)))
    np.testing.assert_allclose(iou, [[1 / 3, 1.0], [0.0, 0.0]], atol=1e-6)
    assert box_iou(boxes(), boxes((0, 0, 1, 1))).shape == (0, 1)


def test_each_truth_box_is_claimed_once_by_the_most_confident() -> None:
    truth = boxes((0, 0, 10, 10))
    pred = boxes((0, 0, 10, 9), (0, 0, 10, 10), (50, 50, 60, 60))
    m = match_image(pred, np.array([0.6, 0.9, 0.8], np.float32), truth)
    np.testing.assert_allclose(m.confidence, [0.9, 0.8, 0.6], rtol=1e-6)
    np.testing.assert_array_equal(m.true_positive, [True, False, False])
    assert m.ground_truth == 1


def test_detections_on_ignore_boxes_are_neither_right_nor_wrong() -> None:
    m = match_image(
        boxes((0, 0, 10, 10), (20, 20, 30, 30)),
        np.array([0.9, 0.8], np.float32),
        truth=boxes(),
        ignore=boxes((20, 20, 30, 31)),
    )
    np.testing.assert_array_equal(m.ignored, [False, True])
    s = summarize([m], threshold=0.5)
    assert (s.detections, s.ignored, s.true_positives) == (1, 1, 0)
    assert s.precision == 0.0 and s.strict_precision == 0.0 and s.recall == 1.0


@pytest.mark.parametrize(
    ("conf", "tp", "gt", "expected"),
    [
        ([0.9, 0.8], [True, True], 2, 1.0),
        ([0.9, 0.8], [True, True], 4, 0.5),
        ([0.9, 0.8], [False, True], 1, 0.5),
        ([], [], 3, 0.0),
    ],
)
def test_average_precision(conf: list[float], tp: list[bool], gt: int, expected: float) -> None:
    ap = average_precision(np.array(conf, np.float32), np.array(tp, bool), gt)
    assert ap == pytest.approx(expected, abs=0.011)


def test_summary_at_a_threshold() -> None:
    truth = boxes((0, 0, 10, 10), (20, 0, 30, 10))
    pred = boxes((0, 0, 10, 10), (20, 0, 30, 10), (40, 0, 50, 10))
    m = match_image(pred, np.array([0.9, 0.3, 0.8], np.float32), truth)
    high = summarize([m], threshold=0.5)
    assert (high.detections, high.true_positives) == (2, 1)
    assert high.precision == 0.5 and high.recall == 0.5
    low = summarize([m], threshold=0.1)
    assert low.recall == 1.0 and low.precision == pytest.approx(2 / 3)
    assert 0.5 < low.ap50 < 1.0


def test_best_f1_picks_the_threshold_between_misses_and_false_alarms() -> None:
    truth = boxes((0, 0, 10, 10), (20, 0, 30, 10))
    pred = boxes((0, 0, 10, 10), (40, 0, 50, 10), (20, 0, 30, 10), (60, 0, 70, 10))
    m = match_image(pred, np.array([0.9, 0.7, 0.6, 0.2], np.float32), truth)
    point = best_f1([m])
    assert point.confidence == pytest.approx(0.6)
    assert (point.precision, point.recall) == (pytest.approx(2 / 3), 1.0)
    assert point.f1 == pytest.approx(0.8)
