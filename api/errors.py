"""Errors as JSON with a stable code: `{"error": {"code": "...", "message": "..."}}`.

Clients branch on `code`, never on the message (which may be reworded or translated).
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from pipelines.store.columns import TimeOutOfRange


class ErrorCode(StrEnum):
    UNAUTHENTICATED = "unauthenticated"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    INVALID_REQUEST = "invalid_request"
    CONFLICT = "conflict"
    OUTSIDE_MEDIA_ROOTS = "outside_media_roots"
    MEDIA_UNAVAILABLE = "media_unavailable"
    RANGE_NOT_SATISFIABLE = "range_not_satisfiable"
    TOO_MANY_REQUESTS = "too_many_requests"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    NOT_ACCEPTABLE = "not_acceptable"
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
    INTERNAL = "internal_error"


_BY_STATUS = {
    401: ErrorCode.UNAUTHENTICATED,
    403: ErrorCode.FORBIDDEN,
    404: ErrorCode.NOT_FOUND,
    405: ErrorCode.METHOD_NOT_ALLOWED,
    406: ErrorCode.NOT_ACCEPTABLE,
    409: ErrorCode.CONFLICT,
    415: ErrorCode.UNSUPPORTED_MEDIA_TYPE,
    416: ErrorCode.RANGE_NOT_SATISFIABLE,
    422: ErrorCode.INVALID_REQUEST,
    429: ErrorCode.TOO_MANY_REQUESTS,
}


class ErrorDetail(BaseModel):
    code: ErrorCode
    message: str


class ErrorBody(BaseModel):
    error: ErrorDetail


class ApiError(Exception):
    """An error the client caused or must know about, with its HTTP status and code."""

    def __init__(
        self, status: int, code: ErrorCode, message: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers


def not_found(what: str) -> ApiError:
    return ApiError(404, ErrorCode.NOT_FOUND, f"{what} not found")


def error_response(
    status: int, code: ErrorCode, message: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    body = ErrorBody(error=ErrorDetail(code=code, message=message))
    return JSONResponse(body.model_dump(mode="json"), status_code=status, headers=headers)


# Documented on every route, so generated clients and schema-driven tests know the shape.
ERROR_RESPONSES: dict[int | str, dict[str, object]] = {
    status: {"model": ErrorBody, "description": code.value}
    for status, code in (
        (401, ErrorCode.UNAUTHENTICATED),
        (403, ErrorCode.FORBIDDEN),
        (404, ErrorCode.NOT_FOUND),
        (422, ErrorCode.INVALID_REQUEST),
    )
}


def install_error_handlers(
    app: FastAPI, page_error: Callable[[Request, ApiError], Response] | None = None
) -> None:
    """JSON errors for the API; `page_error` renders an `ApiError` met by a page of the UI
    (any path outside /api/)."""

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> Response:
        if page_error is not None and not request.url.path.startswith("/api/"):
            return page_error(request, exc)
        return error_response(exc.status, exc.code, exc.message, exc.headers)

    # An unknown address or a bad parameter met by a page is answered as a page too (in the
    # reader's language), not with the API's JSON.
    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        code = _BY_STATUS.get(exc.status_code, ErrorCode.INVALID_REQUEST)
        headers = dict(exc.headers or {}) or None
        return await _api_error(request, ApiError(exc.status_code, code, str(exc.detail), headers))

    # Only a client's value can take date arithmetic out of range here (a day of year 1 or
    # 9999 in the site's zone, a time the store cannot hold): a bad request, not a crash.
    async def _out_of_range(request: Request, _exc: Exception) -> Response:
        error = ApiError(
            422, ErrorCode.INVALID_REQUEST, "a date, time or number is outside the range served"
        )
        return await _api_error(request, error)

    app.add_exception_handler(OverflowError, _out_of_range)
    app.add_exception_handler(TimeOutOfRange, _out_of_range)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()[:10]
        )
        error = ApiError(422, ErrorCode.INVALID_REQUEST, problems or "invalid request")
        return await _api_error(request, error)
