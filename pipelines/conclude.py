"""From analyses to the findings the store keeps: the one step `vaultwatch scan` (and the
service's scan jobs), the nightly run's last step and `vaultwatch custody import` share, so
the same recordings give the same findings whichever of them stored them, in whatever order.

The step: each camera's new recordings are compared with its stored ones (a gap may lie
between last night's last file and today's first), every custody rule runs over the store plus
the new evidence, the analyses' findings are linked to the custody legs they fall in, and each
finding gets its representative frame.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo
from pathlib import Path

from sqlalchemy.orm import Session

from analyzer import ANALYZER_VERSION, continuity
from analyzer.counting import CountTimeline
from analyzer.findings import Finding
from analyzer.recording import RecordingInfo
from pipelines.custody_check import check_against_custody
from pipelines.frames import attach_frames
from pipelines.site import Site
from pipelines.store import load_recordings


def conclude(
    session: Session,
    *,
    site: Site,
    zone: tzinfo,
    recordings: Sequence[RecordingInfo],
    findings: Sequence[Finding],
    timelines: Sequence[CountTimeline] = (),
    frames_dir: Path,
) -> list[Finding]:
    """The findings to store for `recordings` (stored already or not), their analyses'
    `findings` and count `timelines`: gaps against each camera's stored recordings, the
    custody rules' findings, links to custody legs and frames; ordered by time, camera, kind.
    Nothing is written but the frames' JPEGs into `frames_dir`."""
    gaps = stored_gaps(session, recordings, site)
    known = {f.id for f in findings}
    check = check_against_custody(
        session,
        site=site,
        zone=zone,
        analyzer_version=ANALYZER_VERSION,
        recordings=recordings,
        findings=[*findings, *(g for g in gaps if g.id not in known)],
        timelines=timelines,
    )
    return sorted(
        attach_frames([*check.linked, *check.rule_findings], check.recordings, frames_dir),
        key=lambda f: (f.start, f.camera, f.kind.value),
    )


def stored_gaps(session: Session, recordings: Sequence[RecordingInfo], site: Site) -> list[Finding]:
    """Missing time between files of each camera of `recordings`, judged over the camera's
    stored recordings and these together (a file appears once, stored or new)."""
    gaps: list[Finding] = []
    for camera in sorted({r.camera for r in recordings}):
        by_hash = {r.sha256: r for r in load_recordings(session, camera=camera)}
        by_hash.update({r.sha256: r for r in recordings if r.camera == camera})
        gaps += continuity.segment_gaps(list(by_hash.values()), site.thresholds.continuity)
    return gaps
