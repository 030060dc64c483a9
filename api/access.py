"""Object access: which findings and recordings a user may see (their cameras), as 404s.

An object outside the user's cameras answers exactly like one that does not exist, so ids
cannot be probed for existence.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from analyzer import ANALYZER_VERSION
from analyzer.recording import RecordingInfo
from api.errors import not_found
from pipelines.store import get_recording
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
    if stored is None or not user.may_see(stored.finding.camera):
        raise not_found(f"finding {finding_id}")
    return stored


def visible_recording(session: Session, user: User, sha256: str) -> RecordingInfo:
    recording = get_recording(session, sha256=sha256)
    if recording is None or not user.may_see(recording.camera):
        raise not_found(f"recording {sha256}")
    return recording
