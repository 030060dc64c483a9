"""Deciding from the compressed stream where a recording can hold activity.

A static camera's encoder spends few bytes on predicted frames while nothing moves; motion,
light changes and picture problems make them larger. Reading packet sizes costs a demux (24 h
of video in seconds), so this screening decides, per group of pictures (a keyframe and the
frames predicted from it), whether to decode every frame or only the keyframe. It never
drops a GOP entirely: the keyframe of a static GOP is still decoded and analysed, which keeps a
motionless person counted and a frozen or black picture seen.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

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

    # A GOP whose largest predicted frame is this many times the quiet level is active.
    size_ratio: float = 1.6
    # Quiet level: this low percentile of the per-GOP sizes (most of a vault's day is quiet).
    quiet_percentile: float = 25.0
    # Active GOPs also open this many neighbours on each side, so that the start and end of
    # an event (a person walking in while the encoder still spends little) are decoded too.
    margin_gops: int = 2
    # Below this many GOPs there is nothing to gain: decode everything.
    min_gops: int = 8


def gop_sizes(packets: PacketTimeline) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """(g,) GOP start times and (g,) size in bytes of each GOP's largest predicted frame (its
    keyframe's size where it has none).

    The largest, not the mean: someone stepping into a long GOP makes one or two large frames
    among many small ones, which a mean would dilute below the quiet level's noise.
    """
    if len(packets) == 0 or not packets.keyframe.any():
        return np.zeros(0, np.float64), np.zeros(0, np.float64)
    gop = np.cumsum(packets.keyframe) - 1
    keep = gop >= 0  # packets before the first keyframe cannot be decoded anyway
    gop, sizes, keys = gop[keep], packets.size[keep].astype(np.float64), packets.keyframe[keep]
    count = int(gop.max()) + 1
    largest = np.zeros(count, np.float64)
    np.maximum.at(largest, gop[~keys], sizes[~keys])
    key_size = np.bincount(gop[keys], weights=sizes[keys], minlength=count)
    largest = np.where(largest > 0, largest, key_size)
    starts = packets.time[packets.keyframe]
    return starts.astype(np.float64), largest


def plan_gops(packets: PacketTimeline, settings: GateSettings) -> GopPlan:
    """Full decoding for the GOPs whose largest predicted frame stands out from the quiet
    level of the recording."""
    starts, largest = gop_sizes(packets)
    if starts.size < settings.min_gops:
        return GopPlan.everything(packets)
    quiet = float(np.percentile(largest, settings.quiet_percentile))
    active = largest > settings.size_ratio * max(quiet, 1.0)
    if settings.margin_gops > 0 and active.any():
        kernel = np.ones(2 * settings.margin_gops + 1)
        active = np.convolve(active.astype(np.float64), kernel, mode="same") > 0
    return GopPlan(starts, active)
