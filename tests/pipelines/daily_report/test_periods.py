"""Days and 6-hour blocks in the site's zone, including days with a daylight-saving change."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import pytest

from pipelines.daily_report.periods import (
    blocks_of_day,
    day_window,
    hour_marks,
    period_days,
    period_window,
)
from tests.pipelines.daily_report.helpers import DAY1, DAY2, ZONE, at


def test_blocks_are_six_local_hours_from_midnight() -> None:
    blocks = blocks_of_day(DAY1, ZONE)
    assert [b.label for b in blocks] == [
        "00:00–06:00",
        "06:00–12:00",
        "12:00–18:00",
        "18:00–24:00",
    ]
    assert [b.index for b in blocks] == [0, 1, 2, 3]
    assert blocks[0].span.start == at(DAY1, "00:00") == day_window(DAY1, ZONE).start
    assert blocks[3].span.end == at(DAY2, "00:00") == day_window(DAY1, ZONE).end
    assert all(b.span.duration_s == 6 * 3600 for b in blocks)
    assert all(a.span.end == b.span.start for a, b in zip(blocks, blocks[1:], strict=False))


@pytest.mark.parametrize(
    ("day", "hours", "short_block"),
    [
        (date(2026, 3, 29), 23, 0),  # Berlin springs forward at 02:00: the first block is 5 h
        (date(2026, 10, 25), 25, 0),  # and falls back at 03:00: the first block is 7 h
        (date(2026, 6, 1), 24, None),
    ],
)
def test_days_with_a_clock_change_keep_local_block_edges(
    day: date, hours: int, short_block: int | None
) -> None:
    berlin = ZoneInfo("Europe/Berlin")
    assert day_window(day, berlin).duration_s == hours * 3600
    blocks = blocks_of_day(day, berlin)
    lengths = [b.span.duration_s / 3600 for b in blocks]
    assert sum(lengths) == hours
    if short_block is not None:
        assert lengths[short_block] == 6 + hours - 24
        assert lengths[1:] == [6, 6, 6]


def test_period_days_and_window() -> None:
    days = period_days(DAY1, 2)
    assert days == (DAY1, DAY2)
    window = period_window(days, ZONE)
    assert (window.start, window.end) == (at(DAY1, "00:00"), at(DAY2, "24:00"))


@pytest.mark.parametrize("count", [0, -1, 32])
def test_period_days_refuses_empty_or_long_periods(count: int) -> None:
    with pytest.raises(ValueError, match="1 to 31 days"):
        period_days(DAY1, count)


def test_hour_marks_span_the_day() -> None:
    marks = hour_marks(DAY1, ZONE, every_h=6)
    assert [m.label for m in marks] == ["00:00", "06:00", "12:00", "18:00", "24:00"]
    assert [m.fraction for m in marks] == [0.0, 0.25, 0.5, 0.75, 1.0]
