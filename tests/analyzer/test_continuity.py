"""Continuity checks on hand-made timelines: no video involved."""

from __future__ import annotations

import numpy as np
import pytest

from analyzer import continuity
from analyzer.findings import FindingKind
from analyzer.recording import CameraKind
from analyzer.thresholds import ContinuityThresholds
from tests.helpers import T0, packets, recording, regular_times, signals

DEFAULTS = ContinuityThresholds()


def spans(findings: list, kind: FindingKind) -> list[tuple[float, float]]:
    return [(round(f.start - T0, 3), round(f.end - T0, 3)) for f in findings if f.kind is kind]


@pytest.mark.parametrize(
    ("second_start", "expected_kind", "expected_span"),
    [
        (60.0, None, None),  # back to back
        (60.9, None, None),  # under the 1 s tolerance
        (61.0, FindingKind.COVERAGE_GAP, (60.0, 61.0)),  # exactly the tolerance
        (72.0, FindingKind.COVERAGE_GAP, (60.0, 72.0)),
        (59.5, None, None),  # small overlap: rounding of segment ends
        (50.0, FindingKind.TIMESTAMP_JUMP, (50.0, 60.0)),  # clock went back 10 s
    ],
)
def test_segment_gaps_and_overlaps(second_start, expected_kind, expected_span):
    first = recording()
    second = recording(
        path="/nvr/ch01_b.mp4",
        sha256="b" * 64,
        start=T0 + second_start,
        decoded_to=T0 + second_start + 60,
    )
    found = continuity.segment_gaps([second, first], DEFAULTS)  # order given must not matter
    if expected_kind is None:
        assert found == []
    else:
        assert [f.kind for f in found] == [expected_kind]
        assert spans(found, expected_kind) == [expected_span]


def test_gap_rule_depends_on_camera_kind():
    fixed = [recording(), recording(sha256="b" * 64, start=T0 + 100)]
    handheld = [
        recording(camera_kind=CameraKind.HANDHELD),
        recording(sha256="b" * 64, start=T0 + 100, camera_kind=CameraKind.HANDHELD),
    ]
    assert continuity.segment_gaps(fixed, DEFAULTS)[0].rule == "V1"
    assert continuity.segment_gaps(handheld, DEFAULTS)[0].rule == "V4"


def test_gap_after_truncated_file_starts_at_declared_end():
    truncated = recording(decoded_to=T0 + 30)  # declares 60 s, decodes 30 s
    after = recording(sha256="b" * 64, start=T0 + 70)
    assert spans(
        continuity.segment_gaps([truncated, after], DEFAULTS), FindingKind.COVERAGE_GAP
    ) == [(60.0, 70.0)]
    assert spans(continuity.truncation(truncated, 30.0, DEFAULTS), FindingKind.DECODE_ERROR) == [
        (30.0, 60.0)
    ]


def test_forward_timestamp_jump_spans_the_missing_time():
    times = np.concatenate([regular_times(20, 10), regular_times(20, 10, start=26.0)])
    found = continuity.timestamp_jumps(recording(), packets(times), DEFAULTS)
    # last frame before the jump at 19.9 lasts until 20.0; the next frame is at 26.0
    assert spans(found, FindingKind.TIMESTAMP_JUMP) == [(20.0, 26.0)]
    assert found[0].rule == "V1"


def test_step_under_the_jump_threshold_is_not_a_jump():
    times = np.concatenate([regular_times(20, 10), regular_times(20, 10, start=20.85)])
    assert continuity.timestamp_jumps(recording(), packets(times), DEFAULTS) == []


def test_backward_step_is_reported():
    times = np.concatenate([regular_times(20, 10), regular_times(20, 10, start=15.0)])
    found = continuity.timestamp_jumps(recording(), packets(times), DEFAULTS)
    assert spans(found, FindingKind.TIMESTAMP_JUMP) == [(15.0, 19.9)]
    assert "back" in found[0].detail


def test_variable_frame_rate_is_not_a_jump_or_a_drop():
    rng = np.random.default_rng(1)
    times = np.cumsum(rng.uniform(0.055, 0.080, 300))
    rec = recording(fps=1 / 0.0675, camera_kind=CameraKind.HANDHELD)
    assert continuity.timestamp_jumps(rec, packets(times), DEFAULTS) == []
    assert continuity.dropped_frames(rec, packets(times), DEFAULTS) == []


