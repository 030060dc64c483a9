"""Nightly runs: the nightly scans and how far each got."""

from __future__ import annotations

from pydantic.dataclasses import dataclass

from api.schemas.common import PUBLIC_RECORD
from pipelines.store.nightly import NightlyRun


# Every field of the stored run, as it is: a pydantic dataclass over `NightlyRun` gives the
# API its schema (types and all) without a second list of the same fields.
@dataclass(frozen=True, config=PUBLIC_RECORD)
class NightlyRunPublic(NightlyRun):
    @classmethod
    def of(cls, run: NightlyRun) -> NightlyRunPublic:
        return cls(**run.__dict__)
