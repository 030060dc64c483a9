"""Packet screening on hand-made packet timelines."""

from __future__ import annotations

import numpy as np
import pytest

from analyzer.gating import (
    GateSettings,
    GopPlan,
    activity_threshold,
    coarse_changes,
    gop_sizes,
    margin_gops,
    plan_gops,
    recheck_windows,
)
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


def test_gop_sizes_take_the_median_predicted_frame():
    moving = [300, 900, 1000, 1200, 1100, 9000]
    starts, median = gop_sizes(stream([QUIET, moving, [10, 30], []]))
    assert starts.tolist() == [0.0, 1.0, 1.7, 2.0]
    # a GOP of one keyframe: its size
    assert median.tolist() == [300, 1050, 20, 20_000]


def test_movement_over_two_gops_makes_them_and_their_neighbours_active():
    gops = [QUIET] * 20
    gops[10] = [300] * 3 + [1500] * 6  # someone walks in mid-GOP
    gops[11] = [1500] * 9
    plan = plan_gops(stream(gops), GateSettings(margin_s=2.0))  # 1-s GOPs: two either side
    assert np.flatnonzero(plan.full).tolist() == [8, 9, 10, 11, 12, 13]
    assert plan.full_fraction == 0.3


def test_a_lone_active_gop_stays_keyframe_only():
    gops = [QUIET] * 20
    gops[10] = [1500] * 9  # an exposure step the encoder spends a GOP on
    assert np.flatnonzero(plan_gops(stream(gops), GateSettings()).full).tolist() == []
    gops[11] = [1500] * 9  # two GOPs in a row: an event, decoded with its margins
    full = plan_gops(stream(gops), GateSettings()).full  # 1-s GOPs: a 2-s margin
    assert np.flatnonzero(full).tolist() == [8, 9, 10, 11, 12, 13]


def test_single_large_frames_do_not_open_gops():
    # A light flicker or exposure step costs the encoder one large frame, now and then.
    gops = [QUIET] * 20
    for g in (3, 7, 15):
        gops[g] = [300] * 4 + [9000] + [300] * 4
    assert not plan_gops(stream(gops), GateSettings()).full.any()


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
    starts, median = gop_sizes(packets)
    assert starts.tolist() == [0.1] and median.tolist() == [15]


def test_recheck_windows_cover_the_suspect_stretch_and_a_gop_either_side():
    plan = GopPlan(np.arange(0.0, 40.0, 2.0), np.zeros(20, np.bool_))
    # unchanged keyframes from 10 s to 18 s: GOPs 5..8, windows from GOP 4 to GOP 9
    assert recheck_windows(plan, [(10.0, 18.0)], 40.0) == [(8.0, 20.0)]
    # stretches whose windows touch become one window; the last GOP ends at end_s
    assert recheck_windows(plan, [(10.0, 14.0), (16.0, 20.0), (34.0, 39.5)], 40.0) == [
        (8.0, 22.0),
        (32.0, 40.0),
    ]
    assert recheck_windows(plan, [], 40.0) == []


def test_recheck_windows_skip_gops_already_decoded_in_full():
    full = np.zeros(20, np.bool_)
    full[3:11] = True
    plan = GopPlan(np.arange(0.0, 40.0, 2.0), full)
    assert recheck_windows(plan, [(10.0, 18.0)], 40.0) == []
    assert recheck_windows(plan, [(10.0, 22.0)], 40.0) == [(8.0, 24.0)]


def test_margins_are_seconds_whatever_the_gop_length():
    assert margin_gops(np.arange(0.0, 60.0, 2.0), 2.0) == 1
    assert margin_gops(np.arange(0.0, 60.0, 1.0), 2.0) == 2
    assert margin_gops(np.arange(0.0, 60.0, 0.5), 2.0) == 4
    assert margin_gops(np.arange(0.0, 60.0, 10.0), 2.0) == 1  # at least one GOP
    assert margin_gops(np.arange(0.0, 60.0, 2.0), 0.0) == 0