def test_dropped_frames_stretch():
    # 10 fps, but between 20 s and 25 s only 2 frames a second arrive
    times = np.concatenate(
        [regular_times(20, 10), regular_times(5, 2, start=20.0), regular_times(20, 10, start=25)]
    )
    found = continuity.dropped_frames(recording(), packets(times), DEFAULTS)
    assert spans(found, FindingKind.DROPPED_FRAMES) == [(20.0, 25.0)]


def test_dropped_frames_leaves_jumps_to_the_jump_finding():
    times = np.concatenate([regular_times(20, 10), regular_times(20, 10, start=30.0)])
    assert continuity.dropped_frames(recording(), packets(times), DEFAULTS) == []


@pytest.mark.parametrize(
    ("frozen_from", "frozen_to", "expected"),
    [
        (10.0, 18.0, [(10.0, 18.0)]),
        (10.0, 15.0, [(10.0, 15.0)]),  # exactly the 5 s minimum
        (10.0, 14.8, []),  # just under
    ],
)
def test_frozen_stretch_boundaries(frozen_from, frozen_to, expected):
    times = regular_times(30, 5)
    change = np.where((times > frozen_from + 1e-9) & (times < frozen_to - 1e-9), 0.0, 1.0)
    found = continuity.picture_problems(recording(), signals(times, change=change), 30.0, DEFAULTS)
    assert spans(found, FindingKind.FROZEN_VIDEO) == expected


def test_a_single_changed_frame_splits_a_frozen_stretch():
    times = regular_times(30, 5)
    change = np.where((times > 5) & (times < 25), 0.0, 1.0)
    change[np.argmin(np.abs(times - 15.0))] = 2.0  # someone moved for one frame
    found = continuity.picture_problems(recording(), signals(times, change=change), 30.0, DEFAULTS)
    # frozen until the frame that changed, then frozen again from that frame on
    assert spans(found, FindingKind.FROZEN_VIDEO) == [(5.0, 15.0), (15.0, 25.0)]


def test_black_stretch_is_not_also_frozen():
    times = regular_times(30, 5)
    black = (times >= 10) & (times < 14)
    found = continuity.picture_problems(
        recording(),
        signals(
            times,
            luma=np.where(black, 16.0, 120.0),
            uniform=np.where(black, 0.98, 0.3),
            change=np.where(black, 0.0, 1.0),
        ),
        30.0,
        DEFAULTS,
    )
    assert [(f.kind, round(f.start - T0, 3), round(f.end - T0, 3)) for f in found] == [
        (FindingKind.BLACK_VIDEO, 10.0, 14.0)
    ]
    assert "black" in found[0].detail


def test_blank_bright_picture_is_called_blank():
    times = regular_times(10, 5)
    found = continuity.picture_problems(
        recording(), signals(times, luma=200.0, uniform=0.99), 10.0, DEFAULTS
    )
    assert spans(found, FindingKind.BLACK_VIDEO) == [(0.0, 10.0)]
    assert "blank" in found[0].detail


def test_black_under_minimum_is_ignored():
    times = regular_times(10, 5)
    black = (times >= 2) & (times < 3.8)
    found = continuity.picture_problems(
        recording(), signals(times, uniform=np.where(black, 0.99, 0.3)), 10.0, DEFAULTS
    )
    assert found == []


def test_stretch_running_to_the_end_ends_where_decoding_ended():
    times = regular_times(10, 5)
    change = np.where(times >= 3.0, 0.0, 1.0)
    found = continuity.picture_problems(recording(), signals(times, change=change), 10.0, DEFAULTS)
    assert spans(found, FindingKind.FROZEN_VIDEO) == [(2.8, 10.0)]


def test_thresholds_come_from_the_site():
    times = regular_times(30, 5)
    change = np.where((times > 10) & (times < 13), 0.0, 1.0)
    strict = ContinuityThresholds(frozen_min_s=2.0)
    found = continuity.picture_problems(recording(), signals(times, change=change), 30.0, strict)
    assert spans(found, FindingKind.FROZEN_VIDEO) == [(10.0, 13.0)]


def test_truncation_under_tolerance_is_not_reported():
    assert continuity.truncation(recording(), 59.5, DEFAULTS) == []


def test_finding_ids_are_stable_and_distinct():
    times = np.concatenate([regular_times(20, 10), regular_times(20, 10, start=26.0)])
    a = continuity.timestamp_jumps(recording(), packets(times), DEFAULTS)
    b = continuity.timestamp_jumps(recording(), packets(times), DEFAULTS)
    c = continuity.timestamp_jumps(recording(sha256="c" * 64), packets(times), DEFAULTS)
    assert a[0].id == b[0].id != c[0].id
