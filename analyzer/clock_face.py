"""Learning an NVR's burned-in clock from half a minute of its own frames, and reading it.

No OCR engine and no font tables: the clock teaches its own digits. The units digit of the
seconds is the one patch of picture that changes once a second, always at the same point of
the second; over half a minute it shows every digit in order, and the digit to its left
changes when it shows 0. Those patches become the ten digit templates, and a search along the
clock's text line with them finds every other digit (date, hours, minutes) in whatever layout
the recorder uses. Reading a frame then costs a few template comparisons on a thin crop.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from analyzer.clock_glyphs import GrayImage, Mask, jaccard_distance, text_mask
from analyzer.clock_value import (
    ClockFields,
    LayoutError,
    is_time_of_day,
    layout_fields,
    seconds_of_day,
)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
GrayStack = npt.NDArray[np.uint8]

# Grey-level step of a text pixel turning from stroke to background or back; compression
# noise and sensor noise stay far below it.
TICK_LEVEL = 40
# How alike the phases (within the second) of a pixel's changes must be, as the length of their
# mean unit vector: 1 for changes at exactly one point of every second, near 0 for movement.
TICK_COHERENCE = 0.75
# Jaccard distance below which two text masks show the same glyph (noise and compression
# flip edge pixels: 0-0.16 measured); different digits of one font differ by more (8 and 9
# of DejaVu Sans Mono by 0.33).
SAME_GLYPH = 0.25
# A read cell's best template may be this far (a person passing behind the text adds pixels)
# if the second best is clearly further.
READ_MAX = 0.35
# A text pixel stands out from its surroundings by this fraction of the ticking digit's
# stroke-to-background contrast (white text on a light grey wall has little to spare).
TEXT_CONTRAST = 0.3
# ... and lies within this fraction of that contrast from the stroke's own level.
TEXT_LEVEL = 0.25
# A cell is read only when its best template is this much closer than the second best.
READ_MARGIN = 0.05
# ... or, when scene showing between the strokes of outlined text (a bright wall between a
# digit's outlines) adds pixels to a cell, up to READ_LOOSE if every other digit is at least
# LOOSE_MARGIN further: a digit that stands out from the other nine by that much is not a
# misread (digits of one font differ by 0.33 or more).
READ_LOOSE = 0.5
LOOSE_MARGIN = 0.25
# Fewest digit changes to learn from: every digit 0-9 must show once.
MIN_TICKS = 11
# Blobs of ticking pixels tried, largest first (a blinking REC dot can tick too).
MAX_CANDIDATES = 3


class ClockNotFound(ValueError):
    """No on-screen clock could be learned from the frames; the message says why."""


class NothingTicks(ClockNotFound):
    """No part of the picture changes once a second: there is no running clock to learn."""


@dataclass(frozen=True)
class ClockFace:
    """Where a recording's on-screen clock is and what its digits look like.

    top/bottom: rows of the clock's text line in the full-resolution luma plane;
    text_is_bright, level, contrast: how text stands out (see `text_mask`);
    stroke_max: text strokes are thinner than this many pixels;
    cells: (k,) left column of each digit cell, left to right, all `cell_width` wide;
    templates: (10, bottom - top, cell_width) bool masks of the digits 0-9;
    fields: which cells hold which part of the time.
    """

    top: int
    bottom: int
    text_is_bright: bool
    level: float
    contrast: float
    stroke_max: int
    cells: IntArray
    cell_width: int
    templates: npt.NDArray[np.bool_]
    fields: ClockFields

    def read(self, band: GrayImage) -> IntArray | None:
        """(k,) digits shown in `band` (the luma rows top:bottom, full width), or None when a
        cell matches no digit clearly (someone in front of the clock, a damaged frame)."""
        # Only the columns of the digits (and the stroke test's reach around them) are looked
        # at: a quarter of a 720p line for a date and time.
        first = max(0, int(self.cells.min()) - 2 * self.stroke_max)
        last = int(self.cells.max()) + self.cell_width + 2 * self.stroke_max
        mask = text_mask(
            band[:, first:last], self.level, self.contrast, self.text_is_bright, self.stroke_max
        )
        columns = (self.cells - first)[:, None] + np.arange(self.cell_width)
        windows = np.moveaxis(mask[:, columns], 1, 0)  # (k, h, cell_width)
        distances = jaccard_distance(windows[:, None], self.templates[None])  # (k, 10)
        order = np.argsort(distances, axis=1)
        best = np.take_along_axis(distances, order[:, :1], axis=1)[:, 0]
        runner_up = np.take_along_axis(distances, order[:, 1:2], axis=1)[:, 0]
        clear = (best <= READ_MAX) & (runner_up - best >= READ_MARGIN)
        loose = (best <= READ_LOOSE) & (runner_up - best >= LOOSE_MARGIN)
        if not np.all(clear | loose):
            return None
        return order[:, 0].astype(np.int64)


@dataclass(frozen=True)
class TickPatch:
    """A digit-shaped patch of picture that changes once a second: a candidate for the units
    digit of a clock's seconds.

    top, bottom, left, right: its box in the picture (end-exclusive); mask: (bottom - top,
    right - left) its ticking pixels; moment: when in the second (0-1) they change.
    """

    top: int
    bottom: int
    left: int
    right: int
    mask: Mask
    moment: float


class TickCounter:
    """Where the picture changes once a second, counted frame after frame, so that finding
    a clock keeps one frame in memory, not half a minute of them.

    Frames come in time order, sampled every ~0.2 s, over about `span_s` seconds from
    `start`. A pixel ticks when it changes about once a second, always at the same point of
    the second, and all through the span (a person passing changes a pixel a few times,
    then never).
    """

    def __init__(self, start: float, span_s: float) -> None:
        self._start = start
        self._span_s = span_s
        self._first: float | None = None
        self._last = start
        self._previous: GrayImage | None = None
        self._thirds: npt.NDArray[np.int16] | None = None
        self._cos: npt.NDArray[np.float32] | None = None
        self._sin: npt.NDArray[np.float32] | None = None

    def add(self, time: float, luma: GrayImage) -> None:
        """One (h, w) uint8 luma picture shown at `time` seconds."""
        if self._previous is None:
            self._first = time
            self._thirds = np.zeros((3, *luma.shape), np.int16)
            self._cos = np.zeros(luma.shape, np.float32)
            self._sin = np.zeros(luma.shape, np.float32)
        else:
            assert self._thirds is not None and self._cos is not None and self._sin is not None
            # In uint8 and only where something changed: a 1080p picture is 2 M pixels, few
            # of which change, and widening it to int16 cost ten times as much (4 ms a frame).
            step = np.maximum(luma, self._previous) - np.minimum(luma, self._previous)
            changed = np.flatnonzero(step > TICK_LEVEL)
            phase = 2 * np.pi * (time % 1.0)
            third = min(2, max(0, int(3 * (time - self._start) / self._span_s)))
            self._thirds[third].reshape(-1)[changed] += 1
            self._cos.reshape(-1)[changed] += np.float32(np.cos(phase))
            self._sin.reshape(-1)[changed] += np.float32(np.sin(phase))
        self._previous = luma
        self._last = time

    def patches(self) -> list[TickPatch]:
        """The digit-shaped ticking patches, largest first (a blinking REC dot can tick too).

        Raises ClockNotFound when the frames span too little time, NothingTicks when no
        part of the picture ticks."""
        span = self._last - (self._first if self._first is not None else self._last)
        if span < MIN_TICKS or self._thirds is None or self._cos is None or self._sin is None:
            raise ClockNotFound(
                f"{span:.0f} s of video is too little to learn the clock from (needs {MIN_TICKS} s)"
            )
        count = self._thirds.sum(axis=0)
        coherence = np.hypot(self._cos, self._sin) / np.maximum(count, 1)
        # A pixel of the units digit flips at some ticks only (a stroke shared by 3 and 4
        # stays), and a third of the span holds three ticks at least.
        ticking = (
            (count >= 0.25 * span)
            & (count <= 1.3 * span)
            & (coherence >= TICK_COHERENCE)
            & np.all(self._thirds > 0, axis=0)
        )
        patches = []
        for top, bottom, left, right in _blobs(ticking)[:MAX_CANDIDATES]:
            inside = ticking[top:bottom, left:right]
            angle = np.arctan2(
                self._sin[top:bottom, left:right][inside].sum(),
                self._cos[top:bottom, left:right][inside].sum(),
            )
            moment = float(angle / (2 * np.pi) % 1.0)
            patches.append(TickPatch(top, bottom, left, right, inside, moment))
        if not patches:
            raise NothingTicks("no part of the picture changes once a second")
        return patches


def _blobs(mask: Mask, reach: int = 3) -> list[tuple[int, int, int, int]]:
    """Bounding boxes (top, bottom, left, right; end-exclusive) of digit-shaped groups of
    `mask` pixels within `reach` of each other, largest group first."""
    points = {(int(y), int(x)) for y, x in zip(*np.nonzero(mask), strict=True)}
    groups = []
    while points:
        seed = points.pop()
        group, frontier = [seed], [seed]
        while frontier:
            y, x = frontier.pop()
            near = [
                (y + dy, x + dx)
                for dy in range(-reach, reach + 1)
                for dx in range(-reach, reach + 1)
                if (y + dy, x + dx) in points
            ]
            for point in near:
                points.discard(point)
            group.extend(near)
            frontier.extend(near)
        ys, xs = zip(*group, strict=True)
        height, width = max(ys) + 1 - min(ys), max(xs) + 1 - min(xs)
        # A digit: a few pixels at least, neither a line nor a bar.
        if len(group) >= 6 and 0.7 <= height / width <= 4:
            groups.append((len(group), (min(ys), max(ys) + 1, min(xs), max(xs) + 1)))
    groups.sort(key=lambda g: -g[0])
    return [box for _, box in groups]


def learn_clock_face(times: FloatArray, rows: GrayStack, patch: TickPatch) -> ClockFace:
    """The clock whose units-of-seconds digit is `patch`, from the rows patch.top:patch.bottom
    (n, bottom - top, w) uint8 of the luma of frames sampled every ~0.2 s at `times` (n,).

    Raises ClockNotFound (or LayoutError) with the reason when the patch is no clock's.
    """
    digit_height = patch.bottom - patch.top
    if digit_height < 5:
        raise ClockNotFound(f"the ticking patch is {digit_height} px high: too small for text")
    values = rows[:, :, patch.left : patch.right][:, patch.mask]
    low, high = (float(v) for v in np.percentile(values, (5, 95)))
    if high - low < 2 * TICK_LEVEL:
        raise ClockNotFound("the ticking patch has too little contrast to be text")
    # NVR text is near white or near black, the scene anything in between. White text with a
    # black outline is both: its fill is tried first, as the text most recorders draw.
    white_first = 255 - high <= low + TICK_LEVEL
    failures = []
    for bright in (white_first, not white_first):
        try:
            return _learn_in_colour(times, rows, patch, bright, (low, high))
        except (ClockNotFound, LayoutError) as exc:
            failures.append(exc)
    raise failures[0]


def _learn_in_colour(
    times: FloatArray,
    rows: GrayStack,
    patch: TickPatch,
    bright: bool,
    levels: tuple[float, float],
) -> ClockFace:
    """The face of bright (or dark) text of the ticking `patch`, whose pixels' grey levels
    run between `levels` (5th and 95th percentile); `rows` are the patch's line."""
    digit_height = patch.bottom - patch.top
    low, high = levels
    stroke, background = (high, low) if bright else (255 - low, 255 - high)
    level = stroke - TEXT_LEVEL * (stroke - background)
    contrast = TEXT_CONTRAST * (stroke - background)
    # Over the window the ticking pixels cover the union of the ten digits' shapes: the
    # digit cell, exactly (the line is the patch's rows). A margin would take in pixels of the
    # neighbouring glyphs (tight fonts nearly touch) or of the scene, which differ from cell
    # to cell.
    stroke_max = max(3, round(0.35 * digit_height))
    masks = np.stack([text_mask(row, level, contrast, bright, stroke_max) for row in rows])
    # The tens digit may touch the units in a tight font, so its cell is taken as the same
    # width just left of it.
    units = slice(patch.left, patch.right)
    width = units.stop - units.start
    if units.start < width:
        raise ClockNotFound("no digit left of the ticking one")
    tens = slice(units.start - width, units.start)
    templates = _digit_templates(times, patch.moment, masks[:, :, units], masks[:, :, tens])
    cells = _digit_cells(masks, templates, units.start)
    groups, seconds_group = _groups(cells, units.start, units.stop - units.start)
    fields = layout_fields(groups, seconds_group)
    # Only the time's own cells are read: a weekday letter that looks like a digit (S and 5)
    # must not make a frame unreadable.
    cells = [cells[i] for i in fields.cells]
    face = ClockFace(
        top=patch.top,
        bottom=patch.bottom,
        text_is_bright=bright,
        level=level,
        contrast=contrast,
        stroke_max=stroke_max,
        cells=np.asarray(cells, np.int64),
        cell_width=units.stop - units.start,
        templates=templates,
        fields=fields.renumbered(),
    )
    _check_it_keeps_time(face, times, rows)
    return face


