"""The picture signals of a recording: brightness, blankness, change and view integrity of
sampled grey thumbnails (`analyzer.signals.FrameSignals`), and how each camera's pictures are
compared with its view."""

from __future__ import annotations

import numpy as np

from analyzer import picture
from analyzer.recording import CameraKind
from analyzer.sampling import SampleGrid
from analyzer.signals import FrameSignals
from analyzer.thresholds import ContinuityThresholds
from analyzer.view import ViewReference
from analyzer.view_meter import ReferenceLearning, ViewMeter
from pipelines import media
from pipelines.site import Camera, read_reference_image

# Width of the grey thumbnails the picture checks look at: small enough to average away
# sensor noise and cost little, large enough that an on-screen clock stays a small area.
THUMBNAIL_WIDTH = 160


class SignalMeter:
    """Measures brightness, blankness, change and view integrity of sampled grey pictures, in
    time order. `view` compares each picture with the camera's reference view
    (`analyzer.view`); without it the view columns are NaN."""

    def __init__(self, every_s: float, view: ViewMeter | None = None) -> None:
        self._grid = SampleGrid(every_s)
        self._previous: np.ndarray | None = None
        self._rows: list[tuple[float, float, float, float]] = []
        self._view = view if view is not None else ViewMeter()

    @property
    def reference(self) -> ViewReference | None:
        """The reference view the pictures were compared with (complete after `finish`)."""
        return self._view.reference

    def take(self, frame: media.DecodedFrame) -> None:
        if not self._grid.due(frame.time):
            return
        image = frame.gray(THUMBNAIL_WIDTH)
        change = np.inf if self._previous is None else picture.change(self._previous, image)
        uniform = picture.uniform_fraction(image)
        self._rows.append((frame.time, picture.luma(image), uniform, change))
        self._view.take(frame.time, image, uniform)
        self._previous = image

    def finish(self) -> FrameSignals:
        view = self._view.finish()
        if not self._rows:
            return FrameSignals.empty()
        time, luma, uniform, change = (
            np.ascontiguousarray(c) for c in np.asarray(self._rows, np.float64).T
        )
        return FrameSignals(
            time=time,
            luma=luma,
            uniform=uniform,
            change=change,
            structure=view.structure,
            sharpness=view.sharpness,
            scene_match=view.scene_match,
        )


def view_meter(camera: Camera, thresholds: ContinuityThresholds) -> ViewMeter:
    """How a recording's pictures are compared with its camera's view: a handheld recorder
    has no fixed view; a fixed camera is compared with the site file's reference image, or
    else with a view learnt from the recording's first seconds."""
    blank = thresholds.blank_uniform_fraction
    if camera.kind is CameraKind.HANDHELD:
        return ViewMeter(blank_uniform_fraction=blank)
    if camera.reference_image is not None:
        still = read_reference_image(camera.reference_image)
        return ViewMeter(reference_picture=still, blank_uniform_fraction=blank)
    return ViewMeter(learning=ReferenceLearning(), blank_uniform_fraction=blank)


def fixed_view(reference: ViewReference | None, thresholds: ContinuityThresholds) -> ViewMeter:
    return ViewMeter(reference, blank_uniform_fraction=thresholds.blank_uniform_fraction)
