# mypy: disallow-subclassing-any=False, warn-return-any=False
"""Export a trained `YoloxNano` to the ONNX layout the product's YOLOX backend reads.

Static input `images` (1, 3, S, S) float32 BGR 0-255; output `output` (1, N, 5 + nc), the raw
YOLOX grid (`models.backends.onnx_yolox`); opset 17. Metadata: `names` (the class names as a
dict literal, which the registry reads at import), `description`, and `METADATA_KEY` holding
the recipe and the measured metrics as JSON.
"""

from __future__ import annotations

import io
import json
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import torch

from pipelines.training.yolox_net import YoloxNano

METADATA_KEY = "vaultwatch_training"
"""ONNX metadata entry holding the training recipe and the measured metrics as JSON."""
OPSET = 17
CLASS_NAMES = ("bundle",)


def export_onnx(
    model: YoloxNano,
    out: Path,
    *,
    size: int = 416,
    metadata: Mapping[str, Any] | None = None,
    description: str = "VaultWatch paper-bundle detector (one class: bundle), YOLOX-Nano",
) -> Path:
    """Write `model` as ONNX to `out` with `metadata` (JSON) under `METADATA_KEY`."""
    import onnx

    model = model.eval()
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        # The TorchScript exporter warns about its own deprecation; pytest runs with -W error.
        warnings.simplefilter("ignore")
        torch.onnx.export(
            model,
            (torch.zeros(1, 3, size, size),),
            buffer,  # type: ignore[arg-type,unused-ignore]
            input_names=["images"],
            output_names=["output"],
            opset_version=OPSET,
            dynamo=False,
            do_constant_folding=True,
        )
    proto = onnx.load_from_string(buffer.getvalue())
    set_metadata(proto, description, metadata, model.num_classes)
    out.parent.mkdir(parents=True, exist_ok=True)
    onnx.save(proto, str(out))
    return out


def set_metadata(
    proto: Any,
    description: str,
    metadata: Mapping[str, Any] | None,
    num_classes: int = 1,
    count_confidence: float | None = None,
) -> None:
    """Replace the metadata entries of an `onnx.ModelProto` in place. `count_confidence` is
    the operating point the registry reads on import (`models.probe`)."""
    if num_classes != len(CLASS_NAMES):
        raise ValueError(f"a bundle model has {len(CLASS_NAMES)} class, not {num_classes}")
    del proto.metadata_props[:]
    names = dict(enumerate(CLASS_NAMES))
    entries = {"description": description, "names": repr(names)}
    if metadata is not None:
        entries[METADATA_KEY] = json.dumps(metadata, sort_keys=True)
    if count_confidence is not None:
        entries["count_confidence"] = f"{count_confidence:g}"
    for key in sorted(entries):
        prop = proto.metadata_props.add()
        prop.key, prop.value = key, entries[key]


def rewrite_metadata(
    path: Path,
    metadata: Mapping[str, Any],
    description: str,
    count_confidence: float | None = None,
) -> None:
    """Set the metadata of an exported file (after it has been evaluated)."""
    import onnx

    proto = onnx.load(str(path))
    set_metadata(proto, description, metadata, count_confidence=count_confidence)
    onnx.save(proto, str(path))


def read_metadata(path: Path) -> dict[str, Any]:
    """The `METADATA_KEY` JSON of an ONNX file ({} if it has none); needs onnxruntime only."""
    import onnxruntime as ort

    meta = ort.InferenceSession(str(path)).get_modelmeta().custom_metadata_map
    raw = meta.get(METADATA_KEY)
    return dict(json.loads(raw)) if raw else {}
