"""The ONNX backends end to end on tiny generated models with known outputs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from analyzer.detections import ObjectClass
from models.backends.onnx_base import OnnxDetector
from models.backends.onnx_ultralytics import UltralyticsOnnxDetector
from models.backends.onnx_yolox import YoloxOnnxDetector
from models.backends.options import DetectorOptions
from models.backends.postprocess import ClassMap
from tests.models.helpers import SIZE, RawBox, frame, make_ultralytics, make_yolox
from tests.models.onnx_builder import Dim

PERSON_BUNDLE_CHAIR = ClassMap.from_ids(3, person=[0], bundle=[1])


def yolox_detector(
    path: Path,
    boxes: list[RawBox],
    *,
    batch: Dim = 1,
    gain: float = 0.0,
    options: DetectorOptions | None = None,
) -> YoloxOnnxDetector:
    make_yolox(path, boxes, nc=3, batch=batch, gain=gain)
    return YoloxOnnxDetector(
        path, name="t", input_size=(SIZE, SIZE), class_map=PERSON_BUNDLE_CHAIR, options=options
    )


def count_runs(detector: OnnxDetector, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Batch sizes of each inference the detector makes."""
    sizes: list[int] = []
    original = detector.raw_output

    def spy(batch: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        sizes.append(batch.shape[0])
        return original(batch)

    monkeypatch.setattr(detector, "raw_output", spy)
    return sizes


def test_yolox_boxes_land_in_frame_pixels(tmp_path: Path) -> None:
    det = yolox_detector(
        tmp_path / "m.onnx",
        [
            RawBox((20, 8, 36, 32), 0, 0.9, objectness=0.9),  # person, score 0.81
            RawBox((21, 8, 37, 32), 0, 0.8, objectness=0.9),  # same person, suppressed
            RawBox((40, 40, 56, 48), 1, 0.7),  # bundle
            RawBox((2, 2, 10, 30), 2, 0.99),  # chair: dropped
        ],
    )
    # 96x128 frame -> scale 0.5, pasted top-left: frame = input / 0.5.
    [out] = det.detect([frame(96, 128)])
    assert out.class_id.tolist() == [ObjectClass.PERSON, ObjectClass.BUNDLE]
    np.testing.assert_allclose(out.xyxy, [[40, 16, 72, 64], [80, 80, 112, 96]], atol=1e-3)
    np.testing.assert_allclose(out.confidence, [0.81, 0.7], atol=1e-6)
    assert det.name == "t" and det.low_confidence_fallback is False


def test_ultralytics_boxes_land_in_frame_pixels(tmp_path: Path) -> None:
    path = make_ultralytics(
        tmp_path / "u.onnx",
        [
            RawBox((20, 16, 36, 40), 0, 0.9),
            RawBox((20, 17, 36, 41), 0, 0.5),
            RawBox((0, 8, 8, 56), 2, 0.9),
        ],
    )
    det = UltralyticsOnnxDetector(
        path, name="u", input_size=(SIZE, SIZE), class_map=PERSON_BUNDLE_CHAIR
    )
    # 96x128 frame -> scale 0.5, 48 rows centred: 8 rows of padding on top.
    [out] = det.detect([frame(96, 128)])
    assert out.class_id.tolist() == [ObjectClass.PERSON]
    np.testing.assert_allclose(out.xyxy, [[40, 16, 72, 64]], atol=1e-3)


def test_ultralytics_input_is_rgb_unit_range(tmp_path: Path) -> None:
    det = UltralyticsOnnxDetector(
        make_ultralytics(tmp_path / "u.onnx"),
        name="u",
        input_size=(SIZE, SIZE),
        class_map=PERSON_BUNDLE_CHAIR,
    )
    bgr = np.zeros((SIZE, SIZE, 3), np.uint8)
    bgr[..., 0] = 255  # blue
    tensor, _ = det.preprocess(bgr)
    assert tensor.shape == (3, SIZE, SIZE) and tensor.dtype == np.float32
    assert tensor[2].min() == 1.0 and tensor[0].max() == 0.0  # channel 2 is blue in RGB


def test_yolox_input_is_bgr_0_255(tmp_path: Path) -> None:
    det = yolox_detector(tmp_path / "m.onnx", [])
    bgr = np.zeros((32, SIZE, 3), np.uint8)
    bgr[..., 0] = 200
    tensor, _ = det.preprocess(bgr)
    assert tensor[0, :32].min() == 200.0 and tensor[2, :32].max() == 0.0
    assert (tensor[:, 32:] == 114.0).all()  # padding below the frame


def test_dynamic_batch_runs_once_and_keeps_frames_apart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Raw person score 0.5 * 0.5 = 0.25; the model adds mean(image) / 1000 to every output,
    # so a white frame scores (0.755)^2 = 0.57 and a black one stays below 0.35.
    det = yolox_detector(
        tmp_path / "m.onnx",
        [RawBox((20, 8, 36, 32), 0, 0.5, objectness=0.5)],
        batch="batch",
        gain=1e-3,
    )
    runs = count_runs(det, monkeypatch)
    out = det.detect([frame(SIZE, SIZE, 0), frame(SIZE, SIZE, 255), frame(SIZE, SIZE, 0)])
    assert runs == [3] and det.dynamic_batch
    assert [len(d) for d in out] == [0, 1, 0]


def test_dynamic_batch_is_chunked_and_maps_each_frame(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    det = yolox_detector(
        tmp_path / "m.onnx",
        [RawBox((16, 16, 32, 32), 0, 0.9)],
        batch="n",
        options=DetectorOptions(max_batch=2),
    )
    runs = count_runs(det, monkeypatch)
    out = det.detect([frame(64, 64), frame(128, 128), frame(32, 64), frame(96, 128), frame(64, 32)])
    assert runs == [2, 2, 1]
    scales = [1.0, 0.5, 1.0, 0.5, 1.0]  # min(64 / h, 64 / w)
    for d, s in zip(out, scales, strict=True):
        np.testing.assert_allclose(d.xyxy[0], np.array([16, 16, 32, 32]) / s, atol=1e-3)
    assert out[2].xyxy[0, 3] == 32  # clipped to the 32-row frame


@pytest.mark.parametrize(("batch", "expected_runs"), [(1, [1, 1, 1]), (2, [2, 2])])
def test_fixed_batch_loops(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, batch: int, expected_runs: list[int]
) -> None:
    det = yolox_detector(tmp_path / "m.onnx", [RawBox((16, 16, 32, 32), 0, 0.9)], batch=batch)
    runs = count_runs(det, monkeypatch)
    out = det.detect([frame(64, 64)] * 3)
    assert runs == expected_runs and not det.dynamic_batch
    assert [len(d) for d in out] == [1, 1, 1]
    assert det.detect([]) == []


def test_threads_option_and_input_size_check(tmp_path: Path) -> None:
    yolox_detector(tmp_path / "m.onnx", [], options=DetectorOptions(intra_op_threads=2))
    with pytest.raises(ValueError, match="model input is 64x64"):
        YoloxOnnxDetector(
            tmp_path / "m.onnx", name="t", input_size=(32, 32), class_map=PERSON_BUNDLE_CHAIR
        )
