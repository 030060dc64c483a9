"""Cheap measurements of one small grey picture, the inputs of the frozen and blank checks."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

GrayImage = npt.NDArray[np.uint8]

# Pixels within this many grey levels of the median count as "the same level" for blankness;
# compression noise on a black or blue 'no signal' picture stays inside it.
UNIFORM_TOLERANCE = 10


def luma(gray: GrayImage) -> float:
    """Mean brightness 0-255 of an (h, w) uint8 picture."""
    return float(gray.mean())


def uniform_fraction(gray: GrayImage) -> float:
    """Fraction of pixels of an (h, w) uint8 picture within a few levels of its median.

    Near 1.0 for a black, grey or blue blank picture even with an on-screen clock burned in
    (the text covers a few per cent of the frame); well below for any real scene.
    """
    median = int(np.median(gray))
    near = np.abs(gray.astype(np.int16) - median) <= UNIFORM_TOLERANCE
    return float(near.mean())


def change(previous: GrayImage, current: GrayImage) -> float:
    """Mean absolute grey-level difference between two (h, w) uint8 pictures of equal size."""
    if previous.shape != current.shape:
        raise ValueError(f"picture sizes differ: {previous.shape} != {current.shape}")
    return float(np.abs(current.astype(np.int16) - previous.astype(np.int16)).mean())


def block_change(previous: GrayImage, current: GrayImage, blocks: int = 8) -> float:
    """Largest mean absolute difference over a `blocks` x `blocks` grid of two equal pictures.

    A person moving in one corner changes one block a lot while sensor noise changes every
    block a little; the largest block shows the first and ignores the second.
    """
    if previous.shape != current.shape:
        raise ValueError(f"picture sizes differ: {previous.shape} != {current.shape}")
    diff = np.abs(current.astype(np.int16) - previous.astype(np.int16)).astype(np.float32)
    h, w = diff.shape
    # Block edges as np.array_split places them: the first (n % blocks) blocks one pixel larger.
    row_starts = _split_starts(h, min(blocks, h))
    col_starts = _split_starts(w, min(blocks, w))
    sums = np.add.reduceat(np.add.reduceat(diff, row_starts, axis=0), col_starts, axis=1)
    areas = np.outer(np.diff(row_starts, append=h), np.diff(col_starts, append=w))
    return float((sums / areas).max())


def _split_starts(length: int, parts: int) -> npt.NDArray[np.intp]:
    size, extra = divmod(length, parts)
    sizes = np.full(parts, size, np.intp)
    sizes[:extra] += 1
    return np.concatenate(([0], np.cumsum(sizes)[:-1])).astype(np.intp)
