"""Turning per-sample boolean masks into time intervals."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt


@dataclass(frozen=True, slots=True)
class Interval:
    """A half-open span [start, end) in seconds, with the sample indices it came from."""

    start: float
    end: float
    first: int
    last: int

    @property
    def duration_s(self) -> float:
        return self.end - self.start


def true_runs(mask: npt.NDArray[np.bool_]) -> list[tuple[int, int]]:
    """Index ranges [first, last] (inclusive) of consecutive True values in a 1-d mask."""
    if mask.size == 0:
        return []
    padded = np.concatenate(([False], mask.astype(bool), [False]))
    edges = np.flatnonzero(padded[1:] != padded[:-1])
    return [(int(a), int(b) - 1) for a, b in zip(edges[::2], edges[1::2], strict=True)]


def mask_intervals(
    times: npt.NDArray[np.float64],
    ends: npt.NDArray[np.float64],
    mask: npt.NDArray[np.bool_],
    min_duration_s: float,
) -> list[Interval]:
    """Intervals where `mask` holds, at least `min_duration_s` long.

    times: (n,) start of each sample in seconds; ends: (n,) the time each sample's evidence
    lasts until (usually the next sample's time). A run covers [times[first], ends[last]).
    """
    if not (times.shape == ends.shape == mask.shape):
        raise ValueError("times, ends and mask must have the same shape")
    found = []
    for first, last in true_runs(mask):
        interval = Interval(float(times[first]), float(ends[last]), first, last)
        if interval.duration_s >= min_duration_s - 1e-9:
            found.append(interval)
    return found
