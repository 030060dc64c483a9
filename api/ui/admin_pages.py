"""The audit log (with the admin's chain check) and the jobs page (scans asked for, nightly
runs and their progress)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.access import audit_scope, own_only
from api.audit_trail import verify_and_record
from api.deps import ClientDep, MaybeUser, SessionDep, StateDep
from api.errors import ApiError
from api.scan_requests import queue_scan
from api.ui.i18n import error_words
from api.ui.render import PAGE_SIZE, page_language, page_user, render
from pipelines.store.audit import count_audit, load_audit
from pipelines.store.nightly import list_runs
from pipelines.store.scan_jobs import list_jobs
from pipelines.store.users import Role

router = APIRouter(include_in_schema=False)


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
    me = page_user(request, user)
    chain = None
    if verify and me.role is Role.ADMIN:
        chain = verify_and_record(state, session, me, client)
    return render(
        request,
        state,
        me,
        "audit.html",
        # The page shows what `/api/audit` gives the same user: a user limited to cameras
        # reads their cameras' records and their own doings.
        records=load_audit(
            session, offset=offset, limit=PAGE_SIZE, newest_first=True, scope=audit_scope(me)
        ),
        total=count_audit(session, scope=audit_scope(me)),
        offset=offset,
        limit=PAGE_SIZE,
        chain=chain,
        may_verify=me.role is Role.ADMIN,
    )


@router.get("/jobs", response_class=HTMLResponse)
def jobs_page(
    request: Request,
    state: StateDep,
    session: SessionDep,
    user: MaybeUser,
    error: Annotated[str | None, Query(max_length=500)] = None,
) -> HTMLResponse:
    me = page_user(request, user)
    return render(
        request,
        state,
        me,
        "jobs.html",
        scan_jobs=list_jobs(session, limit=PAGE_SIZE, submitted_by=own_only(me)),
        # A nightly run covers every camera of the site: none for a user limited to some.
        runs=[] if me.cameras else list_runs(session, limit=PAGE_SIZE),
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
    me = page_user(request, user)
    try:
        queue_scan(state, user=me, client=client, paths=[path])
    except ApiError as exc:
        problem = error_words(page_language(request), exc.code, exc.message)
        return RedirectResponse("/jobs?" + urlencode({"error": problem}), status_code=303)
    return RedirectResponse("/jobs", status_code=303)
