"""Turning per-sample boolean masks into time intervals."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

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


class StreamSpan(NamedTuple):
    """A stretch of one recording in seconds from its stream's first timestamp (presentation
    time): windows to decode, stretches to measure again. `Span` is the same on the wall
    clock (POSIX seconds); a value moves from one to the other only by adding the
    recording's start."""

    start: float
    end: float

    @property
    def duration_s(self) -> float:
        return self.end - self.start


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """A time span [start, end) in POSIX seconds."""

    start: float
    end: float

    @property
    def duration_s(self) -> float:
        return self.end - self.start


def merge_spans(spans: list[Span], max_gap_s: float = 0.0) -> list[Span]:
    """Sorted, overlapping or nearly touching (gap <= `max_gap_s`) spans joined into one."""
    merged: list[Span] = []
    for span in sorted(spans):
        if merged and span.start - merged[-1].end <= max_gap_s + 1e-9:
            if span.end > merged[-1].end:
                merged[-1] = Span(merged[-1].start, span.end)
        else:
            merged.append(span)
    return merged


def clip_spans(spans: list[Span], window: Span) -> list[Span]:
    """The parts of `spans` inside `window`."""
    clipped = [Span(max(s.start, window.start), min(s.end, window.end)) for s in spans]
    return [s for s in clipped if s.end > s.start]


def subtract_spans(window: Span, covered: list[Span]) -> list[Span]:
    """The parts of `window` that no span of `covered` covers, in time order."""
    holes = []
    cursor = window.start
    for span in merge_spans(clip_spans(covered, window)):
        if span.start > cursor:
            holes.append(Span(cursor, span.start))
        cursor = max(cursor, span.end)
    if cursor < window.end:
        holes.append(Span(cursor, window.end))
    return holes
