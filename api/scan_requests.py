"""A scan asked for by a person, as both the API and the review UI take it: paths checked
against the media roots, the job queued and its audit record, in one transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from api.audit_trail import Action, entry
from api.errors import ApiError, ErrorCode
from api.state import ServiceState
from pipelines.media_roots import OutsideMediaRoots, resolve_under_roots
from pipelines.store.audit import append_audit, run_audited
from pipelines.store.scan_jobs import ScanJob, submit_job
from pipelines.store.users import Role, User


def queue_scan(state: ServiceState, *, user: User, client: str, paths: Sequence[str]) -> ScanJob:
    """Queue a scan of `paths`. Every path must lie under a media root once resolved
    (symlinks and `..` followed); the job is refused whole otherwise (`ApiError` 403
    outside_media_roots, 404 for a path that does not exist, 403 for an auditor)."""
    if not user.role.at_least(Role.INSPECTOR):
        raise ApiError(403, ErrorCode.FORBIDDEN, "this needs the inspector role")
    resolved = []
    for given in paths:
        try:
            resolved.append(str(resolve_under_roots(given, state.settings.media_roots)))
        except OutsideMediaRoots as exc:
            raise ApiError(403, ErrorCode.OUTSIDE_MEDIA_ROOTS, str(exc)) from exc
        except FileNotFoundError as exc:
            raise ApiError(404, ErrorCode.NOT_FOUND, str(exc)) from exc
        except OSError as exc:  # a name or path too long for the file system, a loop
            raise ApiError(
                422, ErrorCode.INVALID_REQUEST, f"not a usable path: {exc.strerror}"
            ) from exc

    def work(session: Session) -> ScanJob:
        job = submit_job(session, paths=resolved, submitted_by=user.username, at=datetime.now(UTC))
        detail = {"paths": resolved}
        append_audit(
            session, entry(user, client, Action.SCAN_SUBMIT, "scan_job", str(job.id), detail)
        )
        return job

    job = run_audited(state.sessions, work)
    state.jobs.submit(job.id)
    return job
