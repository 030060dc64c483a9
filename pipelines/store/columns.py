"""Column types shared by the tables: UTC datetimes and JSON documents on every backend."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Dialect
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.types import TypeDecorator, TypeEngine


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware datetime, stored in UTC and always read back as aware UTC.

    PostgreSQL keeps `timestamptz` but returns it in the session's `TimeZone`; SQLite has no
    zones at all and returns naive values. Naive datetimes are refused on the way in, because
    guessing their zone is how off-by-hours custody timelines happen.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: the store only accepts aware datetimes")
        value = value.astimezone(UTC)
        # SQLite stores fixed-width "YYYY-MM-DD HH:MM:SS.ffffff" text; all in UTC, it sorts and
        # compares chronologically, which the time indexes rely on.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def json_document() -> TypeEngine[Any]:
    """JSON on SQLite, JSONB on PostgreSQL; Python None is SQL NULL, not the JSON `null`."""
    return JSON(none_as_null=True).with_variant(JSONB(none_as_null=True), "postgresql")


class TimeOutOfRange(ValueError):
    """A time no datetime can hold (before year 1 or after 9999 in UTC)."""


def utc_datetime(seconds: float) -> datetime:
    """POSIX seconds -> aware UTC datetime (rounded to the microsecond); `TimeOutOfRange`
    for a moment outside the years 1-9999."""
    try:
        return datetime.fromtimestamp(seconds, tz=UTC)
    except (ValueError, OverflowError, OSError) as exc:
        raise TimeOutOfRange(f"{seconds} s is outside the years 1-9999") from exc
