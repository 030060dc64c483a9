"""/api/audit: the audit trail (auditors read it; an admin verifies the chain)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.access import audit_scope
from api.audit_trail import verify_and_record
from api.deps import AdminUser, AuditorUser, ClientDep, SessionDep, StateDep
from api.errors import ERROR_RESPONSES
from api.schemas.audit import AuditListPublic, AuditRecordPublic, ChainReportPublic
from pipelines.store.audit import count_audit, load_audit

router = APIRouter(prefix="/api/audit", tags=["audit"], responses=ERROR_RESPONSES)


@router.get("", response_model=AuditListPublic)
def read_audit(
    user: AuditorUser,
    session: SessionDep,
    object_type: Annotated[str | None, Query(max_length=32)] = None,
    object_id: Annotated[str | None, Query(max_length=500)] = None,
    actor: Annotated[str | None, Query(max_length=100)] = None,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> AuditListPublic:
    """Newest first; a user limited to cameras reads only the records of their cameras'
    findings and recordings and of their own doings."""
    scope = audit_scope(user)
    filters = {"object_type": object_type, "object_id": object_id, "actor": actor}
    records = load_audit(
        session, **filters, offset=offset, limit=limit, newest_first=True, scope=scope
    )
    return AuditListPublic(
        items=[AuditRecordPublic.of(r) for r in records],
        total=count_audit(session, **filters, scope=scope),
        offset=offset,
        limit=limit,
    )


@router.get("/verify", response_model=ChainReportPublic)
def verify_audit(
    admin: AdminUser, session: SessionDep, state: StateDep, client: ClientDep
) -> ChainReportPublic:
    """Recompute every record's hash in order; the first break is named. The check itself
    is recorded after it ran, with its result."""
    report = verify_and_record(state, session, admin, client)
    return ChainReportPublic.of(report)
