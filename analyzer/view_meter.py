"""Measuring a recording's pictures against its camera's view, in time order.

The stateful side of `analyzer.view`: the reference view is learnt from the recording's own
first pictures (or given as a still), and pictures that arrive before it is ready are kept and
measured once it is. The scan's `SignalMeter` feeds it; `FrameSignals` gets its columns.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from analyzer.sampling import SampleGrid
from analyzer.signals import FloatArray
from analyzer.view import (
    VIEW_EVERY_S,
    GrayImage,
    ViewMeasures,
    ViewReference,
    measure_view,
    scaled_to,
)


@dataclass(frozen=True)
class ReferenceLearning:
    """How a reference view is learnt from a recording's own first pictures: up to
    `max_pictures`, at least `spacing_s` apart, from the first `window_s` seconds after the first
    picture that is not blank. Spread over
    ten seconds, a person walking through covers each place in only a few of them."""

    window_s: float = 10.0
    spacing_s: float = 1.0
    max_pictures: int = 9


@dataclass(frozen=True)
class ViewColumns:
    """(n,) arrays, one row per picture taken: structure, sharpness, scene match (NaN where
    not judged)."""

    structure: FloatArray
    sharpness: FloatArray
    scene_match: FloatArray


class ViewMeter:
    """Measures pictures of one recording in time order against a reference view: a given
    `reference`, a `reference_picture` of any size (a still of the camera's view, scaled to
    the first picture's size), or one learnt from the recording's first pictures
    (`learning`); with none of them every row is NaN.

    A picture is measured at most once per `every_s` (the others get NaN rows): a view
    problem is judged over seconds, and the comparison costs several times the frozen and
    black checks. While a reference is being learnt, pictures are kept and measured once it
    is ready, so every row is measured against the same reference. Blank pictures (uniform
    fraction at least `blank_uniform_fraction`) are not judged and not learnt from: they are
    black video, reported as such.
    """

    def __init__(
        self,
        reference: ViewReference | None = None,
        *,
        reference_picture: GrayImage | None = None,
        learning: ReferenceLearning | None = None,
        blank_uniform_fraction: float = 0.95,
        every_s: float = VIEW_EVERY_S,
    ) -> None:
        if sum(x is not None for x in (reference, reference_picture, learning)) > 1:
            raise ValueError("give one of reference, reference_picture and learning")
        self._reference = reference
        self._reference_picture = reference_picture
        self._learning = learning
        self._blank_fraction = blank_uniform_fraction
        self._grid = SampleGrid(every_s)
        self._rows: list[ViewMeasures | None] = []
        self._waiting: list[tuple[int, GrayImage]] = []
        self._samples: list[GrayImage] = []
        self._first_s: float | None = None
        self._last_sample_s = -np.inf

    @property
    def reference(self) -> ViewReference | None:
        """The reference measured against (after `finish`, also one learnt from a short
        recording); None when there is none."""
        return self._reference

    def take(self, time_s: float, gray: GrayImage, uniform: float) -> None:
        """Measure the (h, w) uint8 picture shown at `time_s`, whose uniform fraction is
        `uniform` (as `picture.uniform_fraction`)."""
        if self._reference_picture is not None:
            still = scaled_to(self._reference_picture, gray.shape)
            self._reference = ViewReference.from_pictures([still])
            self._reference_picture = None
        if uniform >= self._blank_fraction or not self._grid.due(time_s):
            self._rows.append(ViewMeasures.unjudged())
            return
        if self._learning is not None:
            self._learn(time_s, gray)
        if self._reference is None:
            if self._learning is None:
                self._rows.append(ViewMeasures.unjudged())
            else:
                self._waiting.append((len(self._rows), gray))
                self._rows.append(None)
            return
        self._rows.append(measure_view(gray, self._reference))

    def _learn(self, time_s: float, gray: GrayImage) -> None:
        assert self._learning is not None
        if self._first_s is None:
            self._first_s = time_s
        in_window = time_s < self._first_s + self._learning.window_s
        if in_window and time_s >= self._last_sample_s + self._learning.spacing_s - 1e-6:
            self._samples.append(gray)
            self._last_sample_s = time_s
        if not in_window or len(self._samples) >= self._learning.max_pictures:
            self._settle()

    def _settle(self) -> None:
        """Build the learnt reference and measure the pictures that waited for it."""
        self._learning = None
        if self._samples:
            self._reference = ViewReference.from_pictures(self._samples)
        for row, gray in self._waiting:
            self._rows[row] = (
                ViewMeasures.unjudged()
                if self._reference is None
                else measure_view(gray, self._reference)
            )
        self._waiting.clear()
        self._samples.clear()

    def finish(self) -> ViewColumns:
        if self._learning is not None:
            self._settle()
        rows = [row if row is not None else ViewMeasures.unjudged() for row in self._rows]
        return ViewColumns(
            structure=np.array([r.structure for r in rows], np.float64),
            sharpness=np.array([r.sharpness for r in rows], np.float64),
            scene_match=np.array([r.scene_match for r in rows], np.float64),
        )
