"""Coverage of a window by analysed spans: joins, short holes, truncated files, bars."""

from __future__ import annotations

import pytest

from analyzer.intervals import Span
from pipelines.daily_report.coverage import Bar, analysed_span, analysed_spans, bars, coverage
from tests.pipelines.daily_report.helpers import recording

W = Span(1000.0, 2000.0)


@pytest.mark.parametrize(
    ("spans", "join_s", "covered", "gaps"),
    [
        ([], 1.0, [], [(1000, 2000)]),
        ([(900, 2100)], 1.0, [(1000, 2000)], []),
        # Segments 0.4 s apart are one recording for coverage, as for the scan's gap check.
        ([(900, 1500), (1500.4, 2100)], 1.0, [(1000, 2000)], []),
        ([(900, 1500), (1600, 2100)], 1.0, [(1000, 1500), (1600, 2000)], [(1500, 1600)]),
        # A hole at the window's edge shorter than the join is not a gap ...
        ([(1000.5, 2000)], 1.0, [(1000, 2000)], []),
        # ... nor a hole joined across the edge with footage outside the window.
        ([(900, 999.8), (1000.3, 2000)], 1.0, [(1000, 2000)], []),
        ([(1500, 1700)], 1.0, [(1500, 1700)], [(1000, 1500), (1700, 2000)]),
        # Overlapping cameras' spans together.
        ([(1000, 1600), (1400, 2000)], 0.0, [(1000, 2000)], []),
        ([(2000, 2500)], 0.0, [], [(1000, 2000)]),
    ],
)
def test_coverage(
    spans: list[tuple[float, float]],
    join_s: float,
    covered: list[tuple[float, float]],
    gaps: list[tuple[float, float]],
) -> None:
    result = coverage([Span(*s) for s in spans], W, join_s)
    assert [(s.start, s.end) for s in result.covered] == covered
    assert [(s.start, s.end) for s in result.gaps] == gaps
    assert result.covered_s + result.uncovered_s == pytest.approx(W.duration_s)
    assert result.complete is (not gaps)
    assert result.empty is (not covered)


def test_analysed_span_ends_where_decoding_stopped() -> None:
    truncated = recording("t", "cam-1a", 100.0, 700.0, decoded_to=400.0)
    unreadable = recording("u", "cam-1a", 100.0, 700.0, decoded_to=100.0)
    assert analysed_span(truncated) == Span(100.0, 400.0)
    assert analysed_span(unreadable) is None
    other = recording("o", "cam-2", 0.0, 50.0)
    assert analysed_spans([truncated, unreadable, other], ["cam-1a"]) == [Span(100.0, 400.0)]


def test_bars_are_fractions_of_the_window_in_time_order() -> None:
    assert bars([Span(1750, 2500), Span(500, 1250)], W) == (Bar(0.0, 0.25), Bar(0.75, 0.25))
    assert bars([Span(1, 2)], Span(5, 5)) == ()
