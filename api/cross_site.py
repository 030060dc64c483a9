"""Writes come from the service's own pages or from clients that are not browsers.

A browser attaches what it holds for the review service to a request another site's page
makes: SameSite=Strict keeps the session cookie home, but not HTTP Basic credentials it has
cached. Browsers say where a request comes from: `Sec-Fetch-Site` (Fetch Metadata), and in
older browsers the `Origin` header. A write (anything but GET, HEAD, OPTIONS) that another
site started is refused before routing, with this API's JSON error. Clients that are not
browsers (the command line, scripts, curl) send neither header and are not affected.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from api.errors import ErrorCode, error_response

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# "none": the user typed or bookmarked it; "same-origin": one of the service's own pages.
OWN_SITES = frozenset({"same-origin", "none"})


def foreign_write(method: str, headers: Headers) -> str | None:
    """Why a request must be refused as written by another site's page, or None."""
    if method.upper() in SAFE_METHODS:
        return None
    site = headers.get("sec-fetch-site")
    if site is not None:
        if site.lower() in OWN_SITES:
            return None
        return f"the browser sent it from another site's page (Sec-Fetch-Site: {site})"
    origin = headers.get("origin")
    if origin is None:
        return None
    # An opaque origin ("null": a sandboxed frame, a file) is nobody's own page.
    origin_host = urlsplit(origin).netloc.lower() if origin != "null" else ""
    if origin_host and origin_host == headers.get("host", "").lower():
        return None
    return f"the browser sent it from another origin ({origin})"


class CrossSiteWrites:
    """ASGI middleware: 403 `forbidden` for a write another site's page started."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            reason = foreign_write(scope["method"], Headers(scope=scope))
            if reason is not None:
                response = error_response(
                    403, ErrorCode.FORBIDDEN, f"writes come from the service's own pages: {reason}"
                )
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
