"""Per-recording timelines the media layer measures and the continuity checks read.

Both are dataclasses of parallel numpy arrays, one row per packet or per analysed frame, checked
on construction so that every later stage can trust their shapes.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]


def _check_same_length(**arrays: np.ndarray) -> None:
    lengths = {name: a.shape for name, a in arrays.items()}
    if len(set(lengths.values())) > 1 or any(a.ndim != 1 for a in arrays.values()):
        raise ValueError(f"arrays must be 1-d and of equal length, got {lengths}")


@dataclass(frozen=True)
class PacketTimeline:
    """Video packets of one recording in decode order, read without decoding.

    time: (n,) seconds from the recording's start (decode timestamps where the container has
    them, presentation timestamps otherwise); keyframe: (n,) bool; size: (n,) bytes.
    """

    time: FloatArray
    keyframe: BoolArray
    size: IntArray

    def __post_init__(self) -> None:
        _check_same_length(time=self.time, keyframe=self.keyframe, size=self.size)

    def __len__(self) -> int:
        return int(self.time.shape[0])

    def typical_rate(self) -> float | None:
        """Frames per second from the median step between packets, or None with too few.

        Unlike the container's average rate, it is not dragged down by a hole in the
        timestamps, and for variable-frame-rate video it is the rate most frames arrive at.
        """
        steps = np.diff(np.sort(self.time))
        steps = steps[steps > 0]
        if steps.size < 2:
            return None
        return float(1.0 / np.median(steps))


@dataclass(frozen=True)
class FrameSignals:
    """Cheap picture measurements of the analysed frames of one recording.

    time: (n,) presentation time in seconds from the recording's start, increasing;
    luma: (n,) mean brightness 0-255; uniform: (n,) fraction of pixels within a few levels of
    the frame's median (1.0 for a blank picture); change: (n,) mean absolute difference to the
    previous analysed frame in 0-255 levels on a small grey thumbnail (inf for the first frame).
    View integrity against the camera's reference view (`analyzer.view`), NaN where not judged
    (a blank picture, no usable reference, a handheld camera): structure: (n,) coarse detail
    over brightness and sharpness: (n,) fine over coarse detail, both as fractions of the
    reference's (1.0 = as in the reference); scene_match: (n,) fraction 0-1 of the reference's
    textured places the picture still shows.
    """

    time: FloatArray
    luma: FloatArray
    uniform: FloatArray
    change: FloatArray
    structure: FloatArray
    sharpness: FloatArray
    scene_match: FloatArray

    def __post_init__(self) -> None:
        _check_same_length(
            time=self.time,
            luma=self.luma,
            uniform=self.uniform,
            change=self.change,
            structure=self.structure,
            sharpness=self.sharpness,
            scene_match=self.scene_match,
        )
        if self.time.size > 1 and np.any(np.diff(self.time) <= 0):
            raise ValueError("frame times must increase")

    def __len__(self) -> int:
        return int(self.time.shape[0])

    @classmethod
    def empty(cls) -> FrameSignals:
        return cls(*(np.zeros(0, dtype=np.float64) for _ in fields(cls)))

    @property
    def columns(self) -> tuple[FloatArray, ...]:
        """(time, luma, uniform, change, structure, sharpness, scene_match), in the
        constructor's order."""
        return tuple(getattr(self, f.name) for f in fields(self))

    def between(self, start: float, end: float) -> FrameSignals:
        """The rows shown in [start, end) seconds, the first of them with no change measured
        (inf, like a recording's first frame): what it was compared with lies outside."""
        keep = (self.time >= start) & (self.time < end)
        change = self.change[keep].copy()
        change[:1] = np.inf
        return FrameSignals(
            *(change if column is self.change else column[keep] for column in self.columns)
        )

    def spliced(self, start: float, end: float, inner: FrameSignals) -> FrameSignals:
        """These signals with the rows in [start, end) replaced by `inner` (whose rows must
        lie in that window): a stretch measured again more densely."""
        if len(inner) and (inner.time[0] < start or inner.time[-1] >= end):
            raise ValueError("the inner signals must lie inside the replaced window")
        before = self.time < start
        after = self.time >= end
        return FrameSignals(
            *(
                np.concatenate((outer[before], middle, outer[after]))
                for outer, middle in zip(self.columns, inner.columns, strict=True)
            )
        )

    def with_rows(self, extra: FrameSignals) -> FrameSignals:
        """These signals and the rows of `extra` in time order; an extra row at the time of an
        existing one is dropped (the existing measurement stands)."""
        if len(extra) == 0:
            return self
        keep = ~np.isin(extra.time, self.time)
        order = np.argsort(np.concatenate((self.time, extra.time[keep])), kind="stable")
        return FrameSignals(
            *(
                np.concatenate((mine, theirs[keep]))[order]
                for mine, theirs in zip(self.columns, extra.columns, strict=True)
            )
        )
