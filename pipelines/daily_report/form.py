"""The playback-check form (V12): every vault, every 6-hour block, checked or not.

V12 asks that stored papers' vault footage be played back and checked every 6 hours and
each check recorded on a form. A block counts as checked when

- the automated scan analysed the vault's footage over the whole block (the union of the
  vault's fixed cameras' decoded recordings covers it, holes shorter than the site's
  `segment_gap_s` aside), or
- a person played back, in the review service, footage of the vault's cameras covering at
  least `PLAYED_THROUGH` of the block's recorded footage. Only what the finding page's player
  reports as really played counts (`clip.played` records: the wall-clock spans the video
  element played, overlaps counted once). A clip served to the player (`clip.view`), a
  recording sent for download and a review decision are listed on the row but play nothing,

and the row says which (`CheckStatus`) and how much was played (`played_s` of `recorded_s`).
In the form's words: "回放 X 分钟 / 录像 Y 分钟" is the footage an inspector's player actually
played of the block's recorded footage; 已检查（人工回放） needs at least 95 % of it.
A block with no analysed footage at all is `NO_RECORDING` and never checked: there was
nothing to play back, whatever else happened.

`gather_form` reads the store; `build_form` and `check_status` are pure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, tzinfo
from enum import StrEnum

from sqlalchemy.orm import Session

from analyzer import ANALYZER_VERSION
from analyzer.intervals import Span, clip_spans, merge_spans
from pipelines.daily_report.coverage import Coverage, analysed_spans, coverage
from pipelines.daily_report.periods import Block, blocks_of_day, period_days, period_window
from pipelines.daily_report.scope import fixed_cameras, shows_camera, vaults
from pipelines.daily_report.sources import StoreExtract, load_extract
from pipelines.daily_report.views import Viewing, touches, viewings
from pipelines.site import Room, Site
from pipelines.store.finding_query import StoredFinding

# Share of a block's recorded footage a person must have played for the block to count as
# checked by them: all of it, but for the seconds lost to seeking and the clips' edges.
PLAYED_THROUGH = 0.95


class CheckStatus(StrEnum):
    SCAN = "scan"
    INSPECTOR = "inspector"
    SCAN_AND_INSPECTOR = "scan_and_inspector"
    NOT_CHECKED = "not_checked"
    NO_RECORDING = "no_recording"

    @property
    def checked(self) -> bool:
        return self in (CheckStatus.SCAN, CheckStatus.INSPECTOR, CheckStatus.SCAN_AND_INSPECTOR)


@dataclass(frozen=True, slots=True)
class CameraShortfall:
    """One of the vault's cameras and the seconds of the block it has no analysed footage of."""

    camera: str
    uncovered_s: float


@dataclass(frozen=True)
class FormRow:
    """One vault in one block: its fixed `cameras`, what their analysed footage covers
    together (`coverage`) and each alone (`shortfalls`, cameras missing time only), the
    inspections of its footage from inside the block (`views`), the block's findings on its
    cameras (`findings`, with review state), and the verdict."""

    room: Room
    cameras: tuple[str, ...]
    block: Block
    coverage: Coverage
    shortfalls: tuple[CameraShortfall, ...]
    views: tuple[Viewing, ...]
    findings: tuple[StoredFinding, ...]
    status: CheckStatus
    # Seconds of the block's recorded footage played back in front of an inspector.
    played_s: float = 0.0

    @property
    def checked(self) -> bool:
        return self.status.checked

    @property
    def recorded_s(self) -> float:
        return self.coverage.covered_s

    @property
    def uncovered_minutes(self) -> float:
        return self.coverage.uncovered_s / 60


@dataclass(frozen=True)
class PlaybackForm:
    """The form for `days` of a site in `zone`: rows by vault (site file order), then day,
    then block; len(rows) == vaults x days x 4, whether or not there is footage."""

    site: Site
    zone: tzinfo
    days: tuple[date, ...]
    window: Span
    analyzer_version: str
    rows: tuple[FormRow, ...]

    @property
    def vaults(self) -> tuple[Room, ...]:
        return vaults(self.site)

    def rows_of(self, room_id: str) -> tuple[FormRow, ...]:
        return tuple(row for row in self.rows if row.room.id == room_id)


