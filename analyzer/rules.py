"""The custody rules: what the video shows, checked against the signed custody legs.

Pure functions from legs, usable-video spans and count timelines to findings (RULES.md V1,
V4-V10, V13). Every finding names the leg and the event it belongs to where one applies.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from analyzer.counting import NOT_MEASURED, CountTimeline
from analyzer.custody import CustodyEvent, CustodyLeg, EventType, LegKind, RoomKind
from analyzer.findings import NOT_COVERAGE, Counts, Finding, FindingKind, Severity
from analyzer.intervals import Span, mask_intervals, merge_spans, subtract_spans
from analyzer.legs import CustodyTrail
from analyzer.recording import RecordingInfo
from analyzer.thresholds import CustodyThresholds


@dataclass(frozen=True)
class RoomView:
    """A room and the fixed cameras that watch it."""

    room_id: str
    kind: RoomKind
    cameras: tuple[str, ...]


@dataclass(frozen=True)
class ExamSession:
    """An exam session: its start (POSIX) and the lots used in it."""

    session_id: str
    start: float
    lots: tuple[str, ...]


@dataclass(frozen=True)
class Evidence:
    """What the video of the period shows: usable spans and count timelines per camera."""

    coverage: dict[str, list[Span]] = field(default_factory=dict)
    timelines: dict[str, list[CountTimeline]] = field(default_factory=dict)


def usable_video(
    recordings: Sequence[RecordingInfo], findings: Sequence[Finding]
) -> dict[str, list[Span]]:
    """Per camera, the spans with usable video (V2): what decoded, less every stretch that a
    continuity finding says is missing, frozen, black or broken."""
    decoded: dict[str, list[Span]] = {}
    for recording in recordings:
        if recording.decoded_to > recording.start:
            decoded.setdefault(recording.camera, []).append(
                Span(recording.start, recording.decoded_to)
            )
    bad: dict[str, list[Span]] = {}
    for finding in findings:
        if finding.kind in NOT_COVERAGE and finding.end > finding.start:
            for camera in finding.cameras:
                bad.setdefault(camera, []).append(Span(finding.start, finding.end))
    usable = {}
    for camera, spans in decoded.items():
        pieces = []
        for span in merge_spans(spans):
            pieces.extend(subtract_spans(span, bad.get(camera, [])))
        usable[camera] = pieces
    return usable


@dataclass(frozen=True)
class CountSeries:
    """People and bundles seen by a group of cameras, sampled on the union of their times.

    time: (n,) POSIX seconds; persons, bundles: (n,) int64, the largest count any camera saw
    at that moment (each camera's latest sample, if not older than `stale_s`), or
    `NOT_MEASURED` where no camera measured it; confidence: (n,) float64, the least confidence
    of those samples (NaN where none). `counted_by` names the detectors of each distinct
    setup that contributed.
    """

    time: npt.NDArray[np.float64]
    persons: npt.NDArray[np.int64]
    bundles: npt.NDArray[np.int64]
    confidence: npt.NDArray[np.float64]
    cameras: tuple[str, ...]
    counted_by: tuple[str, ...] = ()


def count_series(
    timelines: dict[str, list[CountTimeline]],
    cameras: Sequence[str],
    window: Span,
    stale_s: float = 1.5,
) -> CountSeries:
    """What `cameras` together saw during `window`.

    Two cameras in one room may each see part of it; the larger of their counts is a lower
    bound of who is there. Two cameras that each see one person may see the same one, so that
    still counts as one: without matching people across cameras, a possible lone person is
    reported rather than missed.
    """
    parts = [
        t
        for camera in cameras
        for t in timelines.get(camera, [])
        if len(t) and t.time[0] <= window.end and t.time[-1] >= window.start
    ]
    if not parts:
        empty_i = np.zeros(0, np.int64)
        empty_f = np.zeros(0, np.float64)
        return CountSeries(empty_f, empty_i, empty_i.copy(), empty_f.copy(), tuple(cameras))
    times = np.unique(np.concatenate([t.time for t in parts]))
    times = times[(times >= window.start) & (times <= window.end)]
    persons = np.full(times.size, NOT_MEASURED, np.int64)
    bundles = np.full(times.size, NOT_MEASURED, np.int64)
    confidence = np.full(times.size, np.nan, np.float64)
    for timeline in parts:
        index = np.searchsorted(timeline.time, times, side="right") - 1
        valid = index >= 0
        fresh = valid.copy()
        fresh[valid] = times[valid] - timeline.time[index[valid]] <= stale_s
        persons[fresh] = np.maximum(persons[fresh], timeline.persons[index[fresh]])
        bundles[fresh] = np.maximum(bundles[fresh], timeline.bundles[index[fresh]])
        confidence[fresh] = np.fmin(confidence[fresh], timeline.confidence[index[fresh]])
    seen = tuple(sorted({t.camera for t in parts}))
    counted_by = tuple(sorted({str(t.counted_by) for t in parts}))
    return CountSeries(times, persons, bundles, confidence, seen, counted_by)


def condition_spans(
    series: CountSeries,
    mask: npt.NDArray[np.bool_],
    *,
    min_s: float,
    merge_gap_s: float,
    window_end: float,
) -> list[tuple[Span, int, int]]:
    """Spans where `mask` holds for at least `min_s`, after joining stretches split by a gap of
    at most `merge_gap_s`; with the first and last sample index of each."""
    if series.time.size == 0:
        return []
    # The last sample speaks for one sampling step, not for the rest of the window.
    step = float(np.median(np.diff(series.time))) if series.time.size > 1 else 0.0
    ends = np.append(series.time[1:], min(window_end, float(series.time[-1]) + step))
    raw = mask_intervals(series.time, ends, mask, 0.0)
    joined: list[tuple[Span, int, int]] = []
    for interval in raw:
        span = Span(interval.start, interval.end)
        if joined and span.start - joined[-1][0].end <= merge_gap_s + 1e-9:
            previous, first, _ = joined[-1]
            joined[-1] = (Span(previous.start, span.end), first, interval.last)
        else:
            joined.append((span, interval.first, interval.last))
    return [j for j in joined if j[0].duration_s >= min_s - 1e-9]


def _counts(series: CountSeries, first: int, last: int, expected: int | None) -> Counts:
    persons = series.persons[first : last + 1]
    bundles = series.bundles[first : last + 1]
    persons = persons[persons != NOT_MEASURED]
    bundles = bundles[bundles != NOT_MEASURED]
    confidence = series.confidence[first : last + 1]
    confidence = confidence[~np.isnan(confidence)]
    return Counts(
        persons_min=int(persons.min()) if persons.size else None,
        persons_max=int(persons.max()) if persons.size else None,
        bundles_min=int(bundles.min()) if bundles.size else None,
        bundles_expected=expected,
        counted_by=" | ".join(series.counted_by) or None,
        # The median: one frame's weak box does not make a minute of counts unsure.
        confidence=round(float(np.median(confidence)), 3) if confidence.size else None,
    )


@dataclass(frozen=True)
class Held:
    """A stretch where a rule's condition held long enough, with what was counted over it."""

    span: Span
    counts: Counts


def held(
    series: CountSeries,
    mask: npt.NDArray[np.bool_],
    *,
    min_s: float,
    merge_gap_s: float,
    window_end: float,
    expected: int | None = None,
) -> list[Held]:
    """`condition_spans` with each span's counts (`expected`: the bundles of the form)."""
    spans = condition_spans(
        series, mask, min_s=min_s, merge_gap_s=merge_gap_s, window_end=window_end
    )
    return [Held(span, _counts(series, first, last, expected)) for span, first, last in spans]


@dataclass(frozen=True)
class CountRule:
    """A count-based rule: the finding it raises for each stretch its condition held."""

    kind: FindingKind
    rule: str
    severity: Severity

    def finding(
        self,
        stretch: Held,
        cameras: tuple[str, ...],
        detail: str,
        *,
        leg: str | None = None,
        event: str | None = None,
    ) -> Finding:
        span = stretch.span
        return Finding(
            kind=self.kind,
            rule=self.rule,
            cameras=cameras,
            start=span.start,
            end=span.end,
            severity=self.severity,
            detail=detail,
            counts=stretch.counts,
            custody_leg=leg,
            custody_event=event,
            frame_time=(span.start + span.end) / 2,
        )


LONE_PERSON = CountRule(FindingKind.LONE_PERSON, "V7", Severity.CRITICAL)
NO_CARRIER = CountRule(FindingKind.NO_CARRIER, "V6", Severity.CRITICAL)
PAPER_OFF_CAMERA = CountRule(FindingKind.PAPER_OFF_CAMERA, "V5", Severity.CRITICAL)
UNLOGGED_ACCESS = CountRule(FindingKind.UNLOGGED_ACCESS, "V9", Severity.CRITICAL)
DUTY_UNDERSTAFFED = CountRule(FindingKind.DUTY_UNDERSTAFFED, "V8", Severity.HIGH)


def leg_coverage(
    leg: CustodyLeg,
    rooms: dict[str, RoomView],
    evidence: Evidence,
    thresholds: CustodyThresholds,
) -> list[Finding]:
    """V1 for stays (the room's fixed cameras), V4 for moves (the handheld recorder): every
    part of the leg without usable video, and a handheld recording that starts late."""
    window = Span(leg.start, leg.end)
    if leg.kind is LegKind.STAY:
        room = rooms.get(leg.room)
        cameras = room.cameras if room is not None else ()
        rule, what = "V1", f"room {leg.room}"
    else:
        cameras = (leg.device,) if leg.device else ()
        rule, what = "V4", f"handheld recorder {leg.device or '(none named on the form)'}"
    covered = [span for camera in cameras for span in evidence.coverage.get(camera, [])]
    holes = [
        h for h in subtract_spans(window, covered) if h.duration_s >= thresholds.coverage_gap_s
    ]
    counts = Counts(bundles_expected=leg.bundles)
    if not [s for s in covered if s.end > window.start and s.start < window.end]:
        return [
            Finding(
                kind=FindingKind.COVERAGE_GAP,
                rule=rule,
                start=window.start,
                end=window.end,
                severity=Severity.CRITICAL,
                detail=f"no usable video of {what} for the whole {leg.kind.value} "
                f"({window.duration_s:.0f} s)",
                cameras=cameras,
                counts=counts,
                custody_leg=leg.leg_id,
                custody_event=leg.start_event,
            )
        ]
    findings = []
    for hole in holes:
        late = leg.kind is LegKind.MOVE and hole.start == window.start
        if late and hole.duration_s <= thresholds.late_start_s:
            continue  # within the allowed delay of starting the handheld recording
        findings.append(
            Finding(
                kind=FindingKind.LATE_RECORDING_START if late else FindingKind.COVERAGE_GAP,
                rule=rule,
                start=hole.start,
                end=hole.end,
                severity=Severity.HIGH,
                detail=(
                    f"handheld recording starts {hole.duration_s:.1f} s after departure "
                    f"(allowed {thresholds.late_start_s:g} s)"
                    if late
                    else f"{hole.duration_s:.1f} s of the {leg.kind.value} without usable "
                    f"video of {what}"
                ),
                cameras=cameras,
                counts=counts,
                custody_leg=leg.leg_id,
                custody_event=leg.start_event,
            )
        )
    return findings


def lone_person(
    leg: CustodyLeg, rooms: dict[str, RoomView], evidence: Evidence, th: CustodyThresholds
) -> list[Finding]:
    """V7: during a stay, exactly one person visible in the room for `lone_person_s`."""
    room = rooms.get(leg.room)
    if leg.kind is not LegKind.STAY or room is None:
        return []
    window = Span(leg.start, leg.end)
    series = count_series(evidence.timelines, room.cameras, window)
    stretches = held(
        series,
        series.persons == 1,
        min_s=th.lone_person_s,
        merge_gap_s=th.merge_gap_s,
        window_end=window.end,
        expected=leg.bundles,
    )
    return [
        LONE_PERSON.finding(
            stretch,
            series.cameras,
            f"one person alone with lot {leg.lot} in {leg.room} for "
            f"{stretch.span.duration_s:.0f} s",
            leg=leg.leg_id,
            event=leg.start_event,
        )
        for stretch in stretches
    ]


def handheld_content(leg: CustodyLeg, evidence: Evidence, th: CustodyThresholds) -> list[Finding]:
    """V6 and V5 on a move's handheld recording: no carrier in the picture, or fewer bundles
    than the form says, for a few seconds."""
    if leg.kind is not LegKind.MOVE or not leg.device:
        return []
    window = Span(leg.start, leg.end)
    series = count_series(evidence.timelines, (leg.device,), window)
    checks: list[tuple[CountRule, npt.NDArray[np.bool_], float, str]] = [
        (NO_CARRIER, series.persons == 0, th.no_carrier_s, "no carrier in the handheld picture")
    ]
    if leg.bundles is not None:
        checks.append(
            (
                PAPER_OFF_CAMERA,
                (series.bundles != NOT_MEASURED) & (series.bundles < leg.bundles),
                th.paper_off_camera_s,
                f"fewer than the {leg.bundles} bundles of the form in the handheld picture",
            )
        )
    return [
        rule.finding(
            stretch,
            (leg.device,),
            f"{what} for {stretch.span.duration_s:.0f} s while moving lot {leg.lot}",
            leg=leg.leg_id,
            event=leg.start_event,
        )
        for rule, mask, min_s, what in checks
        for stretch in held(
            series,
            mask,
            min_s=min_s,
            merge_gap_s=th.merge_gap_s,
            window_end=window.end,
            expected=leg.bundles,
        )
    ]


def bundle_counts_at_events(
    events: Sequence[CustodyEvent],
    trail: CustodyTrail,
    rooms: dict[str, RoomView],
    evidence: Evidence,
    th: CustodyThresholds,
) -> list[Finding]:
    """V10: around an arrive, depart or handover, the most bundles the room's cameras saw at
    once must equal the count on the form. Events where no camera counted bundles are not
    judged (that is a coverage finding, not a count)."""
    findings = []
    for event in events:
        if event.type not in (EventType.ARRIVE, EventType.DEPART, EventType.HANDOVER):
            continue
        room = rooms.get(event.location)
        if event.bundles is None or room is None:
            continue
        window = Span(event.time - th.bundle_window_s, event.time + th.bundle_window_s)
        series = count_series(evidence.timelines, room.cameras, window)
        measured = series.bundles[series.bundles != NOT_MEASURED]
        if measured.size == 0 or int(measured.max()) == event.bundles:
            continue
        leg = trail.leg_at(event.lot, event.time)
        findings.append(
            Finding(
                kind=FindingKind.BUNDLE_COUNT_MISMATCH,
                rule="V10",
                cameras=series.cameras,
                start=window.start,
                end=window.end,
                severity=Severity.HIGH,
                detail=f"{event.type.value} of lot {event.lot}: form says {event.bundles} "
                f"bundles, at most {int(measured.max())} seen on video",
                counts=_counts(series, 0, series.time.size - 1, event.bundles),
                custody_leg=None if leg is None else leg.leg_id,
                custody_event=event.event_id,
                frame_time=event.time,
            )
        )
    return findings


def _rooms_seen(
    rooms: dict[str, RoomView], kind: RoomKind, evidence: Evidence, period: Span
) -> Iterator[tuple[RoomView, CountSeries]]:
    """Each room of `kind` that has cameras, with what they counted during `period` (a room
    without cameras has nothing to judge: its stays are coverage gaps, V1)."""
    for room in rooms.values():
        if room.kind is kind and room.cameras:
            yield room, count_series(evidence.timelines, room.cameras, period)


def unlogged_access(
    events: Sequence[CustodyEvent],
    trail: CustodyTrail,
    rooms: dict[str, RoomView],
    evidence: Evidence,
    th: CustodyThresholds,
    period: Span,
) -> list[Finding]:
    """V9: someone in a vault with no custody event there within `unlogged_window_s`."""
    findings = []
    for room, series in _rooms_seen(rooms, RoomKind.VAULT, evidence, period):
        logged = np.zeros(series.time.size, np.bool_)
        for event in events:
            if event.location == room.room_id:
                logged |= np.abs(series.time - event.time) <= th.unlogged_window_s
        for stretch in held(
            series,
            (series.persons >= 1) & ~logged,
            min_s=th.unlogged_min_s,
            merge_gap_s=th.merge_gap_s,
            window_end=period.end,
        ):
            span = stretch.span
            leg = next(
                (
                    leg
                    for leg in trail.legs
                    if leg.kind is LegKind.STAY
                    and leg.room == room.room_id
                    and leg.start <= span.start <= leg.end
                ),
                None,
            )
            findings.append(
                UNLOGGED_ACCESS.finding(
                    stretch,
                    series.cameras,
                    f"people in vault {room.room_id} for {span.duration_s:.0f} s with no "
                    "custody event logged there",
                    leg=None if leg is None else leg.leg_id,
                )
            )
    return findings


def duty_understaffed(
    events: Sequence[CustodyEvent],
    rooms: dict[str, RoomView],
    evidence: Evidence,
    th: CustodyThresholds,
    period: Span,
) -> list[Finding]:
    """V8: fewer than `duty_min_persons` seen in a duty room for `duty_short_s`."""
    findings = []
    for room, series in _rooms_seen(rooms, RoomKind.DUTY, evidence, period):
        short = (series.persons != NOT_MEASURED) & (series.persons < th.duty_min_persons)
        for stretch in held(
            series, short, min_s=th.duty_short_s, merge_gap_s=th.merge_gap_s, window_end=period.end
        ):
            shift = max(
                (
                    e
                    for e in events
                    if e.type is EventType.DUTY
                    and e.location == room.room_id
                    and e.time <= stretch.span.start
                ),
                key=lambda e: e.time,
                default=None,
            )
            findings.append(
                DUTY_UNDERSTAFFED.finding(
                    stretch,
                    series.cameras,
                    f"fewer than {th.duty_min_persons} on duty in {room.room_id} for "
                    f"{stretch.span.duration_s:.0f} s",
                    event=None if shift is None else shift.event_id,
                )
            )
    return findings


def early_pickups(
    trail: CustodyTrail,
    rooms: dict[str, RoomView],
    sessions: Sequence[ExamSession],
    th: CustodyThresholds,
) -> list[Finding]:
    """V13: a lot leaves a vault more than `pickup_before_s` before its exam session."""
    findings = []
    for leg in trail.legs:
        room = rooms.get(leg.from_room)
        if leg.kind is not LegKind.MOVE or room is None or room.kind is not RoomKind.VAULT:
            continue
        for session in sessions:
            if leg.lot not in session.lots or leg.start > session.start:
                continue
            early = session.start - th.pickup_before_s - leg.start
            if early > 0:
                findings.append(
                    Finding(
                        kind=FindingKind.EARLY_PICKUP,
                        rule="V13",
                        cameras=(leg.device,) if leg.device else (),
                        start=leg.start,
                        end=session.start - th.pickup_before_s,
                        severity=Severity.HIGH,
                        detail=f"lot {leg.lot} left {leg.from_room} {early / 60:.0f} min before "
                        f"the earliest allowed pickup for session {session.session_id}",
                        custody_leg=leg.leg_id,
                        custody_event=leg.start_event,
                    )
                )
    return findings


def missing_arrivals(trail: CustodyTrail) -> list[Finding]:
    """V4: papers that left a room and were never signed in anywhere."""
    return [
        Finding(
            kind=FindingKind.MISSING_ARRIVAL,
            rule="V4",
            cameras=(move.depart.device,) if move.depart.device else (),
            start=move.depart.time,
            end=move.depart.time,
            severity=Severity.CRITICAL,
            detail=f"lot {move.lot} left {move.depart.location} with no later arrival on the forms",
            counts=Counts(bundles_expected=move.depart.bundles),
            custody_event=move.depart.event_id,
        )
        for move in trail.open_moves
    ]


def link_findings(
    findings: Sequence[Finding], trail: CustodyTrail, rooms: dict[str, RoomView]
) -> list[Finding]:
    """Continuity findings with the leg (and its starting event) their camera was covering.

    A camera covers a stay of its room and a move whose recorder it is; a finding overlapping
    several such legs goes to the first. Findings already linked are left as they are.
    """
    covering: list[tuple[CustodyLeg, frozenset[str]]] = []
    for leg in trail.legs:
        if leg.kind is LegKind.STAY:
            room = rooms.get(leg.room)
            cameras = frozenset(room.cameras) if room is not None else frozenset()
        else:
            cameras = frozenset({leg.device}) if leg.device else frozenset()
        covering.append((leg, cameras))
    linked = []
    for finding in findings:
        owner = next(
            (
                leg
                for leg, cameras in covering
                if finding.cameras
                and cameras.issuperset(finding.cameras)
                and finding.start <= leg.end
                and finding.end >= leg.start
            ),
            None,
        )
        if finding.custody_leg is None and owner is not None:
            finding = dataclasses.replace(
                finding, custody_leg=owner.leg_id, custody_event=owner.start_event
            )
        linked.append(finding)
    return linked


def check_custody(
    *,
    events: Sequence[CustodyEvent],
    trail: CustodyTrail,
    rooms: dict[str, RoomView],
    sessions: Sequence[ExamSession],
    evidence: Evidence,
    thresholds: CustodyThresholds,
    period: Span,
) -> list[Finding]:
    """Every custody rule over the legs and the video evidence of `period`, in time order."""
    findings: list[Finding] = []
    for leg in trail.legs:
        findings += leg_coverage(leg, rooms, evidence, thresholds)
        findings += lone_person(leg, rooms, evidence, thresholds)
        findings += handheld_content(leg, evidence, thresholds)
    findings += bundle_counts_at_events(events, trail, rooms, evidence, thresholds)
    findings += unlogged_access(events, trail, rooms, evidence, thresholds, period)
    findings += duty_understaffed(events, rooms, evidence, thresholds, period)
    findings += early_pickups(trail, rooms, sessions, thresholds)
    findings += missing_arrivals(trail)
    findings = [_with_confidence_caveat(f) for f in findings]
    return sorted(findings, key=lambda f: (f.start, f.kind.value, f.camera))


def _with_confidence_caveat(finding: Finding) -> Finding:
    """A finding made from unsure counts says so where every reader sees it, its detail."""
    counts = finding.counts
    if counts is None or not counts.low_confidence:
        return finding
    return dataclasses.replace(
        finding,
        detail=f"{finding.detail} (low-confidence counts: {counts.confidence:.2f} by "
        f"{counts.counted_by}; check the footage)",
    )
