"""Pages of signing in and out, and the language switch."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.deps import ClientDep, MaybeUser, SessionDep, StateDep
from api.errors import ApiError
from api.login import end_session, set_session_cookie, sign_in
from api.ui.i18n import LANGUAGE_COOKIE, LANGUAGES, error_words, translator
from api.ui.render import page_language, render, safe_next

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=RedirectResponse)
def home() -> RedirectResponse:
    return RedirectResponse("/findings", status_code=303)


@router.get("/lang")
def switch_language(
    to: Annotated[str, Query(max_length=10)], back: Annotated[str, Query(max_length=2000)] = "/"
) -> RedirectResponse:
    response = RedirectResponse(safe_next(back), status_code=303)
    if to in LANGUAGES:
        response.set_cookie(LANGUAGE_COOKIE, to, max_age=365 * 86400, samesite="lax", path="/")
    return response


@router.get("/login", response_class=HTMLResponse)
def login_page(
    request: Request, state: StateDep, next: Annotated[str, Query(max_length=2000)] = "/findings"
) -> HTMLResponse:
    return render(request, state, None, "login.html", next=safe_next(next), error=None)


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
    except ApiError as exc:
        # A wrong name or password is not told apart; a throttled name or address is told
        # to wait (the status and Retry-After of the refusal).
        lang = page_language(request)
        problem = (
            translator(lang)("login_failed")
            if exc.status == 401
            else error_words(lang, exc.code, exc.message)
        )
        page = render(
            request, state, None, "login.html", exc.status, next=safe_next(next), error=problem
        )
        page.headers.update(exc.headers or {})
        return page
    response = RedirectResponse(safe_next(next), status_code=303)
    set_session_cookie(response, state, user)
    return response


@router.post("/logout")
def logout_form(user: MaybeUser, state: StateDep, client: ClientDep) -> RedirectResponse:
    return end_session(RedirectResponse("/login", status_code=303), state, user, client)
