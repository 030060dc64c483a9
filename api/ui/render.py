"""Rendering the review UI's pages: templates, the words of the reader's language, the
signed-in user a page needs (else the login page), errors as pages."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from analyzer.wallclock import iso
from api.errors import ApiError
from api.state import ServiceState
from api.ui.i18n import LANGUAGE_COOKIE, LANGUAGES, language_of, translator
from pipelines.store.users import User

TEMPLATES = Jinja2Templates(directory=Path(__file__).resolve().parents[1] / "templates")
PAGE_SIZE = 50


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


def page_user(request: Request, user: User | None) -> User:
    if user is None:
        raise SignInNeeded(here(request))
    return user


def here(request: Request) -> str:
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")


def safe_next(target: str) -> str:
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
            "here": here(request),
            "user": user,
            "zone": zone,
            "when": lambda posix: iso(posix, zone)[:19].replace("T", " "),
            **context,
        },
        status_code=status_code,
    )
