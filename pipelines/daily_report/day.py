"""The day report's model: one calendar day of a site, built from the store.

`gather_day` reads the store (through `sources.load_extract`) and checks which finding frames
exist on disk; `build_day` and the functions it uses are pure and tested on hand-made values.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, tzinfo
from pathlib import Path

from sqlalchemy.orm import Session

from analyzer import ANALYZER_VERSION
from analyzer.custody import CustodyEvent, LegKind
from analyzer.findings import NOT_COVERAGE, Finding, FindingKind, Severity
from analyzer.intervals import Span, clip_spans, merge_spans
from analyzer.legs import derive_legs
from analyzer.recording import CameraKind
from analyzer.wallclock import day_window
from pipelines.daily_report.coverage import Bar, Coverage, analysed_spans, bars, coverage
from pipelines.daily_report.periods import Mark, hour_marks
from pipelines.daily_report.scope import camera_filter, report_cameras, room_filter, shows_camera
from pipelines.daily_report.sources import StoreExtract, load_extract
from pipelines.daily_report.views import touches
from pipelines.site import Site
from pipelines.store.audit_anchor import ChainAnchor
from pipelines.store.finding_query import StoredFinding

# Enough pictures to see what the day looked like; the list of findings names them all.
MAX_THUMBNAILS = 48
SEVERITY_RANK = {severity: rank for rank, severity in enumerate(Severity)}


@dataclass(frozen=True, slots=True)
class FindingGroup:
    """How many findings of the day broke `rule` at `severity`, and of which kinds."""

    rule: str
    severity: Severity
    count: int
    kinds: tuple[FindingKind, ...]


@dataclass(frozen=True)
class CameraDay:
    """One camera's day: what its analysed recordings cover (`coverage`), the stretches a
    continuity finding says are not coverage (V2: frozen, black, covered...), how many
    recordings touch the day. `kind` and `room` are None for a camera not in the site file."""

    camera: str
    kind: CameraKind | None
    room: str | None
    coverage: Coverage
    unusable: tuple[Span, ...]
    recordings: int

    @property
    def recorded_bars(self) -> tuple[Bar, ...]:
        return bars(self.coverage.covered, self.coverage.window)

    @property
    def gap_bars(self) -> tuple[Bar, ...]:
        return bars(self.coverage.gaps, self.coverage.window)

    @property
    def unusable_bars(self) -> tuple[Bar, ...]:
        return bars(self.unusable, self.coverage.window)


@dataclass(frozen=True, slots=True)
class Thumbnail:
    """A finding's representative frame: `path` is its JPEG (`Finding.frame`), which exists."""

    finding: Finding
    path: Path


@dataclass(frozen=True, slots=True)
class LotDay:
    """A lot's custody leg touching the day: a stay in `from_room` (== `to_room`) or a move.
    `end` is None for a leg not ended by the end of the day: a stay with no depart signed
    yet, a move with no arrival signed yet (`to_room` "")."""

    lot: str
    kind: LegKind
    from_room: str
    to_room: str
    start: float
    end: float | None
    bundles: int | None
    device: str | None
    leg_id: str


@dataclass(frozen=True)
class DayReport:
    """A site's calendar `day` in `zone` (`window`: POSIX [midnight, next midnight)).

    findings: the day's findings of `analyzer_version` with their review state, by start;
    groups: their counts by rule and severity; cameras: per camera coverage; thumbnails: the
    most severe findings' frames (at most MAX_THUMBNAILS, `thumbnails_left_out` more exist);
    lots: custody legs touching the day; marks: the timeline's ticks.
    """

    site: Site
    day: date
    zone: tzinfo
    window: Span
    analyzer_version: str
    findings: tuple[StoredFinding, ...]
    groups: tuple[FindingGroup, ...]
    cameras: tuple[CameraDay, ...]
    thumbnails: tuple[Thumbnail, ...]
    thumbnails_left_out: int
    lots: tuple[LotDay, ...]
    marks: tuple[Mark, ...]
    # The audit chain's head when the report was written, sealed (kept outside the store).
    audit_anchor: ChainAnchor | None = None


def gather_day(
    session: Session,
    site: Site,
    zone: tzinfo,
    day: date,
    *,
    analyzer_version: str = ANALYZER_VERSION,
) -> DayReport:
    """Read the store for `day` (local midnight to midnight in `zone`) and build its report."""
    join_s = site.thresholds.continuity.segment_gap_s
    extract = load_extract(session, day_window(day, zone), margin_s=join_s, audit=False)
    frames = {s.finding.frame for s in extract.findings if s.finding.frame}
    present = frozenset(frame for frame in frames if Path(frame).is_file())
    return build_day(
        site, zone, day, extract, frames_present=present, analyzer_version=analyzer_version
    )