def _check_it_keeps_time(face: ClockFace, times: FloatArray, rows: GrayStack) -> None:
    """The learned face must read the frames it was learned from as a clock running with the
    video: a cut or a person in front of the clock during learning can teach digits under the
    wrong names, and a clock read that way would not keep time."""
    kept = timekeeping(face, times, rows)
    if kept.read < 0.8 * kept.frames:
        raise ClockNotFound(f"the learned digits read only {kept.read} of {kept.frames} frames")
    if kept.steady < 0.9:
        raise ClockNotFound("the learned digits do not read as a clock that keeps time")


@dataclass(frozen=True)
class Timekeeping:
    """How a face reads a run of frames: it reads `read` of `frames`, and `steady` is the share
    of those whose time of day runs with the video to within a second (0 when none is read)."""

    frames: int
    read: int
    steady: float


def timekeeping(
    face: ClockFace,
    times: Sequence[float] | FloatArray,
    lines: Sequence[GrayImage] | GrayStack,
) -> Timekeeping:
    """How `face` reads the text lines (rows face.top:face.bottom) of frames at `times`."""
    offsets = []
    for time, line in zip(times, lines, strict=True):
        digits = face.read(line)
        # Digits that are no time of day (hour 40: two cells of the date taken for the
        # hours) are not a reading: such a face would keep time and never read a wall time.
        if digits is not None and is_time_of_day(face.fields, digits):
            offsets.append((seconds_of_day(face.fields, digits) - time) % 86_400)
    if not offsets:
        return Timekeeping(len(times), 0, 0.0)
    # Whole seconds shown: a steady clock's offsets lie within one second (mod a day).
    around = np.asarray(offsets) - np.median(offsets)
    steady = np.abs((around + 43_200) % 86_400 - 43_200) <= 1.0
    return Timekeeping(len(times), len(offsets), float(steady.mean()))


