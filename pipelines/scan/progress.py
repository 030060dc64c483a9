"""Progress of a scan in seconds of video, for a progress bar."""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[float], object]
"""Receives seconds of video analysed since the last call."""


class ProgressReport:
    """Turns the times of frames analysed (seconds into one recording, not always rising:
    re-checks go back) into increments for a `Progress` callback."""

    def __init__(self, progress: Progress | None) -> None:
        self._progress = progress
        self._done = 0.0

    def reached(self, time_s: float) -> None:
        if self._progress is not None and time_s > self._done:
            self._progress(time_s - self._done)
            self._done = time_s
