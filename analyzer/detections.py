"""Objects detected in one frame, as parallel arrays (the shape every counting stage shares)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum

import numpy as np
import numpy.typing as npt


class ObjectClass(IntEnum):
    """What the product counts. Model-specific class ids are mapped to these next to each model."""

    PERSON = 0
    BUNDLE = 1


@dataclass(frozen=True)
class Detections:
    """Detections of one frame.

    xyxy: (n, 4) float32 pixel boxes (x1, y1, x2, y2) in the frame as displayed (rotation
    applied); confidence: (n,) float32 in [0, 1]; class_id: (n,) int64 `ObjectClass` values;
    tracker_id: (n,) int64, -1 where no tracker has assigned an id.
    """

    xyxy: npt.NDArray[np.float32]
    confidence: npt.NDArray[np.float32]
    class_id: npt.NDArray[np.int64]
    tracker_id: npt.NDArray[np.int64]

    def __post_init__(self) -> None:
        n = self.xyxy.shape[0]
        if self.xyxy.ndim != 2 or self.xyxy.shape[1] != 4:
            raise ValueError(f"xyxy must be (n, 4), got {self.xyxy.shape}")
        for name in ("confidence", "class_id", "tracker_id"):
            shape = getattr(self, name).shape
            if shape != (n,):
                raise ValueError(f"{name} must be ({n},), got {shape}")

    @classmethod
    def empty(cls) -> Detections:
        return cls(
            np.zeros((0, 4), np.float32),
            np.zeros(0, np.float32),
            np.zeros(0, np.int64),
            np.zeros(0, np.int64),
        )

    @classmethod
    def from_arrays(
        cls,
        xyxy: npt.ArrayLike,
        confidence: npt.ArrayLike,
        class_id: npt.ArrayLike,
        tracker_id: npt.ArrayLike | None = None,
    ) -> Detections:
        boxes = np.asarray(xyxy, np.float32).reshape(-1, 4)
        ids = (
            np.full(boxes.shape[0], -1, np.int64)
            if tracker_id is None
            else np.asarray(tracker_id, np.int64)
        )
        return cls(boxes, np.asarray(confidence, np.float32), np.asarray(class_id, np.int64), ids)

    @classmethod
    def merge(cls, parts: Sequence[Detections]) -> Detections:
        """The rows of several `Detections` of one frame, in order."""
        if len(parts) == 1:
            return parts[0]
        if not parts:
            return cls.empty()
        return cls(
            np.concatenate([p.xyxy for p in parts]),
            np.concatenate([p.confidence for p in parts]),
            np.concatenate([p.class_id for p in parts]),
            np.concatenate([p.tracker_id for p in parts]),
        )

    def __len__(self) -> int:
        return int(self.xyxy.shape[0])

    def __getitem__(self, mask: npt.NDArray[np.bool_] | npt.NDArray[np.int64]) -> Detections:
        """Select rows by a boolean mask or an index array."""
        return Detections(
            self.xyxy[mask], self.confidence[mask], self.class_id[mask], self.tracker_id[mask]
        )

    def count(self, object_class: ObjectClass) -> int:
        return int(np.count_nonzero(self.class_id == object_class))

    @property
    def area(self) -> npt.NDArray[np.float32]:
        """(n,) box areas in square pixels."""
        w = np.clip(self.xyxy[:, 2] - self.xyxy[:, 0], 0, None)
        h = np.clip(self.xyxy[:, 3] - self.xyxy[:, 1], 0, None)
        area: npt.NDArray[np.float32] = (w * h).astype(np.float32)
        return area