def check_status(block_coverage: Coverage, played: Sequence[Span]) -> CheckStatus:
    """The verdict on a block from its footage's coverage and the footage played back of it.

    An inspector checked the block only when what was played covers at least
    `PLAYED_THROUGH` of its recorded footage: a 22-s clip does not check six hours (V12)."""
    if block_coverage.empty:
        return CheckStatus.NO_RECORDING
    inspected = played_s(block_coverage, played) >= PLAYED_THROUGH * block_coverage.covered_s
    if block_coverage.complete:
        return CheckStatus.SCAN_AND_INSPECTOR if inspected else CheckStatus.SCAN
    return CheckStatus.INSPECTOR if inspected else CheckStatus.NOT_CHECKED


def played_s(block_coverage: Coverage, played: Sequence[Span]) -> float:
    """Seconds of the block's recorded footage inside the `played` spans (overlaps once)."""
    within = merge_spans(clip_spans(list(played), block_coverage.window))
    return sum(
        overlap.duration_s
        for recorded in block_coverage.covered
        for overlap in clip_spans(within, recorded)
    )


def gather_form(
    session: Session,
    site: Site,
    zone: tzinfo,
    first_day: date,
    days: int = 1,
    *,
    analyzer_version: str = ANALYZER_VERSION,
) -> PlaybackForm:
    """Read the store for `days` days from `first_day` and build their form."""
    period = period_days(first_day, days)
    join_s = site.thresholds.continuity.segment_gap_s
    extract = load_extract(session, period_window(period, zone), margin_s=join_s, events=False)
    return build_form(site, zone, period, extract, analyzer_version=analyzer_version)


def build_form(
    site: Site,
    zone: tzinfo,
    days: tuple[date, ...],
    extract: StoreExtract,
    *,
    analyzer_version: str = ANALYZER_VERSION,
) -> PlaybackForm:
    """The form of `days` from what the store holds for their period (`extract`)."""
    join_s = site.thresholds.continuity.segment_gap_s
    # Audit records may name a finding of any analyzer version; the form lists the current.
    by_id = {s.finding.id: s.finding for s in extract.findings}
    by_sha = {r.sha256: r for r in extract.recordings}
    inspections = viewings(extract.audit, findings=by_id, recordings=by_sha)
    current = [s for s in extract.findings if s.analyzer_version == analyzer_version]
    rows = []
    for room in vaults(site):
        cameras = fixed_cameras(site, room.id)
        camera_set = frozenset(cameras)
        # Merged once for the period: a block then only clips a handful of spans.
        alone = {
            c: merge_spans(analysed_spans(extract.recordings, [c]), max_gap_s=join_s)
            for c in cameras
        }
        together = merge_spans([s for spans in alone.values() for s in spans], max_gap_s=join_s)
        room_findings = sorted(
            (s for s in current if shows_camera(s.finding.cameras, camera_set)),
            key=lambda s: (s.finding.start, s.finding.camera, s.finding.id),
        )
        room_views = [v for v in inspections if camera_set.intersection(v.cameras)]
        for day in days:
            for block in blocks_of_day(day, zone):
                block_coverage = coverage(together, block.span, join_s)
                views = tuple(v for v in room_views if touches(v.seen, block.span))
                played = [span for v in views for span in v.played]
                rows.append(
                    FormRow(
                        room=room,
                        cameras=cameras,
                        block=block,
                        coverage=block_coverage,
                        shortfalls=_shortfalls(alone, block.span, join_s),
                        views=views,
                        findings=tuple(
                            s
                            for s in room_findings
                            if touches(Span(s.finding.start, s.finding.end), block.span)
                        ),
                        status=check_status(block_coverage, played),
                        played_s=played_s(block_coverage, played),
                    )
                )
    return PlaybackForm(
        site=site,
        zone=zone,
        days=days,
        window=period_window(days, zone),
        analyzer_version=analyzer_version,
        rows=tuple(rows),
    )


def _shortfalls(
    alone: dict[str, list[Span]], window: Span, join_s: float
) -> tuple[CameraShortfall, ...]:
    found = []
    for camera, spans in alone.items():
        camera_coverage = coverage(spans, window, join_s)
        if not camera_coverage.complete:
            found.append(CameraShortfall(camera, camera_coverage.uncovered_s))
    return tuple(found)
