"""Shapes shared by every resource: times, pages."""

from __future__ import annotations

from datetime import tzinfo
from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict

from analyzer.wallclock import iso

Item = TypeVar("Item")


class Public(BaseModel):
    """What the API returns: never extended silently by clients' extra fields."""

    model_config = ConfigDict(extra="forbid", frozen=True)


# The same for the pydantic dataclasses that show a stored record's fields as they are
# (`@dataclass(frozen=True, config=PUBLIC_RECORD)`; frozen goes to the decorator there).
PUBLIC_RECORD = ConfigDict(extra="forbid")


class Moment(Public):
    """A time as people read it (ISO-8601 with the site's offset) and as POSIX seconds."""

    iso: str
    posix: float

    @classmethod
    def of(cls, posix_s: float, zone: tzinfo) -> Moment:
        return cls(iso=iso(posix_s, zone), posix=posix_s)


class Page(Public, Generic[Item]):
    items: list[Item]
    total: int
    offset: int
    limit: int
