"""Reading a recording's on-screen clock: learn its face from half a minute of frames, then
read it once a second in the frames the scan decodes anyway.

The reading is the I/O edge around `analyzer.clock_face` (learning and template matching) and
`analyzer.clock_value` (digits to wall time); `analyzer.clock` turns the readings into findings.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, tzinfo
from pathlib import Path

import numpy as np

from analyzer.clock import ClockTimeline
from analyzer.clock_face import ClockFace, ClockNotFound, learn_clock_face
from analyzer.clock_value import DateOrder, wall_time
from analyzer.sampling import SampleGrid
from pipelines import media

# Seconds of video a clock is learned from (every digit of the seconds shows three times, so
# one second with a person behind the text is outvoted) and the sampling within them (the
# ticking digit must be seen several times a second).
LEARN_SPAN_S = 30.0
LEARN_EVERY_S = 0.2
# Where in a recording learning is tried, in seconds: a person in front of the clock or a
# cut during the first window must not leave the whole file unread.
LEARN_AT_S = (0.0, 60.0, 300.0)
# One reading a second is enough to place a jump within the second it happens in.
READ_EVERY_S = 1.0


@dataclass(frozen=True)
class ClockOptions:
    """How a camera's recorder writes its clock (from the site file).

    region: (left, top, right, bottom) fractions of the picture holding the clock, or None to
    find it; hours: 24, or 12 for AM/PM; date_order: how a year-last date is written.
    """

    region: tuple[float, float, float, float] | None = None
    hours: int = 24
    date_order: DateOrder = DateOrder.AUTO


def learn_face(path: Path, duration_s: float, options: ClockOptions) -> ClockFace:
    """The recording's clock face, learned from the first window of LEARN_AT_S that shows a
    clean clock. Raises ClockNotFound with every window's reason."""
    reasons = []
    for at in LEARN_AT_S:
        if at > 0 and at + LEARN_SPAN_S > duration_s:
            break  # the first window takes a short recording whole
        frames = list(
            media.iter_frames(path, every_s=LEARN_EVERY_S, window=(at, at + LEARN_SPAN_S))
        )
        if not frames:
            reasons.append(f"at {at:.0f} s: nothing decodes")
            continue
        try:
            return _learn(frames, options)
        except ClockNotFound as exc:
            reasons.append(f"at {at:.0f} s: {exc}")
    raise ClockNotFound("; ".join(reasons) or "the recording is too short")


def _learn(frames: list[media.DecodedFrame], options: ClockOptions) -> ClockFace:
    first = frames[0].luma_rows(0, 1 << 16)
    height, width = first.shape
    left, top, right, bottom = (0, 0, width, height)
    if options.region is not None:
        x0, y0, x1, y1 = options.region
        left, top = int(x0 * width), int(y0 * height)
        right, bottom = max(left + 1, int(x1 * width)), max(top + 1, int(y1 * height))
    times = np.array([f.time for f in frames])
    stack = np.stack([f.luma_rows(top, bottom)[:, left:right] for f in frames])
    face = learn_clock_face(times, stack)
    # Back from the region's crop to whole luma rows.
    return replace(face, top=face.top + top, bottom=face.bottom + top, cells=face.cells + left)


class ClockReader:
    """Reads the clock of frames handed in time order, at most once per READ_EVERY_S.

    `start` is the file's POSIX start and `zone` the site's: a reading is resolved to the wall
    time nearest the file's own (a 12-hour clock's AM or PM, a year-last date's order).
    """

    def __init__(
        self,
        face: ClockFace,
        options: ClockOptions,
        *,
        start: float,
        zone: tzinfo,
        every_s: float = READ_EVERY_S,
    ) -> None:
        self._face = face
        self._options = options
        self._start = start
        self._zone = zone
        self._grid = SampleGrid(every_s)
        self._times: list[float] = []
        self._shown: list[float] = []

    def take(self, frame: media.DecodedFrame) -> None:
        if not self._grid.due(frame.time):
            return
        self._times.append(frame.time)
        self._shown.append(self.read(frame))

    def read(self, frame: media.DecodedFrame) -> float:
        """POSIX seconds the clock in `frame` shows, NaN when it cannot be read."""
        digits = self._face.read(frame.luma_rows(self._face.top, self._face.bottom))
        if digits is None:
            return float("nan")
        near = datetime.fromtimestamp(self._start + frame.time, self._zone).replace(tzinfo=None)
        shown = wall_time(
            self._face.fields,
            digits,
            near,
            hours=self._options.hours,
            order=self._options.date_order,
        )
        return float("nan") if shown is None else shown.replace(tzinfo=self._zone).timestamp()

    def finish(self) -> ClockTimeline:
        return ClockTimeline(np.array(self._times), np.array(self._shown))


def read_window(
    path: Path,
    window: tuple[float, float],
    face: ClockFace,
    options: ClockOptions,
    *,
    start: float,
    zone: tzinfo,
) -> ClockTimeline:
    """Every decoded frame's clock in `window` (seconds): to place a jump found between two
    readings seconds apart (a static stretch decodes only its keyframes) within a second."""
    reader = ClockReader(face, options, start=start, zone=zone, every_s=0.0)
    for frame in media.iter_frames(path, every_s=0.0, window=window):
        reader.take(frame)
    return reader.finish()


class ClockFaces:
    """The clock faces of one scan, learned per recording and remembered per camera.

    A recording's own frames are tried first (a camera may be replaced between files). A file
    too short or too damaged to learn from (a frozen stretch, a cut in its first half minute)
    borrows the face its camera showed in another file: `files` lists every camera's files
    in this scan, and they are tried in turn until one shows a clean clock.
    """

    def __init__(self, files: dict[str, list[Path]]) -> None:
        self._files = files
        self._faces: dict[str, ClockFace] = {}
        self._tried: set[Path] = set()

    def face(self, camera: str, path: Path, duration_s: float, options: ClockOptions) -> ClockFace:
        """The face to read `path` with. Raises ClockNotFound when no file of the camera
        shows a clock, with this file's reasons."""
        try:
            face = self._learn(path, duration_s, options)
        except ClockNotFound as own:
            borrowed = self._faces.get(camera) or self._from_other_files(camera, options)
            if borrowed is None:
                raise own from None
            return borrowed
        self._faces.setdefault(camera, face)
        return face

    def _learn(self, path: Path, duration_s: float, options: ClockOptions) -> ClockFace:
        self._tried.add(path)
        return learn_face(path, duration_s, options)

    def _from_other_files(self, camera: str, options: ClockOptions) -> ClockFace | None:
        for other in self._files.get(camera, []):
            if other in self._tried:
                continue
            try:
                face = self._learn(other, media.probe(other).duration_s, options)
            except (ClockNotFound, media.UnreadableMedia):
                continue
            self._faces[camera] = face
            return face
        return None