def build_day(
    site: Site,
    zone: tzinfo,
    day: date,
    extract: StoreExtract,
    *,
    frames_present: Collection[str],
    analyzer_version: str = ANALYZER_VERSION,
) -> DayReport:
    """The report of `day` from what the store holds (`extract`, read for the day's window);
    `frames_present` are the frame paths that exist on disk."""
    window = day_window(day, zone)
    wanted = camera_filter(site)
    findings = tuple(
        sorted(
            (
                s
                for s in extract.findings
                if s.analyzer_version == analyzer_version
                and shows_camera(s.finding.cameras, wanted)
                and touches(Span(s.finding.start, s.finding.end), window)
            ),
            key=lambda s: (s.finding.start, s.finding.camera, s.finding.id),
        )
    )
    plain = [s.finding for s in findings]
    thumbnails, left_out = pick_thumbnails(plain, frames_present, MAX_THUMBNAILS)
    return DayReport(
        site=site,
        day=day,
        zone=zone,
        window=window,
        analyzer_version=analyzer_version,
        findings=findings,
        groups=group_findings(plain),
        cameras=camera_days(
            site, extract, plain, window, join_s=site.thresholds.continuity.segment_gap_s
        ),
        thumbnails=thumbnails,
        thumbnails_left_out=left_out,
        lots=lots_of_day(extract.events, window, room_filter(site)),
        marks=hour_marks(day, zone, every_h=3),
    )


def rule_order(rule: str) -> tuple[int, str]:
    """Sort key: V1, V2 ... V14 by number, then any other rule name alphabetically."""
    match = re.fullmatch(r"V(\d+)", rule)
    return (int(match.group(1)), "") if match else (1_000_000, rule)


def group_findings(findings: Iterable[Finding]) -> tuple[FindingGroup, ...]:
    """Counts per (rule, severity): rules in number order, the most severe first within a
    rule; each group's kinds sorted by value."""
    counts: Counter[tuple[str, Severity]] = Counter()
    kinds: defaultdict[tuple[str, Severity], set[FindingKind]] = defaultdict(set)
    for finding in findings:
        key = (finding.rule, finding.severity)
        counts[key] += 1
        kinds[key].add(finding.kind)
    ordered = sorted(counts, key=lambda k: (rule_order(k[0]), -SEVERITY_RANK[k[1]]))
    return tuple(
        FindingGroup(key[0], key[1], counts[key], tuple(sorted(kinds[key]))) for key in ordered
    )


def pick_thumbnails(
    findings: Sequence[Finding], present: Collection[str], limit: int
) -> tuple[tuple[Thumbnail, ...], int]:
    """The frames to show: findings whose frame is in `present`, most severe first, then by
    start; one per picture; at most `limit`. Returns them and how many more there were."""
    seen: set[str] = set()
    candidates = []
    ranked = sorted(findings, key=lambda f: (-SEVERITY_RANK[f.severity], f.start, f.camera))
    for finding in ranked:
        if finding.frame is not None and finding.frame in present and finding.frame not in seen:
            seen.add(finding.frame)
            candidates.append(Thumbnail(finding, Path(finding.frame)))
    return tuple(candidates[:limit]), max(0, len(candidates) - limit)


def camera_days(
    site: Site,
    extract: StoreExtract,
    findings: Sequence[Finding],
    window: Span,
    *,
    join_s: float,
) -> tuple[CameraDay, ...]:
    """Each reported camera's coverage of `window` and its unusable stretches (the
    NOT_COVERAGE kinds among `findings` on that camera alone)."""
    cameras = report_cameras(site, (r.camera for r in extract.recordings))
    days = []
    for camera_id in cameras:
        camera = site.camera(camera_id)
        mine = [r for r in extract.recordings if r.camera == camera_id]
        unusable = merge_spans(
            clip_spans(
                [
                    Span(f.start, f.end)
                    for f in findings
                    if f.cameras == (camera_id,) and f.kind in NOT_COVERAGE and f.end > f.start
                ],
                window,
            )
        )
        days.append(
            CameraDay(
                camera=camera_id,
                kind=None if camera is None else camera.kind,
                room=None if camera is None else camera.room,
                coverage=coverage(analysed_spans(mine, [camera_id]), window, join_s),
                unusable=tuple(unusable),
                recordings=sum(1 for r in mine if r.start < window.end and r.end > window.start),
            )
        )
    return tuple(days)


def lots_of_day(
    events: Sequence[CustodyEvent], window: Span, rooms: frozenset[str] | None
) -> tuple[LotDay, ...]:
    """The custody legs of every lot that touch `window`, from the events up to its end: stays
    (a stay still open runs to the window's end) and moves, including moves no arrival was
    signed for by then. With `rooms`, only legs touching one of them. By lot, then start."""
    known = [e for e in events if e.time <= window.end]
    trail = derive_legs(known, until=window.end)
    found = [
        LotDay(
            lot=leg.lot,
            kind=leg.kind,
            from_room=leg.from_room,
            to_room=leg.to_room,
            start=leg.start,
            # A stay still open was stretched to the window's end; it has not ended.
            end=leg.end if leg.end_event else None,
            bundles=leg.bundles,
            device=leg.device,
            leg_id=leg.leg_id,
        )
        for leg in trail.legs
        if touches(Span(leg.start, leg.end), window)
    ]
    found += [
        LotDay(
            lot=move.lot,
            kind=LegKind.MOVE,
            from_room=move.depart.location,
            to_room="",
            start=move.depart.time,
            end=None,
            bundles=move.depart.bundles,
            device=move.depart.device,
            leg_id=f"{move.lot}/{move.depart.event_id}-open",
        )
        for move in trail.open_moves
        if move.depart.time < window.end
    ]
    if rooms is not None:
        found = [lot for lot in found if lot.from_room in rooms or lot.to_room in rooms]
    return tuple(sorted(found, key=lambda lot: (lot.lot, lot.start, lot.leg_id)))
