"""Timelines drawn on the server: step charts of counts (SVG), bars of spans stacked in lanes,
and the ticks of their axes. Pure: numbers in, geometry out; the templates place the shapes.

Positions are fractions of the chart's width (0..1) where a template scales them (bars, time
ticks) and chart units where the SVG path is made here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo

import numpy as np
import numpy.typing as npt

from analyzer.counting import NOT_MEASURED

# Samples further apart than this many sampling steps leave a gap in the line: no footage or
# no analysis there, which is not a count of zero.
GAP_STEPS = 3.0
# Steps between time ticks, seconds: the first that gives at most `most` ticks is used.
TIME_STEPS = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600)
COUNT_STEPS = (1, 2, 5, 10, 20, 50, 100)


@dataclass(frozen=True)
class Tick:
    """A labelled mark on an axis at `at` (a fraction of the axis, 0..1)."""

    at: float
    label: str


@dataclass(frozen=True)
class Bar:
    """A span on a timeline, in percent of the width, in lane `lane` (0 on top); `label` is its
    title (what, where, when), `text` what fits on the bar itself, `css` its colour class."""

    left: float
    width: float
    label: str
    css: str
    href: str | None = None
    lane: int = 0
    text: str = ""


@dataclass(frozen=True)
class Span:
    """What a bar is made from: [start, end] in POSIX seconds, its title, css class, link and
    the short text written on it."""

    start: float
    end: float
    label: str
    css: str
    href: str | None = None
    text: str = ""


def bars(spans: Sequence[Span], start: float, end: float) -> list[Bar]:
    """Spans → bars over [start, end], each in the first lane where it overlaps no other
    (so overlapping spans stay apart); spans outside are dropped, a span too short to see
    is drawn 0.3 % wide and takes that room in its lane."""
    total = max(end - start, 1e-9)
    lane_ends: list[float] = []  # where each lane's last bar ends, percent
    shown = []
    for span in sorted(spans, key=lambda s: (s.start, s.end)):
        a, b = max(span.start, start), min(span.end, end)
        if b < a:
            continue
        left = 100.0 * (a - start) / total
        width = max(100.0 * (b - a) / total, 0.3)
        lane = next((i for i, e in enumerate(lane_ends) if e <= left), len(lane_ends))
        if lane == len(lane_ends):
            lane_ends.append(0.0)
        lane_ends[lane] = left + width
        shown.append(Bar(left, width, span.label, span.css, span.href, lane, span.text))
    return shown


def lanes(shown: Sequence[Bar]) -> int:
    """How many lanes `shown` needs (at least one, so an empty track still shows)."""
    return max((b.lane for b in shown), default=0) + 1


def time_ticks(start: float, end: float, zone: tzinfo, *, most: int = 8) -> list[Tick]:
    """Ticks at whole multiples of a round step (1 s … 6 h) of the site's clock within
    [start, end], at most `most`, labelled with the clock time there ("08:30" or, for steps
    under a minute, "08:30:15")."""
    span = max(end - start, 1e-9)
    step = next((s for s in TIME_STEPS if span / s <= most), TIME_STEPS[-1])
    # The zone's offset puts ticks on the site's round times (whole hours of its day).
    offset = _offset_s(start, zone)
    first = math.ceil((start + offset) / step) * step - offset
    shape = "%H:%M" if step >= 60 else "%H:%M:%S"
    ticks = []
    at = float(first)
    while at <= end + 1e-9:
        ticks.append(Tick((at - start) / span, datetime.fromtimestamp(at, zone).strftime(shape)))
        at += step
    return ticks


def _offset_s(at: float, zone: tzinfo) -> float:
    offset = datetime.fromtimestamp(at, zone).utcoffset()
    return 0.0 if offset is None else offset.total_seconds()


def count_ticks(top: int, *, most: int = 5) -> list[Tick]:
    """Whole-number ticks from 0 to at least `top`, at most `most` + 1 of them; `at` is the
    fraction of the axis's height from the bottom."""
    step = next((s for s in COUNT_STEPS if top / s <= most), COUNT_STEPS[-1])
    ceiling = max(int(np.ceil(top / step)) * step, step)
    return [Tick(v / ceiling, str(v)) for v in range(0, ceiling + 1, step)]


def binned(
    times: npt.NDArray[np.float64],
    values: npt.NDArray[np.int64],
    *,
    start: float,
    end: float,
    bins: int,
) -> npt.NDArray[np.int64]:
    """`values` sampled at `times` (sorted POSIX seconds) as (bins,) int64 over [start, end]:
    the most counted in each bin; a bin without a sample holds the previous sample's value
    while the next sample is at most `GAP_STEPS` sampling steps after it (else for one step
    only); `NOT_MEASURED` (-1) where nothing was counted: negative values, no samples, gaps."""
    out = np.full(bins, NOT_MEASURED, np.int64)
    counted = values >= 0
    t, v = times[counted], values[counted]
    if t.size == 0:
        return out
    inside = (t >= start) & (t <= end)
    span = max(end - start, 1e-9)
    diffs = np.diff(t)
    step = float(np.median(diffs[diffs > 0])) if (diffs > 0).any() else span / bins
    index = np.minimum(((t[inside] - start) / span * bins).astype(np.int64), bins - 1)
    np.maximum.at(out, index, v[inside])
    bin_start = start + np.arange(bins) * (span / bins)
    # For each empty bin: the samples either side of it (over all samples, so a bin at the
    # window's edge is filled from a sample just outside it).
    for i in np.flatnonzero(out < 0):
        after = int(np.searchsorted(t, bin_start[i]))
        if after == 0:
            continue
        before_t, before_v = t[after - 1], v[after - 1]
        reach = step if after == t.size else t[after] - before_t
        if bin_start[i] - before_t <= (reach if reach <= GAP_STEPS * step else step):
            out[i] = before_v
    return out


def step_path(levels: npt.NDArray[np.int64], *, width: float, height: float, top: int) -> str:
    """An SVG path `d` of (bins,) levels as steps across [0, width], `top` at y=0; a negative
    level (nothing counted) lifts the pen, so gaps stay gaps. A run of equal levels is one
    segment."""
    bins = levels.size
    # Where a run of equal levels starts: the first bin, and wherever the level changes.
    starts = np.flatnonzero(np.diff(levels, prepend=levels[:1] - 1) != 0)
    parts: list[str] = []
    pen_down = False
    for k, first in enumerate(starts):
        level = int(levels[first])
        if level < 0:
            pen_down = False
            continue
        last = starts[k + 1] if k + 1 < starts.size else bins
        y = height - min(level, top) / max(top, 1) * height
        x0, x1 = first * width / bins, last * width / bins
        parts.append(f"V{y:.1f}H{x1:.1f}" if pen_down else f"M{x0:.1f},{y:.1f}H{x1:.1f}")
        pen_down = True
    return "".join(parts)
