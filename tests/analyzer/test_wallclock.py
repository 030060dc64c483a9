from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from analyzer.wallclock import iso, start_from_file_name, start_from_pattern, time_zone

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(*fields: int) -> float:
    return datetime(*fields, tzinfo=SHANGHAI).timestamp()


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("ch01_20261124080000_20261124080030.mp4", at(2026, 11, 24, 8, 0, 0)),
        ("VID_20261124_081500.mp4", at(2026, 11, 24, 8, 15, 0)),
        ("cam-2026-11-24_23-59-58.mkv", at(2026, 11, 24, 23, 59, 58)),
        ("20261124080000.dav", at(2026, 11, 24, 8, 0, 0)),
        ("clip.mp4", None),
        ("ch01_20261399080000.mp4", None),  # month 13: not a time
        ("id_1234567890123456.mp4", None),  # 16 digits: a serial number, not a time
    ],
)
def test_start_from_file_name(name, expected):
    assert start_from_file_name(name, SHANGHAI) == expected


def test_site_pattern_wins_its_own_format():
    pattern = re.compile(r"cam1-(?P<start>\d{6}-\d{6})\.mp4")
    assert start_from_pattern("cam1-261124-080000.mp4", pattern, "%y%m%d-%H%M%S", SHANGHAI) == at(
        2026, 11, 24, 8, 0, 0
    )
    assert start_from_pattern("other.mp4", pattern, "%y%m%d-%H%M%S", SHANGHAI) is None


def test_iso_carries_site_offset_and_milliseconds():
    moment = datetime(2026, 11, 24, 0, 0, 1, 500000, tzinfo=UTC).timestamp()
    assert iso(moment, SHANGHAI) == "2026-11-24T08:00:01.500+08:00"


def test_unknown_zone_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown time zone 'Mars/Olympus'"):
        time_zone("Mars/Olympus")
