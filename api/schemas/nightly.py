"""Nightly runs: the nightly scans and how far each got."""

from __future__ import annotations

from datetime import datetime

from api.schemas.common import Public
from pipelines.store.nightly import NightlyRun, RunState


class NightlyRunPublic(Public):
    id: int
    backend: str
    state: RunState
    started_at: datetime
    finished_at: datetime | None
    files_seen: int
    files_hashed: int
    units_total: int
    units_done: int
    findings_new: int | None
    error: str | None

    @classmethod
    def of(cls, run: NightlyRun) -> NightlyRunPublic:
        return cls(**run.__dict__)
