"""Reading a recording's on-screen clock: learn its face from half a minute of frames, then
read it once a second in the frames the scan decodes anyway.

The reading is the I/O edge around `analyzer.clock_face` (learning and template matching) and
`analyzer.clock_value` (digits to wall time); `analyzer.clock` turns the readings into findings.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from contextlib import closing
from dataclasses import dataclass, replace
from datetime import datetime, tzinfo
from itertools import chain
from pathlib import Path

import numpy as np
import numpy.typing as npt

from analyzer.clock import ClockTimeline, analyse_clock, clock_findings
from analyzer.clock_face import (
    MIN_TICKS,
    ClockFace,
    ClockNotFound,
    NothingTicks,
    TickCounter,
    TickPatch,
    learn_clock_face,
    timekeeping,
)
from analyzer.clock_value import LayoutError, wall_time
from analyzer.findings import Finding
from analyzer.intervals import StreamSpan
from analyzer.recording import RecordingInfo, StartSource
from analyzer.sampling import SampleGrid
from analyzer.thresholds import ClockThresholds
from pipelines import media
from pipelines.site import ClockSettings

# Seconds of video a clock is learned from (every digit of the seconds shows three times, so
# one second with a person behind the text is outvoted) and the sampling within them (the
# ticking digit must be seen several times a second).
LEARN_SPAN_S = 30.0
# Seconds of it in which the ticking digit is looked for: three ticks in each third.
TICK_SPAN_S = 12.0
LEARN_EVERY_S = 0.2
# Bytes of luma the tick span's pictures may take while its ticking digits are looked for:
# a 1080p picture's 12 s (124 MB) fit, so its window is decoded once; a 4K one's do not.
TICK_SPAN_BUDGET = 160 * 2**20
# Where in a recording learning is tried, in seconds: a smeared clock or a cut during the
# first window must not leave the whole file unread.
LEARN_AT_S = (0.0, 30.0, 60.0, 120.0, 300.0, 600.0)
# One reading a second finds every jump; the frames around one are then read again, so that
# the finding says between which two frames the cut lies (decoding a second costs little).
READ_EVERY_S = 1.0
PLACE_JUMP_WITHIN_S = 0.25
# Files of one camera tried for a face before its other files stop lending theirs.
GIVE_UP_AFTER_FILES = 2


def learn_face(path: Path, duration_s: float, settings: ClockSettings) -> ClockFace:
    """The recording's clock face, learned from the first window of `learning_windows` that
    shows a clean clock. Raises ClockNotFound with every window's reason; a first window
    where nothing ticks at all, in either half, ends the search (a camera without a clock
    costs two tick searches).

    A cut inside a window spoils all of it: the clock jumps there, and its tick moves within
    the second, so neither the digits' order nor the frames' grouping into seconds holds. So
    a window that fails is tried again in its two halves, one of which holds 15 clean seconds
    (every digit of the seconds at least once) when the window holds one cut."""
    reasons: list[str] = []
    crop = _Crop.of(path, settings)
    for index, window in enumerate(learning_windows(duration_s)):
        at, end = window
        middle = at + LEARN_SPAN_S / 2
        try:
            return crop.to_picture(_learn_in_window(path, crop, window))
        except NothingTicks as exc:
            reasons.append(f"at {at:.0f} s: {exc}")
            # the window's first half was searched for a tick already
            halves = [StreamSpan(middle, end)]
            nothing = True
        except (ClockNotFound, LayoutError) as exc:
            reasons.append(f"at {at:.0f} s: {exc}")
            halves = [StreamSpan(at, middle), StreamSpan(middle, end)]
            nothing = False
        for half in halves:
            if half[0] + MIN_TICKS > duration_s:
                continue
            try:
                return crop.to_picture(_learn_in_window(path, crop, half))
            except NothingTicks as exc:
                reasons.append(f"at {half[0]:.0f} s: {exc}")
            except (ClockNotFound, LayoutError) as exc:
                reasons.append(f"at {half[0]:.0f} s: {exc}")
                nothing = False
        if index == 0 and nothing:
            raise NothingTicks("; ".join(dict.fromkeys(reasons)))
    raise ClockNotFound("; ".join(dict.fromkeys(reasons)) or "the recording is too short")


def learning_windows(duration_s: float) -> list[StreamSpan]:
    """The windows a clock is learned from, in the order tried: one at each of LEARN_AT_S that
    fits (the first takes a short recording whole), and in a recording too short for a second
    one, also its last LEARN_SPAN_S (a cut in a one-minute clip must not leave it unread)."""
    windows = [
        StreamSpan(at, at + LEARN_SPAN_S)
        for at in LEARN_AT_S
        if at == 0 or at + LEARN_SPAN_S <= duration_s
    ]
    last = duration_s - LEARN_SPAN_S
    if last >= windows[-1].start + LEARN_SPAN_S / 2:
        windows.append(StreamSpan(last, duration_s))
    return windows


def _learn_in_window(path: Path, crop: _Crop, window: StreamSpan) -> ClockFace:
    """The face of the clock in `window` (seconds), inside the crop's coordinates.

    The ticking digit is found in the window's first TICK_SPAN_S; then only each candidate
    digit's text line is kept (half a minute of 1080p kept whole would take 300 MB). The
    window is decoded once: the tick span's pictures are kept until the candidates are known
    and then cut down to their lines, unless they would take more than TICK_SPAN_BUDGET
    bytes (a 4K camera), when the tick span is decoded again instead. Raises NothingTicks,
    ClockNotFound or LayoutError (the first candidate's reason)."""
    at, end = window
    ticks = StreamSpan(at, min(end, at + TICK_SPAN_S))
    counter = TickCounter(at, ticks.end - at)
    keep = crop.area * (ticks.end - at) / LEARN_EVERY_S <= TICK_SPAN_BUDGET
    # Closed however learning ends (nothing ticks: the rest of the window is not decoded).
    with closing(
        media.iter_frames(path, every_s=LEARN_EVERY_S, window=window if keep else ticks)
    ) as frames:
        kept: list[tuple[float, npt.NDArray[np.uint8]]] = []
        after_ticks: list[media.DecodedFrame] = []
        for frame in frames:
            if frame.time >= ticks.end:
                after_ticks.append(frame)
                break
            luma = crop.rows(frame)
            counter.add(frame.time, luma)
            if keep:
                kept.append((frame.time, luma))
        patches = counter.patches()
        lines = _TextLines(patches)
        for shown_at, luma in kept:
            lines.add(shown_at, [luma[patch.top : patch.bottom] for patch in patches])
        kept.clear()
        rest: Iterable[media.DecodedFrame] = (
            chain(after_ticks, frames)
            if keep
            else media.iter_frames(path, every_s=LEARN_EVERY_S, window=window)
        )
        for frame in rest:
            lines.add(frame.time, [crop.rows(frame, patch.top, patch.bottom) for patch in patches])
    return lines.learn()


class _TextLines:
    """Each candidate digit's text line, frame after frame: one decode serves them all, so a
    window whose candidates all fail costs one decode, not one per candidate."""

    def __init__(self, patches: Sequence[TickPatch]) -> None:
        self._patches = patches
        self._times: list[float] = []
        self._lines: list[list[npt.NDArray[np.uint8]]] = [[] for _ in patches]

    def add(self, time: float, lines: Sequence[npt.NDArray[np.uint8]]) -> None:
        self._times.append(time)
        for kept, line in zip(self._lines, lines, strict=True):
            kept.append(line.copy())

    def learn(self) -> ClockFace:
        failures: list[ClockNotFound | LayoutError] = []
        for kept, patch in zip(self._lines, self._patches, strict=True):
            try:
                return learn_clock_face(np.array(self._times), np.stack(kept), patch)
            except (ClockNotFound, LayoutError) as exc:
                failures.append(exc)
        raise failures[0]


@dataclass(frozen=True)
class _Crop:
    """The part of the picture searched for the clock: the site's region, or all of it."""

    left: int
    top: int
    right: int
    bottom: int

    @classmethod
    def of(cls, path: Path, settings: ClockSettings) -> _Crop:
        info = media.probe(path)
        if settings.region is None:
            return cls(0, 0, info.width, info.height)
        x0, y0, x1, y1 = settings.region
        left, top = int(x0 * info.width), int(y0 * info.height)
        return cls(
            left, top, max(left + 1, int(x1 * info.width)), max(top + 1, int(y1 * info.height))
        )

    @property
    def area(self) -> int:
        return (self.right - self.left) * (self.bottom - self.top)

    def rows(
        self, frame: media.DecodedFrame, top: int = 0, bottom: int | None = None
    ) -> npt.NDArray[np.uint8]:
        """Rows top:bottom of the crop (all of them by default), as (h, w) uint8 luma."""
        end = self.bottom if bottom is None else self.top + bottom
        return frame.luma_rows(self.top + top, end)[:, self.left : self.right]

    def to_picture(self, face: ClockFace) -> ClockFace:
        """A face learned inside the crop, in whole-picture coordinates."""
        return replace(
            face,
            top=face.top + self.top,
            bottom=face.bottom + self.top,
            cells=face.cells + self.left,
        )


class ClockReader:
    """Reads the clock of frames handed in time order, at most once per READ_EVERY_S.

    `start` is the file's POSIX start and `zone` the site's: a reading is resolved to the wall
    time nearest the file's own (a 12-hour clock's AM or PM, a year-last date's order).
    """

    def __init__(
        self,
        face: ClockFace,
        settings: ClockSettings,
        *,
        start: float,
        zone: tzinfo,
        every_s: float = READ_EVERY_S,
    ) -> None:
        self._face = face
        self._settings = settings
        self._start = start
        self._zone = zone
        self._grid = SampleGrid(every_s)
        self._times: list[float] = []
        self._shown: list[float] = []
        self.busy_s = 0.0  # time spent reading, for the benchmark's account of the scan

    def take(self, frame: media.DecodedFrame) -> None:
        if not self._grid.due(frame.time):
            return
        began = time.perf_counter()
        self._times.append(frame.time)
        self._shown.append(self.read(frame))
        self.busy_s += time.perf_counter() - began

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
            hours=self._settings.hours,
            order=self._settings.date_order,
        )
        return float("nan") if shown is None else shown.replace(tzinfo=self._zone).timestamp()

    @property
    def settings(self) -> ClockSettings:
        return self._settings

    @property
    def zone(self) -> tzinfo:
        return self._zone

    def finish(self) -> ClockTimeline:
        return ClockTimeline(np.array(self._times), np.array(self._shown))

    def read_window(self, path: Path, window: StreamSpan, every_s: float = 0.0) -> ClockTimeline:
        """The clock of every decoded frame in `window` (seconds from the start), or of one
        per `every_s`, read apart from the readings taken so far."""
        began = time.perf_counter()
        reader = ClockReader(
            self._face, self._settings, start=self._start, zone=self._zone, every_s=every_s
        )
        for frame in media.iter_frames(path, every_s=0.0, window=window):
            reader.take(frame)
        self.busy_s += time.perf_counter() - began
        return reader.finish()


