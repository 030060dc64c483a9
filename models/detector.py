"""The detector interface every backend implements."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np
import numpy.typing as npt

from analyzer.detections import Detections

BgrFrame = npt.NDArray[np.uint8]
"""(h, w, 3) uint8 picture in BGR order, as displayed (rotation already applied)."""


class Detector(Protocol):
    """Finds people and/or paper bundles in frames.

    Backends map their model's own class ids to `ObjectClass` values before returning, so every
    later stage sees only PERSON and BUNDLE.
    """

    @property
    def name(self) -> str: ...

    def detect(self, frames: Sequence[BgrFrame]) -> list[Detections]:
        """One `Detections` per input frame, boxes in that frame's pixel coordinates."""
        ...
