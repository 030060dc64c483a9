"""Detection metrics for one class: matching at an IoU, precision, recall and AP50.

Pure numpy, so they are tested with hand-made boxes. Matching follows COCO: detections are taken
in falling confidence, each claims the unclaimed ground-truth box it overlaps most (IoU >=
threshold); a detection that claims nothing but lies on an `ignore` box (a bundle too hidden to
label) is dropped instead of being counted as a false positive.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Boxes = npt.NDArray[np.float32]
"""(n, 4) float32 x1 y1 x2 y2 pixels."""


def box_iou(a: Boxes, b: Boxes) -> npt.NDArray[np.float32]:
    """(n, m) IoU between boxes a (n, 4) and b (m, 4)."""
    a = np.asarray(a, np.float32).reshape(-1, 4)
    b = np.asarray(b, np.float32).reshape(-1, 4)
    lt = np.maximum(a[:, None, :2], b[None, :, :2])
    rb = np.minimum(a[:, None, 2:], b[None, :, 2:])
    inter = np.prod(np.clip(rb - lt, 0, None), axis=2)
    area_a = np.prod(np.clip(a[:, 2:] - a[:, :2], 0, None), axis=1)
    area_b = np.prod(np.clip(b[:, 2:] - b[:, :2], 0, None), axis=1)
    union = area_a[:, None] + area_b[None, :] - inter
    return np.where(union > 0, inter / np.maximum(union, 1e-9), 0.0).astype(np.float32)


@dataclass(frozen=True)
class ImageMatch:
    """Matched detections of one image, in falling confidence.

    confidence: (k,) float32; true_positive: (k,) bool; ignored: (k,) bool, on an ignore box and
    so neither right nor wrong; ground_truth: number of labelled boxes.
    """

    confidence: npt.NDArray[np.float32]
    true_positive: npt.NDArray[np.bool_]
    ignored: npt.NDArray[np.bool_]
    ground_truth: int


def match_image(
    pred: Boxes,
    confidence: npt.NDArray[np.float32],
    truth: Boxes,
    ignore: Boxes | None = None,
    iou: float = 0.5,
) -> ImageMatch:
    """Match predictions (k, 4) with confidences (k,) to ground truth (n, 4) at `iou`."""
    order = np.argsort(-np.asarray(confidence, np.float32), kind="stable")
    pred = np.asarray(pred, np.float32).reshape(-1, 4)[order]
    conf = np.asarray(confidence, np.float32)[order]
    truth = np.asarray(truth, np.float32).reshape(-1, 4)
    overlaps = box_iou(pred, truth)
    ign = np.zeros((0, 4), np.float32) if ignore is None else np.asarray(ignore, np.float32)
    on_ignore = (box_iou(pred, ign) >= iou).any(axis=1) if len(ign) else np.zeros(len(pred), bool)
    claimed = np.zeros(len(truth), bool)
    tp = np.zeros(len(pred), bool)
    for i in range(len(pred)):
        if not len(truth):
            break
        cand = np.where(claimed, -1.0, overlaps[i])
        j = int(np.argmax(cand))
        if cand[j] >= iou:
            claimed[j] = True
            tp[i] = True
    return ImageMatch(conf, tp, on_ignore & ~tp, len(truth))


def average_precision(
    confidence: npt.NDArray[np.float32], true_positive: npt.NDArray[np.bool_], ground_truth: int
) -> float:
    """Area under the precision-recall curve, COCO's 101-point interpolation (as Ultralytics)."""
    if ground_truth == 0:
        return float("nan")
    order = np.argsort(-confidence, kind="stable")
    tp = np.cumsum(true_positive[order])
    fp = np.cumsum(~true_positive[order])
    recall = tp / ground_truth
    precision = tp / np.maximum(tp + fp, 1)
    # Precision envelope: the best precision reachable at this recall or beyond.
    mrec = np.concatenate([[0.0], recall, [1.0]])
    mpre = np.flip(np.maximum.accumulate(np.flip(np.concatenate([[1.0], precision, [0.0]]))))
    points = np.linspace(0, 1, 101)
    idx = np.searchsorted(mrec, points, side="left")
    sampled = np.where(idx < len(mpre), mpre[np.minimum(idx, len(mpre) - 1)], 0.0)
    return float(np.trapezoid(sampled, points))


@dataclass(frozen=True)
class Summary:
    """Counts and rates over a set of images at one confidence threshold."""

    ground_truth: int
    detections: int
    true_positives: int
    ignored: int
    precision: float
    recall: float
    strict_precision: float
    """Precision counting detections on ignore boxes as false positives too."""
    ap50: float


def summarize(matches: Sequence[ImageMatch], threshold: float) -> Summary:
    """Precision and recall at `threshold`, AP over every detection given."""
    gt = sum(m.ground_truth for m in matches)
    if matches:
        conf = np.concatenate([m.confidence for m in matches])
        tp = np.concatenate([m.true_positive for m in matches])
        ign = np.concatenate([m.ignored for m in matches])
    else:
        conf, tp, ign = np.zeros(0, np.float32), np.zeros(0, bool), np.zeros(0, bool)
    ap = average_precision(conf[~ign], tp[~ign], gt)
    sel = conf >= threshold
    n_tp = int(np.count_nonzero(tp & sel))
    n_ign = int(np.count_nonzero(ign & sel))
    n_det = int(np.count_nonzero(sel)) - n_ign
    total = n_det + n_ign
    return Summary(
        ground_truth=gt,
        detections=n_det,
        true_positives=n_tp,
        ignored=n_ign,
        precision=n_tp / n_det if n_det else 1.0,
        recall=n_tp / gt if gt else 1.0,
        strict_precision=n_tp / total if total else 1.0,
        ap50=ap,
    )


@dataclass(frozen=True)
class OperatingPoint:
    """Precision and recall at one confidence threshold."""

    confidence: float
    precision: float
    recall: float

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total > 0 else 0.0


def best_f1(matches: Sequence[ImageMatch]) -> OperatingPoint:
    """The threshold (among the detections' own scores) with the highest F1."""
    gt = sum(m.ground_truth for m in matches)
    conf = np.concatenate([m.confidence for m in matches]) if matches else np.zeros(0)
    tp = np.concatenate([m.true_positive for m in matches]) if matches else np.zeros(0, bool)
    ign = np.concatenate([m.ignored for m in matches]) if matches else np.zeros(0, bool)
    conf, tp = conf[~ign], tp[~ign]
    if gt == 0 or conf.size == 0:
        return OperatingPoint(1.0, 1.0, 0.0 if gt else 1.0)
    order = np.argsort(-conf, kind="stable")
    conf, tp = conf[order], tp[order]
    ctp = np.cumsum(tp)
    precision = ctp / np.arange(1, len(tp) + 1)
    recall = ctp / gt
    f1 = 2 * precision * recall / np.maximum(precision + recall, 1e-9)
    # Only the last detection of a run of equal scores is a reachable threshold.
    last = np.r_[conf[1:] != conf[:-1], True]
    i = int(np.argmax(np.where(last, f1, -1.0)))
    return OperatingPoint(float(conf[i]), float(precision[i]), float(recall[i]))