class ClockFaces:
    """The clock faces of one scan, remembered per camera.

    A camera's files show one clock, so a face learned from one file reads the next: it is
    only checked on the file's first seconds, and learning (two decodes of half a minute)
    happens again only when it does not fit (another recorder, a moved OSD). A file too
    short or too damaged to learn from (a frozen stretch, a cut in its first half minute)
    borrows its camera's face; `files` lists every camera's files in this scan, tried in
    turn when the camera has no face yet.
    """

    def __init__(self, files: dict[str, list[Path]]) -> None:
        self._files = files
        self._faces: dict[str, ClockFace] = {}
        # Why each file tried could not teach a clock: learning costs up to a minute of
        # decoding a window, and a file is never tried twice in one scan.
        self._failed: dict[Path, ClockNotFound] = {}
        self._tried: set[Path] = set()

    def face(
        self, camera: str, path: Path, duration_s: float, settings: ClockSettings
    ) -> ClockFace:
        """The face to read `path` with. Raises ClockNotFound when no file of the camera
        shows a clock, with this file's reasons."""
        known = self._faces.get(camera)
        if known is not None and fits(known, path):
            return known
        try:
            face = self._learn(path, duration_s, settings)
        except ClockNotFound as own:
            borrowed = known or self._from_other_files(camera, settings)
            if borrowed is None:
                raise own from None
            return borrowed
        self._faces[camera] = face
        return face

    def _learn(self, path: Path, duration_s: float, settings: ClockSettings) -> ClockFace:
        if path in self._failed:
            raise self._failed[path]
        self._tried.add(path)
        try:
            return learn_face(path, duration_s, settings)
        except ClockNotFound as exc:
            self._failed[path] = exc
            raise

    def _from_other_files(self, camera: str, settings: ClockSettings) -> ClockFace | None:
        files = self._files.get(camera, [])
        for other in files:
            if other in self._tried:
                continue
            # A camera none of whose first files shows a learnable clock has none to learn
            # (or one this reader cannot see): its other files are not all decoded for it.
            if sum(f in self._failed for f in files) >= GIVE_UP_AFTER_FILES:
                return None
            try:
                face = self._learn(other, media.probe(other).duration_s, settings)
            except (ClockNotFound, media.UnreadableMedia):
                continue
            self._faces[camera] = face
            return face
        return None


