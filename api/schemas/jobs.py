"""Scan jobs: asking the service to scan folders under its media roots."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field

from api.schemas.common import Public
from pipelines.store.scan_jobs import JobState, ScanJob


class ScanJobCreate(Public):
    """Paths on the server, relative to a media root or absolute inside one."""

    # PATH_MAX is 4096 on Linux; a longer path can name nothing.
    paths: list[Annotated[str, Field(min_length=1, max_length=4096)]] = Field(
        min_length=1, max_length=100
    )


class ScanJobPublic(Public):
    id: int
    paths: list[str]
    state: JobState
    submitted_by: str
    submitted_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    scan_id: int | None
    recordings: int | None
    findings: int | None
    error: str | None

    @classmethod
    def of(cls, job: ScanJob) -> ScanJobPublic:
        return cls(**{**job.__dict__, "paths": list(job.paths)})
