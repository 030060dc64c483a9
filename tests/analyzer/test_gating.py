"""Packet screening on hand-made packet timelines."""

from __future__ import annotations

import numpy as np

from analyzer.gating import GateSettings, GopPlan, gop_sizes, plan_gops
from analyzer.signals import PacketTimeline


def stream(p_sizes: list[list[int]], key_size: int = 20_000, fps: float = 10.0) -> PacketTimeline:
    """One GOP per list: a keyframe then predicted frames of the given sizes."""
    sizes, keys = [], []
    for gop in p_sizes:
        sizes += [key_size, *gop]
        keys += [True] + [False] * len(gop)
    n = len(sizes)
    return PacketTimeline(np.arange(n) / fps, np.array(keys), np.array(sizes, np.int64))


QUIET = [300] * 9


def test_gop_sizes_take_the_largest_predicted_frame():
    starts, largest = gop_sizes(stream([QUIET, [300] * 4 + [9000] + [300] * 4, []]))
    assert starts.tolist() == [0.0, 1.0, 2.0]
    assert largest.tolist() == [300, 9000, 20_000]  # a GOP of one keyframe: its size


def test_one_large_frame_makes_its_gop_and_neighbours_active():
    gops = [QUIET] * 20
    gops[10] = [300] * 4 + [5000] + [300] * 4  # someone steps in mid-GOP
    plan = plan_gops(stream(gops), GateSettings(margin_gops=2))
    assert np.flatnonzero(plan.full).tolist() == [8, 9, 10, 11, 12]
    assert plan.full_fraction == 0.25


def test_noise_alone_decodes_keyframes_only():
    rng = np.random.default_rng(0)
    gops = [list(rng.integers(250, 350, 9)) for _ in range(30)]
    assert not plan_gops(stream(gops), GateSettings()).full.any()


def test_short_recordings_are_decoded_whole():
    packets = stream([QUIET] * 5)
    assert plan_gops(packets, GateSettings()).full.tolist() == [True] * 5
    assert GopPlan.everything(packets).full_fraction == 1.0


def test_packets_before_the_first_keyframe_are_ignored():
    packets = PacketTimeline(
        np.arange(4) / 10.0, np.array([False, True, False, False]), np.array([50, 900, 10, 20])
    )
    starts, largest = gop_sizes(packets)
    assert starts.tolist() == [0.1] and largest.tolist() == [20]
