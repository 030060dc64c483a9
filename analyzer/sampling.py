"""Choosing which frames to analyse by presentation time, never by frame count."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass
class SampleGrid:
    """Picks one frame per `every_s` seconds from frames arriving in time order.

    The grid stays regular while frames keep coming; after a hole in the video (longer than
    one step) it restarts at the first frame after the hole. `every_s` 0 takes every frame.
    """

    every_s: float
    _next_s: float = -math.inf

    def due(self, time_s: float) -> bool:
        """Whether the frame at `time_s` is the next one to analyse (and mark it taken)."""
        if time_s + 1e-6 < self._next_s:
            return False
        on_grid = self._next_s + self.every_s
        self._next_s = on_grid if time_s < on_grid else time_s + self.every_s
        return True