def test_the_threshold_follows_the_recordings_own_spread():
    rng = np.random.default_rng(1)
    # A noisy camera at a high bitrate: P-frames ~2000 B, a few per cent from GOP to GOP;
    # someone moving adds a third.
    steady = 2000 + rng.normal(0, 60, 200)
    assert 2100 < activity_threshold(steady, GateSettings()) < 2400
    # A flickering camera at a low bitrate: ~150 B, varying by a third.
    flicker = 150 + np.abs(rng.normal(0, 50, 200))
    assert activity_threshold(flicker, GateSettings()) > 250
    # A perfectly regular stream still needs a real change (2 % of its size, 4 spreads).
    assert activity_threshold(np.full(50, 1000.0), GateSettings()) == pytest.approx(1080.0)


def test_quiet_percentile_must_be_below_the_median():
    with pytest.raises(ValueError, match="quiet_percentile"):
        GateSettings(quiet_percentile=50.0)


def capped_noisy_stream(
    person: range, *, gops: int = 150, rng_seed: int = 0, lift: float = 0.05
) -> PacketTimeline:
    """A noisy camera recorded at a bitrate cap (25 fps, 2-s GOPs): the encoder spends the
    same ~8.2 kB on every predicted frame whatever the picture does (the rate control keeps
    them within a few per cent) and ~130 kB on a keyframe; someone in view lifts the frames
    of the GOPs in `person` by `lift`, and the encoder pays it back right after."""
    rng = np.random.default_rng(rng_seed)
    sizes, keys = [], []
    for g in range(gops):
        level = 8200.0 * (1 + lift * (g in person) - 0.03 * (g - 1 in person and g not in person))
        sizes += [130_000, *(level * (1 + rng.normal(0, 0.02, 49)) + rng.normal(0, 150))]
        keys += [True] + [False] * 49
    n = len(sizes)
    return PacketTimeline(np.arange(n) / 25.0, np.array(keys), np.array(sizes, np.int64))


def test_a_noisy_camera_at_a_bitrate_cap_is_screened_to_keyframes():
    # Sensor noise makes every predicted frame large, and the cap makes them all alike: the
    # threshold must sit on the recording's own level, not open GOPs all over it.
    plan = plan_gops(capped_noisy_stream(range(0)), GateSettings())
    assert plan.full_fraction <= 0.02


def test_at_a_bitrate_cap_someone_walking_about_lifts_the_frames_little_but_enough():
    plan = plan_gops(capped_noisy_stream(range(60, 70), lift=0.15), GateSettings())
    assert plan.full[60:70].all()
    assert plan.full_fraction < 0.12  # the visit, its margins and a stray GOP or two


@pytest.mark.parametrize(
    ("time", "persons", "expected"),
    [
        # keyframes 2 s apart: the count changed somewhere between 4 and 6 s, and 8 and 10 s
        ([0, 2, 4, 6, 8, 10], [0, 0, 0, 1, 1, 0], [(4.0, 6.0), (8.0, 10.0)]),
        # a change between samples on the counting grid is placed already
        ([0, 0.5, 1.0, 1.5, 2.0], [0, 0, 1, 1, 0], []),
        # a decoded GOP after a keyframe-only one: the change lies in the gap before it
        ([0, 2, 4, 4.5, 5.0], [0, 0, 1, 1, 1], [(2.0, 4.0)]),
        # a sample whose frame sits a little off the grid is still on it
        ([0, 0.5, 1.24, 1.5], [0, 0, 1, 1], []),
        ([0.0], [1], []),
        ([], [], []),
    ],
)
def test_coarse_changes_are_count_changes_across_gaps_of_the_counting_grid(time, persons, expected):
    counts = np.array(persons, np.int64)
    assert coarse_changes(np.array(time, np.float64), counts, step_s=0.5) == expected


def test_a_change_of_any_counted_class_is_a_coarse_change():
    time = np.array([0.0, 2.0, 4.0])
    counts = np.array([[1, 0], [1, 0], [1, 1]], np.int64)  # persons, bundles
    assert coarse_changes(time, counts, step_s=0.5) == [(2.0, 4.0)]
