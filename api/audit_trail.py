"""What the service writes to the audit trail, and how.

A view or download is recorded in its own transaction before the bytes go out (a record
without the view is harmless; a view without its record is what the trail must prevent). A
state change is recorded in the same transaction as the change itself.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy.orm import Session

from api.state import ServiceState
from pipelines.store.audit import (
    AuditEntry,
    AuditRecord,
    ChainReport,
    append_audit,
    latest_audit_at,
    run_audited,
    verify_chain,
)
from pipelines.store.audit_anchor import keep_anchor, sign_head
from pipelines.store.users import User


class Action(StrEnum):
    LOGIN = "login"
    LOGIN_FAILED = "login.failed"
    LOGOUT = "logout"
    FINDING_REVIEW = "finding.review"
    CLIP_VIEW = "clip.view"
    CLIP_DOWNLOAD = "clip.download"
    # What the finding page's player reports it played (V12), not a response sending bytes.
    CLIP_PLAYED = "clip.played"
    RECORDING_VIEW = "recording.view"
    RECORDING_DOWNLOAD = "recording.download"
    THUMBNAIL_VIEW = "thumbnail.view"
    SCAN_SUBMIT = "scan.submit"
    USER_CREATE = "user.create"
    LABEL_SAVE = "label.save"
    LABEL_DELETE = "label.delete"
    AUDIT_VERIFY = "audit.verify"


def entry(
    user: User | None,
    client: str,
    action: Action,
    object_type: str,
    object_id: str,
    detail: dict[str, Any] | None = None,
    *,
    actor: str | None = None,
) -> AuditEntry:
    return AuditEntry(
        actor=actor if actor is not None else (user.username if user else "anonymous"),
        role=user.role.value if user else "",
        action=action.value,
        object_type=object_type,
        object_id=object_id,
        client=client,
        detail=detail or {},
    )


def record(state: ServiceState, audit_entry: AuditEntry) -> AuditRecord:
    """Append `audit_entry` in a transaction of its own and commit."""

    def work(session: Session) -> AuditRecord:
        return append_audit(session, audit_entry)

    return run_audited(state.sessions, work)


def record_footage(state: ServiceState, audit_entry: AuditEntry, *, new_view: bool) -> None:
    """Audit a response that sends bytes of footage. A new view (the first byte asked for)
    is always recorded; a request for later bytes only when the same user has no record of
    the same action on the object within the view session (`view_session_s`), so a player
    fetching the rest of a view adds nothing while `Range: bytes=1-` cannot fetch a file
    unrecorded."""
    if not new_view:
        since = datetime.now(UTC) - timedelta(seconds=state.settings.view_session_s)
        with state.sessions() as session:
            latest = latest_audit_at(
                session,
                actor=audit_entry.actor,
                action=audit_entry.action,
                object_type=audit_entry.object_type,
                object_id=audit_entry.object_id,
            )
        if latest is not None and latest >= since:
            return
    record(state, audit_entry)


def verify_and_record(
    state: ServiceState, session: Session, user: User, client: str
) -> ChainReport:
    """Verify the whole chain, then record that it was verified, with the result, and anchor
    the new head outside the store (so each check also fixes what the next one compares)."""
    report = verify_chain(session)
    detail = {"intact": report.intact, "records": report.records, "head": report.head}
    record(state, entry(user, client, Action.AUDIT_VERIFY, "audit", "chain", detail))
    with state.sessions() as fresh:
        anchor = sign_head(fresh)
    if anchor is not None and report.intact:
        keep_anchor(anchor)
    return report
