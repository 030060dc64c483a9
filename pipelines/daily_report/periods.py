"""Days of the site's calendar and their 6-hour playback blocks (V12), as POSIX spans.

A day is local midnight to the next local midnight in the site's zone, so a day with a
daylight-saving change is 23 or 25 hours long; blocks start at local 00:00, 06:00, 12:00 and
18:00, each ending where the next starts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta, tzinfo

from analyzer.intervals import Span
from analyzer.wallclock import day_window, local_time

BLOCK_HOURS = 6
BLOCKS_PER_DAY = 24 // BLOCK_HOURS
MAX_DAYS = 31


@dataclass(frozen=True, slots=True)
class Block:
    """One block of a day: `index` 0..3 for 00–06, 06–12, 12–18, 18–24 local time; `span`
    its POSIX [start, end)."""

    day: date
    index: int
    span: Span

    @property
    def label(self) -> str:
        """The block as "00:00–06:00", in the site's wall clock."""
        first = self.index * BLOCK_HOURS
        return f"{first:02d}:00–{first + BLOCK_HOURS:02d}:00"


@dataclass(frozen=True, slots=True)
class Mark:
    """A tick on a day's timeline: where (fraction 0..1 of the day) and its label ("06:00")."""

    fraction: float
    label: str


def period_window(days: tuple[date, ...], zone: tzinfo) -> Span:
    """From the first day's midnight to the midnight after the last day."""
    return Span(day_window(days[0], zone).start, day_window(days[-1], zone).end)


def period_days(first: date, count: int) -> tuple[date, ...]:
    """`count` consecutive days from `first`. Raises ValueError unless 1 <= count <= MAX_DAYS."""
    if not 1 <= count <= MAX_DAYS:
        raise ValueError(f"a period is 1 to {MAX_DAYS} days, not {count}")
    return tuple(first + timedelta(days=n) for n in range(count))


def blocks_of_day(day: date, zone: tzinfo) -> tuple[Block, ...]:
    """The day's four blocks in time order."""
    edges = [local_time(day, n * BLOCK_HOURS, zone) for n in range(BLOCKS_PER_DAY + 1)]
    return tuple(Block(day, n, Span(edges[n], edges[n + 1])) for n in range(BLOCKS_PER_DAY))


def hour_marks(day: date, zone: tzinfo, every_h: int = BLOCK_HOURS) -> tuple[Mark, ...]:
    """Ticks for a day's timeline at local 00:00, every `every_h` hours, and 24:00."""
    window = day_window(day, zone)
    return tuple(
        Mark((local_time(day, hour, zone) - window.start) / window.duration_s, f"{hour:02d}:00")
        for hour in range(0, 25, every_h)
    )
