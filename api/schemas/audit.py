"""The audit trail as the API shows it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from api.schemas.common import Page, Public
from pipelines.store.audit import AuditRecord, ChainReport


class AuditRecordPublic(Public):
    seq: int
    at: datetime
    actor: str
    role: str
    action: str
    object_type: str
    object_id: str
    client: str
    detail: dict[str, Any]
    prev_hash: str
    hash: str

    @classmethod
    def of(cls, r: AuditRecord) -> AuditRecordPublic:
        return cls(
            seq=r.seq,
            at=r.at,
            actor=r.entry.actor,
            role=r.entry.role,
            action=r.entry.action,
            object_type=r.entry.object_type,
            object_id=r.entry.object_id,
            client=r.entry.client,
            detail=dict(r.entry.detail),
            prev_hash=r.prev_hash,
            hash=r.hash,
        )


class ChainReportPublic(Public):
    intact: bool
    records: int
    head: str
    broken_at: int | None
    problem: str | None
    sealed: int = Field(description="records carrying a seal of the audit key")
    anchors: int = Field(description="heads anchored outside the store that were compared")
    notes: list[str] = Field(description="anchors that could not be trusted")

    @classmethod
    def of(cls, report: ChainReport) -> ChainReportPublic:
        return cls(
            intact=report.intact,
            records=report.records,
            head=report.head,
            broken_at=report.broken_at,
            problem=report.problem,
            sealed=report.sealed,
            anchors=report.anchors,
            notes=list(report.notes),
        )


AuditListPublic = Page[AuditRecordPublic]
