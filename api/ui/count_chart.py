"""The chart of people and bundles counted over a stretch of one camera (a finding's window,
a camera's day): step lines with gaps where nothing was counted, a time axis in the site's
clock, a count axis, and the flagged stretch as a band."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo

import numpy as np

from analyzer.counting import CountTimeline
from api.ui import charts

WIDTH, HEIGHT = 900, 120


@dataclass(frozen=True)
class CountsChart:
    """SVG geometry in chart units (x over [0, width], y down from 0 to height). A series is
    None where the camera counts none of it (persons not measured: no line, not a line at 0).
    Ticks are fractions: x of the width, y of the height from the bottom."""

    width: int
    height: int
    persons: str | None
    bundles: str | None
    x_ticks: list[charts.Tick]
    y_ticks: list[charts.Tick]
    flag_left: float | None
    flag_width: float | None
    gaps: bool


def counts_chart(
    timelines: list[CountTimeline],
    *,
    start: float,
    end: float,
    zone: tzinfo,
    flagged: tuple[float, float] | None = None,
    width: int = WIDTH,
    height: int = HEIGHT,
) -> CountsChart | None:
    """The chart of `timelines` (one camera's) over [start, end]; None without timelines."""
    if not timelines:
        return None
    times = np.concatenate([t.time for t in timelines])
    order = np.argsort(times, kind="stable")
    times = times[order]
    persons = np.concatenate([t.persons for t in timelines])[order]
    bundles = np.concatenate([t.bundles for t in timelines])[order]
    levels = {
        name: charts.binned(times, values, start=start, end=end, bins=width)
        for name, values in (("persons", persons), ("bundles", bundles))
        if (values >= 0).any()
    }
    top = max((int(v.max()) for v in levels.values()), default=0)
    y_ticks = charts.count_ticks(max(top, 1))
    ceiling = int(y_ticks[-1].label)

    def path(name: str) -> str | None:
        if name not in levels:
            return None
        return charts.step_path(levels[name], width=width, height=height, top=ceiling)

    span = max(end - start, 1e-9)
    flag_left = flag_width = None
    if flagged is not None:
        left = (max(flagged[0], start) - start) / span * width
        right = (min(flagged[1], end) - start) / span * width
        flag_left, flag_width = round(left, 1), round(max(right - left, 2.0), 1)
    return CountsChart(
        width=width,
        height=height,
        persons=path("persons"),
        bundles=path("bundles"),
        x_ticks=charts.time_ticks(start, end, zone),
        y_ticks=y_ticks,
        flag_left=flag_left,
        flag_width=flag_width,
        gaps=any(bool((v < 0).any()) for v in levels.values()),
    )
