"""Ultralytics `.pt` checkpoints run through PyTorch (optional extra `train`).

`ultralytics` (and with it torch) is imported only when a `.pt` model is imported or loaded, so
scanning with ONNX models never pays for it and works without it installed.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, ClassVar

import numpy as np

from analyzer.detections import Detections
from models.backends.letterbox import Letterbox
from models.backends.options import DetectorOptions
from models.backends.postprocess import ClassMap, to_detections
from models.detector import BgrFrame
from models.errors import TRAIN_EXTRA_HINT, ModelError

DEFAULT_IMGSZ = 640


def require_ultralytics(error: type[ModelError]) -> ModuleType:
    """Import `ultralytics`, or raise `error` telling the user how to get it."""
    # Ultralytics otherwise probes the internet (DNS) for update and asset checks.
    os.environ.setdefault("YOLO_OFFLINE", "true")
    try:
        return importlib.import_module("ultralytics")
    except ImportError as exc:
        raise error(f".pt models need the 'ultralytics' package: {TRAIN_EXTRA_HINT}") from exc


def _load(ultralytics: ModuleType, path: Path) -> Any:
    # An absolute path of an existing file: never a hub name that Ultralytics would download.
    if not path.is_file():
        raise FileNotFoundError(path)
    return ultralytics.YOLO(str(path.resolve()), task="detect")


@dataclass(frozen=True)
class TorchModelInfo:
    input_size: tuple[int, int]
    class_names: tuple[str, ...]


def _imgsz(value: object) -> tuple[int, int]:
    if isinstance(value, int):
        return value, value
    if isinstance(value, list | tuple) and len(value) == 2:
        return int(value[0]), int(value[1])
    return DEFAULT_IMGSZ, DEFAULT_IMGSZ


def probe_pt(path: Path, ultralytics: ModuleType) -> TorchModelInfo:
    """Input size and class names of a `.pt` detection checkpoint; ValueError when it is not a
    detection model."""
    model = _load(ultralytics, path)
    if getattr(model, "task", "detect") != "detect":
        raise ValueError(f"it is a {model.task!r} model; only 'detect' models count objects")
    names = model.names
    ordered = [names[i] for i in sorted(names)] if isinstance(names, dict) else list(names)
    overrides = getattr(model, "overrides", {}) or {}
    return TorchModelInfo(_imgsz(overrides.get("imgsz")), tuple(str(n) for n in ordered))


class UltralyticsTorchDetector:
    """A `Detector` over an Ultralytics `.pt` checkpoint, on the CPU.

    Ultralytics does its own letterbox, decode and per-model-class NMS; this adds the product's
    class mapping, per-class thresholds and the NMS across model classes of one product class.
    """

    low_confidence_fallback: ClassVar[bool] = False

    def __init__(
        self,
        path: Path,
        *,
        name: str,
        input_size: tuple[int, int],
        class_map: ClassMap,
        options: DetectorOptions | None = None,
        error: type[ModelError] = ModelError,
    ) -> None:
        ultralytics = require_ultralytics(error)
        self._name = name
        self.options = options or DetectorOptions()
        self.input_size = input_size
        self.class_map = class_map
        importlib.import_module("torch").set_num_threads(self.options.intra_op_threads)
        self._model = _load(ultralytics, path)

    @property
    def name(self) -> str:
        return self._name

    def detect(self, frames: Sequence[BgrFrame]) -> list[Detections]:
        """One `Detections` per (h, w, 3) uint8 BGR frame, boxes in that frame's pixels."""
        if not frames:
            return []
        results = self._model.predict(
            list(frames),
            imgsz=list(self.input_size),
            conf=float(self.options.thresholds().min()),
            iou=self.options.nms_iou,
            max_det=self.options.max_detections,
            device="cpu",
            verbose=False,
        )
        out: list[Detections] = []
        for frame, result in zip(frames, results, strict=True):
            boxes = result.boxes
            out.append(
                to_detections(
                    np.asarray(boxes.xyxy.cpu().numpy(), np.float32).reshape(-1, 4),
                    np.asarray(boxes.conf.cpu().numpy(), np.float32).reshape(-1),
                    np.asarray(boxes.cls.cpu().numpy()).astype(np.int64).reshape(-1),
                    class_map=self.class_map,
                    options=self.options,
                    letterbox=Letterbox.identity(*frame.shape[:2]),
                )
            )
        return out
