"""Wall-clock time of recordings: time stamps in file names and site time zones."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from analyzer.intervals import Span

# Time stamps NVRs and phones put in file names, tried in this order at each position.
_FILE_NAME_PATTERNS = (
    # 2026-11-24_08-00-00
    re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})_(\d{2})-(\d{2})-(\d{2})(?!\d)"),
    # 20261124_080000 (phones: VID_20261124_080000.mp4)
    re.compile(r"(?<!\d)(\d{4})(\d{2})(\d{2})_(\d{2})(\d{2})(\d{2})(?!\d)"),
    # 20261124080000 (NVR exports: ch01_20261124080000_20261124080100.mp4)
    re.compile(r"(?<!\d)(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?!\d)"),
)


def time_zone(name: str | None) -> tzinfo:
    """The IANA zone `name`, or the machine's zone when None. Raises ValueError if unknown."""
    if name is None:
        local = datetime.now().astimezone().tzinfo
        assert local is not None
        return local
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(
            f"unknown time zone {name!r} (use an IANA name like Asia/Shanghai)"
        ) from exc


def _valid(fields: tuple[str, ...], zone: tzinfo) -> datetime | None:
    year, month, day, hour, minute, second = (int(f) for f in fields)
    try:
        return datetime(year, month, day, hour, minute, second, tzinfo=zone)
    except ValueError:
        return None


def start_from_file_name(name: str, zone: tzinfo) -> float | None:
    """POSIX start time from the first valid time stamp in a file name, read in `zone`.

    Of several time stamps (NVR names carry start and end) the leftmost wins.
    """
    candidates: list[tuple[int, datetime]] = []
    for pattern in _FILE_NAME_PATTERNS:
        for match in pattern.finditer(name):
            moment = _valid(match.groups(), zone)
            if moment is not None:
                candidates.append((match.start(), moment))
    if not candidates:
        return None
    return min(candidates, key=lambda c: c[0])[1].timestamp()


def start_from_pattern(
    name: str, pattern: re.Pattern[str], time_format: str, zone: tzinfo
) -> float | None:
    """POSIX start from a site-configured pattern: group `start` of `pattern`, parsed by
    `time_format` (strptime) in `zone`. None if the name does not match."""
    match = pattern.fullmatch(name)
    if match is None:
        return None
    try:
        naive = datetime.strptime(match.group("start"), time_format)
    except ValueError:
        return None
    return naive.replace(tzinfo=zone).timestamp()


def iso(posix_s: float, zone: tzinfo) -> str:
    """ISO-8601 with the zone's offset, to the millisecond."""
    return datetime.fromtimestamp(posix_s, zone).isoformat(timespec="milliseconds")


def local_time(day: date, hour: int, zone: tzinfo) -> float:
    """POSIX seconds of `hour`:00 on `day` in `zone`; hour 24 is the next day's midnight."""
    moment = datetime.combine(day + timedelta(days=hour // 24), time(hour % 24), tzinfo=zone)
    return moment.timestamp()


def day_window(day: date, zone: tzinfo) -> Span:
    """The site's calendar day as POSIX [local midnight, next local midnight) (23 or 25 hours
    on a day the clocks change)."""
    return Span(local_time(day, 0, zone), local_time(day, 24, zone))
