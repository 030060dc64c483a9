"""Finding the recordings a scan was given, fingerprinting them and placing them in time."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from pathlib import Path

from analyzer.recording import StartSource
from analyzer.wallclock import start_from_file_name, start_from_pattern
from pipelines.media import VIDEO_SUFFIXES
from pipelines.media_roots import OutsideMediaRoots, resolve_under_roots
from pipelines.site import Camera


@dataclass(frozen=True, slots=True)
class Discovery:
    """The video files found under the given paths, the paths that gave none, and the files
    found that resolve outside the roots discovery was given (left out of `files`)."""

    files: list[Path] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    outside: list[Path] = field(default_factory=list)


def discover(paths: list[Path], *, roots: Sequence[Path] | None = None) -> Discovery:
    """Expand folders (recursively, video file suffixes only) and keep files as given.

    A file named explicitly is always analysed, whatever its suffix: if it is not video the
    scan reports it as unreadable rather than skipping it silently. With `roots` (the
    service's media roots, a site's), every file found is checked against them once resolved:
    a symlink inside a submitted folder that leads out of the roots is a problem, never read.
    """
    files: list[Path] = []
    problems: list[str] = []
    for path in paths:
        if path.is_dir():
            found = sorted(
                p
                for p in path.rglob("*")
                if p.is_file() and p.suffix.lower() in VIDEO_SUFFIXES and not p.name.startswith(".")
            )
            if not found:
                problems.append(f"{path}: folder holds no video files")
            files.extend(found)
        elif path.is_file():
            files.append(path)
        elif path.exists():
            problems.append(f"{path}: not a regular file or folder")
        else:
            problems.append(f"{path}: no such file or folder")
    if roots is None:
        return Discovery(list(dict.fromkeys(p.resolve() for p in files)), problems)
    inside: list[Path] = []
    outside: list[Path] = []
    for file in files:
        try:
            inside.append(resolve_under_roots(file, roots))
        except (OutsideMediaRoots, FileNotFoundError):
            # Named as found (the link), not where it leads.
            outside.append(file)
            problems.append(f"{file}: leads outside the media roots, not scanned")
    return Discovery(list(dict.fromkeys(inside)), problems, outside)


def resolve_start(
    path: Path,
    *,
    camera: Camera | None,
    option_start: float | None,
    creation_time: datetime | None,
    duration_s: float,
    zone: tzinfo,
) -> tuple[float, StartSource]:
    """The wall-clock start of a recording and where it came from, most trusted source first:
    the camera's file pattern, the `--start` option, a time stamp in the file name, the
    container's creation time, and last the file's modification time (taken as the moment
    recording ended, as when a recorder closes the file)."""
    start = _site_pattern_start(path, camera, zone)
    if start is not None:
        return start, StartSource.SITE_PATTERN
    if option_start is not None:
        return option_start, StartSource.OPTION
    start = start_from_file_name(path.name, zone)
    if start is not None:
        return start, StartSource.FILE_NAME
    if creation_time is not None:
        return creation_time.timestamp(), StartSource.CREATION_TIME
    return os.stat(path).st_mtime - duration_s, StartSource.FILE_MTIME


def name_start(path: Path, *, camera: Camera | None, zone: tzinfo) -> float | None:
    """The wall-clock start a file's name says, read as `resolve_start` reads it (the camera's
    file pattern, else a generic time stamp), or None. For a file no decoder could open: its
    unreadable finding still belongs at the time the recorder named it by."""
    start = _site_pattern_start(path, camera, zone)
    return start if start is not None else start_from_file_name(path.name, zone)


def _site_pattern_start(path: Path, camera: Camera | None, zone: tzinfo) -> float | None:
    if camera is None or camera.pattern is None or camera.time_format is None:
        return None
    return start_from_pattern(path.name, camera.pattern, camera.time_format, zone)
