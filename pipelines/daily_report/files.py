"""File names of the reports and writing them so a reader never sees half a file.

    daily-<site>-<day>.html / .pdf          one per day
    playback-<site>-<day>.html / .pdf       the playback-check form of one day
    playback-<site>-<first>_<last>.html / .pdf   ... of several days

The site name is part of every name, so the reports of several sites can share a folder.
"""

from __future__ import annotations

import os
import re
import uuid
from datetime import date
from pathlib import Path

_UNSAFE = re.compile(r"[^\w.-]+")


def safe_name(name: str) -> str:
    """`name` reduced to letters, digits, '.', '_' and '-' (never empty: "site")."""
    cleaned = _UNSAFE.sub("_", name).strip("._")
    return cleaned or "site"


def day_report_name(site_name: str, day: date, suffix: str) -> str:
    return f"daily-{safe_name(site_name)}-{day.isoformat()}{suffix}"


def form_name(site_name: str, days: tuple[date, ...], suffix: str) -> str:
    period = days[0].isoformat()
    if len(days) > 1:
        period += f"_{days[-1].isoformat()}"
    return f"playback-{safe_name(site_name)}-{period}{suffix}"


def write_atomic(path: Path, data: bytes) -> Path:
    """Write `data` to a temporary file beside `path`, then rename it over `path`: readers see
    the old file or the whole new one. Returns `path`."""
    # A fresh name per write (two runs may write the same report at once); created with the
    # process's usual permissions, unlike mkstemp's 0600.
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.part")
    try:
        with temporary.open("xb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return path
