"""/api/scan-jobs: ask the service to scan paths under its media roots; follow the job."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi import Path as PathParam

from api.access import own_only
from api.deps import AuditorUser, ClientDep, InspectorUser, SessionDep, StateDep
from api.errors import ERROR_RESPONSES, not_found
from api.scan_requests import queue_scan
from api.schemas.jobs import ScanJobCreate, ScanJobPublic
from pipelines.store.scan_jobs import get_job, list_jobs

router = APIRouter(prefix="/api/scan-jobs", tags=["scan jobs"], responses=ERROR_RESPONSES)


@router.post("", response_model=ScanJobPublic, status_code=202)
def submit_scan(
    body: ScanJobCreate, user: InspectorUser, state: StateDep, client: ClientDep
) -> ScanJobPublic:
    """Queue a scan. Every path must lie under a media root once resolved (symlinks and
    `..` followed); the job is refused whole otherwise."""
    return ScanJobPublic.of(queue_scan(state, user=user, client=client, paths=body.paths))


@router.get("", response_model=list[ScanJobPublic])
def list_scan_jobs(
    user: AuditorUser,
    session: SessionDep,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> list[ScanJobPublic]:
    """Newest first (a user limited to cameras sees their own only)."""
    jobs = list_jobs(session, offset=offset, limit=limit, submitted_by=own_only(user))
    return [ScanJobPublic.of(j) for j in jobs]


@router.get("/{job_id}", response_model=ScanJobPublic)
def read_scan_job(
    job_id: Annotated[int, PathParam(ge=1, le=2**31 - 1)],
    user: AuditorUser,
    session: SessionDep,
) -> ScanJobPublic:
    job = get_job(session, job_id=job_id)
    mine = own_only(user)
    if job is None or (mine is not None and job.submitted_by != mine):
        raise not_found(f"scan job {job_id}")
    return ScanJobPublic.of(job)
