"""From the digits read off an on-screen clock to the wall time it shows.

NVRs lay their clocks out in many ways (`2023-12-12 08:00:05 星期二`, `2023年12月12日 08:00:05`,
`12-12-2023 08:00:05 PM`, time first, date first). The layout is told by where the digit groups
sit relative to the seconds, which are known; what digits alone cannot tell (month or day first,
AM or PM) is settled by the site file or, left open, by which reading lies nearest the file's own
time: a clock seconds or minutes off is found either way, one a month or half a day off only
when the site says how its recorder writes dates and hours.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import StrEnum

import numpy as np
import numpy.typing as npt

Digits = npt.NDArray[np.int64]


class DateOrder(StrEnum):
    """How the clock writes its date; AUTO leaves month-or-day-first open (year last)."""

    AUTO = "auto"
    YMD = "ymd"
    MDY = "mdy"
    DMY = "dmy"


class LayoutError(ValueError):
    """The digit groups around the seconds do not make a clock."""


@dataclass(frozen=True)
class ClockFields:
    """Which digit cells (indices, left to right) hold each field. The date fields are empty
    for a clock that shows the time only; `year_last` says the date ends with the year."""

    hour: tuple[int, ...]
    minute: tuple[int, ...]
    second: tuple[int, ...]
    year: tuple[int, ...] = ()
    first: tuple[int, ...] = ()  # year-first: month; year-last: month or day
    second_date: tuple[int, ...] = ()  # year-first: day; year-last: day or month
    year_last: bool = False

    @property
    def has_date(self) -> bool:
        return bool(self.year)

    @property
    def cells(self) -> tuple[int, ...]:
        """Every cell a field uses, in order."""
        return tuple(
            sorted(
                (*self.year, *self.first, *self.second_date, *self.hour, *self.minute, *self.second)
            )
        )

    def renumbered(self) -> ClockFields:
        """The same fields over only the cells they use, numbered 0.. in order."""
        new = {old: i for i, old in enumerate(self.cells)}

        def remap(cells: tuple[int, ...]) -> tuple[int, ...]:
            return tuple(new[c] for c in cells)

        return replace(
            self,
            hour=remap(self.hour),
            minute=remap(self.minute),
            second=remap(self.second),
            year=remap(self.year),
            first=remap(self.first),
            second_date=remap(self.second_date),
        )


def layout_fields(groups: list[tuple[int, ...]], seconds_group: int) -> ClockFields:
    """The fields of a clock from its digit groups (cell indices, left to right), given which
    group is the seconds. Raises LayoutError when hours and minutes do not precede it."""
    if seconds_group < 2 or len(groups[seconds_group]) != 2:
        raise LayoutError("no hours and minutes before the ticking seconds")
    hour, minute, second = groups[seconds_group - 2 : seconds_group + 1]
    if len(minute) != 2 or len(hour) not in (1, 2):
        raise LayoutError(f"digit groups {[len(g) for g in groups]} are not a clock's")
    time_only = ClockFields(hour, minute, second)
    before = groups[: seconds_group - 2]
    after = groups[seconds_group + 1 :]
    for date_groups in (before[-3:], after[:3]):
        lengths = [len(g) for g in date_groups]
        if lengths == [4, 2, 2]:
            year, first, second_date = date_groups
            return replace(time_only, year=year, first=first, second_date=second_date)
        if lengths == [2, 2, 4]:
            first, second_date, year = date_groups
            return replace(
                time_only, year=year, first=first, second_date=second_date, year_last=True
            )
    return time_only


def _number(digits: Digits, cells: tuple[int, ...]) -> int:
    value = 0
    for cell in cells:
        value = value * 10 + int(digits[cell])
    return value


def seconds_of_day(fields: ClockFields, digits: Digits) -> int:
    """Hours, minutes and seconds shown, as seconds since midnight (a 12-hour clock's hour as
    shown): enough to see whether a clock keeps time, without knowing its date."""
    return (
        _number(digits, fields.hour) * 3600
        + _number(digits, fields.minute) * 60
        + _number(digits, fields.second)
    )


def is_time_of_day(fields: ClockFields, digits: Digits) -> bool:
    """Whether the hours, minutes and seconds shown are a time of day (a one-digit hour any
    digit; see `wall_time`)."""
    return (
        _number(digits, fields.hour) <= 23
        and _number(digits, fields.minute) <= 59
        and _number(digits, fields.second) <= 59
    )


def _dates(fields: ClockFields, digits: Digits, order: DateOrder, near: datetime) -> list[date]:
    if not fields.has_date:
        # A time-only clock: the day is the one nearest the file's time.
        return [near.date() + timedelta(days=shift) for shift in (-1, 0, 1)]
    year = _number(digits, fields.year)
    a, b = _number(digits, fields.first), _number(digits, fields.second_date)
    if not fields.year_last:
        pairs = [(a, b)]
    elif order is DateOrder.MDY:
        pairs = [(a, b)]
    elif order is DateOrder.DMY:
        pairs = [(b, a)]
    else:
        pairs = [(a, b), (b, a)]
    found = []
    for month, day in pairs:
        try:
            found.append(date(year, month, day))
        except ValueError:
            continue
    return found


def wall_time(
    fields: ClockFields,
    digits: Digits,
    near: datetime,
    *,
    hours: int = 24,
    order: DateOrder = DateOrder.AUTO,
) -> datetime | None:
    """The naive local time a clock shows, or None when its digits are no valid time.

    digits: (k,) one digit per cell. `near` is where the clock is expected to be (the file's
    time); of the readings the digits allow (a 12-hour clock's AM or PM, a year-last date's
    order) the one nearest to it wins. `hours` is 24, or 12 for a clock with AM/PM.
    """
    hour = _number(digits, fields.hour)
    minute = _number(digits, fields.minute)
    second = _number(digits, fields.second)
    if minute > 59 or second > 59:
        return None
    # A one-digit hour field: a clock that drops the leading zero, or a face that could not
    # learn to see it (a leading 0 over a bright background). At ten o'clock the tens appear
    # where no cell is read, so the cell shows only the units: the hour is that digit, or ten
    # or twenty more, whichever lies nearest the file's time (read as the units alone, 10:00
    # would be midnight, a ten-hour jump).
    shown = [hour] if len(fields.hour) > 1 else [hour, hour + 10, hour + 20]
    if hours == 24:
        candidate_hours = [h for h in shown if h <= 23]
    else:
        candidate_hours = [h % 12 + half for h in shown if 1 <= h <= 12 for half in (0, 12)]
    if not candidate_hours:
        return None
    candidates = [
        datetime(day.year, day.month, day.day, h, minute, second)
        for day in _dates(fields, digits, order, near)
        for h in candidate_hours
    ]
    if not candidates:
        return None
    return min(candidates, key=lambda c: abs((c - near).total_seconds()))
