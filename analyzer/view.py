"""View integrity: is a fixed camera still showing its room, sharp and uncovered (rule V2)?

A camera turned away, covered or refocused keeps recording complete video of nothing, which
the frozen and black checks cannot see. Each analysed grey thumbnail (160 px wide in the
scan) is compared with the camera's reference view, a picture of the room as the camera
should see it (by default the per-pixel median of pictures from the recording's first
seconds):

- *structure*: coarse detail (mean absolute Laplacian of the picture averaged over 4x4
  blocks) over mean brightness, of the whole picture and of each of 4x4 regions; the lower of
  the whole picture's and the lower-quartile region's (when that region has nearly none
  left). A covered or sprayed lens flattens it; a hand or cloth over two thirds of the lens
  flattens the regions it covers, even when the uncovered third, now brighter than the rest,
  keeps the whole picture's ratio up; a dimmer room does not, since the ratio is contrast
  over brightness.
- *sharpness*: fine detail (mean absolute Laplacian of the thumbnail) over the same coarse
  detail, in each of 4x4 regions, the median region. Defocus lowers it everywhere while the
  coarse structure stays; a person changes a few regions; a brightness or contrast change
  cancels out.
- *scene match*: the fraction of textured 10x10-pixel cells of the reference that still
  correlate (zero-mean normalised cross-correlation, best over shifts of up to 2 pixels) with
  the same place in the picture. A person occludes some cells, a light change keeps every
  correlation; a turned camera loses most of them.

Structure and sharpness are reported as fractions of the reference view's own values, so one
threshold fits every room. Everything here is pure numpy: the scan hands in the pictures.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from analyzer.findings import FindingKind
from analyzer.intervals import Interval, StreamSpan, mask_intervals, true_runs
from analyzer.signals import FloatArray, FrameSignals
from analyzer.thresholds import ContinuityThresholds

GrayImage = npt.NDArray[np.uint8]
Float32Array = npt.NDArray[np.float32]

# Side of the square cells the scene is compared in, in thumbnail pixels (16 x 9 cells on a
# 160x90 thumbnail): large enough to hold an edge or some texture, small enough that a person
# covers only some of them.
CELL = 10
# The reference is compared at every shift up to this many thumbnail pixels (1.25 % of the
# width): a camera shaken by a door slam or a compression wobble still matches; a camera turned
# by 2 % or more of its field does not (measured on real footage).
SHIFT_TOLERANCE = 2
# A cell agrees with the reference at this correlation or more.
AGREE_CORRELATION = 0.7
# A reference cell with less grey-level spread than this (sensor noise, a bare wall) cannot
# show a move; it is not compared.
TEXTURED_STD = 4.0
# A picture cell flatter than this (a dark or covered picture) is not judged either: a room
# with the lights off must not look like a different room. When fewer than
# MIN_JUDGED_FRACTION of the textured cells can be judged, the picture gets no scene match.
FLAT_STD = 2.0
MIN_JUDGED_FRACTION = 0.5
# A reference with fewer textured cells than this (a camera facing a bare wall) cannot show a
# move, and its detail measures are too weak to compare against.
MIN_TEXTURED_CELLS = 12
# Brightness below which contrast is not divided further: video black is 16.
STRUCTURE_MIN_LUMA = 16.0
# Pictures are compared with the reference at most this often (seconds of video): a finding
# needs seconds, and a comparison costs about 0.25 ms, three times the frozen and black checks.
VIEW_EVERY_S = 1.0
# Block size of the coarse picture for `structure` and `sharpness`.
COARSE_BLOCK = 4
# Sharpness is compared region by region on a REGIONS x REGIONS grid and the median region
# taken: a person adds coarse structure where they stand; a refocused lens blurs every region.
REGIONS = 4
# A region of the reference whose coarse picture's mean absolute Laplacian is below this (grey
# levels) is too flat to show a blur or a cover, and at least MIN_SHARP_REGIONS regions must
# show it.
REGION_MIN_COARSE = 0.5
MIN_SHARP_REGIONS = 4
# The region whose structure stands for a partly covered lens: the lower quartile. A cover
# over a third of the lens or more flattens at least that many regions (4 of 16); people in a
# real room leave it at 0.83 or more of the reference's (measured on real footage).
STRUCTURE_QUANTILE = 0.25
# ... and it counts only when that region kept at most this much of its structure: a hand,
# a sheet or a dark cloth over two thirds of the lens leaves 0.02-0.18, while a camera turned
# by 8 % shows a plainer wall where the reference had shelves (0.39 in real indoor
# footage): that is a moved view, which the scene match tells.
COVERED_REGION_MAX = 0.25


# ---------------------------------------------------------------------------------------------
# Measurements of one picture


@dataclass(frozen=True)
class PictureDetail:
    """Scene-dependent detail of one picture (absolute, not yet relative to a reference).

    structure: coarse detail over mean brightness, of the whole picture; fine, coarse:
    (REGIONS * REGIONS,) mean absolute Laplacian of the picture and of its coarse version
    (COARSE_BLOCK x COARSE_BLOCK block means) in each region of a REGIONS x REGIONS grid, row
    by row. Their ratio is a region's sharpness. brightness: (REGIONS * REGIONS,) mean grey
    level of each region (at least STRUCTURE_MIN_LUMA); coarse over it is a region's
    structure.
    """

    structure: float
    fine: FloatArray
    coarse: FloatArray
    brightness: FloatArray

    @property
    def region_structure(self) -> FloatArray:
        """(REGIONS * REGIONS,) coarse detail over brightness of each region."""
        ratio: FloatArray = self.coarse / self.brightness
        return ratio

    @property
    def region_sharpness(self) -> FloatArray:
        """(REGIONS * REGIONS,) fine over coarse detail; inf where a region is flat."""
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio: FloatArray = np.where(self.coarse > 0, self.fine / self.coarse, np.inf)
        return ratio


def _laplacian(picture: Float32Array) -> Float32Array:
    """(h - 2, w - 2) absolute 4-neighbour Laplacian of the interior of an (h, w) picture."""
    laplacian = (
        picture[:-2, 1:-1] + picture[2:, 1:-1] + picture[1:-1, :-2] + picture[1:-1, 2:]
    ) - 4.0 * picture[1:-1, 1:-1]
    return np.abs(laplacian)


def _block_mean(picture: Float32Array, block: int) -> Float32Array:
    """(h // block, w // block) means of the whole blocks of an (h, w) picture."""
    h, w = picture.shape[0] // block * block, picture.shape[1] // block * block
    whole = picture[:h, :w]
    # Strided sums: several times faster than a reshape-mean on pictures this small.
    rows = sum((whole[i::block] for i in range(1, block)), start=whole[0::block])
    cols = sum((rows[:, i::block] for i in range(1, block)), start=rows[:, 0::block])
    means: Float32Array = cols * np.float32(1.0 / block**2)
    return means


@lru_cache(maxsize=16)
def _region_averagers(height: int, width: int, regions: int) -> tuple[Float32Array, Float32Array]:
    """(regions, height) and (width, regions) matrices that average an (height, width) array
    over a regions x regions grid of near-equal blocks (as np.array_split): rows @ a @ cols."""

    def averager(length: int) -> Float32Array:
        parts = min(regions, length)
        sizes = [len(part) for part in np.array_split(np.arange(length), parts)]
        owner = np.repeat(np.arange(parts), sizes)
        matrix = (owner[None, :] == np.arange(regions)[:, None]).astype(np.float32)
        averages: Float32Array = matrix / np.maximum(matrix.sum(axis=1, keepdims=True), 1.0)
        return averages

    return averager(height), averager(width).T.copy()


def _region_means(values: Float32Array, regions: int) -> FloatArray:
    """(regions * regions,) means of an (h, w) array over a regions x regions grid of
    near-equal blocks, row by row."""
    rows, cols = _region_averagers(values.shape[0], values.shape[1], regions)
    means: FloatArray = (rows @ values @ cols).ravel().astype(np.float64)
    return means


def picture_detail(gray: GrayImage) -> PictureDetail:
    """Structure and regional fine and coarse detail of an (h, w) uint8 picture (none below
    3 x COARSE_BLOCK pixels a side)."""
    picture = gray.astype(np.float32)
    coarse_picture = _block_mean(picture, COARSE_BLOCK)
    if min(coarse_picture.shape) < 3:  # too small to have a coarse Laplacian: no detail
        nothing = np.zeros(REGIONS * REGIONS)
        dark = np.full(REGIONS * REGIONS, STRUCTURE_MIN_LUMA)
        return PictureDetail(structure=0.0, fine=nothing, coarse=nothing.copy(), brightness=dark)
    coarse_map = _laplacian(coarse_picture)
    brightness = max(float(coarse_picture.mean()), STRUCTURE_MIN_LUMA)
    return PictureDetail(
        structure=float(coarse_map.mean()) / brightness,
        fine=_region_means(_laplacian(picture), REGIONS),
        coarse=_region_means(coarse_map, REGIONS),
        # the coarse picture's interior, so each region's brightness is over its Laplacian's
        # own pixels
        brightness=np.maximum(
            _region_means(coarse_picture[1:-1, 1:-1], REGIONS), STRUCTURE_MIN_LUMA
        ),
    )


def _cells(picture: Float32Array, rows: int, cols: int) -> Float32Array:
    """(rows * cols, CELL * CELL) pixels of the top-left rows x cols cells of a picture."""
    grid = picture[: rows * CELL, : cols * CELL].reshape(rows, CELL, cols, CELL)
    return grid.transpose(0, 2, 1, 3).reshape(rows * cols, CELL * CELL)


def _spread(cells: Float32Array) -> Float32Array:
    """(n,) root of the summed squared deviation from the mean of each of (n, p) cells."""
    total = cells.sum(axis=1)
    squares = np.einsum("np,np->n", cells, cells)
    spread: Float32Array = np.sqrt(np.maximum(squares - total * total / cells.shape[1], 0.0))
    return spread


def _normalised(cells: Float32Array) -> Float32Array:
    """(n, p) cells minus their means over their spread (zero-mean, unit-norm rows)."""
    centred = cells - cells.mean(axis=1, keepdims=True)
    normalised: Float32Array = centred / np.maximum(_spread(cells), 1e-6)[:, None]
    return normalised


# ---------------------------------------------------------------------------------------------
# The reference view


@dataclass(frozen=True)
class ViewReference:
    """What the camera should see: a grey picture and what is compared against it.

    picture: (h, w) uint8, the size of the analysed thumbnails; structure: its coarse detail
    over brightness; sharpness, region_structure: (REGIONS * REGIONS,) fine over coarse
    detail and coarse detail over brightness per region, NaN where a region is too flat to
    show a blur or a cover; cells: (n, s, CELL * CELL) normalised cells of
    the picture at each of the s shifts within SHIFT_TOLERANCE; textured: (n,) bool, the
    cells that can show a move.
    """

    picture: GrayImage
    structure: float
    sharpness: FloatArray = field(repr=False)
    region_structure: FloatArray = field(repr=False)
    cells: Float32Array = field(repr=False)
    textured: npt.NDArray[np.bool_] = field(repr=False)

    @classmethod
    def from_pictures(cls, pictures: Sequence[GrayImage]) -> ViewReference:
        """The reference of one or more (h, w) uint8 pictures of the same size: their
        per-pixel median (a person walking through is in few of them) and the median of
        their detail measures."""
        if not pictures:
            raise ValueError("a reference view needs at least one picture")
        shapes = {p.shape for p in pictures}
        if len(shapes) > 1:
            raise ValueError(f"reference pictures differ in size: {sorted(shapes)}")
        picture = np.median(np.stack(pictures), axis=0).round().astype(np.uint8)
        details = [picture_detail(p) for p in pictures]
        sharpness = np.median([d.region_sharpness for d in details], axis=0)
        # A region flat in the reference cannot show a blur: its ratio is noise.
        flat = np.median([d.coarse for d in details], axis=0) < REGION_MIN_COARSE
        rows, cols = picture.shape[0] // CELL, picture.shape[1] // CELL
        r = SHIFT_TOLERANCE
        padded = np.pad(picture.astype(np.float32), r, mode="edge")
        h, w = picture.shape
        shifted = [
            _normalised(_cells(padded[r + dy : r + dy + h, r + dx : r + dx + w], rows, cols))
            for dy in range(-r, r + 1)
            for dx in range(-r, r + 1)
        ]
        std = _spread(_cells(picture.astype(np.float32), rows, cols)) / CELL
        return cls(
            picture=picture,
            structure=float(np.median([d.structure for d in details])),
            sharpness=np.where(flat | ~np.isfinite(sharpness), np.nan, sharpness),
            region_structure=np.where(
                flat, np.nan, np.median([d.region_structure for d in details], axis=0)
            ),
            cells=np.ascontiguousarray(np.stack(shifted, axis=1)),
            textured=std >= TEXTURED_STD,
        )

    @property
    def usable(self) -> bool:
        """Whether the reference shows enough of a scene to judge pictures against."""
        return (
            int(self.textured.sum()) >= MIN_TEXTURED_CELLS
            and self.structure > 0
            and int(np.isfinite(self.sharpness).sum()) >= MIN_SHARP_REGIONS
        )


def scene_match(gray: GrayImage, reference: ViewReference) -> float:
    """Fraction 0-1 of the reference's textured cells that an (h, w) uint8 picture of the
    reference's size still shows (correlation >= AGREE_CORRELATION at the best shift within
    SHIFT_TOLERANCE), among those the picture is not too flat to judge; NaN when it is too
    flat or dark to judge at all."""
    if gray.shape != reference.picture.shape:
        raise ValueError(f"picture sizes differ: {gray.shape} != {reference.picture.shape}")
    rows, cols = gray.shape[0] // CELL, gray.shape[1] // CELL
    cells = _cells(gray.astype(np.float32), rows, cols)
    spread = _spread(cells)
    judged = reference.textured & (spread >= FLAT_STD * CELL)
    if judged.sum() < MIN_JUDGED_FRACTION * max(int(reference.textured.sum()), 1):
        return float("nan")
    # (n, s, p) @ (n, p, 1): every cell against its reference cell at every shift. The
    # reference cells sum to zero, so the picture's cells need no centring, only scaling.
    # All cells, then the judged ones: selecting first would copy the reference's cells.
    dots = np.matmul(reference.cells, cells[:, :, None])[:, :, 0]
    best = dots.max(axis=1)[judged] / spread[judged]
    return float((best >= AGREE_CORRELATION).mean())


def _area_weights(size_in: int, size_out: int) -> Float32Array:
    """(size_out, size_in) weights averaging the input samples each output sample covers,
    partly covered ones in proportion."""
    edges = np.arange(size_out + 1, dtype=np.float64) * (size_in / size_out)
    left = np.arange(size_in, dtype=np.float64)
    overlap = np.clip(
        np.minimum(edges[1:, None], left[None, :] + 1) - np.maximum(edges[:-1, None], left), 0, None
    )
    weights: Float32Array = (overlap / overlap.sum(axis=1, keepdims=True)).astype(np.float32)
    return weights


def scaled_to(picture: GrayImage, shape: tuple[int, ...]) -> GrayImage:
    """An (h, w) uint8 picture scaled to `shape` (h', w') by area averaging, as the scan's
    thumbnails are made (a larger still of the camera's view becomes a thumbnail)."""
    height, width = shape[0], shape[1]
    if picture.shape == (height, width):
        return picture
    rows = _area_weights(picture.shape[0], height)
    cols = _area_weights(picture.shape[1], width)
    scaled = rows @ picture.astype(np.float32) @ cols.T
    result: GrayImage = np.clip(np.rint(scaled), 0, 255).astype(np.uint8)
    return result


@dataclass(frozen=True, slots=True)
class ViewMeasures:
    """One picture against the reference view: structure and sharpness as fractions of the
    reference's (1.0 = as in the reference), scene match 0-1. NaN where not judged."""

    structure: float
    sharpness: float
    scene_match: float

    @classmethod
    def unjudged(cls) -> ViewMeasures:
        return cls(float("nan"), float("nan"), float("nan"))


def measure_view(gray: GrayImage, reference: ViewReference) -> ViewMeasures:
    """An (h, w) uint8 picture against the reference view of the same size."""
    if not reference.usable:
        return ViewMeasures.unjudged()
    detail = picture_detail(gray)
    judged = np.isfinite(reference.sharpness)
    # The median region: people and objects change a few regions, a defocus all of them.
    # (np.sort and the middle, not np.median: a tenth of the cost on 16 values.)
    ratios = np.sort(detail.region_sharpness[judged] / reference.sharpness[judged])
    middle = ratios.size // 2
    sharpness = ratios[middle] if ratios.size % 2 else (ratios[middle - 1] + ratios[middle]) / 2
    whole = detail.structure / reference.structure
    return ViewMeasures(
        structure=min(whole, _covered_regions(detail, reference)),
        sharpness=float(sharpness),
        scene_match=scene_match(gray, reference),
    )


def _covered_regions(detail: PictureDetail, reference: ViewReference) -> float:
    """The lower-quartile region's structure as a fraction of the reference's in that region,
    when it is at most COVERED_REGION_MAX (inf otherwise, and when the reference has too few
    regions with structure to tell)."""
    judged = np.isfinite(reference.region_structure)
    if judged.sum() < MIN_SHARP_REGIONS:
        return float("inf")
    ratios = np.sort(detail.region_structure[judged] / reference.region_structure[judged])
    quartile = float(ratios[int(STRUCTURE_QUANTILE * (ratios.size - 1))])
    return quartile if quartile <= COVERED_REGION_MAX else float("inf")


# ---------------------------------------------------------------------------------------------
# From measurements to stretches


@dataclass(frozen=True)
class ViewProblem:
    """A stretch of one recording whose view is obstructed, blurred or moved; times are
    seconds from the stream start, `detail` says what was measured."""

    kind: FindingKind
    interval: Interval
    detail: str


def _inside(intervals: list[Interval], size: int) -> npt.NDArray[np.bool_]:
    """(size,) mask of the rows the intervals were made of."""
    mask = np.zeros(size, np.bool_)
    for interval in intervals:
        mask[interval.first : interval.last + 1] = True
    return mask


def _mean(values: FloatArray, interval: Interval) -> float:
    part = values[interval.first : interval.last + 1]
    part = part[np.isfinite(part)]
    return float(part.mean()) if part.size else float("nan")


# Measured pictures further apart than this were keyframes of a static stretch (the view is
# measured at most once a VIEW_EVERY_S where every frame is decoded).
SPARSE_S = 1.5 * VIEW_EVERY_S


def sparse_problems(
    signals: FrameSignals, decoded_to_s: float, thresholds: ContinuityThresholds
) -> list[StreamSpan]:
    """(start, end) seconds around pictures that look obstructed, blurred or moved but were
    measured seconds apart: to be measured again in every frame.

    A hand held still over the lens makes the GOPs static, so only their keyframes are
    decoded: with a keyframe every 4 s an 8-s cover is two pictures, which cannot tell it from
    a 4-s one nor say where it began. Each stretch runs from the measured picture before the
    problem pictures to the one after them (or the end of decoding), and is left out when
    even that is too short to report."""
    kept = np.flatnonzero(np.isfinite(signals.structure))
    if kept.size == 0:
        return []
    time = signals.time[kept]
    with np.errstate(invalid="ignore"):
        problem = (
            (signals.structure[kept] < thresholds.obstructed_max_structure)
            | (signals.sharpness[kept] < thresholds.blurred_max_sharpness)
            | (signals.scene_match[kept] < thresholds.moved_max_match)
        )
    bounds = np.concatenate(([time[0]], time, [max(decoded_to_s, float(time[-1]))]))
    shortest = min(thresholds.obstructed_min_s, thresholds.blurred_min_s, thresholds.moved_min_s)
    stretches = []
    for first, last in true_runs(problem):
        # bounds[i + 1] is row i; bounds[first] the row before the run, bounds[last + 2] after
        around = bounds[first : last + 3]
        if np.diff(around).max() > SPARSE_S and around[-1] - around[0] >= shortest:
            stretches.append(StreamSpan(float(around[0]), float(around[-1])))
    return stretches


def view_problems(
    signals: FrameSignals, ends: FloatArray, thresholds: ContinuityThresholds
) -> list[ViewProblem]:
    """Obstructed, blurred and moved stretches of one recording's analysed pictures.

    ends: (n,) time until which each row is the latest evidence (its last entry: the end of
    decoding). Interval indices refer to the measured rows only. Each stretch is reported as
    the worst thing it is, once: an obstructed lens also loses its sharpness and its scene, a
    blurred one part of its scene. Rows flagged for a worse kind inside a stretch too short
    to report are counted with the milder kind, so a brief dip does not split a stretch.
    Blank rows are black video and belong to none of them.
    """
    blank = signals.uniform >= thresholds.blank_uniform_fraction
    # Rows the view was not measured at (at most one a VIEW_EVERY_S) are no evidence either
    # way: each measured row stands until the next measured or blank one.
    kept = np.flatnonzero(np.isfinite(signals.structure) | blank)
    if kept.size == 0:
        return []
    signals = FrameSignals(*(column[kept] for column in signals.columns))
    ends = np.append(signals.time[1:], ends[-1])
    blank = blank[kept]
    with np.errstate(invalid="ignore"):
        obstructed = (signals.structure < thresholds.obstructed_max_structure) & ~blank
        blurred = (signals.sharpness < thresholds.blurred_max_sharpness) & ~blank
        moved = (signals.scene_match < thresholds.moved_max_match) & ~blank
    obstructed_runs = mask_intervals(signals.time, ends, obstructed, thresholds.obstructed_min_s)
    taken = _inside(obstructed_runs, len(signals))
    blurred_runs = mask_intervals(
        signals.time, ends, (blurred | obstructed) & ~taken, thresholds.blurred_min_s
    )
    taken |= _inside(blurred_runs, len(signals))
    moved_runs = mask_intervals(
        signals.time, ends, (moved | blurred | obstructed) & ~taken, thresholds.moved_min_s
    )
    problems = [
        ViewProblem(
            FindingKind.OBSTRUCTED_VIEW,
            run,
            f"view obstructed for {run.duration_s:.1f} s (lens covered, sprayed or facing a "
            f"blank surface): coarse structure {_mean(signals.structure, run):.0%} of the "
            f"reference view's, mean luma {_mean(signals.luma, run):.0f}",
        )
        for run in obstructed_runs
    ]
    problems += [
        ViewProblem(
            FindingKind.BLURRED_VIEW,
            run,
            f"picture blurred for {run.duration_s:.1f} s (refocused or smeared lens): fine "
            f"detail {_mean(signals.sharpness, run):.0%} of the reference view's, coarse "
            f"structure {_mean(signals.structure, run):.0%}",
        )
        for run in blurred_runs
    ]
    problems += [
        ViewProblem(
            FindingKind.CAMERA_MOVED,
            run,
            f"view differs from the camera's reference for {run.duration_s:.1f} s (turned, "
            f"tilted or zoomed): {_mean(signals.scene_match, run):.0%} of the reference's "
            "textured places still match",
        )
        for run in moved_runs
    ]
    return sorted(problems, key=lambda p: p.interval.start)
