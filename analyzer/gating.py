"""Deciding from the compressed stream where a recording can hold activity.

A static camera's encoder spends few bytes on predicted frames while nothing moves; motion,
light changes and picture problems make them larger. Reading packet sizes costs a demux (24 h
of video in seconds), so this screening decides, per group of pictures (a keyframe and the
frames predicted from it), whether to decode every frame or only the keyframe. It never
drops a GOP entirely: the keyframe of a static GOP is still decoded and analysed, which keeps a
motionless person counted and a frozen or black picture seen.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
import numpy.typing as npt

from analyzer.intervals import StreamSpan, true_runs
from analyzer.signals import PacketTimeline


@dataclass(frozen=True)
class GopPlan:
    """Which GOPs of a recording to decode fully.

    start: (g,) seconds where each GOP begins (its keyframe, in decode order); full: (g,) bool,
    True where every frame of the GOP is decoded, False where only its keyframe is.
    """

    start: npt.NDArray[np.float64]
    full: npt.NDArray[np.bool_]

    def __post_init__(self) -> None:
        if self.start.shape != self.full.shape:
            raise ValueError("start and full must have the same shape")

    @property
    def full_fraction(self) -> float:
        return float(self.full.mean()) if self.full.size else 1.0

    @classmethod
    def everything(cls, packets: PacketTimeline) -> GopPlan:
        starts = packets.time[packets.keyframe] if packets.keyframe.any() else packets.time[:1]
        return cls(starts.astype(np.float64), np.ones(starts.size, np.bool_))


@dataclass(frozen=True)
class GateSettings:
    """How eager the screening is to decode. Larger margins decode more and miss less."""

    # A GOP is active when its median predicted frame lies this many spreads above the quiet
    # level. The spread is the recording's own: a noisy camera at a high bitrate varies by
    # a few per cent from GOP to GOP, a flickering one at a low bitrate by half.
    spread_factor: float = 4.0
    # Quiet level: this low percentile of the per-GOP sizes (most of a vault's day is quiet).
    quiet_percentile: float = 25.0
    # Active GOPs also open the neighbours within this many seconds on each side, so that the
    # start and end of an event (a person walking in while the encoder still spends little)
    # are decoded too. In seconds, not GOPs: recorders write GOPs of 0.5 s to 10 s.
    margin_s: float = 2.0
    # Runs of active GOPs at least this long are events that get the margin.
    min_event_gops: int = 2
    # Below this many GOPs there is nothing to gain: decode everything.
    min_gops: int = 8

    def __post_init__(self) -> None:
        if not 0.0 < self.quiet_percentile < 50.0:
            raise ValueError("quiet_percentile must lie between 0 and 50")


def gop_sizes(packets: PacketTimeline) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """(g,) GOP start times and (g,) median size in bytes of each GOP's predicted frames (its
    keyframe's size where it has none).

    The median, not the largest: a light flicker or an exposure step costs the encoder one
    large frame (every macroblock gets a DC residual) and would open GOPs all over a quiet
    day, while anything that moves for more than half a GOP lifts the median. Measured on
    the bench recording: GOPs with a person 3.0x the quiet level or more, person-free GOPs
    at most 2.5x; the largest frame gave 0.7x and 2.3x, no separation at all.
    """
    if len(packets) == 0 or not packets.keyframe.any():
        return np.zeros(0, np.float64), np.zeros(0, np.float64)
    gop = np.cumsum(packets.keyframe) - 1
    keep = gop >= 0  # packets before the first keyframe cannot be decoded anyway
    gop, sizes, keys = gop[keep], packets.size[keep].astype(np.float64), packets.keyframe[keep]
    count = int(gop.max()) + 1
    median = _group_medians(gop[~keys], sizes[~keys], count)
    key_size = np.bincount(gop[keys], weights=sizes[keys], minlength=count)
    median = np.where(np.isnan(median), key_size, median)
    starts = packets.time[packets.keyframe]
    return starts.astype(np.float64), median


def _group_medians(
    group: npt.NDArray[np.int64], values: npt.NDArray[np.float64], count: int
) -> npt.NDArray[np.float64]:
    """Median of `values` per group id 0..count-1 (NaN for an empty group), without a loop."""
    out = np.full(count, np.nan)
    if group.size == 0:
        return out
    order = np.lexsort((values, group))
    group, values = group[order], values[order]
    first = np.searchsorted(group, np.arange(count), side="left")
    last = np.searchsorted(group, np.arange(count), side="right")
    n = last - first
    has = n > 0
    low = values[(first + (n - 1) // 2)[has]]
    high = values[(first + n // 2)[has]]
    out[has] = (low + high) / 2
    return out


def plan_gops(packets: PacketTimeline, settings: GateSettings) -> GopPlan:
    """Full decoding for the GOPs whose median predicted frame stands out from the quiet
    level of the recording."""
    starts, median = gop_sizes(packets)
    if starts.size < settings.min_gops:
        return GopPlan.everything(packets)
    active = median > activity_threshold(median, settings)
    margin = margin_gops(starts, settings.margin_s)
    full = np.zeros_like(active)
    for first, last in true_runs(active):
        # A lone active GOP between quiet ones is a transient (a light flicker, an exposure
        # step, or the rate control of a bitrate-capped noisy camera, which lifts single GOPs
        # all day: 41 of 45 active GOPs on the bench's 1080p 1.5-Mbit/s camera): it stays
        # keyframe-only. Someone walking in or out keeps the encoder busy for longer than one
        # GOP; and what a lone GOP hides still shows on its keyframes, where a changed count
        # is measured again frame by frame (`coarse_changes`).
        if last - first + 1 >= settings.min_event_gops:
            full[max(first - margin, 0) : last + margin + 1] = True
    return GopPlan(starts, full)


def activity_threshold(median: npt.NDArray[np.float64], settings: GateSettings) -> float:
    """Bytes a GOP's median predicted frame must exceed to be active.

    Quiet level q = the `quiet_percentile` of the per-GOP medians; spread = the standard
    deviation of normal noise that puts that percentile at q below the middle (0.674 for the
    25th: robust while less than half the recording is busy), at least 2 % of the middle so
    that a perfectly regular stream still needs a real change.
    """
    quiet, middle = np.percentile(median, [settings.quiet_percentile, 50.0])
    z = -NormalDist().inv_cdf(settings.quiet_percentile / 100.0)
    spread = max((middle - quiet) / z, 0.02 * middle, 1.0)
    return float(quiet + settings.spread_factor * spread)


def margin_gops(starts: npt.NDArray[np.float64], margin_s: float) -> int:
    """GOPs on each side that cover `margin_s` seconds, at the recording's typical GOP length."""
    if margin_s <= 0 or starts.size < 2:
        return 0
    gop_s = float(np.median(np.diff(starts)))
    return max(1, math.ceil(margin_s / gop_s - 1e-9)) if gop_s > 0 else 0


