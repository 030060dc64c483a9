"""The day report's pure parts: grouping, thumbnails, lots of the day, a whole day built from
hand-made store contents."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from analyzer.custody import CustodyEvent, EventType, LegKind
from analyzer.findings import FindingKind, Severity
from analyzer.intervals import Span
from analyzer.wallclock import day_window
from pipelines.daily_report.day import (
    FindingGroup,
    build_day,
    group_findings,
    lots_of_day,
    pick_thumbnails,
    rule_order,
)
from pipelines.site import Site
from tests.pipelines.daily_report.helpers import (
    DAY1,
    DAY2,
    SITE,
    ZONE,
    at,
    extract,
    finding,
    recording,
    stored,
)


def test_rules_sort_by_number() -> None:
    assert sorted(["V10", "V2", "custom", "V1"], key=rule_order) == ["V1", "V2", "V10", "custom"]


def test_findings_grouped_by_rule_and_severity() -> None:
    t = at(DAY1, "08:00")
    findings = [
        finding("cam-1a", t, t + 5, kind=FindingKind.FROZEN_VIDEO, severity=Severity.HIGH),
        finding("cam-1a", t + 9, t + 19, kind=FindingKind.BLACK_VIDEO, severity=Severity.HIGH),
        finding("cam-1a", t, t + 1, kind=FindingKind.DROPPED_FRAMES, severity=Severity.LOW),
        finding(
            "cam-1a+cam-1b",
            t,
            t + 9,
            kind=FindingKind.LONE_PERSON,
            rule="V7",
            severity=Severity.CRITICAL,
        ),
        finding("cam-1a", t, t + 60, kind=FindingKind.COVERAGE_GAP, rule="V1"),
    ]
    assert group_findings(findings) == (
        FindingGroup("V1", Severity.HIGH, 1, (FindingKind.COVERAGE_GAP,)),
        FindingGroup("V2", Severity.HIGH, 2, (FindingKind.BLACK_VIDEO, FindingKind.FROZEN_VIDEO)),
        FindingGroup("V2", Severity.LOW, 1, (FindingKind.DROPPED_FRAMES,)),
        FindingGroup("V7", Severity.CRITICAL, 1, (FindingKind.LONE_PERSON,)),
    )
    assert group_findings([]) == ()


def test_thumbnails_most_severe_first_existing_only_capped() -> None:
    t = at(DAY1, "08:00")
    low = finding("cam-1a", t, t + 1, severity=Severity.LOW, frame="/f/low.jpg")
    high = finding("cam-1a", t + 5, t + 6, severity=Severity.HIGH, frame="/f/high.jpg")
    same = finding("cam-1b", t + 6, t + 7, severity=Severity.HIGH, frame="/f/high.jpg")
    gone = finding("cam-1a", t, t + 1, severity=Severity.CRITICAL, frame="/f/gone.jpg")
    none = finding("cam-1a", t, t + 2, severity=Severity.CRITICAL)
    present = {"/f/low.jpg", "/f/high.jpg"}
    shown, left_out = pick_thumbnails([low, high, same, gone, none], present, limit=5)
    assert [s.path for s in shown] == [Path("/f/high.jpg"), Path("/f/low.jpg")]
    assert shown[0].finding == high
    assert left_out == 0
    shown, left_out = pick_thumbnails([low, high], present, limit=1)
    assert [s.path for s in shown] == [Path("/f/high.jpg")]
    assert left_out == 1


def event(event_id: str, time: float, kind: EventType, room: str, **extra: Any) -> CustodyEvent:
    return CustodyEvent(event_id, time, kind, "L1", room, **extra)


EVENTS = [
    event("E1", at(DAY1, "08:00"), EventType.ARRIVE, "vault-1", bundles=4),
    event("E2", at(DAY2, "07:00"), EventType.DEPART, "vault-1", bundles=4, device="phone-1"),
    event("E3", at(DAY2, "07:30"), EventType.ARRIVE, "office-1", bundles=4),
]


def test_lots_of_each_day() -> None:
    (first,) = lots_of_day(EVENTS, day_window(DAY1, ZONE), None)
    # Still in the vault at the end of day 1: its depart on day 2 is not known yet.
    assert (first.kind, first.from_room, first.start, first.end, first.bundles) == (
        LegKind.STAY,
        "vault-1",
        at(DAY1, "08:00"),
        None,
        4,
    )
    second = lots_of_day(EVENTS, day_window(DAY2, ZONE), None)
    assert [(lot.kind, lot.from_room, lot.to_room, lot.end) for lot in second] == [
        (LegKind.STAY, "vault-1", "vault-1", at(DAY2, "07:00")),
        (LegKind.MOVE, "vault-1", "office-1", at(DAY2, "07:30")),
        (LegKind.STAY, "office-1", "office-1", None),
    ]
    assert second[1].device == "phone-1"
    assert lots_of_day(EVENTS, day_window(DAY2, ZONE), frozenset({"elsewhere"})) == ()


def test_a_move_never_signed_in_stays_open() -> None:
    (_, move) = lots_of_day(EVENTS[:2], day_window(DAY2, ZONE), None)
    assert (move.kind, move.from_room, move.to_room, move.end) == (
        LegKind.MOVE,
        "vault-1",
        "",
        None,
    )


def test_build_day() -> None:
    window = day_window(DAY1, ZONE)
    recordings = (
        recording("a1", "cam-1a", at(DAY1, "00:00"), at(DAY1, "12:00")),
        recording("a2", "cam-1a", at(DAY1, "12:00:00.5"), at(DAY1, "20:00")),
        recording("x", "cam-elsewhere", at(DAY1, "00:00"), at(DAY1, "24:00")),
        recording("p", "phone-1", at(DAY1, "09:00"), at(DAY1, "09:05")),
    )
    frozen = finding("cam-1a", at(DAY1, "10:00"), at(DAY1, "10:30"), frame="/f/frozen.jpg")
    room = finding(
        "cam-1a+cam-1b",
        at(DAY1, "11:00"),
        at(DAY1, "11:01"),
        rule="V7",
        kind=FindingKind.LONE_PERSON,
        severity=Severity.CRITICAL,
    )
    other_site = finding("cam-elsewhere", at(DAY1, "01:00"), at(DAY1, "02:00"))
    yesterday = finding("cam-1a", at(DAY1, "00:00") - 100, at(DAY1, "00:00") - 50)
    old = finding("cam-1a", at(DAY1, "03:00"), at(DAY1, "03:01"))
    report = build_day(
        SITE,
        ZONE,
        DAY1,
        extract(
            window,
            recordings=recordings,
            findings=(
                stored(frozen),
                stored(room),
                stored(other_site),
                stored(yesterday),
                stored(old, version="0.0.1"),
            ),
        ),
        frames_present={"/f/frozen.jpg"},
    )
    assert [s.finding for s in report.findings] == [frozen, room]
    assert [(g.rule, g.count) for g in report.groups] == [("V2", 1), ("V7", 1)]
    assert [c.camera for c in report.cameras] == [
        "cam-1a",
        "cam-1b",
        "cam-2",
        "cam-duty",
        "phone-1",
    ]
    cam = report.cameras[0]
    assert cam.recordings == 2
    assert [(g.start, g.end) for g in cam.coverage.gaps] == [(at(DAY1, "20:00"), window.end)]
    assert cam.coverage.fraction == 20 / 24
    assert cam.unusable == (Span(frozen.start, frozen.end),)
    assert [(b.left, b.width) for b in cam.unusable_bars] == [(10 / 24, 0.5 / 24)]
    assert report.cameras[1].coverage.empty
    assert report.cameras[4].coverage.covered_s == 300
    assert [t.finding for t in report.thumbnails] == [frozen]
    assert report.marks[0].label == "00:00"


def test_a_site_file_without_cameras_reports_every_camera() -> None:
    window = day_window(DAY1, ZONE)
    recordings = (recording("x", "cam-x", at(DAY1, "00:00"), at(DAY1, "01:00")),)
    gap = finding("cam-x", at(DAY1, "01:00"), at(DAY1, "02:00"), kind=FindingKind.COVERAGE_GAP)
    report = build_day(
        Site(),
        ZONE,
        DAY1,
        extract(window, recordings=recordings, findings=(stored(gap),)),
        frames_present=set(),
    )
    assert [c.camera for c in report.cameras] == ["cam-x"]
    assert report.cameras[0].kind is None
    assert [s.finding for s in report.findings] == [gap]
