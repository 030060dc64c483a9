"""Opening a weights file at import time to learn its input size and class count, refusing
files that do not load or whose tensors do not fit the declared format."""

from __future__ import annotations

import ast
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from models.backends import onnx_ultralytics, onnx_yolox
from models.backends.onnx_session import create_session, image_input
from models.backends.ultralytics_pt import probe_pt, require_ultralytics
from models.classes import parse_metadata_names
from models.errors import ModelImportError
from models.manifest import ModelFormat, Runtime

_OUTPUT_CHECKS: dict[ModelFormat, Callable[[Sequence[int], int, int], int]] = {
    ModelFormat.YOLOX: onnx_yolox.num_classes_from_output,
    ModelFormat.ULTRALYTICS: onnx_ultralytics.num_classes_from_output,
}


@dataclass(frozen=True)
class ProbedModel:
    """What a weights file says about itself."""

    runtime: Runtime
    input_size: tuple[int, int]  # (height, width)
    num_classes: int
    metadata_names: tuple[str, ...] | None
    # The operating point the training pipeline chose and wrote into the metadata.
    count_confidence: float | None = None


def runtime_for(path: Path) -> Runtime:
    suffix = path.suffix.lower()
    if suffix == ".onnx":
        return Runtime.ONNX
    if suffix == ".pt":
        return Runtime.TORCH
    raise ModelImportError(f"{path}: unsupported weights file type {suffix!r}; use .onnx or .pt")


def _metadata_imgsz(meta: dict[str, str]) -> tuple[int, int] | None:
    try:
        value = ast.literal_eval(meta["imgsz"])
    except (KeyError, ValueError, SyntaxError):
        return None
    if isinstance(value, list | tuple) and len(value) == 2:
        return int(value[0]), int(value[1])
    return None


def probe_onnx(path: Path, fmt: ModelFormat) -> ProbedModel:
    """Load `path` in ONNX Runtime, run one blank image through it and check the output shape."""
    try:
        session = create_session(path)
    except Exception as exc:  # ORT raises its own pybind exception types for bad files
        raise ModelImportError(f"{path} is not a loadable ONNX model: {exc}") from exc
    meta = dict(session.get_modelmeta().custom_metadata_map)
    if meta.get("task", "detect") != "detect":
        raise ModelImportError(f"{path} is a {meta['task']!r} model; only 'detect' models count")
    try:
        spec = image_input(session)
    except ValueError as exc:
        raise ModelImportError(f"{path}: {exc}") from exc
    if spec.element_type != "tensor(float)":
        raise ModelImportError(f"{path}: input must be float32, got {spec.element_type}")
    if spec.channels not in {3, None}:
        raise ModelImportError(f"{path}: input must have 3 colour channels, got {spec.channels}")
    size = (spec.height, spec.width)
    if None in size:
        # Dynamic-shape Ultralytics exports record their training size in the metadata.
        imgsz = _metadata_imgsz(meta)
        if imgsz is None:
            raise ModelImportError(
                f"{path}: input height/width are dynamic and the metadata has no 'imgsz'; "
                "export the model with a fixed input size"
            )
        size = imgsz
    height, width = int(size[0] or 0), int(size[1] or 0)
    outputs = session.get_outputs()
    if len(outputs) != 1:
        listed = [o.name for o in outputs]
        raise ModelImportError(f"{path}: expected one output tensor, got {len(outputs)} {listed}")
    blank = np.zeros((spec.batch or 1, 3, height, width), np.float32)
    try:
        out_shape = session.run(None, {spec.name: blank})[0].shape
    except Exception as exc:  # ORT run failures are its own pybind exception types too
        raise ModelImportError(f"{path}: inference on a blank image failed: {exc}") from exc
    try:
        num_classes = _OUTPUT_CHECKS[fmt](out_shape, height, width)
    except ValueError as exc:
        raise ModelImportError(f"{path} does not fit format {fmt.value!r}: {exc}") from exc
    names = parse_metadata_names(meta["names"]) if "names" in meta else None
    confidence = _metadata_confidence(path, meta)
    return ProbedModel(Runtime.ONNX, (height, width), num_classes, names, confidence)


def _metadata_confidence(path: Path, meta: dict[str, str]) -> float | None:
    """The metadata's `count_confidence` (written by `train_bundles`), refused unless it is a
    score in (0, 1]: a wrong one would make every box count, or none."""
    if "count_confidence" not in meta:
        return None
    try:
        value = float(meta["count_confidence"])
    except ValueError:
        value = float("nan")
    if not 0.0 < value <= 1.0:
        raise ModelImportError(
            f"{path}: metadata count_confidence {meta['count_confidence']!r} is not a score in "
            "(0, 1]"
        )
    return value


def probe_torch(path: Path, fmt: ModelFormat) -> ProbedModel:
    """Load a `.pt` checkpoint through Ultralytics (only format `ultralytics` is supported)."""
    if fmt is not ModelFormat.ULTRALYTICS:
        raise ModelImportError(
            f"{path}: .pt files are supported only for format 'ultralytics'; export "
            f"{fmt.value} models to ONNX"
        )
    ultralytics = require_ultralytics(ModelImportError)
    try:
        info = probe_pt(path, ultralytics)
    except Exception as exc:  # torch/ultralytics raise many unrelated types for bad files
        raise ModelImportError(f"{path} is not a loadable Ultralytics checkpoint: {exc}") from exc
    return ProbedModel(Runtime.TORCH, info.input_size, len(info.class_names), info.class_names)


def probe(path: Path, fmt: ModelFormat) -> ProbedModel:
    if runtime_for(path) is Runtime.ONNX:
        return probe_onnx(path, fmt)
    return probe_torch(path, fmt)
