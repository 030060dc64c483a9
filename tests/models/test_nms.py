from __future__ import annotations

import cv2
import numpy as np
import numpy.typing as npt
import pytest

from models.backends.nms import batched_nms, iou_one_to_many, nms


def reference_nms(
    boxes: npt.NDArray[np.float64], scores: npt.NDArray[np.float64], thr: float
) -> list[int]:
    """Textbook greedy NMS, one pair at a time."""

    def iou(a: npt.NDArray[np.float64], b: npt.NDArray[np.float64]) -> float:
        w = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
        h = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
        union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - w * h
        return w * h / union if union > 0 else 0.0

    keep: list[int] = []
    for i in sorted(range(len(scores)), key=lambda k: -scores[k]):
        if all(iou(boxes[i], boxes[k]) <= thr for k in keep):
            keep.append(i)
    return keep


def random_boxes(
    rng: np.random.Generator, n: int
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    xy = rng.uniform(0, 200, (n, 2))
    wh = rng.uniform(5, 80, (n, 2))
    scores = rng.permutation(n) / n + 0.01  # distinct, so the order is unambiguous
    return np.concatenate([xy, xy + wh], axis=1), scores


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("thr", [0.3, 0.45, 0.7])
def test_nms_matches_textbook_and_opencv(seed: int, thr: float) -> None:
    boxes, scores = random_boxes(np.random.default_rng(seed), 120)
    kept = nms(boxes, scores, thr).tolist()
    assert kept == reference_nms(boxes, scores, thr)
    xywh = [[b[0], b[1], b[2] - b[0], b[3] - b[1]] for b in boxes]
    cv_kept = cv2.dnn.NMSBoxes(xywh, scores.tolist(), 0.0, thr)
    assert sorted(kept) == sorted(np.asarray(cv_kept).reshape(-1).tolist())


@pytest.mark.parametrize("seed", range(3))
def test_batched_nms_matches_opencv_batched(seed: int) -> None:
    rng = np.random.default_rng(seed)
    boxes, scores = random_boxes(rng, 150)
    groups = rng.integers(0, 3, 150)
    kept = batched_nms(boxes, scores, groups, 0.45)
    xywh = [[b[0], b[1], b[2] - b[0], b[3] - b[1]] for b in boxes]
    cv_kept = cv2.dnn.NMSBoxesBatched(xywh, scores.tolist(), groups.tolist(), 0.0, 0.45)
    assert sorted(kept.tolist()) == sorted(np.asarray(cv_kept).reshape(-1).tolist())
    for g in range(3):  # same as running NMS on each group alone
        idx = np.flatnonzero(groups == g)
        alone = idx[nms(boxes[idx], scores[idx], 0.45)]
        assert sorted(alone.tolist()) == sorted(kept[groups[kept] == g].tolist())


def test_batched_nms_keeps_identical_boxes_of_different_groups() -> None:
    boxes = np.array([[0, 0, 10, 10], [0, 0, 10, 10], [0, 0, 10, 10]], np.float32)
    scores = np.array([0.9, 0.8, 0.7], np.float32)
    assert batched_nms(boxes, scores, np.array([0, 1, 0]), 0.5).tolist() == [0, 1]


@pytest.mark.parametrize(
    ("boxes", "scores", "expected"),
    [
        (np.zeros((0, 4)), np.zeros(0), []),
        (np.array([[1, 1, 5, 5]]), np.array([0.5]), [0]),
        # Zero-area boxes have no IoU with anything (and raise no division warning).
        (np.array([[1, 1, 1, 1], [1, 1, 1, 1]]), np.array([0.9, 0.8]), [0, 1]),
        # IoU exactly at the threshold is kept, as in OpenCV: 50 / 150 = 1/3.
        (np.array([[0, 0, 10, 10], [5, 0, 15, 10]]), np.array([0.9, 0.8]), [0, 1]),
        (np.array([[0, 0, 10, 10], [4, 0, 14, 10]]), np.array([0.8, 0.9]), [1]),
    ],
)
def test_nms_edge_cases(
    boxes: npt.NDArray[np.float64], scores: npt.NDArray[np.float64], expected: list[int]
) -> None:
    assert nms(boxes.astype(np.float64), scores, 1 / 3).tolist() == expected


def test_iou_one_to_many() -> None:
    box = np.array([0, 0, 10, 10], np.float32)
    others = np.array([[0, 0, 10, 10], [5, 5, 15, 15], [20, 20, 30, 30]], np.float32)
    np.testing.assert_allclose(iou_one_to_many(box, others), [1.0, 25 / 175, 0.0])
