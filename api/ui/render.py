"""Rendering the review UI's pages: templates, the words of the reader's language, the
signed-in user a page needs (else the login page), errors as pages."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from api.errors import ApiError
from api.state import ServiceState
from api.ui.describe import describe
from api.ui.i18n import LANGUAGE_COOKIE, LANGUAGES, error_words, language_of, translator
from api.ui.words import Words
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
    """An error met by a page, as a page: its status and what it means in the reader's
    language (the API's English message on the English page)."""
    state: ServiceState = request.app.state.service
    lang = page_language(request)
    return render(
        request,
        state,
        None,
        "error.html",
        exc.status,
        status=exc.status,
        message=error_words(lang, exc.code, exc.message),
    )


def page_language(request: Request) -> str:
    return language_of(request.cookies.get(LANGUAGE_COOKIE))


def page_words(request: Request, state: ServiceState) -> Words:
    return Words(page_language(request), state.zone)


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
    words = page_words(request, state)
    lang = words.lang
    return TEMPLATES.TemplateResponse(
        request,
        template,
        {
            "t": translator(lang),
            "lang": lang,
            "other_lang": next(code for code in LANGUAGES if code != lang),
            "here": here(request),
            "user": user,
            "w": words,
            "when": words.when,
            "describe": lambda finding: describe(finding, words),
            "zone_line": words.zone_line(time.time()),
            **context,
        },
        status_code=status_code,
    )
