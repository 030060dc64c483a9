"""Scan jobs: asking the service to scan folders under its media roots."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field
from pydantic.dataclasses import dataclass

from api.schemas.common import PUBLIC_RECORD, Public
from pipelines.store.scan_jobs import ScanJob


class ScanJobCreate(Public):
    """Paths on the server, relative to a media root or absolute inside one."""

    # PATH_MAX is 4096 on Linux; a longer path can name nothing.
    paths: list[Annotated[str, Field(min_length=1, max_length=4096)]] = Field(
        min_length=1, max_length=100
    )


# Every field of the stored job, as it is: a pydantic dataclass over `ScanJob` gives the API
# its schema (types and all) without a second list of the same fields.
@dataclass(frozen=True, config=PUBLIC_RECORD)
class ScanJobPublic(ScanJob):
    @classmethod
    def of(cls, job: ScanJob) -> ScanJobPublic:
        return cls(**job.__dict__)
