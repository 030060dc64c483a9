"""/api/findings: list (filter, sort, paginate), read, review."""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy.orm import Session

from analyzer import ANALYZER_VERSION
from analyzer.findings import FindingKind, Severity
from api.access import visible_cameras, visible_finding
from api.deps import AuditorUser, ClientDep, InspectorUser, SessionDep, StateDep
from api.errors import ERROR_RESPONSES, ApiError, ErrorCode
from api.review import decide
from api.schemas.findings import (
    FindingDetailPublic,
    FindingListPublic,
    FindingPublic,
    FindingUpdate,
    ReviewPublic,
)
from pipelines.store.finding_query import (
    FindingFilter,
    FindingSort,
    StoredFinding,
    find_findings,
)
from pipelines.store.reviews import load_reviews
from pipelines.store.schema import ReviewState

router = APIRouter(prefix="/api/findings", tags=["findings"], responses=ERROR_RESPONSES)


@router.get("", response_model=FindingListPublic)
def list_findings(
    user: AuditorUser,
    session: SessionDep,
    state: StateDep,
    severity: Annotated[list[Severity] | None, Query()] = None,
    camera: Annotated[list[str] | None, Query()] = None,
    kind: Annotated[list[FindingKind] | None, Query()] = None,
    rule: Annotated[str | None, Query(max_length=200)] = None,
    review_state: ReviewState | None = None,
    lot: Annotated[str | None, Query(max_length=200)] = None,
    room: Annotated[str | None, Query(max_length=200)] = None,
    since: Annotated[datetime | None, Query(description="ISO-8601 with offset")] = None,
    until: Annotated[datetime | None, Query(description="ISO-8601 with offset")] = None,
    analyzer_version: Annotated[
        str | None, Query(max_length=64, description="default: this service's analyzer")
    ] = None,
    sort: FindingSort = FindingSort.START,
    descending: bool = False,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> FindingListPublic:
    cameras = list(camera or [])
    if room is not None:
        in_room = [c.id for c in state.site.cameras if c.room == room]
        if not in_room:
            raise ApiError(
                422, ErrorCode.INVALID_REQUEST, f"no camera of the site is in room {room!r}"
            )
        cameras = [c for c in cameras if c in in_room] if cameras else in_room
    criteria = FindingFilter(
        analyzer_version=analyzer_version or ANALYZER_VERSION,
        severities=severity or (),
        cameras=cameras,
        kinds=kind or (),
        rule=rule,
        review_state=review_state,
        lot=lot,
        since=None if since is None else posix_param(since, "since"),
        until=None if until is None else posix_param(until, "until"),
        visible_cameras=visible_cameras(user),
    )
    page = find_findings(
        session, criteria, sort=sort, descending=descending, offset=offset, limit=limit
    )
    return FindingListPublic(
        items=[FindingPublic.of(item, state.zone) for item in page.items],
        total=page.total,
        offset=offset,
        limit=limit,
    )


@router.get("/{finding_id}", response_model=FindingDetailPublic)
def read_finding(
    finding_id: str,
    user: AuditorUser,
    session: SessionDep,
    state: StateDep,
    analyzer_version: Annotated[str | None, Query(max_length=64)] = None,
) -> FindingDetailPublic:
    stored = visible_finding(session, user, finding_id, analyzer_version)
    return _detail(session, stored, state.zone)


@router.patch("/{finding_id}", response_model=FindingDetailPublic)
def review(
    finding_id: str,
    update: FindingUpdate,
    user: InspectorUser,
    session: SessionDep,
    state: StateDep,
    client: ClientDep,
    analyzer_version: Annotated[str | None, Query(max_length=64)] = None,
) -> FindingDetailPublic:
    """Confirm or dismiss an open finding (inspector, admin), or reopen one (admin)."""
    stored = visible_finding(session, user, finding_id, analyzer_version)
    decide(state, user=user, client=client, stored=stored, to=update.state, comment=update.comment)
    session.expire_all()
    now = visible_finding(session, user, finding_id, stored.analyzer_version)
    return _detail(session, now, state.zone)


def _detail(session: Session, stored: StoredFinding, zone: tzinfo) -> FindingDetailPublic:
    reviews = load_reviews(
        session, finding_id=stored.finding.id, analyzer_version=stored.analyzer_version
    )
    public = FindingPublic.of(stored, zone)
    return FindingDetailPublic(**public.model_dump(), reviews=[ReviewPublic.of(r) for r in reviews])


def posix_param(moment: datetime, name: str) -> float:
    """POSIX seconds of a query's time; 422 for a time without its offset."""
    if moment.utcoffset() is None:
        raise ApiError(422, ErrorCode.INVALID_REQUEST, f"{name}: give the time with its offset")
    return moment.timestamp()
