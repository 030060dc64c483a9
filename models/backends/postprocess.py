"""From decoded candidate boxes to the product's `Detections` (shared by every backend)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from analyzer.detections import Detections, ObjectClass
from models.backends.letterbox import Letterbox
from models.backends.nms import batched_nms
from models.backends.options import DetectorOptions

UNCOUNTED = -1


@dataclass(frozen=True)
class ClassMap:
    """Model class id -> `ObjectClass` value; `lut` is (num_classes,) int64, -1 = not counted."""

    lut: npt.NDArray[np.int64]

    @classmethod
    def from_ids(
        cls, num_classes: int, *, person: Sequence[int], bundle: Sequence[int]
    ) -> ClassMap:
        lut = np.full(num_classes, UNCOUNTED, np.int64)
        lut[list(person)] = ObjectClass.PERSON
        lut[list(bundle)] = ObjectClass.BUNDLE
        return cls(lut)

    @property
    def num_classes(self) -> int:
        return int(self.lut.shape[0])


@dataclass(frozen=True)
class Candidates:
    """One box per anchor, in network-input pixels, for a batch of B images.

    xyxy: (B, N, 4) float32; score: (B, N) float32 (best class score, times objectness where the
    model has one); class_id: (B, N) int64 model class of that best score.
    """

    xyxy: npt.NDArray[np.float32]
    score: npt.NDArray[np.float32]
    class_id: npt.NDArray[np.int64]


def to_detections(
    xyxy: npt.NDArray[np.float32],
    score: npt.NDArray[np.float32],
    model_class: npt.NDArray[np.int64],
    *,
    class_map: ClassMap,
    options: DetectorOptions,
    letterbox: Letterbox,
) -> Detections:
    """Candidates of one image -> `Detections` in frame pixels.

    xyxy (n, 4) in network-input pixels, score (n,), model_class (n,). Each anchor keeps only its
    best class (as YOLOX and Ultralytics do); classes the product does not count are dropped;
    NMS runs per *product* class, so one paper stack seen as both `book` and `suitcase` is
    counted once as a bundle.
    """
    object_class = class_map.lut[model_class]
    counted = object_class != UNCOUNTED
    thresholds = options.thresholds()
    keep = counted & (score >= thresholds[np.where(counted, object_class, 0)])
    if not keep.any():
        return Detections.empty()
    boxes, conf, cls = xyxy[keep], score[keep], object_class[keep]
    kept = batched_nms(boxes, conf, cls, options.nms_iou)[: options.max_detections]
    return Detections.from_arrays(letterbox.to_frame(boxes[kept]), conf[kept], cls[kept])