def _digit_templates(
    times: FloatArray, tick: float, units: npt.NDArray[np.bool_], tens: npt.NDArray[np.bool_]
) -> npt.NDArray[np.bool_]:
    """(10, h, w) masks of the digits 0-9, from the units-of-seconds cell (n, h, w) of every
    frame and the tens cell beside it.

    Frames are grouped into the clock's seconds by the moment `tick` (0-1) at which it
    ticks, so no glyph threshold decides where one digit ends. Consecutive seconds show
    consecutive digits, and the tens cell changes as the units show 0. A digit's template is
    the pixel-wise majority of the seconds that showed it (a person passing behind the text
    during one of them leaves no trace), each second being the majority of its frames.
    """
    step = float(np.median(np.diff(times)))
    second = np.floor(times - tick + step / 2).astype(np.int64)
    seconds = np.unique(second)
    if seconds.size < MIN_TICKS:
        raise ClockNotFound(f"only {seconds.size} clock seconds to learn from")
    shown = np.stack([units[second == s].mean(axis=0) >= 0.5 for s in seconds])
    beside = np.stack([tens[second == s].mean(axis=0) >= 0.5 for s in seconds])
    if np.any(jaccard_distance(shown[1:], shown[:-1]) <= SAME_GLYPH):
        raise ClockNotFound("the ticking digit did not change at every tick")
    # The tens change once every ten seconds, at the same place in the units' cycle; a
    # person passing behind them may change them elsewhere, once.
    tens_change = jaccard_distance(beside[1:], beside[:-1])
    by_phase = np.bincount(np.arange(1, seconds.size) % 10, weights=tens_change, minlength=10)
    zero = int(np.argmax(by_phase))
    wraps = np.arange(1, seconds.size)[(np.arange(1, seconds.size) % 10 == zero)]
    if not np.all(tens_change[wraps - 1] > SAME_GLYPH):
        raise ClockNotFound("the digit left of the ticking one does not change with its 0")
    digit = (np.arange(seconds.size) - zero) % 10
    # Strict majority: of two seconds, only the pixels both agree on.
    templates = np.stack([shown[digit == d].mean(axis=0) > 0.5 for d in range(10)])
    own = jaccard_distance(units, templates[digit[np.searchsorted(seconds, second)]])
    if np.mean(own > READ_MAX) > 0.1:
        raise ClockNotFound("the ticking digit does not look the same each time it shows")
    between = jaccard_distance(templates[:, None], templates[None])
    np.fill_diagonal(between, np.inf)
    if between.min() <= SAME_GLYPH:
        raise ClockNotFound("two of the ticking patch's ten glyphs look alike: not digits")
    return templates


