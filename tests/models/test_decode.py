"""Decoding raw network output and turning candidates into `Detections`, on hand-made arrays."""

from __future__ import annotations

import numpy as np
import pytest

from analyzer.detections import ObjectClass
from models.backends import onnx_ultralytics, onnx_yolox
from models.backends.letterbox import Letterbox
from models.backends.onnx_ultralytics import decode_ultralytics
from models.backends.onnx_yolox import anchor_count, decode_yolox, yolox_grid
from models.backends.options import DetectorOptions
from models.backends.postprocess import ClassMap, to_detections


def test_yolox_grid_order() -> None:
    grid, stride = yolox_grid(64, 96)
    assert grid.shape == (8 * 12 + 4 * 6 + 2 * 3, 2) == (anchor_count(64, 96), 2)
    # Stride 8 first, row-major: index = y * cols + x.
    assert grid[2 * 12 + 3].tolist() == [3, 2] and stride[2 * 12 + 3, 0] == 8
    assert grid[96].tolist() == [0, 0] and stride[96, 0] == 16
    assert grid[96 + 24 + 5].tolist() == [2, 1] and stride[-1, 0] == 32


def test_decode_yolox_by_hand() -> None:
    grid, stride = yolox_grid(64, 64)
    raw = np.zeros((2, 84, 5 + 3), np.float32)
    i = 2 * 8 + 3  # stride-8 cell x=3, y=2
    raw[0, i] = [0.5, 0.25, np.log(2.0), np.log(3.0), 0.8, 0.1, 0.9, 0.3]
    raw[1, 64] = [0.0, 0.0, 0.0, 0.0, 0.5, 0.6, 0.0, 0.0]  # stride-16 cell 0, 0
    cand = decode_yolox(raw, grid, stride)
    assert cand.xyxy.shape == (2, 84, 4) and cand.score.shape == cand.class_id.shape == (2, 84)
    # cx = (3 + 0.5) * 8 = 28, cy = (2 + 0.25) * 8 = 18, w = 2 * 8, h = 3 * 8.
    np.testing.assert_allclose(cand.xyxy[0, i], [20, 6, 36, 30], atol=1e-5)
    assert cand.class_id[0, i] == 1 and cand.score[0, i] == pytest.approx(0.72)
    np.testing.assert_allclose(cand.xyxy[1, 64], [-8, -8, 8, 8])
    assert cand.class_id[1, 64] == 0 and cand.score[1, 64] == pytest.approx(0.3)


def test_decode_yolox_survives_absurd_log_sizes() -> None:
    grid, stride = yolox_grid(64, 64)
    raw = np.full((1, 84, 6), 1e4, np.float32)
    assert np.isfinite(decode_yolox(raw, grid, stride).xyxy).all()


def test_decode_ultralytics_by_hand() -> None:
    raw = np.zeros((1, 4 + 3, 84), np.float32)
    raw[0, :, 5] = [30, 20, 10, 8, 0.1, 0.2, 0.7]
    cand = decode_ultralytics(raw)
    np.testing.assert_allclose(cand.xyxy[0, 5], [25, 16, 35, 24])
    assert cand.class_id[0, 5] == 2 and cand.score[0, 5] == pytest.approx(0.7)


@pytest.mark.parametrize(
    ("check", "shape", "nc"),
    [
        (onnx_yolox.num_classes_from_output, (1, 3549, 85), 80),
        (onnx_yolox.num_classes_from_output, ("b", 3549, 6), 1),
        (onnx_ultralytics.num_classes_from_output, (1, 84, 3549), 80),
        (onnx_ultralytics.num_classes_from_output, (1, 5, 3549), 1),
        # P6 model (strides up to 64): 3549 + 6 * 6 anchors at 416.
        (onnx_ultralytics.num_classes_from_output, (1, 6, 3549 + 36), 2),
    ],
)
def test_output_shapes_that_fit(check: object, shape: tuple[int, ...], nc: int) -> None:
    assert check(shape, 416, 416) == nc  # type: ignore[operator]


@pytest.mark.parametrize(
    ("check", "shape"),
    [
        (onnx_yolox.num_classes_from_output, (1, 84, 3549)),  # Ultralytics layout
        (onnx_yolox.num_classes_from_output, (1, 3549, 5)),  # no class
        (onnx_yolox.num_classes_from_output, (1, 8400, 85)),  # another input size
        (onnx_yolox.num_classes_from_output, (3549, 85)),
        (onnx_ultralytics.num_classes_from_output, (1, 3549, 85)),  # YOLOX layout
        (onnx_ultralytics.num_classes_from_output, (1, 300, 6)),  # end-to-end (NMS-free)
        (onnx_ultralytics.num_classes_from_output, (1, 116, 3549)[:2]),
    ],
)
def test_output_shapes_that_do_not_fit(check: object, shape: tuple[int, ...]) -> None:
    with pytest.raises(ValueError, match="output must be"):
        check(shape, 416, 416)  # type: ignore[operator]


# Model classes: 0 person, 1 book, 2 suitcase, 3 chair (not counted).
CLASS_MAP = ClassMap.from_ids(4, person=[0], bundle=[1, 2])
IDENTITY = Letterbox.identity(100, 200)


def candidates(rows: list[tuple[float, float, float, float, float, int]]) -> tuple[np.ndarray, ...]:
    arr = np.array(rows, np.float64).reshape(-1, 6)
    return arr[:, :4].astype(np.float32), arr[:, 4].astype(np.float32), arr[:, 5].astype(np.int64)


def test_to_detections_maps_thresholds_and_merges_within_product_class() -> None:
    xyxy, score, cls = candidates(
        [
            (10, 10, 50, 90, 0.90, 0),  # person
            (12, 10, 52, 90, 0.80, 0),  # same person again: suppressed
            (12, 10, 52, 90, 0.70, 1),  # book on the person: another product class, kept
            (100, 50, 140, 70, 0.60, 1),  # paper stack seen as a book ...
            (101, 50, 141, 70, 0.50, 2),  # ... and as a suitcase: one bundle
            (150, 10, 190, 90, 0.95, 3),  # chair: not counted
            (150, 10, 190, 90, 0.20, 0),  # person below the threshold
        ]
    )
    det = to_detections(
        xyxy, score, cls, class_map=CLASS_MAP, options=DetectorOptions(), letterbox=IDENTITY
    )
    assert det.class_id.tolist() == [ObjectClass.PERSON, ObjectClass.BUNDLE, ObjectClass.BUNDLE]
    np.testing.assert_allclose(det.confidence, [0.9, 0.7, 0.6])
    assert det.count(ObjectClass.PERSON) == 1 and det.count(ObjectClass.BUNDLE) == 2
    assert (det.tracker_id == -1).all()


def test_to_detections_per_class_thresholds_and_cap() -> None:
    xyxy, score, cls = candidates(
        [(0, 0, 10, 10, 0.5, 0), (20, 0, 30, 10, 0.5, 1), (40, 0, 50, 10, 0.6, 1)]
    )
    opts = DetectorOptions(person_confidence=0.55, bundle_confidence=0.3, max_detections=1)
    det = to_detections(xyxy, score, cls, class_map=CLASS_MAP, options=opts, letterbox=IDENTITY)
    assert det.class_id.tolist() == [ObjectClass.BUNDLE] and det.confidence.tolist() == [
        pytest.approx(0.6)
    ]


def test_to_detections_empty() -> None:
    xyxy, score, cls = candidates([])
    det = to_detections(
        xyxy, score, cls, class_map=CLASS_MAP, options=DetectorOptions(), letterbox=IDENTITY
    )
    assert len(det) == 0
