"""Limits on a request's shape, checked before routing: a URL with more query parameters than
any page or client sends is refused with this API's JSON error, never parsed into a filter
of thousands of values (which would reach the database as one huge statement)."""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from api.errors import ErrorCode, error_response

MAX_QUERY_PARAMETERS = 200


class QueryLimits:
    """ASGI middleware: 422 `invalid_request` for more than `MAX_QUERY_PARAMETERS`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            query: bytes = scope.get("query_string", b"")
            if query.count(b"&") >= MAX_QUERY_PARAMETERS:
                response = error_response(
                    422,
                    ErrorCode.INVALID_REQUEST,
                    f"at most {MAX_QUERY_PARAMETERS} query parameters",
                )
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
