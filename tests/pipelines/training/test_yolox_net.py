"""The torch rebuild of YOLOX-Nano: it computes what the released ONNX computes, a bundle
model made from it exports to what the product backend reads, and loads back (needs the
[train] extra: torch, onnx)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnxruntime as ort
import pytest

from models.backends.onnx_yolox import YoloxOnnxDetector
from models.backends.options import DetectorOptions
from models.backends.postprocess import ClassMap
from models.registry import BUILTIN_DIR

torch = pytest.importorskip("torch", reason="needs the [train] extra (torch)")
pytest.importorskip("onnx", reason="needs the [train] extra (onnx)")

from pipelines.training.yolox_export import export_onnx, read_metadata  # noqa: E402
from pipelines.training.yolox_train import bundle_model_from_coco  # noqa: E402
from pipelines.training.yolox_weights import WeightMismatch, load_yolox_nano  # noqa: E402

COCO = BUILTIN_DIR / "yolox_nano.onnx"


def _onnx_out(path: Path, x: np.ndarray) -> np.ndarray:
    session = ort.InferenceSession(str(path))
    return np.asarray(session.run(None, {session.get_inputs()[0].name: x})[0])


@pytest.fixture(scope="module")
def coco() -> object:
    return load_yolox_nano(COCO).eval()


def test_the_rebuilt_network_computes_what_the_released_onnx_computes(coco: object) -> None:
    x = np.random.default_rng(0).uniform(0, 255, (1, 3, 416, 416)).astype(np.float32)
    with torch.no_grad():
        ours = coco(torch.from_numpy(x)).numpy()  # type: ignore[operator]
    ref = _onnx_out(COCO, x)
    assert ours.shape == ref.shape == (1, 3549, 85)
    np.testing.assert_allclose(ours, ref, atol=2e-4)


def test_a_bundle_model_exports_for_the_product_backend_and_loads_back(
    coco: object, tmp_path: Path
) -> None:
    model = bundle_model_from_coco(coco)  # type: ignore[arg-type]
    out = export_onnx(model, tmp_path / "b.onnx", size=416, metadata={"recipe": {"steps": 3}})
    session = ort.InferenceSession(str(out))
    assert session.get_inputs()[0].shape == [1, 3, 416, 416]
    assert session.get_outputs()[0].shape == [1, 3549, 6]
    assert read_metadata(out) == {"recipe": {"steps": 3}}
    x = np.random.default_rng(1).uniform(0, 255, (1, 3, 416, 416)).astype(np.float32)
    with torch.no_grad():
        np.testing.assert_allclose(model(torch.from_numpy(x)).numpy(), _onnx_out(out, x), atol=2e-4)
    # The export is itself a starting point (a site's fine-tune starts from the shipped model).
    again = load_yolox_nano(out).eval()
    assert again.num_classes == 1
    with torch.no_grad():
        np.testing.assert_allclose(again(torch.from_numpy(x)).numpy(), _onnx_out(out, x), atol=2e-4)
    detector = YoloxOnnxDetector(
        out,
        name="b",
        input_size=(416, 416),
        class_map=ClassMap.from_ids(1, person=(), bundle=(0,)),
        options=DetectorOptions(bundle_confidence=0.01),
    )
    [found] = detector.detect([np.full((240, 320, 3), 128, np.uint8)])
    assert found.xyxy.shape[1] == 4


def test_a_file_of_another_architecture_is_refused(tmp_path: Path) -> None:
    from tests.models.helpers import make_yolox

    small = make_yolox(tmp_path / "tiny.onnx")
    with pytest.raises(WeightMismatch):
        load_yolox_nano(small)
