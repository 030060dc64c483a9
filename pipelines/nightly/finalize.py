"""The run's last step: the analyses not yet turned into findings become findings, with the
gaps between each camera's files and the custody rules, by the step `vaultwatch scan` uses
(`pipelines.conclude`), stored in one transaction with the mark that they are done."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from analyzer import ANALYZER_VERSION
from pipelines.conclude import conclude
from pipelines.nightly.staging import finding_from_json
from pipelines.site import Site
from pipelines.store import get_recording
from pipelines.store.nightly import mark_finalized, unfinalized
from pipelines.store.scans import add_scan_results


@dataclass(frozen=True)
class Finalized:
    """What the step stored: analyses taken in, findings new and already known, and the
    days (site calendar) their recordings touch, for the reports."""

    analyses: int
    findings_new: int
    findings_known: int
    days: tuple[date, ...]


def finalize(
    engine: Engine, *, site: Site, zone: tzinfo, run_id: int, frames_dir: Path
) -> Finalized:
    with Session(engine) as session:
        staged = unfinalized(session, analyzer_version=ANALYZER_VERSION)
        if not staged:
            return Finalized(0, 0, 0, ())
        own = [finding_from_json(d) for analysis in staged for d in analysis.findings]
        recordings = [
            recording
            for analysis in staged
            if not analysis.unreadable
            and (recording := get_recording(session, sha256=analysis.key.sha256)) is not None
        ]
        findings = conclude(
            session,
            site=site,
            zone=zone,
            recordings=recordings,
            findings=own,
            frames_dir=frames_dir,
        )
        summary = add_scan_results(
            session,
            recordings=[],
            findings=findings,
            analyzer_version=ANALYZER_VERSION,
            params={"command": "nightly finalize", "run": run_id},
        )
        mark_finalized(session, [analysis.key for analysis in staged], at=datetime.now(UTC))
        session.commit()
    days = sorted(
        {
            datetime.fromtimestamp(moment, zone).date()
            for r in recordings
            for moment in (r.start, r.end)
        }
    )
    return Finalized(len(staged), summary.findings_new, summary.findings_known, tuple(days))
