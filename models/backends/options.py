"""Run-time settings shared by the neural detector backends."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, Field

from analyzer.detections import ObjectClass


class DetectorOptions(BaseModel):
    """Thresholds and threading for one detector instance."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    person_confidence: float = Field(
        default=0.35, ge=0.0, le=1.0, description="minimum score to keep a person box"
    )
    bundle_confidence: float = Field(
        default=0.35, ge=0.0, le=1.0, description="minimum score to keep a bundle box"
    )
    nms_iou: float = Field(
        default=0.45,
        gt=0.0,
        le=1.0,
        description="boxes of one class overlapping more than this merge",
    )
    intra_op_threads: int = Field(
        default=1,
        ge=1,
        le=64,
        description="threads inside one inference; 1 leaves the other core to decoding",
    )
    max_batch: int = Field(
        default=8,
        ge=1,
        le=64,
        description="frames per inference when the model has a dynamic batch dim",
    )
    max_detections: int = Field(default=300, ge=1, le=10_000, description="boxes kept per frame")

    def thresholds(self) -> npt.NDArray[np.float32]:
        """(len(ObjectClass),) minimum score indexed by `ObjectClass` value."""
        out = np.empty(len(ObjectClass), np.float32)
        out[ObjectClass.PERSON] = self.person_confidence
        out[ObjectClass.BUNDLE] = self.bundle_confidence
        return out
