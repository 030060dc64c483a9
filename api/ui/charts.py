"""Timelines drawn as SVG on the server: step charts of counts, bars of spans. Pure: numbers
in, geometry out; the templates place the shapes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt


@dataclass(frozen=True)
class Bar:
    """A span on a timeline, in percent of the width; `label` and `css` for the template."""

    left: float
    width: float
    label: str
    css: str
    href: str | None = None


def bars(
    spans: Sequence[tuple[float, float, str, str, str | None]], start: float, end: float
) -> list[Bar]:
    """(start, end, label, css, link) spans in POSIX seconds → bars over [start, end];
    spans outside are dropped, a span too short to see is drawn 0.3 % wide."""
    total = max(end - start, 1e-9)
    shown = []
    for first, last, label, css, href in spans:
        a, b = max(first, start), min(last, end)
        if b < a:
            continue
        left = 100.0 * (a - start) / total
        shown.append(Bar(left, max(100.0 * (b - a) / total, 0.3), label, css, href))
    return shown


def step_path(
    times: npt.NDArray[np.float64],
    values: npt.NDArray[np.int64],
    *,
    start: float,
    end: float,
    width: float,
    height: float,
    top: int,
) -> str:
    """An SVG path `d` of `values` held from each time to the next (counts change in steps),
    over [start, end] mapped to [0, width], `top` at y=0. Negative values (not measured)
    break the line."""
    if times.size == 0:
        return ""
    span = max(end - start, 1e-9)
    xs = np.clip((times - start) / span * width, 0.0, width)
    ys = height - np.clip(values, 0, top) / max(top, 1) * height
    parts: list[str] = []
    pen_down = False
    for i in range(times.size):
        if values[i] < 0:
            pen_down = False
            continue
        x_next = xs[i + 1] if i + 1 < times.size else xs[i]
        parts.append(f"{'L' if pen_down else 'M'}{xs[i]:.1f},{ys[i]:.1f}H{x_next:.1f}")
        pen_down = True
    return "".join(parts)
