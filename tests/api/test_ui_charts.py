"""The pages' charts as numbers: gaps in the counts stay gaps, a camera that counts no people
gets no people line, axes have round clock times and whole counts, overlapping bars take
lanes of their own."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import numpy as np
import pytest

from analyzer.counting import NOT_MEASURED, CountTimeline
from api.ui import charts
from api.ui.count_chart import counts_chart

ZONE = ZoneInfo("Asia/Shanghai")
T0 = 1795998600.0  # 2026-11-30 08:30:00 in Shanghai


def timeline(times: list[float], persons: list[int], bundles: list[int]) -> CountTimeline:
    n = len(times)
    return CountTimeline(
        camera="vault-b",
        recording_sha256="0" * 64,
        counted_with="test",
        time=np.asarray(times, np.float64),
        persons=np.asarray(persons, np.int64),
        bundles=np.asarray(bundles, np.int64),
        confidence=np.ones(n, np.float32),
    )


def test_samples_a_few_steps_apart_are_joined_and_a_longer_gap_is_left_empty() -> None:
    # One sample a second for 4 s, nothing for 6 s, then again.
    times = np.array([0, 1, 2, 3, 10, 11, 12], np.float64)
    values = np.array([1, 1, 2, 2, 3, 3, 3], np.int64)
    levels = charts.binned(times, values, start=0, end=14, bins=14)
    assert levels.tolist() == [1, 1, 2, 2, 2, -1, -1, -1, -1, -1, 3, 3, 3, 3]
    path = charts.step_path(levels, width=140, height=10, top=4)
    # Two pieces, each starting with a move: the gap is not drawn as a zero.
    assert path.count("M") == 2 and path.startswith("M0.0,7.5H20.0V5.0H50.0M100.0,2.5")


def test_not_measured_samples_are_no_line_at_all() -> None:
    times = np.arange(5, dtype=np.float64)
    levels = charts.binned(times, np.full(5, NOT_MEASURED, np.int64), start=0, end=5, bins=10)
    assert (levels == NOT_MEASURED).all()
    assert charts.step_path(levels, width=100, height=10, top=1) == ""


def test_a_camera_that_counts_no_people_gets_no_people_line() -> None:
    handheld = timeline(
        [T0 + i for i in range(10)], [NOT_MEASURED] * 10, [4, 4, 4, 3, 3, 4, 4, 4, 4, 4]
    )
    chart = counts_chart([handheld], start=T0, end=T0 + 10, zone=ZONE)
    assert chart is not None
    assert chart.persons is None and chart.bundles and chart.bundles.startswith("M")
    assert [t.label for t in chart.y_ticks] == ["0", "1", "2", "3", "4"]
    assert not chart.gaps
    room = timeline([T0, T0 + 1, T0 + 2, T0 + 30], [2, 2, 1, 1], [4, 4, 4, 4])
    chart = counts_chart([room], start=T0, end=T0 + 40, zone=ZONE, flagged=(T0 + 10.0, T0 + 20.0))
    assert chart is not None and chart.persons and chart.gaps  # 27 s without samples
    assert chart.persons.count("M") == 2
    assert (chart.flag_left, chart.flag_width) == (225.0, 225.0)
    assert counts_chart([], start=T0, end=T0 + 40, zone=ZONE) is None


@pytest.mark.parametrize(
    ("length_s", "labels"),
    [
        (
            40.0,
            ["08:30:00", "08:30:05", "08:30:10", "08:30:15", "08:30:20"],
        ),
        (24 * 3600.0, ["09:00", "12:00"]),  # 3 h steps, on whole hours
        (3600.0, ["08:30", "08:40", "08:50", "09:00", "09:10", "09:20", "09:30"]),
    ],
)
def test_time_ticks_fall_on_round_times_of_the_sites_clock(
    length_s: float, labels: list[str]
) -> None:
    ticks = charts.time_ticks(T0, T0 + length_s, ZONE)
    assert [t.label for t in ticks][: len(labels)] == labels
    assert 2 <= len(ticks) <= 9
    assert all(0.0 <= t.at <= 1.0 for t in ticks)
    assert ticks == sorted(ticks, key=lambda t: t.at)


def test_a_days_ticks_are_the_sites_hours() -> None:
    midnight = T0 - 8.5 * 3600  # 2026-11-30 00:00 in Shanghai
    ticks = charts.time_ticks(midnight, midnight + 86400, ZONE)
    assert [t.label for t in ticks] == [f"{h:02d}:00" for h in range(0, 24, 3)] + ["00:00"]
    assert ticks[0].at == 0.0 and ticks[-1].at == 1.0


@pytest.mark.parametrize(
    ("top", "labels"),
    [(1, ["0", "1"]), (4, ["0", "1", "2", "3", "4"]), (7, ["0", "2", "4", "6", "8"])],
)
def test_count_ticks_are_whole_numbers_up_to_the_top(top: int, labels: list[str]) -> None:
    ticks = charts.count_ticks(top)
    assert [t.label for t in ticks] == labels
    assert ticks[0].at == 0.0 and ticks[-1].at == 1.0


def test_overlapping_bars_take_lanes_of_their_own() -> None:
    spans = [
        charts.Span(0, 10, "a", "x"),
        charts.Span(5, 8, "b", "x"),  # inside a
        charts.Span(6, 7, "c", "x"),  # inside a and b
        charts.Span(9, 12, "d", "x"),  # after b, overlapping a
        charts.Span(11, 20, "e", "x"),  # after a
        charts.Span(30, 40, "outside", "x"),
    ]
    shown = charts.bars(spans, 0, 20)
    assert [(b.label, b.lane) for b in shown] == [
        ("a", 0),
        ("b", 1),
        ("c", 2),
        ("d", 1),
        ("e", 0),
    ]
    assert charts.lanes(shown) == 3 and charts.lanes([]) == 1
    # No two bars of one lane overlap.
    for lane in range(3):
        mine = sorted((b.left, b.left + b.width) for b in shown if b.lane == lane)
        assert all(a[1] <= b[0] for a, b in zip(mine, mine[1:], strict=False))