def recheck_windows(plan: GopPlan, suspects: list[StreamSpan], end_s: float) -> list[StreamSpan]:
    """Windows [start, end) to decode in full because the keyframe-only analysis of a static
    stretch looked suspicious (e.g. no change between keyframes: frozen, or a live camera
    whose noise the encoder smoothed away). Only keyframes are seconds apart there, too
    coarse to judge; the every-frame path must decide.

    Each window runs from the GOP before the suspect stretch to the GOP after it (so the
    re-measured stretch has a changed picture on both sides to start and end on); windows
    that touch are merged, and windows over GOPs already decoded in full are not needed.
    """
    if not suspects or plan.start.size == 0:
        return []
    bounds = np.append(plan.start, max(end_s, float(plan.start[-1])))
    last_gop = plan.start.size - 1
    picked = np.zeros(plan.start.size, np.bool_)
    for start, end in suspects:
        first = int(np.searchsorted(plan.start, start, side="right")) - 2
        # A stretch ends on the first sample that changed again: the GOP after it holds it.
        last = int(np.searchsorted(plan.start, end, side="right")) - 1
        picked[max(first, 0) : min(last, last_gop) + 1] = True
    return [
        StreamSpan(float(bounds[first]), float(bounds[last + 1]))
        for first, last in true_runs(picked)
        if not plan.full[first : last + 1].all()
    ]


def coarse_changes(
    time: npt.NDArray[np.float64],
    counts: npt.NDArray[np.int64],
    step_s: float,
) -> list[StreamSpan]:
    """Stretches (start, end) between two consecutive count samples that lie further apart
    than the counting step and whose counts differ.

    time: (n,) increasing seconds of the samples; counts: (n, k) integers (a column per
    counted class) or (n,). In a keyframe-only GOP the count is sampled once a GOP (2 s and
    more), so when it changes between two keyframes the change lies somewhere in the GOP
    between them: the every-frame path places it to a counting step, this path only to a
    GOP. Under a bitrate target with strong sensor noise the packet screening cannot see
    someone walk in at all (the encoder keeps every frame the same size and spends the bits
    on the noise), so these stretches are where the boundaries of a presence must be
    measured again.
    """
    if time.size < 2:
        return []
    per_sample = counts.reshape(time.size, -1)
    differ = (per_sample[1:] != per_sample[:-1]).any(axis=1)
    # Half a step of slack: sample times sit on frame times, not exactly on the grid.
    sparse = np.diff(time) > 1.5 * step_s
    return [StreamSpan(float(time[i]), float(time[i + 1])) for i in np.flatnonzero(differ & sparse)]
