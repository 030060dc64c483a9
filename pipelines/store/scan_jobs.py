"""Scan jobs asked for through the review service: queued, running, done or failed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from pipelines.store.schema import ScanJobRow


class JobState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


@dataclass(frozen=True)
class ScanJob:
    id: int
    paths: tuple[str, ...]
    state: JobState
    submitted_by: str
    submitted_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    scan_id: int | None
    recordings: int | None
    findings: int | None
    error: str | None


def submit_job(
    session: Session, *, paths: Sequence[str], submitted_by: str, at: datetime
) -> ScanJob:
    """Queue a scan of `paths` (already checked to lie under the media roots). Does not
    commit."""
    row = ScanJobRow(
        paths=list(paths), state=JobState.QUEUED.value, submitted_by=submitted_by, submitted_at=at
    )
    session.add(row)
    session.flush()
    return job_from_row(row)


def claim_job(session: Session, *, job_id: int, at: datetime) -> bool:
    """Mark a queued job running; False if it is not queued (taken by another worker).
    Does not commit."""
    claimed = session.execute(
        update(ScanJobRow)
        .where(ScanJobRow.id == job_id, ScanJobRow.state == JobState.QUEUED.value)
        .values(state=JobState.RUNNING.value, started_at=at)
    )
    return bool(claimed.rowcount)  # type: ignore[attr-defined]


def finish_job(
    session: Session, *, job_id: int, at: datetime, scan_id: int, recordings: int, findings: int
) -> None:
    """Mark a running job done with what it saved. Does not commit."""
    session.execute(
        update(ScanJobRow)
        .where(ScanJobRow.id == job_id)
        .values(
            state=JobState.DONE.value,
            finished_at=at,
            scan_id=scan_id,
            recordings=recordings,
            findings=findings,
        )
    )


def fail_job(session: Session, *, job_id: int, at: datetime, error: str) -> None:
    """Mark a job failed with a one-line reason. Does not commit."""
    session.execute(
        update(ScanJobRow)
        .where(ScanJobRow.id == job_id)
        .values(state=JobState.FAILED.value, finished_at=at, error=error)
    )


def get_job(session: Session, *, job_id: int) -> ScanJob | None:
    row = session.get(ScanJobRow, job_id)
    return None if row is None else job_from_row(row)


def list_jobs(
    session: Session, *, offset: int = 0, limit: int = 50, submitted_by: str | None = None
) -> list[ScanJob]:
    """Newest first; only `submitted_by`'s when given."""
    query = select(ScanJobRow).order_by(ScanJobRow.id.desc())
    if submitted_by is not None:
        query = query.where(ScanJobRow.submitted_by == submitted_by)
    return [job_from_row(row) for row in session.scalars(query.offset(offset).limit(limit))]


def job_from_row(row: ScanJobRow) -> ScanJob:
    return ScanJob(
        id=row.id,
        paths=tuple(row.paths),
        state=JobState(row.state),
        submitted_by=row.submitted_by,
        submitted_at=row.submitted_at,
        started_at=row.started_at,
        finished_at=row.finished_at,
        scan_id=row.scan_id,
        recordings=row.recordings,
        findings=row.findings,
        error=row.error,
    )


def requeue_interrupted(session: Session) -> list[int]:
    """Put jobs a stopped service left running back in the queue (a scan saves all or
    nothing, so running it again is safe); returns every queued job's id, oldest first.
    Does not commit."""
    session.execute(
        update(ScanJobRow)
        .where(ScanJobRow.state == JobState.RUNNING.value)
        .values(state=JobState.QUEUED.value, started_at=None)
    )
    query = select(ScanJobRow.id).where(ScanJobRow.state == JobState.QUEUED.value)
    return list(session.scalars(query.order_by(ScanJobRow.id)))
