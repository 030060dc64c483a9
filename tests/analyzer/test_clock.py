"""The on-screen clock against the video's timestamps: jumps, drift, unreadable stretches,
on hand-made readings."""

from __future__ import annotations

import math
from datetime import UTC

import numpy as np
import pytest

from analyzer.clock import ClockThresholds, ClockTimeline, analyse_clock, clock_findings, no_clock
from analyzer.findings import FindingKind
from analyzer.recording import CameraKind, RecordingInfo, StartSource

START = 1_700_000_000.0
THRESHOLDS = ClockThresholds()


def readings(
    duration_s: float,
    *,
    every_s: float = 1.0,
    phase_s: float = 0.37,
    offset_s: float = 0.0,
    cuts: tuple[tuple[float, float], ...] = (),
    unreadable: tuple[tuple[float, float], ...] = (),
    misread: dict[float, float] | None = None,
) -> ClockTimeline:
    """What a clock shows at each reading: whole seconds of the file's time + offset, shifted by
    every cut (at video time `at`, the clock jumps `jump_s`)."""
    time = np.arange(0.0, duration_s, every_s)
    exact = START + offset_s + phase_s + time
    exact += sum(np.where(time >= at, jump, 0.0) for at, jump in cuts)
    shown = np.floor(exact)
    for start, end in unreadable:
        shown[(time >= start) & (time < end)] = np.nan
    for at, error in (misread or {}).items():
        shown[np.isclose(time, at)] += error
    return ClockTimeline(time, shown)


def recording(duration_s: float = 600.0) -> RecordingInfo:
    return RecordingInfo(
        path="/media/ch01.mp4",
        sha256="ab" * 32,
        size_bytes=1,
        camera="vault-1",
        camera_kind=CameraKind.FIXED,
        start=START,
        start_source=StartSource.FILE_NAME,
        duration_s=duration_s,
        fps=25.0,
        width=1280,
        height=720,
        codec="h264",
        container="mp4",
        rotation=0,
        decoded_to=START + duration_s,
        decode_errors=0,
    )


def analyse(timeline: ClockTimeline, duration_s: float = 600.0):
    return analyse_clock(timeline, START, duration_s, THRESHOLDS)


@pytest.mark.parametrize("phase_s", [0.0, 0.37, 0.99])
@pytest.mark.parametrize("every_s", [0.2, 1.0, 4.0])
def test_a_steady_clock_has_no_jump_and_its_offset_is_measured(phase_s, every_s):
    found = analyse(readings(600, every_s=every_s, phase_s=phase_s, offset_s=12.0))
    assert found.steps == []
    assert found.unreadable == []
    assert found.offset_s == pytest.approx(12.0 + phase_s, abs=0.51)


@pytest.mark.parametrize(
    ("at", "jump_s"), [(100.0, 47.0), (250.0, 3600.0), (300.0, -20.0), (400.0, 3.0), (50.0, -3.0)]
)
def test_a_cut_is_placed_between_the_readings_around_it(at, jump_s):
    found = analyse(readings(600, cuts=((at, jump_s),)))
    assert len(found.steps) == 1
    step = found.steps[0]
    assert step.before_s == at - 1.0
    assert step.after_s == at
    assert step.step_s == pytest.approx(jump_s, abs=1.0)


def test_two_cuts_are_two_steps():
    found = analyse(readings(600, cuts=((100.0, 60.0), (400.0, -30.0))))
    assert [(s.after_s, round(s.step_s)) for s in found.steps] == [(100.0, 60), (400.0, -30)]


@pytest.mark.parametrize("error", [3600.0, -86400.0, 10.0, 2.0])
def test_a_lone_misread_is_no_jump(error):
    found = analyse(readings(600, misread={200.0: error}))
    assert found.steps == []


def test_two_misreads_in_a_row_are_no_jump_either():
    found = analyse(readings(600, misread={200.0: 600.0, 201.0: 600.0}))
    assert found.steps == []


def test_a_jump_at_the_very_end_is_not_confirmed():
    # two readings after it are fewer than `confirm_readings`
    found = analyse(readings(600, cuts=((598.0, 60.0),)))
    assert found.steps == []


def test_a_second_of_rounding_is_no_jump():
    # the clock is read twice a second: the same second shows at two video times
    found = analyse(readings(600, every_s=0.5, phase_s=0.5))
    assert found.steps == []


def test_unreadable_stretches_at_least_the_threshold_are_reported():
    found = analyse(readings(600, unreadable=((100.0, 160.0), (300.0, 310.0))))
    assert [(u.start, u.end) for u in found.unreadable] == [(100.0, 160.0)]
    assert found.steps == []


