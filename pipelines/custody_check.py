"""Checking the video against the custody records: gathers the evidence, runs the rules.

The rules (`analyzer.rules`) are pure; this module collects what they need from the store and
from the scan just made: the custody events, every recording and continuity finding of the
period, and the count timelines, so nothing is decoded again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import tzinfo
from typing import TypeVar

from sqlalchemy.orm import Session

from analyzer.counting import CountTimeline
from analyzer.custody import CustodyEvent
from analyzer.findings import NOT_COVERAGE, Finding
from analyzer.intervals import Span
from analyzer.legs import CustodyTrail, derive_legs
from analyzer.recording import CameraKind, RecordingInfo
from analyzer.rules import Evidence, ExamSession, RoomView, check_custody, link_findings
from analyzer.rules import usable_video as usable_video_of
from pipelines.site import Site
from pipelines.store import load_count_timelines, load_findings, load_recordings
from pipelines.store.custody import load_custody_events

T = TypeVar("T")


@dataclass(frozen=True)
class CustodyCheck:
    """The outcome: legs derived, the scan's own findings linked to them, rule findings, and
    every recording of the period (for the findings' frames)."""

    trail: CustodyTrail
    linked: list[Finding]
    rule_findings: list[Finding]
    recordings: list[RecordingInfo]


def rooms_of(site: Site) -> dict[str, RoomView]:
    """Each room with its fixed cameras (handheld recorders belong to moves, not rooms)."""
    return {
        room.id: RoomView(
            room.id,
            room.kind,
            tuple(c.id for c in site.cameras if c.room == room.id and c.kind is CameraKind.FIXED),
        )
        for room in site.rooms
    }


def sessions_of(site: Site, zone: tzinfo) -> list[ExamSession]:
    return [
        ExamSession(
            s.id,
            (s.start if s.start.tzinfo is not None else s.start.replace(tzinfo=zone)).timestamp(),
            tuple(s.lots),
        )
        for s in site.sessions
    ]


def _union_by_key(
    preferred: Sequence[T], others: Sequence[T], key: Callable[[T], object]
) -> list[T]:
    """Items of both, one per key; where both have a key, `preferred` wins."""
    seen: dict[object, T] = {}
    for item in [*preferred, *others]:
        seen.setdefault(key(item), item)
    return list(seen.values())


def check_against_custody(
    session: Session,
    *,
    site: Site,
    zone: tzinfo,
    analyzer_version: str,
    recordings: Sequence[RecordingInfo] = (),
    findings: Sequence[Finding] = (),
    timelines: Sequence[CountTimeline] = (),
    events: Sequence[CustodyEvent] | None = None,
) -> CustodyCheck:
    """Run every custody rule over the stored evidence plus the scan just made.

    `recordings`, `findings` and `timelines` are those of the current scan (not yet stored);
    `events` default to every custody event in the store. The period checked runs from the
    first event to the end of the last recording (or the last event).
    """
    if events is None:
        events = load_custody_events(session)
    if not events:
        return CustodyCheck(CustodyTrail(), list(findings), [], list(recordings))
    first = min(e.time for e in events)
    # Video that ended before the unlogged-access window of the first event is evidence of
    # nothing here; a store holding months of recordings must not be read whole.
    earliest = first - site.thresholds.custody.unlogged_window_s
    stored = load_recordings(session, ending_after=earliest)
    all_recordings = _union_by_key(recordings, stored, key=lambda r: r.sha256)
    last_event = max(e.time for e in events)
    until = max([last_event, *(r.end for r in all_recordings if r.end >= first)])
    period = Span(first - site.thresholds.custody.unlogged_window_s, until)
    stored_findings = [
        f
        for f in load_findings(
            session, analyzer_version=analyzer_version, since=period.start, until=period.end
        )
        if f.kind in NOT_COVERAGE
    ]
    continuity = _union_by_key(findings, stored_findings, key=lambda f: f.id)
    # One timeline per recording: this scan's, else one stored (a recording counted with two
    # different detectors must not have its counts mixed).
    stored_timelines = load_count_timelines(
        session, analyzer_version=analyzer_version, since=period.start, until=period.end
    )
    all_timelines = _union_by_key(
        timelines, stored_timelines[::-1], key=lambda t: t.recording_sha256
    )
    by_camera: dict[str, list[CountTimeline]] = {}
    for timeline in all_timelines:
        by_camera.setdefault(timeline.camera, []).append(timeline)
    trail = derive_legs(events, until=until)
    rooms = rooms_of(site)
    evidence = Evidence(usable_video_of(all_recordings, continuity), by_camera)
    rule_findings = check_custody(
        events=events,
        trail=trail,
        rooms=rooms,
        sessions=sessions_of(site, zone),
        evidence=evidence,
        thresholds=site.thresholds.custody,
        period=period,
    )
    linked = link_findings(findings, trail, rooms)

    # A leg's gap seen by its only camera is already that camera's linked gap: report it once.
    def key(f: Finding) -> tuple[object, ...]:
        return (f.kind, f.camera, round(f.start, 1), round(f.end, 1), f.custody_leg)

    already = {key(f) for f in linked}
    rule_findings = [f for f in rule_findings if key(f) not in already]
    return CustodyCheck(trail, linked, rule_findings, all_recordings)
