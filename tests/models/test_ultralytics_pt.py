"""`.pt` checkpoints through the optional `ultralytics` package, faked here (it pulls torch)."""

from __future__ import annotations

import os
import subprocess
import sys
import types
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest

from analyzer.detections import ObjectClass
from models.backends.ultralytics_pt import UltralyticsTorchDetector
from models.errors import ModelImportError, ModelIntegrityError, ModelLoadError
from models.manifest import Runtime
from models.registry import ModelRegistry
from tests.models.helpers import frame, tree_snapshot

REPO = Path(__file__).resolve().parents[2]


class _Tensor:
    def __init__(self, data: npt.ArrayLike) -> None:
        self._data = np.asarray(data)

    def cpu(self) -> _Tensor:
        return self

    def numpy(self) -> npt.NDArray[Any]:
        return self._data


class _Boxes:
    def __init__(self, rows: list[tuple[float, float, float, float, float, int]]) -> None:
        arr = np.array(rows, np.float32).reshape(-1, 6)
        self.xyxy, self.conf, self.cls = _Tensor(arr[:, :4]), _Tensor(arr[:, 4]), _Tensor(arr[:, 5])


class FakeYOLO:
    """Stands in for `ultralytics.YOLO`: classes person, book, suitcase, chair."""

    instances: list[FakeYOLO] = []
    rows = [
        (10, 10, 50, 90, 0.9, 0),
        (100, 50, 140, 70, 0.6, 1),  # book ...
        (101, 50, 141, 70, 0.5, 2),  # ... and suitcase on the same stack: one bundle
        (150, 10, 190, 90, 0.9, 3),  # chair
    ]

    def __init__(self, path: str, task: str | None = None) -> None:
        self.path, self.task = path, task or "detect"
        self.names = {0: "person", 1: "book", 2: "suitcase", 3: "chair"}
        self.overrides = {"imgsz": 320, "task": "detect"}
        self.calls: list[dict[str, Any]] = []
        FakeYOLO.instances.append(self)

    def predict(self, frames: list[Any], **kwargs: Any) -> list[Any]:
        self.calls.append(kwargs)
        return [types.SimpleNamespace(boxes=_Boxes(self.rows)) for _ in frames]


@pytest.fixture
def fake_ultralytics(monkeypatch: pytest.MonkeyPatch) -> type[FakeYOLO]:
    FakeYOLO.instances = []
    threads: list[int] = []
    monkeypatch.setitem(sys.modules, "ultralytics", types.SimpleNamespace(YOLO=FakeYOLO))
    monkeypatch.setitem(sys.modules, "torch", types.SimpleNamespace(set_num_threads=threads.append))
    monkeypatch.delenv("YOLO_OFFLINE", raising=False)
    return FakeYOLO


@pytest.fixture
def checkpoint(tmp_path: Path) -> Path:
    path = tmp_path / "best.pt"
    path.write_bytes(b"PK\x03\x04 not really a torch zip, the fake does not read it")
    return path


def test_pt_without_ultralytics_tells_how_to_get_it(
    registry: ModelRegistry, checkpoint: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "ultralytics", None)  # makes `import ultralytics` fail
    with pytest.raises(ModelImportError) as info:
        registry.import_model(checkpoint, name="pt", format="ultralytics")
    assert "pip install ultralytics" in str(info.value)
    assert "ONNX export" in str(info.value)
    assert tree_snapshot(registry.home) == {}


def test_pt_only_as_ultralytics(registry: ModelRegistry, checkpoint: Path) -> None:
    with pytest.raises(ModelImportError, match="only for format 'ultralytics'"):
        registry.import_model(checkpoint, name="pt", format="yolox")
    assert not registry.home.exists()


def test_pt_round_trip(
    registry: ModelRegistry, checkpoint: Path, fake_ultralytics: type[FakeYOLO]
) -> None:
    manifest = registry.import_model(
        checkpoint, name="pt", format="ultralytics", bundle_classes="book,suitcase"
    )
    assert manifest.runtime is Runtime.TORCH and manifest.file == "model.pt"
    assert manifest.class_names == ("person", "book", "suitcase", "chair")
    assert (manifest.input_size.height, manifest.input_size.width) == (320, 320)
    assert os.environ["YOLO_OFFLINE"] == "true"
    # Probed from the stored copy, by absolute path (never a name Ultralytics would download).
    probed = Path(fake_ultralytics.instances[-1].path)
    assert probed.is_absolute() and probed.parent.parent == registry.models_dir

    detector = registry.load_detector("pt")
    assert fake_ultralytics.instances[-1].path == str(registry.models_dir / "pt" / "model.pt")
    assert isinstance(detector, UltralyticsTorchDetector)
    [out] = detector.detect([frame(100, 200)])
    assert out.class_id.tolist() == [ObjectClass.PERSON, ObjectClass.BUNDLE]
    np.testing.assert_allclose(out.confidence, [0.9, 0.6])
    call = fake_ultralytics.instances[-1].calls[-1]
    assert call["device"] == "cpu" and call["imgsz"] == [320, 320]
    assert call["conf"] == pytest.approx(0.35) and call["iou"] == 0.45
    assert detector.detect([]) == []


def test_pt_integrity_and_missing_package_at_load(
    registry: ModelRegistry,
    checkpoint: Path,
    fake_ultralytics: type[FakeYOLO],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    registry.import_model(checkpoint, name="pt", format="ultralytics")
    monkeypatch.setitem(sys.modules, "ultralytics", None)
    with pytest.raises(ModelLoadError, match=r"pip install ultralytics"):
        registry.load_detector("pt")
    (registry.models_dir / "pt" / "model.pt").write_bytes(b"swapped")
    with pytest.raises(ModelIntegrityError):
        registry.load_detector("pt")


def test_scanning_never_imports_ultralytics_or_torch() -> None:
    code = (
        "import sys, models.registry, models.backends.ultralytics_pt;"
        "assert 'ultralytics' not in sys.modules and 'torch' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True)
