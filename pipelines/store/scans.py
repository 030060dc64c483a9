"""Saving one scan's results: the scan row, its recordings and its findings, in one commit."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from analyzer.findings import Finding
from analyzer.recording import RecordingInfo
from pipelines.store.columns import utc_datetime
from pipelines.store.findings import add_findings, check_recordings_known
from pipelines.store.recordings import add_recordings
from pipelines.store.schema import ScanRow


@dataclass(frozen=True, slots=True)
class ScanSummary:
    """What one save added: distinct rows new to the store vs already stored."""

    scan_id: int
    recordings_new: int
    recordings_known: int
    findings_new: int
    findings_known: int


def save_scan_results(
    session: Session,
    *,
    recordings: Sequence[RecordingInfo],
    findings: Sequence[Finding],
    analyzer_version: str,
    params: Mapping[str, Any],
    started_at: float | None = None,
) -> ScanSummary:
    """Record a scan and store its recordings and findings idempotently, then commit.

    A recording is known by its sha256, a finding by (id, analyzer_version); known ones are
    counted, not rewritten, so re-saving never alters stored rows. `params` (the command and
    its options, JSON-serialisable) is kept on the scan row; `started_at` is POSIX seconds,
    defaulting to now. Safe for concurrent writers on PostgreSQL: each distinct row is
    stored exactly once.

    Raises `UnknownRecordingError`, before writing anything, when a finding refers to a
    recording that is neither stored nor in `recordings`.
    """
    if not analyzer_version:
        raise ValueError("analyzer_version must not be empty")
    check_recordings_known(
        session, findings=findings, also_known={info.sha256 for info in recordings}
    )
    now = datetime.now(UTC)
    scan = ScanRow(
        analyzer_version=analyzer_version,
        started_at=now if started_at is None else utc_datetime(started_at),
        params=dict(params),
    )
    session.add(scan)
    session.flush()  # assigns scan.id for the findings' foreign key

    added_recordings = add_recordings(session, recordings=recordings, seen_at=now)
    added_findings = add_findings(
        session,
        findings=findings,
        analyzer_version=analyzer_version,
        scan_id=scan.id,
        created_at=now,
    )
    scan.recordings_new = added_recordings.new
    scan.recordings_known = added_recordings.known
    scan.findings_new = added_findings.new
    scan.findings_known = added_findings.known
    scan.finished_at = datetime.now(UTC)
    summary = ScanSummary(
        scan_id=scan.id,
        recordings_new=added_recordings.new,
        recordings_known=added_recordings.known,
        findings_new=added_findings.new,
        findings_known=added_findings.known,
    )
    session.commit()
    return summary
