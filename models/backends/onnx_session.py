"""ONNX Runtime sessions on the CPU, configured the same way for every backend."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import onnxruntime as ort


def create_session(model: bytes | Path, *, threads: int = 1) -> ort.InferenceSession:
    """A CPU session over a model file or its bytes (bytes: the caller already hashed them, so
    what runs is exactly what was verified)."""
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    opts.log_severity_level = 3  # errors only: ORT's warnings would go to stderr of every scan
    source = model if isinstance(model, bytes) else str(model)
    return ort.InferenceSession(source, sess_options=opts, providers=["CPUExecutionProvider"])


@dataclass(frozen=True)
class ImageInput:
    """The single image input of a detector network, NCHW."""

    name: str
    batch: int | None  # None: dynamic
    channels: int | None
    height: int | None
    width: int | None
    element_type: str


def _dim(value: object) -> int | None:
    # ORT reports symbolic dims as strings (or None); -1 appears in some exports.
    return value if isinstance(value, int) and value > 0 else None


def image_input(session: ort.InferenceSession) -> ImageInput:
    """Describe the session's only input; ValueError when it is not one NCHW tensor."""
    inputs = session.get_inputs()
    if len(inputs) != 1:
        raise ValueError(f"expected one image input, the model has {len(inputs)}")
    shape = list(inputs[0].shape)
    if len(shape) != 4:
        raise ValueError(f"expected an NCHW image input, got shape {shape}")
    n, c, h, w = (_dim(d) for d in shape)
    return ImageInput(inputs[0].name, n, c, h, w, inputs[0].type)
