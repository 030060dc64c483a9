"""Sending media files with HTTP range requests, so the browser's <video> can seek.

Starlette's `FileResponse` serves single and multiple byte ranges; what is added here is the
check of a range that starts past the end (416 with this API's JSON error and
`Content-Range: bytes */size`), the refusal of more than `MAX_RANGES` ranges (Starlette
would answer those with the whole file), and telling a new view (first bytes) from the
browser fetching more of one it is already playing, so the audit trail records views, not
chunks. Every response that sends bytes is audited either way (`api.audit_trail.record_footage`).
"""

from __future__ import annotations

import re
from pathlib import Path

from starlette.responses import FileResponse

from api.errors import ApiError, ErrorCode

_RANGE = re.compile(r"bytes=(.+)", re.IGNORECASE)
_PART = re.compile(r"\s*(\d*)\s*-\s*(\d*)\s*")
# A player asks for one range; a hundred is already far beyond any real client.
MAX_RANGES = 100


def requested_starts(range_header: str | None, size: int) -> list[int] | None:
    """The first byte of each range asked for (suffix ranges counted from the end), or None
    when there is no usable Range header (the whole file is sent, as RFC 9110 says for a
    header that cannot be parsed)."""
    if not range_header:
        return None
    match = _RANGE.fullmatch(range_header.strip())
    if match is None:
        return None
    starts = []
    for part in match.group(1).split(","):
        bounds = _PART.fullmatch(part)
        if bounds is None or bounds.group(1) == bounds.group(2) == "":
            return None
        first, last = bounds.group(1), bounds.group(2)
        if first == "":
            starts.append(max(size - int(last), 0))
        else:
            if last and int(last) < int(first):
                return None
            starts.append(int(first))
    return starts


def is_new_view(range_header: str | None, size: int) -> bool:
    """Whether the request starts a view: no range, or one reaching the first byte."""
    starts = requested_starts(range_header, size)
    return starts is None or 0 in starts


def check_ranges(range_header: str | None, size: int) -> bool:
    """Refuse what will not be served, before anything is audited; True when the request
    starts a view (`is_new_view`). `ApiError` 416 for more than `MAX_RANGES` ranges or when
    every range starts at or past the end."""
    if range_header and range_header.count(",") >= MAX_RANGES:
        raise ApiError(
            416,
            ErrorCode.RANGE_NOT_SATISFIABLE,
            f"at most {MAX_RANGES} ranges may be asked for at once",
            headers={"Content-Range": f"bytes */{size}"},
        )
    starts = requested_starts(range_header, size)
    if starts is not None and all(start >= size for start in starts):
        raise ApiError(
            416,
            ErrorCode.RANGE_NOT_SATISFIABLE,
            f"the range starts past the end of the {size}-byte file",
            headers={"Content-Range": f"bytes */{size}"},
        )
    return starts is None or 0 in starts


def media_response(
    path: Path,
    *,
    range_header: str | None,
    media_type: str,
    download_name: str | None = None,
) -> FileResponse:
    """The file at `path` (a path the service chose, never the client), ranged as asked.
    `ApiError` 416 as `check_ranges` says."""
    check_ranges(range_header, path.stat().st_size)
    return FileResponse(
        path,
        media_type=media_type,
        filename=download_name,
        content_disposition_type="attachment" if download_name else "inline",
        headers={"Cache-Control": "private, no-store"},
    )
