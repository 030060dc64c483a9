"""Continuity checks on what re-encoded and remuxed real footage looks like: holes in the
timestamps, still scenes under long GOPs, and files that lose a little of their tail."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from analyzer import continuity
from analyzer.findings import FindingKind
from analyzer.thresholds import ContinuityThresholds
from tests.helpers import T0, packets, recording, regular_times, signals

DEFAULTS = ContinuityThresholds()


def spans(findings: list, kind: FindingKind) -> list[tuple[float, float]]:
    return [(round(f.start - T0, 3), round(f.end - T0, 3)) for f in findings if f.kind is kind]


def still_then_skip() -> tuple[np.ndarray, np.ndarray]:
    """Packets and 5 fps pictures of a still scene 0-10 s and 20-30 s: the timestamps skip
    10 s. Close pictures differ a little (live sensor noise)."""
    times = np.concatenate([regular_times(10, 10), regular_times(10, 10, start=20.0)])
    return times, times[::2]


def test_a_still_scene_either_side_of_a_timestamp_skip_is_not_frozen():
    packet_times, picture_times = still_then_skip()
    found = continuity.recording_problems(
        recording(duration_s=30.0, decoded_to=T0 + 30.0),
        packets(packet_times),
        signals(picture_times, change=0.2),
        DEFAULTS,
    )
    assert [f.kind for f in found] == [FindingKind.TIMESTAMP_JUMP]
    assert spans(found, FindingKind.TIMESTAMP_JUMP) == [(10.0, 20.0)]


def test_a_frozen_picture_stops_at_the_skip_and_starts_again_after_it():
    packet_times, picture_times = still_then_skip()
    found = continuity.recording_problems(
        recording(duration_s=30.0, decoded_to=T0 + 30.0),
        packets(packet_times),
        signals(picture_times, change=0.0),
        DEFAULTS,
    )
    # the picture after the skip was never compared with one shown at its own time
    assert spans(found, FindingKind.FROZEN_VIDEO) == [(0.0, 10.0), (20.0, 30.0)]


@pytest.mark.parametrize(
    ("within_gop", "frozen"),
    [
        (0.0, True),  # one picture repeated: the encoder skips every block
        (0.004, True),
        (0.05, False),  # a live camera keeps coding a little noise
        (0.3, False),
    ],
)
def test_under_long_gops_only_a_repeated_picture_is_frozen(within_gop, frozen):
    times = regular_times(30, 5)
    # keyframes every 10 s refresh the picture by less than frozen_max_change either way
    change = np.where(np.isclose(times % 10.0, 0.0), 0.4, within_gop)
    found = continuity.picture_problems(recording(), signals(times, change=change), 30.0, DEFAULTS)
    assert bool(spans(found, FindingKind.FROZEN_VIDEO)) is frozen
    # the scan still decodes such a stretch again before judging it
    assert continuity.frozen_intervals(signals(times, change=change), 30.0, DEFAULTS)


def test_keyframe_only_evidence_is_judged_by_change_alone():
    times = np.arange(0.0, 30.0, 1.0)  # one picture a GOP, none close to another
    found = continuity.picture_problems(recording(), signals(times, change=0.3), 30.0, DEFAULTS)
    assert spans(found, FindingKind.FROZEN_VIDEO) == [(0.0, 30.0)]


@pytest.mark.parametrize(
    ("decoded_short_s", "gap_start"),
    [
        (0.0, 60.0),
        (0.6, 59.4),  # a lost last fragment, no decode_error: the gap starts where video ends
        (5.0, 60.0),  # truncated: its own decode_error up to the declared end, then the gap
    ],
)
def test_gap_starts_where_the_previous_file_stops_being_reported(decoded_short_s, gap_start):
    first = recording(duration_s=60.0)
    first = dataclasses.replace(first, decoded_to=first.end - decoded_short_s)
    second = recording(start=first.start + 70.0, duration_s=60.0, sha256="b" * 64)
    [gap] = continuity.segment_gaps([first, second], DEFAULTS)
    assert (gap.kind, round(gap.start - T0, 3), round(gap.end - T0, 3)) == (
        FindingKind.COVERAGE_GAP,
        gap_start,
        70.0,
    )