# Frames searched for digit cells, spread over the learning window, and how far apart (px)
# the frames may place one cell.
CELL_SEARCH_FRAMES = 7
CELL_JITTER = 2


def _digit_cells(
    masks: npt.NDArray[np.bool_], templates: npt.NDArray[np.bool_], units_left: int
) -> list[int]:
    """Left columns of the digit cells along the text line, from text masks (n, h, w).

    In each of a few frames spread over the window, every window of the templates' width
    that matches a digit is a cell (best matches first, cells not overlapping); a cell found
    in most of those frames is kept. One frame could have a person behind the text; the
    frames' majority picture could blend the digits of a minute that turned over.
    """
    width = templates.shape[2]
    picks = np.linspace(0, len(masks) - 1, CELL_SEARCH_FRAMES).round().astype(int)
    found: list[list[int]] = []
    for mask in masks[picks]:
        windows = np.moveaxis(np.lib.stride_tricks.sliding_window_view(mask, width, axis=1), 1, 0)
        best = jaccard_distance(windows[:, None], templates[None]).min(axis=1)  # (positions,)
        cells: list[int] = []
        for x in np.argsort(best, kind="stable"):
            if best[x] > READ_MAX:
                break
            if all(abs(int(x) - c) >= 0.7 * width for c in cells):
                cells.append(int(x))
        found.append(cells)
    # The ticking digit's cell is placed by its ticking. Elsewhere a cell is a position most
    # frames found within a pixel or two (a thin 1 matches nearly as well a pixel aside).
    kept = [units_left]
    positions = sorted(x for cells in found for x in cells)
    while positions:
        cluster = [x for x in positions if x - positions[0] <= CELL_JITTER]
        positions = positions[len(cluster) :]
        frames_found = sum(any(x in cluster for x in cells) for cells in found)
        x = int(np.median(cluster))
        if frames_found > len(found) // 2 and all(abs(x - k) >= 0.7 * width for k in kept):
            kept.append(x)
    return sorted(kept)


