"""/api/nightly-runs: the nightly scans and how far each got."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi import Path as PathParam

from api.deps import AuditorUser, SessionDep
from api.errors import ERROR_RESPONSES, not_found
from api.schemas.nightly import NightlyRunPublic
from pipelines.store.nightly import get_run, list_runs

router = APIRouter(prefix="/api/nightly-runs", tags=["nightly runs"], responses=ERROR_RESPONSES)


@router.get("", response_model=list[NightlyRunPublic])
def read_runs(
    user: AuditorUser, session: SessionDep, limit: Annotated[int, Query(ge=1, le=500)] = 50
) -> list[NightlyRunPublic]:
    """Newest first. A run covers every camera of the site (its counts and errors name files
    of all of them), so a user limited to cameras sees none."""
    if user.cameras:
        return []
    return [NightlyRunPublic.of(run) for run in list_runs(session, limit=limit)]


@router.get("/{run_id}", response_model=NightlyRunPublic)
def read_run(
    run_id: Annotated[int, PathParam(ge=1, le=2**31 - 1)], user: AuditorUser, session: SessionDep
) -> NightlyRunPublic:
    run = None if user.cameras else get_run(session, run_id)
    if run is None:
        raise not_found(f"nightly run {run_id}")
    return NightlyRunPublic.of(run)
