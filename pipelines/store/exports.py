"""Evidence package exports: recorded once each, never changed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from pipelines.store.schema import ExportRow


@dataclass(frozen=True)
class ExportRecord:
    """One package written: case, period (POSIX seconds), filters, manifest SHA-256, signer
    fingerprint, OS user, time (aware) and where it was written."""

    case: str
    since: float
    until: float
    lot: str | None
    cameras: tuple[str, ...]
    manifest_sha256: str
    signer_fingerprint: str
    created_by: str
    created_at: datetime
    out_path: str


def save_export(session: Session, record: ExportRecord) -> int:
    """Add the record; returns its id. Does not commit."""
    row = ExportRow(
        case=record.case,
        since_s=record.since,
        until_s=record.until,
        lot=record.lot,
        cameras=list(record.cameras),
        manifest_sha256=record.manifest_sha256,
        signer_fingerprint=record.signer_fingerprint,
        created_by=record.created_by,
        created_at=record.created_at,
        out_path=record.out_path,
    )
    session.add(row)
    session.flush()
    return row.id


def load_exports(session: Session, *, case: str | None = None) -> list[ExportRecord]:
    """Recorded exports (all, or one case's) in the order written."""
    query = select(ExportRow).order_by(ExportRow.id)
    if case is not None:
        query = query.where(ExportRow.case == case)
    return [
        ExportRecord(
            case=row.case,
            since=row.since_s,
            until=row.until_s,
            lot=row.lot,
            cameras=tuple(row.cameras),
            manifest_sha256=row.manifest_sha256,
            signer_fingerprint=row.signer_fingerprint,
            created_by=row.created_by,
            created_at=row.created_at,
            out_path=row.out_path,
        )
        for row in session.scalars(query)
    ]
