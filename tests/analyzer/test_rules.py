"""The custody rules on hand-made legs, spans and count timelines (no video)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from analyzer.counting import NOT_MEASURED, CountTimeline
from analyzer.custody import CustodyEvent, EventType, LegKind, RoomKind
from analyzer.findings import Finding, FindingKind, Severity
from analyzer.intervals import Span
from analyzer.legs import derive_legs
from analyzer.rules import (
    Evidence,
    ExamSession,
    RoomView,
    check_custody,
    count_series,
    link_findings,
    usable_video,
)
from analyzer.thresholds import CustodyThresholds
from tests.helpers import T0, recording

TH = CustodyThresholds()
ROOMS = {
    "vault-1": RoomView("vault-1", RoomKind.VAULT, ("cam-v1", "cam-v2")),
    "duty-1": RoomView("duty-1", RoomKind.DUTY, ("cam-d",)),
    "office": RoomView("office", RoomKind.EXAM_OFFICE, ("cam-o",)),
}


def event(
    eid: str, at: float, kind: str, location: str, bundles: int | None = 4, **kw
) -> CustodyEvent:
    return CustodyEvent(eid, T0 + at, EventType(kind), kw.pop("lot", "L1"), location, bundles, **kw)


# L1 arrives in the vault at 0 s, leaves at 1000 s with phone-1, arrives in the office at 1100 s
EVENTS = [
    event("E1", 0, "arrive", "vault-1"),
    event("E2", 1000, "depart", "vault-1", device="phone-1"),
    event("E3", 1100, "arrive", "office"),
    event("E4", 1300, "depart", "office", device="phone-1"),
]


def timeline(camera: str, start: float, persons: list[int], bundles: list[int] | None = None,
             step: float = 0.5) -> CountTimeline:  # fmt: skip
    n = len(persons)
    return CountTimeline(
        camera,
        "s" * 64,
        "test",
        T0 + start + np.arange(n) * step,
        np.asarray(persons, np.int64),
        np.asarray(bundles if bundles is not None else [NOT_MEASURED] * n, np.int64),
        np.ones(n, np.float32),
    )


def full_coverage(*cameras: str) -> dict[str, list[Span]]:
    return {camera: [Span(T0 - 100, T0 + 2000)] for camera in cameras}


def run(
    timelines: list[CountTimeline],
    coverage: dict[str, list[Span]] | None = None,
    events: list[CustodyEvent] | None = None,
    sessions: tuple[ExamSession, ...] = (),
    th: CustodyThresholds = TH,
) -> list[Finding]:
    events = EVENTS if events is None else events
    trail = derive_legs(events)
    by_camera: dict[str, list[CountTimeline]] = {}
    for t in timelines:
        by_camera.setdefault(t.camera, []).append(t)
    cov = (
        full_coverage("cam-v1", "cam-v2", "cam-o", "phone-1", "cam-d")
        if coverage is None
        else coverage
    )
    return check_custody(
        events=events,
        trail=trail,
        rooms=ROOMS,
        sessions=sessions,
        evidence=Evidence(cov, by_camera),
        thresholds=th,
        period=Span(T0 - 100, T0 + 2000),
    )


def of(findings: list[Finding], kind: FindingKind) -> list[tuple[float, float]]:
    return [(round(f.start - T0, 2), round(f.end - T0, 2)) for f in findings if f.kind is kind]


def lone_stretch(seconds: float, at: float = 100.0) -> CountTimeline:
    """Two people in the vault, then one alone for `seconds`, then two again (2 fps)."""
    n_alone = int(round(seconds * 2))
    return timeline("cam-v1", at - 10, [2] * 20 + [1] * n_alone + [2] * 20)


def test_legs_of_a_lot():
    trail = derive_legs(EVENTS)
    assert [(leg.kind, leg.start - T0, leg.end - T0, leg.device) for leg in trail.legs] == [
        (LegKind.STAY, 0, 1000, None),
        (LegKind.MOVE, 1000, 1100, "phone-1"),
        (LegKind.STAY, 1100, 1300, None),
    ]
    assert trail.legs[1].leg_id == "L1/E2-E3"
    assert [m.depart.event_id for m in trail.open_moves] == ["E4"]


def test_open_stay_lasts_until_the_end_of_the_period():
    trail = derive_legs([event("E1", 0, "arrive", "vault-1")], until=T0 + 500)
    assert [(leg.kind, leg.end - T0, leg.leg_id) for leg in trail.legs] == [
        (LegKind.STAY, 500, "L1/E1-open")
    ]


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [(5.0, [(100.0, 105.0)]), (4.5, []), (12.0, [(100.0, 112.0)])],
)
def test_lone_person_threshold_boundary(seconds, expected):
    findings = run([lone_stretch(seconds)])
    assert of(findings, FindingKind.LONE_PERSON) == expected
    if expected:
        [lone] = [f for f in findings if f.kind is FindingKind.LONE_PERSON]
        assert (lone.rule, lone.custody_leg, lone.custody_event) == ("V7", "L1/E1-E2", "E1")
        assert (lone.counts.persons_min, lone.counts.persons_max) == (1, 1)
        assert lone.severity is Severity.CRITICAL


def test_one_frame_flicker_does_not_split_a_lone_person_finding():
    persons = [2] * 10 + [1] * 8 + [2] + [1] * 8 + [2] * 10
    findings = run([timeline("cam-v1", 100, persons)])
    assert of(findings, FindingKind.LONE_PERSON) == [(105.0, 113.5)]


@pytest.mark.parametrize(("gap_frames", "expected_count"), [(2, 1), (3, 2)])
def test_findings_merge_across_a_one_second_dropout(gap_frames, expected_count):
    # 2 frames at 2 fps = a 1 s dropout (merged); 3 frames = 1.5 s (two findings)
    persons = [2] * 10 + [1] * 12 + [2] * gap_frames + [1] * 12 + [2] * 10
    findings = run([timeline("cam-v1", 100, persons)])
    assert len(of(findings, FindingKind.LONE_PERSON)) == expected_count


def test_second_camera_seeing_two_people_clears_lone_person():
    alone_on_v1 = lone_stretch(10)
    assert of(run([alone_on_v1, timeline("cam-v2", 90, [2] * 60)]), FindingKind.LONE_PERSON) == []
    # each camera seeing one person may be the same person: still reported
    assert of(run([alone_on_v1, timeline("cam-v2", 90, [1] * 60)]), FindingKind.LONE_PERSON) == [
        (100.0, 110.0)
    ]


def test_lone_person_outside_a_stay_is_not_custody():
    # the vault holds no papers after the lot left at 1000 s
    assert of(run([lone_stretch(20, at=1500)]), FindingKind.LONE_PERSON) == []


def test_handheld_no_carrier_and_paper_off_camera():
    # the move lasts 1000..1100 s; phone-1 sees the carrier and 4 bundles except:
    persons = [1] * 40 + [0] * 8 + [1] * 152  # 4 s without carrier at 1020 s
    bundles = [4] * 100 + [3] * 5 + [4] * 95  # 2.5 s with one bundle out of frame: too short
    bundles[150:160] = [2] * 10  # 5 s with two out of frame
    findings = run([timeline("phone-1", 1000, persons, bundles)])
    assert of(findings, FindingKind.NO_CARRIER) == [(1020.0, 1024.0)]
    assert of(findings, FindingKind.PAPER_OFF_CAMERA) == [(1075.0, 1080.0)]
    off = next(f for f in findings if f.kind is FindingKind.PAPER_OFF_CAMERA)
    assert (off.rule, off.custody_leg, off.counts.bundles_min, off.counts.bundles_expected) == (
        "V5",
        "L1/E2-E3",
        2,
        4,
    )


def test_handheld_without_person_counts_judges_no_carrier_not():
    findings = run([timeline("phone-1", 1000, [NOT_MEASURED] * 200, [4] * 200)])
    assert of(findings, FindingKind.NO_CARRIER) == []


@pytest.mark.parametrize(
    ("phone_starts", "expected_kind", "expected"),
    [
        (1008, None, None),  # within the 10 s allowed
        (1010, None, None),  # exactly 10 s
        (1012, FindingKind.LATE_RECORDING_START, (1000.0, 1012.0)),
    ],
)
def test_late_handheld_start(phone_starts, expected_kind, expected):
    coverage = full_coverage("cam-v1", "cam-o")
    coverage["phone-1"] = [Span(T0 + phone_starts, T0 + 1100)]
    findings = [f for f in run([], coverage) if f.custody_leg == "L1/E2-E3"]
    if expected_kind is None:
        assert findings == []
    else:
        assert [(f.kind, f.rule) for f in findings] == [(expected_kind, "V4")]
        assert of(findings, expected_kind) == [expected]


def test_gaps_in_a_stay_and_a_device_with_no_recording():
    coverage = {"cam-v1": [Span(T0 - 10, T0 + 400), Span(T0 + 460, T0 + 1500)], "cam-o": []}
    findings = run([], coverage)
    assert of(findings, FindingKind.COVERAGE_GAP) == [
        (400.0, 460.0),
        (1000.0, 1100.0),
        (1100.0, 1300.0),
    ]
    move_gap = next(f for f in findings if f.custody_leg == "L1/E2-E3")
    assert "phone-1" in move_gap.detail and move_gap.rule == "V4"
    assert next(f for f in findings if f.custody_leg == "L1/E1-E2").rule == "V1"


def test_usable_video_excludes_frozen_and_black_stretches():
    rec = recording(camera="cam-v1", start=T0, duration_s=600, decoded_to=T0 + 550)
    frozen = Finding(
        FindingKind.FROZEN_VIDEO, "V2", ("cam-v1",), T0 + 100, T0 + 110, Severity.HIGH, "x"
    )
    lone = Finding(
        FindingKind.LONE_PERSON, "V7", ("cam-v1",), T0 + 200, T0 + 210, Severity.HIGH, "x"
    )
    assert usable_video([rec], [frozen, lone]) == {
        "cam-v1": [Span(T0, T0 + 100), Span(T0 + 110, T0 + 550)]
    }


@pytest.mark.parametrize(
    ("seen", "expected"), [(4, []), (3, [(-30.0, 30.0)]), (5, [(-30.0, 30.0)])]
)
def test_bundle_count_at_arrival(seen, expected):
    t = timeline("cam-v1", -20, [2] * 80, [seen] * 80)
    findings = run([t])
    assert of(findings, FindingKind.BUNDLE_COUNT_MISMATCH) == expected
    if expected:
        [mismatch] = [f for f in findings if f.kind is FindingKind.BUNDLE_COUNT_MISMATCH]
        assert (mismatch.custody_event, mismatch.rule) == ("E1", "V10")


def test_unlogged_access_to_the_vault():
    near_event = timeline("cam-v1", 300, [2] * 20)  # 300 s after E1: within 10 min
    late_visit = timeline("cam-v2", 1800, [1] * 20)  # 800 s after E2 departed: not logged
    findings = run([near_event, late_visit])
    assert of(findings, FindingKind.UNLOGGED_ACCESS) == [(1800.0, 1810.0)]
    [visit] = [f for f in findings if f.kind is FindingKind.UNLOGGED_ACCESS]
    assert visit.custody_event is None and visit.rule == "V9"


def test_duty_room_understaffed():
    events = [*EVENTS, event("D1", -50, "duty", "duty-1", bundles=None, lot="", persons=("A", "B"))]
    duty = timeline("cam-d", 0, [2] * 100 + [1] * 130 + [2] * 10)
    findings = run([duty], events=events)
    assert of(findings, FindingKind.DUTY_UNDERSTAFFED) == [(50.0, 115.0)]
    assert (
        next(f for f in findings if f.kind is FindingKind.DUTY_UNDERSTAFFED).custody_event == "D1"
    )


def test_early_pickup():
    on_time = ExamSession("S1", T0 + 1000 + 3600, ("L1",))
    early = ExamSession("S1", T0 + 1000 + 3600 + 1800, ("L1",))
    assert of(run([], sessions=(on_time,)), FindingKind.EARLY_PICKUP) == []
    assert of(run([], sessions=(early,)), FindingKind.EARLY_PICKUP) == [(1000.0, 2800.0)]


def test_depart_without_arrival_is_a_finding():
    findings = run([])
    [missing] = [f for f in findings if f.kind is FindingKind.MISSING_ARRIVAL]
    assert (missing.custody_event, missing.start - T0) == ("E4", 1300)


def test_continuity_findings_are_linked_to_their_leg():
    frozen = Finding(
        FindingKind.FROZEN_VIDEO, "V2", ("cam-v2",), T0 + 10, T0 + 20, Severity.HIGH, "x"
    )
    elsewhere = Finding(
        FindingKind.FROZEN_VIDEO, "V2", ("cam-x",), T0 + 10, T0 + 20, Severity.HIGH, "x"
    )
    on_phone = Finding(
        FindingKind.BLACK_VIDEO, "V2", ("phone-1",), T0 + 1050, T0 + 1055, Severity.HIGH, "x"
    )
    linked = link_findings([frozen, elsewhere, on_phone], derive_legs(EVENTS), ROOMS)
    assert [(f.custody_leg, f.custody_event) for f in linked] == [
        ("L1/E1-E2", "E1"),
        (None, None),
        ("L1/E2-E3", "E2"),
    ]


def test_count_series_takes_the_larger_count_and_ignores_stale_samples():
    a = timeline("cam-v1", 0, [1, 1, 1, 1])
    b = timeline("cam-v2", 0.25, [2, 0])
    series = count_series({"cam-v1": [a], "cam-v2": [b]}, ("cam-v1", "cam-v2"), Span(T0, T0 + 10))
    assert series.time.tolist() == [T0 + x for x in (0.0, 0.25, 0.5, 0.75, 1.0, 1.5)]
    # b's last sample (0 at 0.75 s) is stale after 2.25 s, not before
    assert series.persons.tolist() == [1, 2, 2, 1, 1, 1]


def counted(base: CountTimeline, confidence: float, counted_with: str) -> CountTimeline:
    """`base` as counted by `counted_with`, every frame at `confidence`."""
    return dataclasses.replace(
        base,
        counted_with=counted_with,
        confidence=np.full(len(base), confidence, np.float32),
    )


YOLOX = "persons=yolox-nano@e8af074932d4;bundles=none;every_s=0.5"
MOTION = "persons=motion-person-fallback (low confidence);bundles=none;every_s=0.5"


@pytest.mark.parametrize(
    ("confidence", "counted_with", "low"),
    [(0.82, YOLOX, False), (0.5, YOLOX, False), (0.49, YOLOX, True), (0.3, MOTION, True)],
)
def test_count_findings_carry_their_detector_and_confidence(confidence, counted_with, low):
    findings = run([counted(lone_stretch(8.0), confidence, counted_with)])
    [lone] = [f for f in findings if f.kind is FindingKind.LONE_PERSON]
    person = counted_with.split(";")[0].removeprefix("persons=")
    assert lone.counts.counted_by == f"persons: {person}; bundles: none"
    assert lone.counts.confidence == pytest.approx(confidence, abs=1e-3)
    assert lone.counts.low_confidence is low
    assert ("low-confidence counts" in lone.detail) is low
    # the caveat is information, not a new finding: the id stays the same
    [plain] = [f for f in run([lone_stretch(8.0)]) if f.kind is FindingKind.LONE_PERSON]
    assert lone.id == plain.id


def test_count_confidence_is_the_median_of_the_finding_frames():
    base = lone_stretch(10.0)
    confidence = np.full(len(base), 0.9, np.float32)
    confidence[20:24] = 0.2  # four weak frames of twenty alone do not make the finding unsure
    findings = run([dataclasses.replace(base, counted_with=YOLOX, confidence=confidence)])
    [lone] = [f for f in findings if f.kind is FindingKind.LONE_PERSON]
    assert lone.counts.confidence == pytest.approx(0.9) and not lone.counts.low_confidence


def test_rooms_seen_by_two_detectors_name_both():
    a = counted(timeline("cam-v1", 90, [2] * 20 + [1] * 16 + [2] * 20), 0.8, YOLOX)
    b = counted(timeline("cam-v2", 90, [0] * 56), 0.3, MOTION)
    [lone] = [f for f in run([a, b]) if f.kind is FindingKind.LONE_PERSON]
    assert lone.counts.counted_by == (
        "persons: motion-person-fallback (low confidence); bundles: none | "
        "persons: yolox-nano@e8af074932d4; bundles: none"
    )
    # the least sure camera speaks for the room's count
    assert lone.counts.low_confidence
