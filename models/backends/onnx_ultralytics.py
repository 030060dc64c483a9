"""Ultralytics YOLOv8 / YOLO11 detection models exported to ONNX.

Input: (B, 3, h, w) float32, RGB, scaled to 0-1, letterboxed centred with 114.
Output: (B, 4 + nc, N): per anchor cx, cy, w, h in input pixels, then nc class scores (no
objectness); N = anchors over strides 8/16/32 (or 8/16/32/64 for P6 models).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from models.backends.letterbox import Letterbox, letterbox_centered
from models.backends.onnx_base import OnnxDetector
from models.backends.onnx_yolox import anchor_count
from models.backends.postprocess import Candidates
from models.detector import BgrFrame


def num_classes_from_output(shape: Sequence[int], height: int, width: int) -> int:
    """nc of an Ultralytics output of `shape` (B, 4 + nc, N) for an h x w input; ValueError if
    it does not fit (NMS-free end-to-end exports, segmentation or pose heads, transposed)."""
    anchors = {anchor_count(height, width), anchor_count(height, width, (8, 16, 32, 64))}
    if len(shape) != 3 or shape[2] not in anchors or shape[1] < 5:
        raise ValueError(
            f"Ultralytics detection output must be (batch, 4 + classes, {min(anchors)}) for a "
            f"{height}x{width} input, got {tuple(shape)}; end-to-end (NMS-free), segmentation "
            "and pose exports are not supported"
        )
    return int(shape[1]) - 4


def decode_ultralytics(raw: npt.NDArray[np.float32]) -> Candidates:
    """(B, 4 + nc, N) raw output -> candidates (cx, cy, w, h -> x1, y1, x2, y2)."""
    # Reduce over classes in the (B, nc, N) layout as given: transposing the whole output first
    # would make argmax walk a strided view, several times slower.
    cls_scores = raw[:, 4:, :]
    best = np.argmax(cls_scores, axis=1)
    best_score = np.take_along_axis(cls_scores, best[:, None, :], axis=1)[:, 0, :]
    cxcy, wh = raw[:, 0:2, :].transpose(0, 2, 1), raw[:, 2:4, :].transpose(0, 2, 1)
    xyxy = np.concatenate((cxcy - wh / 2, cxcy + wh / 2), axis=-1).astype(np.float32)
    return Candidates(xyxy, best_score.astype(np.float32), best.astype(np.int64))


class UltralyticsOnnxDetector(OnnxDetector):
    """YOLOv8 / YOLO11 detection ONNX export (`yolo export format=onnx`, `nms=False`)."""

    def preprocess(self, frame: BgrFrame) -> tuple[npt.NDArray[np.float32], Letterbox]:
        canvas, letterbox = letterbox_centered(frame, self.input_height, self.input_width)
        chw = canvas[..., ::-1].transpose(2, 0, 1)  # BGR -> RGB, HWC -> CHW
        return (chw.astype(np.float32) / np.float32(255.0)), letterbox

    def decode(self, raw: npt.NDArray[np.float32]) -> Candidates:
        return decode_ultralytics(raw)
