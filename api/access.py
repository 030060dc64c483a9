"""Object access: which findings and recordings a user may see (their cameras), as 404s.

An object outside the user's cameras answers exactly like one that does not exist, so ids
cannot be probed for existence. A user limited to cameras also sees only what touches them
of the rest: the audit records of their cameras' findings and recordings and of their own
doings, the custody lots that were in a room one of their cameras watches or carried by one
of their recorders, their own scan jobs, and no nightly runs (site-wide file lists).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from analyzer import ANALYZER_VERSION
from analyzer.custody import CustodyEvent
from analyzer.recording import RecordingInfo
from api.errors import not_found
from pipelines.site import Site
from pipelines.store import get_recording
from pipelines.store.audit import AuditScope
from pipelines.store.finding_query import StoredFinding, get_stored_finding
from pipelines.store.users import User


def visible_cameras(user: User) -> tuple[str, ...] | None:
    """None: every camera."""
    return user.cameras or None


def visible_finding(
    session: Session, user: User, finding_id: str, analyzer_version: str | None
) -> StoredFinding:
    """The finding (of `analyzer_version`, else this analyzer's, else the newest) or 404."""
    stored = None
    if analyzer_version is None:
        stored = get_stored_finding(
            session, finding_id=finding_id, analyzer_version=ANALYZER_VERSION
        )
    if stored is None:
        stored = get_stored_finding(
            session, finding_id=finding_id, analyzer_version=analyzer_version
        )
    if stored is None or not user.may_see(stored.finding.cameras):
        raise not_found(f"finding {finding_id}")
    return stored


def visible_recording(session: Session, user: User, sha256: str) -> RecordingInfo:
    recording = get_recording(session, sha256=sha256)
    if recording is None or not user.may_see((recording.camera,)):
        raise not_found(f"recording {sha256}")
    return recording


def audit_scope(user: User) -> AuditScope | None:
    """The part of the audit trail `user` may read (None: all of it)."""
    return None if not user.cameras else AuditScope(cameras=user.cameras, actor=user.username)


def own_only(user: User) -> str | None:
    """Whose scan jobs `user` sees: their own when limited to cameras (None: everyone's)."""
    return user.username if user.cameras else None


def lot_visible(events: Sequence[CustodyEvent], user: User, site: Site) -> bool:
    """Whether a lot (its events) touches the user's cameras: an event in a room one of
    them watches, or a move carried by one of them as recorder."""
    if not user.cameras:
        return True
    rooms = {c.room for c in site.cameras if c.room is not None and c.id in user.cameras}
    return any(e.location in rooms or e.device in user.cameras for e in events)
