"""YOLOX exported to ONNX with raw (undecoded) head output.

Input: (B, 3, h, w) float32, BGR, 0-255 (not normalised), letterboxed top-left with 114.
Output: (B, N, 5 + nc) with N = sum over strides s in (8, 16, 32) of (h/s)(w/s); per anchor
cx, cy (grid-relative), log w, log h, objectness, nc class scores (all after sigmoid).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property

import numpy as np
import numpy.typing as npt

from models.backends.letterbox import Letterbox, letterbox_top_left
from models.backends.onnx_base import OnnxDetector
from models.backends.postprocess import Candidates
from models.detector import BgrFrame

STRIDES = (8, 16, 32)
_MAX_LOG_WH = 20.0  # exp(20) px is far beyond any frame; clipping keeps exp() from overflowing


def anchor_count(height: int, width: int, strides: Sequence[int] = STRIDES) -> int:
    return sum((height // s) * (width // s) for s in strides)


def yolox_grid(
    height: int, width: int, strides: Sequence[int] = STRIDES
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]:
    """Anchor grid in YOLOX's output order: (N, 2) cell (x, y) and (N, 1) stride, N =
    `anchor_count`; rows go stride by stride, each row-major over the cells."""
    grids, stride_col = [], []
    for s in strides:
        ys, xs = np.meshgrid(np.arange(height // s), np.arange(width // s), indexing="ij")
        grids.append(np.stack((xs, ys), axis=-1).reshape(-1, 2))
        stride_col.append(np.full((grids[-1].shape[0], 1), s))
    return (
        np.concatenate(grids).astype(np.float32),
        np.concatenate(stride_col).astype(np.float32),
    )


def num_classes_from_output(shape: Sequence[int], height: int, width: int) -> int:
    """nc of a YOLOX output of `shape` (B, N, 5 + nc) for an h x w input; ValueError if it does
    not fit."""
    expected = anchor_count(height, width)
    if len(shape) != 3 or shape[1] != expected or shape[2] < 6:
        raise ValueError(
            f"YOLOX output must be (batch, {expected}, 5 + classes) for a {height}x{width} input, "
            f"got {tuple(shape)}; was the model exported with decoding in the graph or is it "
            "another format?"
        )
    return int(shape[2]) - 5


def decode_yolox(
    raw: npt.NDArray[np.float32],
    grid: npt.NDArray[np.float32],
    stride: npt.NDArray[np.float32],
) -> Candidates:
    """(B, N, 5 + nc) raw output -> candidates: xy = (xy + grid) * stride,
    wh = exp(wh) * stride, score = objectness * best class score."""
    xy = (raw[..., 0:2] + grid) * stride
    wh = np.exp(np.minimum(raw[..., 2:4], _MAX_LOG_WH)) * stride
    cls_scores = raw[..., 5:]
    best = np.argmax(cls_scores, axis=-1)
    best_score = np.take_along_axis(cls_scores, best[..., None], axis=-1)[..., 0]
    xyxy = np.concatenate((xy - wh / 2, xy + wh / 2), axis=-1).astype(np.float32)
    return Candidates(xyxy, (raw[..., 4] * best_score).astype(np.float32), best.astype(np.int64))


class YoloxOnnxDetector(OnnxDetector):
    """YOLOX (any size: nano to x) ONNX export with raw head output."""

    @cached_property
    def anchors(self) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]:
        """(N, 2) grid cells and (N, 1) strides for this model's input size."""
        return yolox_grid(self.input_height, self.input_width)

    def preprocess(self, frame: BgrFrame) -> tuple[npt.NDArray[np.float32], Letterbox]:
        canvas, letterbox = letterbox_top_left(frame, self.input_height, self.input_width)
        return canvas.transpose(2, 0, 1).astype(np.float32), letterbox

    def decode(self, raw: npt.NDArray[np.float32]) -> Candidates:
        return decode_yolox(raw, *self.anchors)
