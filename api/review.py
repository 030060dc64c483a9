"""A review decision on a finding, as both the API and the review UI make it: the state
change and its audit record in one transaction."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session

from api.audit_trail import Action, entry
from api.errors import ApiError, ErrorCode
from api.state import ServiceState
from pipelines.store.audit import append_audit, run_audited
from pipelines.store.finding_query import StoredFinding
from pipelines.store.reviews import ReviewConflictError, review_finding
from pipelines.store.schema import ReviewState
from pipelines.store.users import Role, User


def decide(
    state: ServiceState,
    *,
    user: User,
    client: str,
    stored: StoredFinding,
    to: ReviewState,
    comment: str,
) -> None:
    """Confirm or dismiss an open finding (inspector, admin) or reopen one (admin only).
    `ApiError` 403 for a reopening by a non-admin, 409 when the finding's state does not
    allow the step (e.g. another inspector decided first)."""
    if not user.role.at_least(Role.INSPECTOR):
        raise ApiError(403, ErrorCode.FORBIDDEN, "this needs the inspector role")
    if to is ReviewState.OPEN and user.role is not Role.ADMIN:
        raise ApiError(403, ErrorCode.FORBIDDEN, "only an admin may reopen a finding")
    finding_id = stored.finding.id

    def work(session: Session) -> None:
        before, decision = review_finding(
            session,
            finding_id=finding_id,
            analyzer_version=stored.analyzer_version,
            state=to,
            comment=comment,
            reviewer=user.username,
            at=datetime.now(UTC),
        )
        detail = {
            "analyzer_version": stored.analyzer_version,
            "from": before.value,
            "to": decision.state.value,
            "comment": decision.comment,
        }
        append_audit(
            session,
            entry(user, client, Action.FINDING_REVIEW, "finding", finding_id, detail),
            at=decision.at,
        )

    try:
        run_audited(state.sessions, work)
    except ReviewConflictError as exc:
        raise ApiError(409, ErrorCode.CONFLICT, str(exc)) from exc
