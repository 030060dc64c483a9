"""One unit of nightly work: analyse one recording and store the result in one transaction.

Any worker can run any unit, as often as the queue delivers it: a unit whose analysis is
stored returns at once, and two workers racing on one unit store it once (the insert keyed by
recording, analyzer and settings keeps the first).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from analyzer import ANALYZER_VERSION
from analyzer.findings import Finding
from pipelines import media, scan
from pipelines.clock_reader import ClockFaces
from pipelines.nightly.staging import finding_to_json
from pipelines.nightly.units import AnalysisUnit
from pipelines.store.nightly import StagedAnalysis, add_analysis, analysed
from pipelines.store.scans import add_scan_results

log = logging.getLogger(__name__)


class FileChanged(RuntimeError):
    """The file is no longer what the inventory hashed: the next run takes it again."""


def analyse_unit(engine: Engine, options: scan.ScanOptions, unit: AnalysisUnit) -> bool:
    """Analyse `unit` and store it; False if it was stored already (nothing done)."""
    with Session(engine) as session:
        if analysed(session, [unit.key]):
            return False
    path = Path(unit.path)
    before = path.stat()
    camera = scan.camera_for(path, options)
    faces = ClockFaces({camera.id: [Path(p) for p in unit.camera_files]})
    recordings, timelines = [], []
    findings: list[Finding]
    try:
        analysis = scan.analyse_recording(
            path, sha256=unit.sha256, camera=camera, options=options, clock_faces=faces
        )
        recordings = [analysis.recording]
        timelines = [analysis.counts] if analysis.counts is not None else []
        findings = analysis.findings
        unreadable = False
    except media.UnreadableMedia as exc:
        findings = [scan.unreadable_finding(path, camera, unit.sha256, str(exc), options)]
        unreadable = True
    after = path.stat()
    if (before.st_size, before.st_mtime_ns) != (after.st_size, after.st_mtime_ns):
        raise FileChanged(f"{path} changed while it was analysed")
    staged = StagedAnalysis(
        key=unit.key,
        path=unit.path,
        camera=camera.id,
        findings=[finding_to_json(f) for f in findings],
        unreadable=unreadable,
        run_id=unit.run_id,
    )
    with Session(engine) as session:
        now = datetime.now(UTC)
        # The recording and its counts, and the analysis row, commit together or not at all.
        add_scan_results(
            session,
            recordings=recordings,
            findings=[],
            count_timelines=timelines,
            analyzer_version=ANALYZER_VERSION,
            params={"command": "nightly", "run": unit.run_id, "path": unit.path},
        )
        inserted = add_analysis(session, staged, at=now)
        if inserted.new == 0:
            # Another worker stored it first: keep theirs, leave no trace of this one.
            session.rollback()
            return False
        session.commit()
    log.info("analysed %s: %d finding(s)", path.name, len(findings))
    return True