# A face fits a file when it reads this many of the frames sampled at FIT_EVERY_S over the
# file's first FIT_SPAN_S seconds, as one steady clock.
FIT_SPAN_S = 4.0
FIT_EVERY_S = 0.5
FIT_READ = 0.75


def fits(face: ClockFace, path: Path) -> bool:
    """Whether `face` reads the clock of `path`'s first seconds (a few frames decoded)."""
    times, lines = [], []
    for frame in media.iter_frames(path, every_s=FIT_EVERY_S, window=StreamSpan(0.0, FIT_SPAN_S)):
        times.append(frame.time)
        lines.append(frame.luma_rows(face.top, face.bottom))
    kept = timekeeping(face, times, lines)
    return kept.frames > 0 and kept.read >= FIT_READ * kept.frames and kept.steady == 1.0


@dataclass(frozen=True)
class ClockCheck:
    """The clock's part of one recording's analysis.

    `recording` is the one given, or with its start moved to the on-screen clock when the
    site trusts that clock (`corrected`); `findings` are the clock findings, in its times.
    """

    recording: RecordingInfo
    findings: list[Finding]
    corrected: bool
    busy_s: float


def check_clock(
    reader: ClockReader,
    path: Path,
    recording: RecordingInfo,
    not_coverage: list[StreamSpan],
    thresholds: ClockThresholds,
) -> ClockCheck:
    """Jumps, drift and unreadable stretches of the clock `reader` read in `path`.

    `not_coverage`: stretches (seconds from the start) whose picture proves nothing (frozen,
    black): their clock is left out. A new offset shown by readings too sparse to confirm it
    (a static stretch decodes only its keyframes, seconds apart: three of them can outlast
    the recording) is read again once a second. A jump found between readings further apart
    than PLACE_JUMP_WITHIN_S is placed again by reading every frame between them.
    """
    began = time.perf_counter()
    decoded_to_s = recording.decoded_to - recording.start
    timeline = reader.finish().outside(not_coverage)
    analysis = analyse_clock(timeline, recording.start, decoded_to_s, thresholds)
    for first, last in analysis.unsettled:
        denser = reader.read_window(path, StreamSpan(first, last + 1e-3), READ_EVERY_S)
        timeline = timeline.with_rows(denser.outside(not_coverage))
    if analysis.unsettled:
        analysis = analyse_clock(timeline, recording.start, decoded_to_s, thresholds)
    loose = [s for s in analysis.steps if s.after_s - s.before_s > PLACE_JUMP_WITHIN_S]
    for step in loose:
        around = reader.read_window(path, StreamSpan(step.before_s, step.after_s + 1e-3))
        timeline = timeline.with_rows(around.outside(not_coverage))
    if loose:
        analysis = analyse_clock(timeline, recording.start, decoded_to_s, thresholds)
    corrected = False
    if reader.settings.trust and analysis.offset_s is not None:
        corrected = True
        shift = round(analysis.offset_s)  # the clock shows whole seconds
        recording = replace(
            recording,
            start=recording.start + shift,
            decoded_to=recording.decoded_to + shift,
            start_source=StartSource.ONSCREEN_CLOCK,
        )
    findings = clock_findings(recording, analysis, thresholds, reader.zone, corrected=corrected)
    return ClockCheck(recording, findings, corrected, reader.busy_s + time.perf_counter() - began)