def test_readings_in_a_frozen_stretch_are_left_out():
    timeline = readings(600)
    frozen = timeline.shown.copy()
    frozen[(timeline.time >= 100) & (timeline.time < 140)] = frozen[100]
    kept = ClockTimeline(timeline.time, frozen).outside([(100.0, 139.0)])
    assert len(kept) == 560
    assert not np.any((kept.time >= 100) & (kept.time <= 139))
    assert analyse(kept).steps == []


def test_a_clock_that_stops_and_resumes_on_time_is_no_jump():
    # the picture's clock stood still for 40 s (a frozen picture), then shows the right time
    timeline = readings(600)
    stopped = timeline.shown.copy()
    stopped[(timeline.time >= 100) & (timeline.time < 140)] = stopped[100]
    assert analyse(ClockTimeline(timeline.time, stopped)).steps == []


def test_a_clock_never_read_has_no_offset():
    found = analyse(readings(600, unreadable=((0.0, 600.0),)))
    assert found.offset_s is None
    assert [(u.start, u.end) for u in found.unreadable] == [(0.0, 600.0)]


def test_findings_of_a_cut_drift_and_unreadable_clock():
    timeline = readings(600, offset_s=-95.0, cuts=((200.0, 300.0),), unreadable=((400.0, 450.0),))
    found = clock_findings(recording(), analyse(timeline), THRESHOLDS, UTC)
    by_kind = {f.kind: f for f in found}
    assert set(by_kind) == {
        FindingKind.CLOCK_JUMP,
        FindingKind.CLOCK_DRIFT,
        FindingKind.CLOCK_UNREADABLE,
    }
    jump = by_kind[FindingKind.CLOCK_JUMP]
    assert (jump.start, jump.end) == (START + 199.0, START + 200.0)
    assert "forward 300 s" in jump.detail
    drift = by_kind[FindingKind.CLOCK_DRIFT]
    assert "95 s behind" in drift.detail or "94 s behind" in drift.detail
    assert (drift.start, drift.end) == (START, START + 600.0)
    gap = by_kind[FindingKind.CLOCK_UNREADABLE]
    assert (gap.start, gap.end) == (START + 400.0, START + 450.0)
    assert all(f.rule == "V2" for f in found)


@pytest.mark.parametrize("offset_s", [0.0, 20.0, -25.0])
def test_a_clock_within_the_drift_allowance_is_no_finding(offset_s):
    found = clock_findings(recording(), analyse(readings(600, offset_s=offset_s)), THRESHOLDS, UTC)
    assert found == []


def test_no_readings_at_all_is_no_finding():
    found = analyse(ClockTimeline.empty())
    assert (found.offset_s, found.steps, found.unreadable) == (None, [], [])


def test_no_clock_covers_the_whole_recording():
    finding = no_clock(recording(), "no part of the picture changes once a second")
    assert finding.kind is FindingKind.CLOCK_UNREADABLE
    assert (finding.start, finding.end) == (START, START + 600.0)


def test_timeline_checks_its_arrays():
    with pytest.raises(ValueError, match="increase"):
        ClockTimeline(np.array([1.0, 1.0]), np.array([0.0, 0.0]))
    with pytest.raises(ValueError, match="differ"):
        ClockTimeline(np.array([1.0, 2.0]), np.array([0.0]))


def test_timeline_with_rows_merges_in_time_order():
    merged = readings(10, every_s=2.0).with_rows(readings(10, every_s=1.0))
    assert list(merged.time) == [float(t) for t in range(10)]
    assert not any(math.isnan(v) for v in merged.shown)


def test_a_new_offset_in_sparse_readings_is_left_unsettled_for_a_denser_read():
    """Keyframes 4 s apart: the cut at 34 s shows in two readings before the end, too few to
    confirm; the stretch from the last reading on the old level to the end is to be read
    again."""
    sparse = readings(42.0, every_s=4.0, cuts=((34.0, 47.0),))
    analysis = analyse_clock(sparse, START, 42.0, THRESHOLDS)
    assert analysis.steps == []
    assert analysis.unsettled == [(32.0, 42.0)]
    # read again once a second, the same readings confirm it
    denser = sparse.with_rows(readings(42.0, cuts=((34.0, 47.0),)))
    settled = analyse_clock(denser, START, 42.0, THRESHOLDS)
    [step] = settled.steps
    assert (step.before_s, step.after_s) == (33.0, 34.0)
    assert settled.unsettled == []


def test_a_lone_misread_among_sparse_readings_is_unsettled_and_among_dense_ones_is_not():
    sparse = analyse_clock(readings(60.0, every_s=4.0, misread={28.0: 40}), START, 60, THRESHOLDS)
    assert sparse.steps == [] and sparse.unsettled == [(24.0, 32.0)]
    dense = analyse_clock(readings(60.0, misread={28.0: 40}), START, 60.0, THRESHOLDS)
    assert dense.steps == [] and dense.unsettled == []
