"""The review UI: server-rendered pages over the same store, access rules and audit trail as
the API. Pages need a signed-in user; without one they send the browser to /login."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

import numpy as np
import numpy.typing as npt
from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session

from analyzer import ANALYZER_VERSION
from analyzer.custody import CustodyLeg
from analyzer.findings import Finding, FindingKind, Severity
from analyzer.legs import derive_legs
from analyzer.wallclock import iso
from api import sessions
from api.access import visible_cameras, visible_finding
from api.audit_trail import Action, entry, record, verify_and_record
from api.deps import ClientDep, MaybeUser, SessionDep, StateDep
from api.errors import ApiError, not_found
from api.review import decide
from api.routes.auth import set_session_cookie, sign_in
from api.routes.media import clip_recording, counts_window, finding_clip_file
from api.scan_requests import queue_scan
from api.state import ServiceState
from api.ui import charts
from api.ui.i18n import LANGUAGE_COOKIE, LANGUAGES, language_of, translator
from pipelines.store import (
    load_count_timelines,
    load_custody_events,
    load_findings,
    load_recordings,
)
from pipelines.store.audit import count_audit, load_audit
from pipelines.store.finding_query import FindingFilter, StoredFinding, find_findings
from pipelines.store.nightly import list_runs
from pipelines.store.reviews import load_reviews
from pipelines.store.scan_jobs import list_jobs
from pipelines.store.schema import ReviewState
from pipelines.store.users import Role, User

TEMPLATES = Jinja2Templates(directory=Path(__file__).resolve().parents[1] / "templates")
PAGE_SIZE = 50
CHART_WIDTH, CHART_HEIGHT = 900, 120

router = APIRouter(include_in_schema=False)


class SignInNeeded(Exception):
    """A page was asked for without a signed-in user: send the browser to the login page."""

    def __init__(self, back_to: str) -> None:
        self.back_to = back_to


def sign_in_redirect(_request: Request, exc: SignInNeeded) -> Response:
    return RedirectResponse("/login?" + urlencode({"next": exc.back_to}), status_code=303)


def error_page(request: Request, exc: ApiError) -> Response:
    """An error met by a page, as a page (the status and message of the API's error)."""
    state: ServiceState = request.app.state.service
    return render(
        request, state, None, "error.html", exc.status, status=exc.status, message=exc.message
    )


def _page_user(request: Request, user: User | None) -> User:
    if user is None:
        raise SignInNeeded(_here(request))
    return user


def _here(request: Request) -> str:
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")


def _safe_next(target: str) -> str:
    """Only a path of this site: no scheme, no host, no `//` (an open redirect otherwise)."""
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/findings"
    return target


def render(
    request: Request,
    state: ServiceState,
    user: User | None,
    template: str,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    lang = language_of(request.cookies.get(LANGUAGE_COOKIE))
    zone = state.zone
    return TEMPLATES.TemplateResponse(
        request,
        template,
        {
            "t": translator(lang),
            "lang": lang,
            "other_lang": next(code for code in LANGUAGES if code != lang),
            "here": _here(request),
            "user": user,
            "zone": zone,
            "when": lambda posix: iso(posix, zone)[:19].replace("T", " "),
            **context,
        },
        status_code=status_code,
    )


@router.get("/", response_class=RedirectResponse)
def home() -> RedirectResponse:
    return RedirectResponse("/findings", status_code=303)


@router.get("/lang")
def switch_language(
    to: Annotated[str, Query(max_length=10)], back: Annotated[str, Query(max_length=2000)] = "/"
) -> RedirectResponse:
    response = RedirectResponse(_safe_next(back), status_code=303)
    if to in LANGUAGES:
        response.set_cookie(LANGUAGE_COOKIE, to, max_age=365 * 86400, samesite="lax", path="/")
    return response


@router.get("/login", response_class=HTMLResponse)
def login_page(
    request: Request, state: StateDep, next: Annotated[str, Query(max_length=2000)] = "/findings"
) -> HTMLResponse:
    return render(request, state, None, "login.html", next=_safe_next(next), error=None)


@router.post("/login", response_model=None)
def login_form(
    request: Request,
    state: StateDep,
    session: SessionDep,
    client: ClientDep,
    username: Annotated[str, Form(max_length=100)],
    password: Annotated[str, Form(max_length=1024)],
    next: Annotated[str, Form(max_length=2000)] = "/findings",
) -> Response:
    try:
        user = sign_in(state, session, username, password, client)
    except ApiError:
        return render(
            request, state, None, "login.html", 401, next=_safe_next(next), error="login_failed"
        )
    response = RedirectResponse(_safe_next(next), status_code=303)
    set_session_cookie(response, state, user)
    return response


@router.post("/logout")
def logout_form(user: MaybeUser, state: StateDep, client: ClientDep) -> RedirectResponse:
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(sessions.COOKIE_NAME, path="/")
    if user is not None:
        record(state, entry(user, client, Action.LOGOUT, "user", user.username))
    return response


@router.get("/findings", response_class=HTMLResponse)
def findings_page(
    request: Request,
    state: StateDep,
    session: SessionDep,
    user: MaybeUser,
    severity: str = "",
    camera: str = "",
    kind: str = "",
    rule: str = "",
    lot: str = "",
    review_state: str = "",
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> HTMLResponse:
    me = _page_user(request, user)
    severity = severity if severity in set(Severity) else ""
    review_state = review_state if review_state in set(ReviewState) else ""
    query: dict[str, Any] = {
        "severity": severity,
        "camera": camera,
        "kind": kind,
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
        cameras=[c for c in cameras if me.may_see(c)],
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
    me = _page_user(request, user)
    stored = visible_finding(session, me, finding_id, None)
    finding = stored.finding
    clip = finding_clip_file(state, session, me, stored)
    events = []
    lot = None
    if finding.custody_leg:
        lot = finding.custody_leg.split("/", 1)[0]
    elif finding.custody_event:
        matching = [e for e in load_custody_events(session) if e.event_id == finding.custody_event]
        lot = matching[0].lot if matching and matching[0].lot else None
    if lot is not None:
        events = load_custody_events(session, lot=lot)
    return render(
        request,
        state,
        me,
        "finding.html",
        stored=stored,
        clip=clip,
        flagged_offset=max(finding.start - clip.first_s, 0.0) if clip else 0.0,
        recording=clip_recording(session, stored),
        chart=_counts_chart(session, stored, state),
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
    me = _page_user(request, user)
    stored = visible_finding(session, me, finding_id, analyzer_version)
    t = translator(language_of(request.cookies.get(LANGUAGE_COOKIE)))
    problem = None
    if state_to not in set(ReviewState):
        problem = f"{state_to!r}?"
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
            problem = t("forbidden") if exc.status == 403 else exc.message
    target = f"/findings/{finding_id}"
    if problem is not None:
        target += "?" + urlencode({"error": problem})
    return RedirectResponse(target, status_code=303)


@router.get("/lots", response_class=HTMLResponse)
def lots_page(
    request: Request, state: StateDep, session: SessionDep, user: MaybeUser
) -> HTMLResponse:
    me = _page_user(request, user)
    by_lot: dict[str, list[Any]] = defaultdict(list)
    for event in load_custody_events(session):
        if event.lot:
            by_lot[event.lot].append(event)
    return render(request, state, me, "lots.html", lots=sorted(by_lot.items()))


@router.get("/lots/view", response_class=HTMLResponse)
def lot_page(
    request: Request,
    state: StateDep,
    session: SessionDep,
    user: MaybeUser,
    lot: Annotated[str, Query(max_length=200)],
) -> HTMLResponse:
    me = _page_user(request, user)
    events = load_custody_events(session, lot=lot)
    if not events:
        raise not_found(f"lot {lot}")
    legs = derive_legs(events).legs
    start, end = events[0].time, max(events[-1].time, *(leg.end for leg in legs))
    margin = max((end - start) * 0.05, 60.0)
    start, end = start - margin, end + margin
    leg_bars = charts.bars(
        [(leg.start, leg.end, _leg_label(leg), leg.kind.value, None) for leg in legs],
        start,
        end,
    )
    rooms = {leg.from_room for leg in legs} | {leg.to_room for leg in legs}
    devices = {leg.device for leg in legs if leg.device}
    cameras = sorted(
        c.id
        for c in state.site.cameras
        if (c.room in rooms or c.id in devices) and me.may_see(c.id)
    )
    coverage = [
        (
            camera,
            charts.bars(
                [
                    (r.start, r.end, r.path.rsplit("/", 1)[-1], "footage", None)
                    for r in load_recordings(session, camera=camera, ending_after=start)
                    if r.start <= end
                ],
                start,
                end,
            ),
        )
        for camera in cameras
    ]
    page = find_findings(
        session,
        FindingFilter(
            analyzer_version=ANALYZER_VERSION, lot=lot, visible_cameras=visible_cameras(me)
        ),
        limit=500,
    )
    findings = [item.finding for item in page.items]
    finding_bars = _finding_bars(findings, start, end)
    return render(
        request,
        state,
        me,
        "lot.html",
        lot=lot,
        start=start,
        end=end,
        legs=legs,
        events=events,
        leg_bars=leg_bars,
        coverage=coverage,
        findings=findings,
        finding_bars=finding_bars,
    )


@router.get("/cameras", response_class=HTMLResponse)
def cameras_page(
    request: Request, state: StateDep, session: SessionDep, user: MaybeUser
) -> HTMLResponse:
    me = _page_user(request, user)
    days: dict[str, set[str]] = defaultdict(set)
    for r in load_recordings(session):
        days[r.camera].add(datetime.fromtimestamp(r.start, state.zone).date().isoformat())
    configured = {c.id: c for c in state.site.cameras}
    cameras = [
        {
            "id": camera_id,
            "kind": configured[camera_id].kind.value if camera_id in configured else "",
            "room": configured[camera_id].room if camera_id in configured else None,
            "days": sorted(days[camera_id]),
        }
        for camera_id in sorted(set(configured) | set(days))
        if me.may_see(camera_id)
    ]
    return render(request, state, me, "cameras.html", cameras=cameras)


@router.get("/cameras/{camera}/day", response_class=HTMLResponse)
def camera_day_page(
    request: Request,
    camera: str,
    state: StateDep,
    session: SessionDep,
    user: MaybeUser,
    day: date,
) -> HTMLResponse:
    me = _page_user(request, user)
    if not me.may_see(camera):
        raise not_found(f"camera {camera}")
    start = datetime.combine(day, time(), tzinfo=state.zone).timestamp()
    end = datetime.combine(day + timedelta(days=1), time(), tzinfo=state.zone).timestamp()
    recordings = [
        r for r in load_recordings(session, camera=camera, ending_after=start) if r.start < end
    ]
    findings = load_findings(
        session, camera=camera, since=start, until=end, analyzer_version=ANALYZER_VERSION
    )
    return render(
        request,
        state,
        me,
        "camera_day.html",
        camera=camera,
        day=day.isoformat(),
        previous_day=(day - timedelta(days=1)).isoformat(),
        next_day=(day + timedelta(days=1)).isoformat(),
        footage=charts.bars(
            [(r.start, r.end, r.path.rsplit("/", 1)[-1], "footage", None) for r in recordings],
            start,
            end,
        ),
        findings=findings,
        finding_bars=_finding_bars(findings, start, end),
    )


@router.get("/audit", response_class=HTMLResponse)
def audit_page(
    request: Request,
    state: StateDep,
    session: SessionDep,
    user: MaybeUser,
    client: ClientDep,
    verify: bool = False,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> HTMLResponse:
    me = _page_user(request, user)
    chain = None
    if verify and me.role is Role.ADMIN:
        chain = verify_and_record(state, session, me, client)
    return render(
        request,
        state,
        me,
        "audit.html",
        records=load_audit(session, offset=offset, limit=PAGE_SIZE, newest_first=True),
        total=count_audit(session),
        offset=offset,
        limit=PAGE_SIZE,
        chain=chain,
        may_verify=me.role is Role.ADMIN,
    )


def _finding_bars(findings: list[Finding], start: float, end: float) -> list[charts.Bar]:
    return charts.bars(
        [
            (
                f.start,
                f.end,
                f"{f.rule} {f.kind.value}",
                f"sev-{f.severity.value}",
                f"/findings/{f.id}",
            )
            for f in findings
        ],
        start,
        end,
    )


def _link(finding: Finding) -> str:
    return f"/findings/{finding.id}"


def _leg_label(leg: CustodyLeg) -> str:
    where = leg.from_room if leg.from_room == leg.to_room else f"{leg.from_room}→{leg.to_room}"
    return f"{where} ({leg.bundles})" if leg.bundles is not None else where


@dataclasses.dataclass(frozen=True)
class CountsChart:
    """The finding page's chart: SVG paths of people and bundles over the clip's window, and
    the flagged interval as a band (x in chart units)."""

    width: int
    height: int
    top: int
    persons: str
    bundles: str
    flag_left: float
    flag_width: float
    first_label: str
    last_label: str


def _counts_chart(
    session: Session, stored: StoredFinding, state: ServiceState
) -> CountsChart | None:
    start, end = counts_window(state, stored)
    camera = stored.finding.camera.split("+")[0]
    timelines = load_count_timelines(
        session, camera=camera, analyzer_version=ANALYZER_VERSION, since=start, until=end
    )
    if not timelines:
        return None
    times = np.concatenate([t.time for t in timelines])
    persons = np.concatenate([t.persons for t in timelines])
    bundles = np.concatenate([t.bundles for t in timelines])
    order = np.argsort(times, kind="stable")
    times, persons, bundles = times[order], persons[order], bundles[order]
    top = max(int(max(persons.max(initial=0), bundles.max(initial=0))), 1)

    def path(values: npt.NDArray[np.int64]) -> str:
        return charts.step_path(
            times, values, start=start, end=end, width=CHART_WIDTH, height=CHART_HEIGHT, top=top
        )

    span = end - start
    finding = stored.finding
    left = (max(finding.start, start) - start) / span * CHART_WIDTH
    right = (min(finding.end, end) - start) / span * CHART_WIDTH
    return CountsChart(
        width=CHART_WIDTH,
        height=CHART_HEIGHT,
        top=top,
        persons=path(persons),
        bundles=path(bundles),
        flag_left=round(left, 1),
        flag_width=round(max(right - left, 2.0), 1),
        first_label=iso(start, state.zone)[11:19],
        last_label=iso(end, state.zone)[11:19],
    )


@router.get("/jobs", response_class=HTMLResponse)
def jobs_page(
    request: Request,
    state: StateDep,
    session: SessionDep,
    user: MaybeUser,
    error: Annotated[str | None, Query(max_length=500)] = None,
) -> HTMLResponse:
    me = _page_user(request, user)
    return render(
        request,
        state,
        me,
        "jobs.html",
        scan_jobs=list_jobs(session, limit=PAGE_SIZE),
        runs=list_runs(session, limit=PAGE_SIZE),
        may_scan=me.role.at_least(Role.INSPECTOR),
        error=error,
    )


@router.post("/jobs", response_model=None)
def jobs_form(
    request: Request,
    state: StateDep,
    user: MaybeUser,
    client: ClientDep,
    path: Annotated[str, Form(max_length=1000)],
) -> Response:
    me = _page_user(request, user)
    try:
        queue_scan(state, user=me, client=client, paths=[path])
    except ApiError as exc:
        return RedirectResponse("/jobs?" + urlencode({"error": exc.message}), status_code=303)
    return RedirectResponse("/jobs", status_code=303)
