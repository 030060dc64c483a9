"""Digits read off an on-screen clock to the wall time it shows, for the layouts NVRs use."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pytest

from analyzer.clock_value import (
    ClockFields,
    DateOrder,
    LayoutError,
    is_time_of_day,
    layout_fields,
    wall_time,
)

YMD = ClockFields(
    hour=(8, 9),
    minute=(10, 11),
    second=(12, 13),
    year=(0, 1, 2, 3),
    first=(4, 5),
    second_date=(6, 7),
)
YEAR_LAST = ClockFields(
    hour=(8, 9),
    minute=(10, 11),
    second=(12, 13),
    year=(4, 5, 6, 7),
    first=(0, 1),
    second_date=(2, 3),
    year_last=True,
)
TIME_ONLY = ClockFields(hour=(0, 1), minute=(2, 3), second=(4, 5))


def digits(text: str) -> np.ndarray:
    return np.array([int(c) for c in text if c.isdigit()], np.int64)


@pytest.mark.parametrize(
    ("groups", "seconds", "expected"),
    [
        # 2023-12-12 08:00:05 星期二
        ([(0, 1, 2, 3), (4, 5), (6, 7), (8, 9), (10, 11), (12, 13)], 5, YMD),
        # 12-31-2023 Sun 11:59:55 PM
        ([(0, 1), (2, 3), (4, 5, 6, 7), (8, 9), (10, 11), (12, 13)], 5, YEAR_LAST),
        # 08:00:05 2023-12-12: time first
        (
            [(0, 1), (2, 3), (4, 5), (6, 7, 8, 9), (10, 11), (12, 13)],
            2,
            ClockFields(
                hour=(0, 1),
                minute=(2, 3),
                second=(4, 5),
                year=(6, 7, 8, 9),
                first=(10, 11),
                second_date=(12, 13),
            ),
        ),
        ([(0, 1), (2, 3), (4, 5)], 2, TIME_ONLY),
        # a one-digit hour of a 12-hour clock
        ([(0,), (1, 2), (3, 4)], 2, ClockFields(hour=(0,), minute=(1, 2), second=(3, 4))),
    ],
)
def test_layout_fields_reads_the_groups_around_the_seconds(groups, seconds, expected):
    assert layout_fields(groups, seconds) == expected


@pytest.mark.parametrize(
    ("groups", "seconds"),
    [
        ([(0, 1), (2, 3)], 1),  # no hours
        ([(0, 1), (2, 3), (4, 5, 6)], 2),  # three-digit seconds
        ([(0, 1, 2), (3, 4), (5, 6)], 2),  # three-digit hours
    ],
)
def test_layout_fields_refuses_what_is_no_clock(groups, seconds):
    with pytest.raises(LayoutError):
        layout_fields(groups, seconds)


@pytest.mark.parametrize(
    ("fields", "shown", "near", "options", "expected"),
    [
        (
            YMD,
            "2023-12-12 08:00:05",
            datetime(2023, 12, 12, 8),
            {},
            datetime(2023, 12, 12, 8, 0, 5),
        ),
        # across midnight at the year's end, the file's time on the other side of it
        (YMD, "2024-01-01 00:00:00", datetime(2023, 12, 31, 23, 59, 59), {}, datetime(2024, 1, 1)),
        # month or day first: the reading nearest the file's time
        (YEAR_LAST, "05-06-2024 10:00:00", datetime(2024, 5, 6, 10), {}, datetime(2024, 5, 6, 10)),
        (YEAR_LAST, "05-06-2024 10:00:00", datetime(2024, 6, 5, 10), {}, datetime(2024, 6, 5, 10)),
        # ... unless the site says how its recorder writes dates
        (
            YEAR_LAST,
            "05-06-2024 10:00:00",
            datetime(2024, 6, 5, 10),
            {"order": DateOrder.MDY},
            datetime(2024, 5, 6, 10),
        ),
        (YEAR_LAST, "13-06-2024 10:00:00", datetime(2024, 6, 5, 10), {}, datetime(2024, 6, 13, 10)),
        # a 12-hour clock: AM or PM, whichever is nearer
        (
            YEAR_LAST,
            "12-31-2023 11:59:55",
            datetime(2023, 12, 31, 23, 50),
            {"hours": 12},
            datetime(2023, 12, 31, 23, 59, 55),
        ),
        (
            YEAR_LAST,
            "01-01-2024 12:00:05",
            datetime(2024, 1, 1, 0, 0, 1),
            {"hours": 12},
            datetime(2024, 1, 1, 0, 0, 5),
        ),
        # a time-only clock takes the day nearest the file's time
        (
            TIME_ONLY,
            "23:59:58",
            datetime(2024, 3, 1, 0, 0, 3),
            {},
            datetime(2024, 2, 29, 23, 59, 58),
        ),
        (
            TIME_ONLY,
            "00:00:01",
            datetime(2024, 2, 29, 23, 59, 58),
            {},
            datetime(2024, 3, 1, 0, 0, 1),
        ),
    ],
)
def test_wall_time(fields, shown, near, options, expected):
    assert wall_time(fields, digits(shown), near, **options) == expected


@pytest.mark.parametrize(
    ("fields", "shown", "options"),
    [
        (YMD, "2023-12-12 08:61:05", {}),  # minute 61
        (YMD, "2023-12-12 08:00:75", {}),
        (YMD, "2023-12-12 24:00:05", {}),
        (YMD, "2023-13-12 08:00:05", {}),  # month 13
        (YMD, "2023-02-30 08:00:05", {}),
        (YEAR_LAST, "12-31-2023 00:00:05", {"hours": 12}),  # no hour 0 on a 12-hour clock
    ],
)
def test_wall_time_refuses_impossible_digits(fields, shown, options):
    assert wall_time(fields, digits(shown), datetime(2023, 12, 12), **options) is None


ONE_DIGIT_HOUR = ClockFields(hour=(0,), minute=(1, 2), second=(3, 4))


@pytest.mark.parametrize(
    ("shown", "near", "hours", "expected"),
    [
        ("95959", datetime(2023, 12, 12, 9, 59, 58), 24, datetime(2023, 12, 12, 9, 59, 59)),
        # ten o'clock: the cell shows the hour's units only, not midnight
        ("00005", datetime(2023, 12, 12, 10, 0, 3), 24, datetime(2023, 12, 12, 10, 0, 5)),
        ("33000", datetime(2023, 12, 12, 23, 29, 0), 24, datetime(2023, 12, 12, 23, 30, 0)),
        ("53000", datetime(2023, 12, 12, 5, 31, 0), 24, datetime(2023, 12, 12, 5, 30, 0)),
        ("13000", datetime(2023, 12, 12, 23, 29, 0), 12, datetime(2023, 12, 12, 23, 30, 0)),
    ],
)
def test_a_one_digit_hour_is_the_hour_nearest_the_files_time(shown, near, hours, expected):
    digits = np.array([int(c) for c in shown])
    assert wall_time(ONE_DIGIT_HOUR, digits, near, hours=hours) == expected


@pytest.mark.parametrize(
    ("fields", "shown", "expected"),
    [
        (ClockFields(hour=(0, 1), minute=(2, 3), second=(4, 5)), "235959", True),
        # the date's "14 01" taken for hours and minutes: hour 40 keeps time, reads no time
        (ClockFields(hour=(0, 1), minute=(2, 3), second=(4, 5)), "400107", False),
        (ClockFields(hour=(0, 1), minute=(2, 3), second=(4, 5)), "126000", False),
        (ClockFields(hour=(0, 1), minute=(2, 3), second=(4, 5)), "120060", False),
        (ONE_DIGIT_HOUR, "95959", True),
    ],
)
def test_is_time_of_day(fields, shown, expected):
    assert is_time_of_day(fields, np.array([int(c) for c in shown])) is expected
