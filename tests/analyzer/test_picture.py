"""Picture statistics on hand-made grey pictures."""

from __future__ import annotations

import numpy as np
import pytest

from analyzer.picture import block_change, change, luma, uniform_fraction


def test_block_change_is_the_largest_block_mean():
    before = np.zeros((16, 16), np.uint8)
    after = before.copy()
    after[0:2, 14:16] = 80  # the top-right 2x2 block of an 8x8 grid
    assert block_change(before, after) == pytest.approx(80.0)
    assert change(before, after) == pytest.approx(80.0 * 4 / 256)


def test_block_change_on_uneven_grids_follows_array_split():
    # 10 rows in 4 blocks: 3, 3, 2, 2 rows; 7 columns in 4 blocks: 2, 2, 2, 1 columns.
    before = np.zeros((10, 7), np.uint8)
    after = before.copy()
    after[9, 6] = 40  # the last block is 2 x 1 pixels
    assert block_change(before, after, blocks=4) == pytest.approx(20.0)
    after = before.copy()
    after[0, 0] = 60  # the first block is 3 x 2 pixels
    assert block_change(before, after, blocks=4) == pytest.approx(10.0)


def test_block_change_matches_a_per_block_loop():
    rng = np.random.default_rng(3)
    for shape in [(54, 96), (90, 160), (5, 7), (1, 1), (17, 9)]:
        a = rng.integers(0, 256, shape).astype(np.uint8)
        b = rng.integers(0, 256, shape).astype(np.uint8)
        diff = np.abs(a.astype(float) - b)
        rows = np.array_split(np.arange(shape[0]), min(8, shape[0]))
        cols = np.array_split(np.arange(shape[1]), min(8, shape[1]))
        expected = max(diff[np.ix_(r, c)].mean() for r in rows for c in cols)
        assert block_change(a, b) == pytest.approx(expected, rel=1e-5)


def test_pictures_of_different_sizes_are_refused():
    with pytest.raises(ValueError, match="sizes differ"):
        block_change(np.zeros((4, 4), np.uint8), np.zeros((4, 5), np.uint8))


def test_luma_and_uniform_fraction():
    flat = np.full((10, 10), 20, np.uint8)
    assert luma(flat) == 20.0 and uniform_fraction(flat) == 1.0
    flat[:6] = 200
    assert uniform_fraction(flat) == pytest.approx(0.6)
