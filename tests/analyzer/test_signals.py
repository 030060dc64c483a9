"""Frame signals: splicing a stretch measured again."""

from __future__ import annotations

import numpy as np
import pytest

from analyzer.signals import FrameSignals


def signals(times: list[float], value: float) -> FrameSignals:
    t = np.asarray(times, np.float64)
    return FrameSignals(t, *(np.full(t.size, value) for _ in range(6)))


def test_spliced_replaces_the_half_open_window():
    coarse = signals([0.0, 2.0, 4.0, 6.0, 8.0], 1.0)
    dense = signals([2.0, 2.5, 3.0, 3.5], 9.0)
    out = coarse.spliced(2.0, 4.0, dense)
    assert out.time.tolist() == [0.0, 2.0, 2.5, 3.0, 3.5, 4.0, 6.0, 8.0]
    assert out.change.tolist() == [1.0, 9.0, 9.0, 9.0, 9.0, 1.0, 1.0, 1.0]


def test_spliced_with_nothing_inside_drops_the_window():
    out = signals([0.0, 2.0, 4.0], 1.0).spliced(1.0, 3.0, FrameSignals.empty())
    assert out.time.tolist() == [0.0, 4.0]


def test_spliced_refuses_rows_outside_the_window():
    with pytest.raises(ValueError, match="inside the replaced window"):
        signals([0.0, 2.0, 4.0], 1.0).spliced(2.0, 4.0, signals([4.0], 9.0))
