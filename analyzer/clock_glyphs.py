"""Binary glyph pictures of an on-screen clock: text masks and how alike two glyphs are.

Pure numpy on small crops of the luma plane. An NVR burns its clock in one flat colour (mostly
white, often with a dark outline or shadow so it stays legible on any scene), and its strokes are
thin: a pixel that stands out from its close surroundings in the text's colour is text; a bright
wall or lamp behind the text is wider than any stroke and stands out from nothing.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

GrayImage = npt.NDArray[np.uint8]
Mask = npt.NDArray[np.bool_]


def text_mask(
    band: GrayImage, level: float, contrast: float, bright: bool, stroke_max: int
) -> Mask:
    """(h, w) bool: pixels of clock text in a (h, w) uint8 crop.

    Grey levels count toward the text's colour (255 - value for dark text). A stroke pixel
    lies beyond `level` and stands out by `contrast` from the least text-like pixels within
    `stroke_max` of it (a top-hat).
    The level keeps out scene showing between the letters of outlined text; the top-hat keeps
    out a bright wall or lamp behind plain text, which is wider than any stroke.
    """
    signal = band.astype(np.int16) if bright else 255 - band.astype(np.int16)
    opened = _grey_max(_grey_min(signal, stroke_max), stroke_max)
    return np.asarray((signal > level) & ((signal - opened) > contrast))


def _grey_min(image: npt.NDArray[np.int16], size: int) -> npt.NDArray[np.int16]:
    return -_grey_max(-image, size)


def _grey_max(image: npt.NDArray[np.int16], size: int) -> npt.NDArray[np.int16]:
    """Separable size x size maximum filter; the picture's edge pixels repeat outward.

    The running maximum of `size` shifted slices: a few whole-array operations, seven times
    faster on a text line than a maximum over a sliding-window view."""
    before = (size - 1) // 2
    after = size - 1 - before
    height, width = image.shape
    # Edge padding by hand: np.pad costs more than the filter on a line this small.
    rows = np.concatenate(
        (np.repeat(image[:1], after, axis=0), image, np.repeat(image[-1:], before, axis=0))
    )
    tall = rows[0:height].copy()
    for by in range(1, size):
        np.maximum(tall, rows[by : by + height], out=tall)
    columns = np.concatenate(
        (np.repeat(tall[:, :1], after, axis=1), tall, np.repeat(tall[:, -1:], before, axis=1)),
        axis=1,
    )
    out = columns[:, 0:width].copy()
    for by in range(1, size):
        np.maximum(out, columns[:, by : by + width], out=out)
    return out


def jaccard_distance(a: Mask, b: Mask) -> npt.NDArray[np.float64]:
    """1 - |a and b| / |a or b| over the last two axes of two broadcastable bool arrays
    (two empty glyphs are alike: distance 0). (..., h, w) -> (...)."""
    both = np.logical_and(a, b).sum(axis=(-2, -1))
    either = np.logical_or(a, b).sum(axis=(-2, -1))
    with np.errstate(invalid="ignore", divide="ignore"):
        alike = np.where(either > 0, both / np.maximum(either, 1), 1.0)
    return np.asarray(1.0 - alike, np.float64)
