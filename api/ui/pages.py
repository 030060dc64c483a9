"""The review UI: server-rendered pages over the same store, access rules and audit trail as
the API. Pages need a signed-in user; without one they send the browser to /login."""

from __future__ import annotations

from fastapi import APIRouter

from api.ui import admin_pages, auth_pages, finding_pages, site_pages
from api.ui.render import SignInNeeded, error_page, sign_in_redirect

router = APIRouter(include_in_schema=False)
for pages in (auth_pages, finding_pages, site_pages, admin_pages):
    router.include_router(pages.router)

__all__ = ["SignInNeeded", "error_page", "router", "sign_in_redirect"]
