"""The findings list, a finding's page (player, counts chart, custody context, review
form) and the review form's post."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BeforeValidator
from sqlalchemy.orm import Session

from analyzer import ANALYZER_VERSION
from analyzer.findings import FindingKind, Severity
from api.access import visible_cameras, visible_finding
from api.deps import ClientDep, MaybeUser, SessionDep, StateDep
from api.errors import ApiError
from api.footage import (
    clip_recording,
    counted_camera,
    counted_timelines,
    counts_window,
    finding_clip_file,
)
from api.labelling import bundles_counted_by, camera_bundle_model
from api.review import decide
from api.state import ServiceState
from api.ui.count_chart import CountsChart, counts_chart
from api.ui.describe import lot_of
from api.ui.i18n import error_words, translator
from api.ui.render import PAGE_SIZE, page_language, page_user, render
from pipelines.store import (
    load_custody_events,
    load_recordings,
)
from pipelines.store.audit import load_audit
from pipelines.store.custody import get_custody_event
from pipelines.store.finding_query import FindingFilter, StoredFinding, find_findings
from pipelines.store.reviews import load_reviews
from pipelines.store.schema import ReviewState
from pipelines.store.users import Role, User

router = APIRouter(include_in_schema=False)


def _blank_is_none(value: object) -> object:
    return value or None


# The list's form sends an empty kind for "every kind"; any other kind it does not know is a
# 422 page naming the kinds, not an empty list.
KindChoice = Annotated[FindingKind | None, BeforeValidator(_blank_is_none)]


@router.get("/findings", response_class=HTMLResponse)
def findings_page(
    request: Request,
    state: StateDep,
    session: SessionDep,
    user: MaybeUser,
    severity: str = "",
    camera: str = "",
    kind: KindChoice = None,
    rule: str = "",
    lot: str = "",
    review_state: str = "",
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> HTMLResponse:
    me = page_user(request, user)
    severity = severity if severity in set(Severity) else ""
    review_state = review_state if review_state in set(ReviewState) else ""
    query: dict[str, Any] = {
        "severity": severity,
        "camera": camera,
        "kind": kind or "",
        "rule": rule,
        "lot": lot,
        "review_state": review_state,
        "offset": offset,
        "limit": PAGE_SIZE,
    }
    criteria = FindingFilter(
        analyzer_version=ANALYZER_VERSION,
        severities=[Severity(severity)] if severity else (),
        cameras=[camera] if camera else (),
        kinds=[kind] if kind else (),
        rule=rule or None,
        lot=lot or None,
        review_state=ReviewState(review_state) if review_state else None,
        visible_cameras=visible_cameras(me),
    )
    page = find_findings(session, criteria, offset=offset, limit=PAGE_SIZE)
    cameras = sorted(
        {r.camera for r in load_recordings(session)} | {c.id for c in state.site.cameras}
    )

    def page_link(at: int) -> str:
        kept = {k: v for k, v in query.items() if v and k not in ("offset", "limit")}
        return "/findings?" + urlencode({**kept, "offset": max(at, 0)})

    return render(
        request,
        state,
        me,
        "findings.html",
        page=page,
        query=query,
        page_link=page_link,
        severities=[s.value for s in Severity],
        states=[s.value for s in ReviewState],
        kinds=[k.value for k in FindingKind],
        cameras=[c for c in cameras if me.may_see((c,))],
    )


@router.get("/findings/{finding_id}", response_class=HTMLResponse)
def finding_page(
    request: Request,
    finding_id: str,
    state: StateDep,
    session: SessionDep,
    user: MaybeUser,
    error: str | None = None,
) -> HTMLResponse:
    me = page_user(request, user)
    stored = visible_finding(session, me, finding_id, None)
    finding = stored.finding
    # The page still shows the finding when its footage cannot be served (moved, outside
    # the media roots, unreadable): the reason stands where the player would be.
    try:
        clip = finding_clip_file(state, session, me, stored)
        no_clip = None
    except ApiError as exc:
        clip, no_clip = None, error_words(page_language(request), exc.code, exc.message)
    events = []
    lot = None
    if finding.custody_leg:
        lot = lot_of(finding)
    elif finding.custody_event:
        event = get_custody_event(session, event_id=finding.custody_event)
        lot = event.lot if event is not None and event.lot else None
    if lot is not None:
        events = load_custody_events(session, lot=lot)
    recording = clip_recording(session, stored)
    return render(
        request,
        state,
        me,
        "finding.html",
        stored=stored,
        clip=clip,
        no_clip=no_clip,
        flagged_offset=max(finding.start - clip.first_s, 0.0) if clip else 0.0,
        recording=recording,
        bundles_counted_by=bundles_counted_by(
            finding.counts.counted_by if finding.counts else None
        ),
        camera_bundle_model=None
        if recording is None
        else camera_bundle_model(state, recording.camera),
        chart=_counts_chart(session, stored, state, me),
        lot=lot,
        events=events,
        reviews=load_reviews(
            session, finding_id=finding.id, analyzer_version=stored.analyzer_version
        ),
        audit=load_audit(session, object_type="finding", object_id=finding.id),
        may_review=me.role.at_least(Role.INSPECTOR),
        may_reopen=me.role is Role.ADMIN,
        error=error,
    )


@router.post("/findings/{finding_id}/review", response_model=None)
def review_form(
    request: Request,
    finding_id: str,
    state: StateDep,
    session: SessionDep,
    user: MaybeUser,
    client: ClientDep,
    state_to: Annotated[str, Form(alias="state", max_length=16)],
    comment: Annotated[str, Form(max_length=4000)] = "",
    analyzer_version: Annotated[str | None, Form(max_length=64)] = None,
) -> Response:
    me = page_user(request, user)
    stored = visible_finding(session, me, finding_id, analyzer_version)
    lang = page_language(request)
    t = translator(lang)
    problem = None
    if state_to not in set(ReviewState):
        problem = error_words(lang, "invalid_request", f"no review state {state_to!r}")
    elif not comment.strip():
        problem = t("comment_needed")
    else:
        try:
            decide(
                state,
                user=me,
                client=client,
                stored=stored,
                to=ReviewState(state_to),
                comment=comment.strip(),
            )
        except ApiError as exc:
            problem = error_words(lang, exc.code, exc.message)
    target = f"/findings/{finding_id}"
    if problem is not None:
        target += "?" + urlencode({"error": problem})
    return RedirectResponse(target, status_code=303)


def _counts_chart(
    session: Session, stored: StoredFinding, state: ServiceState, user: User
) -> CountsChart | None:
    start, end = counts_window(state, stored)
    timelines = counted_timelines(session, counted_camera(stored, user), (start, end))
    finding = stored.finding
    return counts_chart(
        timelines, start=start, end=end, zone=state.zone, flagged=(finding.start, finding.end)
    )
