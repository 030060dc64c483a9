"""The independent evaluation renderer: deterministic, valid labels, not the training renderer."""

from __future__ import annotations

import numpy as np
import pytest

from pipelines.training.eval_renderer import EVAL_SEED, render_eval_frame
from pipelines.training.evaluate_bundles import HELDOUT_SEED
from pipelines.training.synth_bundles import render_sample


@pytest.mark.parametrize("index", [0, 5])
def test_same_seed_and_index_give_identical_frames(index: int) -> None:
    a, b = render_eval_frame(3, index), render_eval_frame(3, index)
    assert a.jpeg == b.jpeg
    np.testing.assert_array_equal(a.boxes, b.boxes)
    np.testing.assert_array_equal(a.ignore, b.ignore)
    assert render_eval_frame(3, index).jpeg != render_eval_frame(4, index).jpeg


def test_labels_are_boxes_inside_the_frame_and_most_frames_have_bundles() -> None:
    with_bundles = labelled = 0
    for i in range(16):
        s = render_eval_frame(EVAL_SEED + 1, i)
        h, w = s.image.shape[:2]
        assert s.image.dtype == np.uint8 and s.image.shape[2] == 3 and max(h, w) == 640
        for boxes in (s.boxes, s.ignore):
            assert boxes.dtype == np.float32 and boxes.shape[1:] == (4,)
            assert (boxes[:, :2] >= 0).all() and (boxes[:, 2] <= w).all()
            assert (boxes[:, 3] <= h).all() and (boxes[:, 2:] > boxes[:, :2]).all()
        assert (s.boxes[:, 2:] - s.boxes[:, :2] >= 12).all(), "the label rule's minimum size"
        with_bundles += int(len(s.boxes) > 0)
        labelled += len(s.boxes)
    assert with_bundles >= 8 and labelled >= 20


def test_it_is_another_renderer_than_the_training_one() -> None:
    # Same seed and index, different frames and sizes of set: nothing shared by construction.
    assert EVAL_SEED != HELDOUT_SEED
    a, b = render_eval_frame(HELDOUT_SEED, 0), render_sample(HELDOUT_SEED, 0)
    assert a.jpeg != b.jpeg
