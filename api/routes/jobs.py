"""/api/scan-jobs: ask the service to scan paths under its media roots; follow the job."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi import Path as PathParam
from sqlalchemy.orm import Session

from api.audit_trail import Action, entry
from api.deps import AuditorUser, ClientDep, InspectorUser, SessionDep, StateDep
from api.errors import ERROR_RESPONSES, ApiError, ErrorCode, not_found
from api.schemas.jobs import ScanJobCreate, ScanJobPublic
from pipelines.media_roots import OutsideMediaRoots, resolve_under_roots
from pipelines.store.audit import append_audit, run_audited
from pipelines.store.scan_jobs import ScanJob, get_job, list_jobs, submit_job

router = APIRouter(prefix="/api/scan-jobs", tags=["scan jobs"], responses=ERROR_RESPONSES)


@router.post("", response_model=ScanJobPublic, status_code=202)
def submit_scan(
    body: ScanJobCreate, user: InspectorUser, state: StateDep, client: ClientDep
) -> ScanJobPublic:
    """Queue a scan. Every path must lie under a media root once resolved (symlinks and
    `..` followed); the job is refused whole otherwise."""
    resolved = []
    for given in body.paths:
        try:
            resolved.append(str(resolve_under_roots(given, state.settings.media_roots)))
        except OutsideMediaRoots as exc:
            raise ApiError(403, ErrorCode.OUTSIDE_MEDIA_ROOTS, str(exc)) from exc
        except FileNotFoundError as exc:
            raise ApiError(404, ErrorCode.NOT_FOUND, str(exc)) from exc

    def work(session: Session) -> ScanJob:
        job = submit_job(session, paths=resolved, submitted_by=user.username, at=datetime.now(UTC))
        append_audit(
            session,
            entry(user, client, Action.SCAN_SUBMIT, "scan_job", str(job.id), {"paths": resolved}),
        )
        return job

    job = run_audited(state.sessions, work)
    state.jobs.submit(job.id)
    return ScanJobPublic.of(job)


@router.get("", response_model=list[ScanJobPublic])
def list_scan_jobs(
    _user: AuditorUser,
    session: SessionDep,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> list[ScanJobPublic]:
    return [ScanJobPublic.of(j) for j in list_jobs(session, offset=offset, limit=limit)]


@router.get("/{job_id}", response_model=ScanJobPublic)
def read_scan_job(
    job_id: Annotated[int, PathParam(ge=1, le=2**31 - 1)],
    _user: AuditorUser,
    session: SessionDep,
) -> ScanJobPublic:
    job = get_job(session, job_id=job_id)
    if job is None:
        raise not_found(f"scan job {job_id}")
    return ScanJobPublic.of(job)
