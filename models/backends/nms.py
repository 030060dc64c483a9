"""Greedy non-maximum suppression in numpy (no torch, no per-pair Python loop)."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

Floats = npt.NDArray[np.floating[Any]]


def iou_one_to_many(box: Floats, boxes: Floats) -> Floats:
    """IoU of one (4,) xyxy box with each of (n, 4) boxes -> (n,); 0 where the union is empty."""
    ix1 = np.maximum(box[0], boxes[:, 0])
    iy1 = np.maximum(box[1], boxes[:, 1])
    ix2 = np.minimum(box[2], boxes[:, 2])
    iy2 = np.minimum(box[3], boxes[:, 3])
    inter = np.clip(ix2 - ix1, 0, None) * np.clip(iy2 - iy1, 0, None)
    area = max(box[2] - box[0], 0) * max(box[3] - box[1], 0)
    areas = np.clip(boxes[:, 2] - boxes[:, 0], 0, None) * np.clip(
        boxes[:, 3] - boxes[:, 1], 0, None
    )
    union = area + areas - inter
    out = np.zeros(boxes.shape[0], np.float64)
    np.divide(inter, union, out=out, where=union > 0)
    return out


def nms(xyxy: Floats, scores: Floats, iou_threshold: float) -> npt.NDArray[np.int64]:
    """Indices of the (n, 4) boxes kept, highest (n,) score first. A box is dropped when its IoU
    with an already kept box is above `iou_threshold` (same rule as `cv2.dnn.NMSBoxes`)."""
    order = np.argsort(-scores, kind="stable")
    keep: list[int] = []
    while order.size:
        best = int(order[0])
        keep.append(best)
        rest = order[1:]
        order = rest[iou_one_to_many(xyxy[best], xyxy[rest]) <= iou_threshold]
    return np.asarray(keep, np.int64)


def batched_nms(
    xyxy: Floats,
    scores: Floats,
    groups: npt.NDArray[np.int64],
    iou_threshold: float,
) -> npt.NDArray[np.int64]:
    """Class-aware NMS: boxes only suppress boxes of the same (n,) group. Returns kept indices,
    highest score first."""
    if xyxy.shape[0] == 0:
        return np.zeros(0, np.int64)
    # Shifting each group by more than the span of all coordinates makes boxes of different
    # groups disjoint, so one NMS pass does all groups at once.
    span = float(xyxy.max() - xyxy.min()) + 1.0
    shifted = xyxy.astype(np.float64) + (groups.astype(np.float64) * span)[:, None]
    return nms(shifted, scores, iou_threshold)
