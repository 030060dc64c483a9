"""One cell to one typed value: text, times, counts and lists of names.

Each parser raises `FieldError` with the reason, phrased to follow the row number.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, time, tzinfo

# Names on a form are separated by ";" or the full-width "；" a Chinese input method types.
_NAME_SEPARATOR = re.compile(r"[;；]")
# A date and a time of day: "2026-06-07T08:00", "2026-06-07 08:00:00+08:00", "20260607T0800".
_HAS_TIME_OF_DAY = re.compile(r"\d[T ]\d")
_WHOLE_NUMBER = re.compile(r"[+-]?\d+(?:\.0*)?")


class FieldError(ValueError):
    """A cell that cannot be read as its column's type; the message is the reason."""


def text(value: object, column: str) -> str:
    """A text cell, stripped; numbers as a spreadsheet shows them (101, not 101.0)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        raise FieldError(f"{column} is {str(value).lower()}, not text")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and math.isfinite(value):
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, date | time):
        raise FieldError(
            f"{column} is a date or time ({value.isoformat()}), not text; format the column as text"
        )
    raise FieldError(f"{column} is not text: {value!r}")


def moment(value: object, zone: tzinfo) -> datetime:
    """An aware datetime from ISO-8601 text or a spreadsheet datetime; naive ones are read in
    `zone`. Raises FieldError for empty cells, dates without a time of day and the like."""
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str):
        shown = value.strip()
        if not shown:
            raise FieldError("time is empty")
        try:
            parsed = datetime.fromisoformat(shown)
        except ValueError:
            raise FieldError(f"time {shown!r} is not an ISO-8601 date and time") from None
        if not _HAS_TIME_OF_DAY.search(shown):
            raise FieldError(f"time {shown!r} has no time of day")
    elif value is None:
        raise FieldError("time is empty")
    elif isinstance(value, date):
        raise FieldError(f"time {value.isoformat()} has no time of day")
    elif isinstance(value, time):
        raise FieldError(f"time {value.isoformat()} has no date")
    else:
        raise FieldError(f"time {value!r} is not an ISO-8601 date and time")
    if parsed.utcoffset() is None:
        parsed = parsed.replace(tzinfo=zone)
    return parsed


def count(value: object, column: str) -> int | None:
    """A whole number ≥ 0, or None for an empty cell. Spreadsheets may hand integers as
    floats (3.0) or text ("3"); 2.5, -1, true and "three" are refused."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise FieldError(f"{column} is {str(value).lower()}, not a whole number")
    number: int
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not (math.isfinite(value) and value.is_integer()):
            raise FieldError(f"{column} {value!r} is not a whole number")
        number = int(value)
    elif isinstance(value, str):
        shown = value.strip()
        if not _WHOLE_NUMBER.fullmatch(shown):
            raise FieldError(f"{column} {shown!r} is not a whole number")
        number = int(shown.split(".")[0])
    else:
        raise FieldError(f"{column} {value!r} is not a whole number")
    if number < 0:
        raise FieldError(f"{column} {number} is negative")
    return number


def names(value: object, column: str) -> tuple[str, ...]:
    """Names separated by ";" or "；" (or, in JSON, a list of names); empty parts dropped."""
    if isinstance(value, list):
        parts = [text(item, column) for item in value]
    else:
        parts = _NAME_SEPARATOR.split(text(value, column))
    return tuple(part.strip() for part in parts if part.strip())
