"""Findings in the store: adding them once per analyzer version, reading them back."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from analyzer.findings import Counts, Finding, FindingKind, Severity, cameras_from_label
from pipelines.store.columns import utc_datetime
from pipelines.store.inserts import Inserted, insert_missing
from pipelines.store.schema import FindingRow

_FINDINGS = cast(Table, FindingRow.__table__)


def add_findings(
    session: Session,
    *,
    findings: Sequence[Finding],
    analyzer_version: str,
    scan_id: int,
    created_at: datetime,
) -> Inserted:
    """Store findings whose (id, analyzer_version) is not stored yet; never change a stored one.

    Their recordings must be stored already (see `recordings.check_recordings_known`).
    Does not commit.
    """
    return insert_missing(
        session,
        table=_FINDINGS,
        rows=[
            finding_values(
                f, analyzer_version=analyzer_version, scan_id=scan_id, created_at=created_at
            )
            for f in findings
        ],
        key=("id", "analyzer_version"),
    )


def load_findings(
    session: Session,
    *,
    camera: str | None = None,
    kind: FindingKind | None = None,
    rule: str | None = None,
    analyzer_version: str | None = None,
    since: float | None = None,
    until: float | None = None,
) -> list[Finding]:
    """Stored findings matching every given filter, ordered by start time.

    `since` / `until` are POSIX seconds and keep findings overlapping [since, until] (both
    ends inclusive, to the microsecond). Without `analyzer_version` the same finding can come
    back once per version that reported it.
    """
    query = select(FindingRow).order_by(
        FindingRow.start_s,
        FindingRow.end_s,
        FindingRow.camera,
        FindingRow.id,
        FindingRow.analyzer_version,
    )
    if camera is not None:
        query = query.where(FindingRow.camera == camera)
    if kind is not None:
        query = query.where(FindingRow.kind == kind.value)
    if rule is not None:
        query = query.where(FindingRow.rule == rule)
    if analyzer_version is not None:
        query = query.where(FindingRow.analyzer_version == analyzer_version)
    # Filtering on the indexed datetime columns, not the float ones.
    if since is not None:
        query = query.where(FindingRow.end >= utc_datetime(since))
    if until is not None:
        query = query.where(FindingRow.start <= utc_datetime(until))
    return [finding_from_row(row) for row in session.scalars(query)]


def finding_values(
    finding: Finding, *, analyzer_version: str, scan_id: int, created_at: datetime
) -> dict[str, Any]:
    """The `findings` row for `finding`, keyed by column name."""
    return {
        "id": finding.id,
        "analyzer_version": analyzer_version,
        "kind": finding.kind.value,
        "rule": finding.rule,
        "camera": finding.camera,
        "recording_sha256": finding.recording_sha256,
        "start": utc_datetime(finding.start),
        "end": utc_datetime(finding.end),
        "start_s": finding.start,
        "end_s": finding.end,
        "duration_s": finding.duration_s,
        "severity": finding.severity.value,
        "detail": finding.detail,
        "counts": None if finding.counts is None else dataclasses.asdict(finding.counts),
        "custody_event": finding.custody_event,
        "custody_leg": finding.custody_leg,
        "frame_time": finding.frame_time,
        "frame": finding.frame,
        "scan_id": scan_id,
        "created_at": created_at,
    }


def finding_from_row(row: FindingRow) -> Finding:
    """A stored row back into the analyzer's `Finding` (exact float times, enums, `Counts`)."""
    return Finding(
        kind=FindingKind(row.kind),
        rule=row.rule,
        cameras=cameras_from_label(row.camera),
        start=row.start_s,
        end=row.end_s,
        severity=Severity(row.severity),
        detail=row.detail,
        recording_sha256=row.recording_sha256,
        counts=None if row.counts is None else Counts(**row.counts),
        custody_event=row.custody_event,
        custody_leg=row.custody_leg,
        frame_time=row.frame_time,
        frame=row.frame,
    )