def _groups(
    cells: list[int], units_left: int, cell_width: int
) -> tuple[list[tuple[int, ...]], int]:
    """Digit cells grouped into numbers (cells one digit pitch apart), and which group holds
    the seconds."""
    units = cells.index(units_left)
    if units == 0:
        raise ClockNotFound("no digit left of the ticking one")
    pitch = cells[units] - cells[units - 1]
    if pitch > 2 * cell_width:
        raise ClockNotFound("no digit right next to the ticking one")
    # The digits of a number stand one pitch apart, give or take the pixel or two a cell's
    # placement wanders; a separator adds its own width. A tight font's space adds little
    # (Hershey's at 1 em: 6 px to a 19-px pitch), so the pitch is the median of the gaps
    # near the seconds', not one gap, and a gap is a break beyond the wander.
    gaps = np.diff(cells)
    pitch = int(np.median(gaps[(gaps >= 0.7 * pitch) & (gaps <= 1.35 * pitch)]))
    groups: list[list[int]] = [[0]]
    for i in range(1, len(cells)):
        if cells[i] - cells[i - 1] > pitch + max(CELL_JITTER + 1, 0.15 * pitch):
            groups.append([])
        groups[-1].append(i)
    seconds = next(g for g, members in enumerate(groups) if units in members)
    return [tuple(g) for g in groups], seconds
