"""Low-confidence person fallback for fixed cameras when no person model is imported.

Background subtraction (OpenCV MOG2) on downscaled frames, morphological clean-up, merging of
the pieces of one body, then blobs whose size and shape could be a person become PERSON boxes
with a low confidence (<= 0.3).

Limits (why this is only a fallback):
- It finds *motion*, not people. A person who stays still fades into the background: after
  about `fade_seconds` (default 10 s, given the stream's `fps`) a motionless person is no longer
  reported, and when they then leave, the uncovered background shows as a "ghost" blob for
  about as long. Someone sitting still at a desk is therefore missed.
- People present when the stream starts are learned as background from the first frame, and
  nothing is reported during the first `warmup_frames` frames.
- Two people close together (side by side, or one behind the other) merge into one blob, so it
  undercounts groups; a moving door, a pushed trolley or a shadow of the right size counts as a
  person.
- It needs a fixed camera: handheld recordings, pans, cuts between cameras and sudden light
  changes make much of the frame "move"; frames with foreground above
  `max_foreground_fraction` report nothing, smaller changes give false boxes until the
  background is re-learned.
- It is stateful: `detect` must receive consecutive frames of one camera, in order, at `fps`;
  call `reset()` before another stream. A change of frame size resets it by itself.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from typing import ClassVar

import cv2
import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, Field

from analyzer.detections import Detections, ObjectClass
from models.detector import BgrFrame

FALLBACK_NAME = "motion-person-fallback (low confidence)"
MAX_CONFIDENCE = 0.3
_BACKGROUND_RATIO = 0.9  # MOG2's default, fixed so `fade_seconds` can be turned into a history


class MotionPersonSettings(BaseModel):
    """Tuning of the motion fallback; fractions are of the working frame's width, height or
    area."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    fps: float = Field(default=10.0, gt=0, le=240, description="frame rate of the input stream")
    fade_seconds: float = Field(
        default=10.0, gt=0, le=3600, description="a motionless person fades after about this"
    )
    work_width: int = Field(default=320, ge=64, le=1920, description="frames are downscaled to")
    var_threshold: float = Field(default=25.0, gt=0, description="MOG2 foreground threshold")
    warmup_frames: int = Field(default=10, ge=0, description="frames with no output at start")
    min_area_fraction: float = Field(default=0.002, gt=0, le=1, description="min box area")
    max_area_fraction: float = Field(default=0.6, gt=0, le=1, description="max box area")
    min_height_fraction: float = Field(default=0.06, ge=0, le=1, description="min box height")
    min_aspect: float = Field(default=0.7, gt=0, description="min height / width of a box")
    max_aspect: float = Field(default=6.0, gt=0, description="max height / width of a box")
    min_fill: float = Field(default=0.2, ge=0, le=1, description="min foreground share of box")
    merge_gap_fraction: float = Field(
        default=0.1, ge=0, le=1, description="pieces stacked closer than this join (of height)"
    )
    max_foreground_fraction: float = Field(
        default=0.5, gt=0, le=1, description="more moving pixels than this: camera moved or cut"
    )
    confidence: float = Field(default=0.25, gt=0, le=MAX_CONFIDENCE)

    @property
    def history(self) -> int:
        """MOG2 history (frames) that makes a still object background after `fade_seconds`.

        A new colour's weight grows by 1/history per frame while the old background's decays;
        it becomes background once the old weight drops below the background ratio, after
        ln(1/ratio) * history frames.
        """
        return max(2, round(self.fade_seconds * self.fps / math.log(1 / _BACKGROUND_RATIO)))


Boxes = npt.NDArray[np.float64]


def person_shaped(box: Boxes, settings: MotionPersonSettings, height: int, width: int) -> bool:
    """Whether a (4,) xyxy box in an (height, width) mask has a person's size and shape."""
    bw, bh = box[2] - box[0], box[3] - box[1]
    area = bw * bh
    return bool(
        settings.min_area_fraction * height * width <= area
        and area <= settings.max_area_fraction * height * width
        and bh >= settings.min_height_fraction * height
        and settings.min_aspect <= bh / max(bw, 1.0) <= settings.max_aspect
    )


def merge_pieces(boxes: Boxes, *, settings: MotionPersonSettings, height: int, width: int) -> Boxes:
    """Join (n, 4) xyxy boxes that are pieces of one body (head, torso and legs split where
    clothing matches the background) -> (m, 4). Two boxes join when they overlap horizontally by
    half the narrower one, are at most `merge_gap_fraction` of the height apart, and the joined
    box is no taller than `max_aspect` allows.

    Two people one behind the other can join too: for the custody rules an undercount raises a
    "fewer than two people" finding a reviewer can dismiss, while an overcount (one person in
    pieces counted as two) would hide a real one, so joining is the safer error.
    """
    merged = list(boxes)
    max_gap = settings.merge_gap_fraction * height

    def joinable(a: Boxes, b: Boxes) -> bool:
        x_overlap = min(a[2], b[2]) - max(a[0], b[0])
        narrower = min(a[2] - a[0], b[2] - b[0])
        y_gap = max(a[1], b[1]) - min(a[3], b[3])
        joined_w = max(a[2], b[2]) - min(a[0], b[0])
        joined_h = max(a[3], b[3]) - min(a[1], b[1])
        return bool(
            x_overlap >= 0.5 * narrower
            and y_gap <= max_gap
            and joined_h <= settings.max_aspect * joined_w
        )

    changed = True
    while changed:
        changed = False
        for i, j in itertools.combinations(range(len(merged)), 2):
            if joinable(merged[i], merged[j]):
                a, b = merged[i], merged.pop(j)
                merged[i] = np.concatenate([np.minimum(a[:2], b[:2]), np.maximum(a[2:], b[2:])])
                changed = True
                break
    return np.array(merged, np.float64).reshape(-1, 4)


class MotionPersonDetector:
    """A `Detector` of moving person-sized blobs; see the module docstring for its limits."""

    low_confidence_fallback: ClassVar[bool] = True

    def __init__(self, settings: MotionPersonSettings | None = None) -> None:
        self.settings = settings or MotionPersonSettings()
        self._frame_shape: tuple[int, ...] | None = None
        self._seen = 0
        self._subtractor = self._new_subtractor()

    @property
    def name(self) -> str:
        return FALLBACK_NAME

    def _new_subtractor(self) -> cv2.BackgroundSubtractorMOG2:
        # Shadows are detected so they can be dropped: a person's shadow is not a second person.
        sub = cv2.createBackgroundSubtractorMOG2(
            history=self.settings.history,
            varThreshold=self.settings.var_threshold,
            detectShadows=True,
        )
        sub.setBackgroundRatio(_BACKGROUND_RATIO)
        return sub

    def reset(self) -> None:
        """Forget the learned background (call before frames of another camera)."""
        self._subtractor = self._new_subtractor()
        self._frame_shape = None
        self._seen = 0

    def foreground(self, frame: BgrFrame) -> npt.NDArray[np.uint8]:
        """Update the background model with an (h, w, 3) uint8 frame; returns the cleaned
        (h', w') uint8 foreground mask (0 or 255) at the working width."""
        if frame.shape != self._frame_shape:
            self.reset()
            self._frame_shape = frame.shape
        h, w = frame.shape[:2]
        scale = min(1.0, self.settings.work_width / w)
        small = cv2.resize(
            frame, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_LINEAR
        )
        # Linear + blur rather than INTER_AREA, which OpenCV 5 does ~10x slower at non-integer
        # scales; the blur removes the aliasing as well as sensor noise and compression blocks.
        small = cv2.GaussianBlur(small, (5, 5), 0)
        # MOG2 bootstraps with a fast rate (1 / 2n for frame n) so the first frames make a
        # background quickly; after warm-up the fixed 1 / history rate sets the fade time.
        bootstrapping = self._seen < max(2, self.settings.warmup_frames)
        rate = -1.0 if bootstrapping else 1.0 / self.settings.history
        raw = self._subtractor.apply(small, learningRate=rate)
        self._seen += 1
        moving = np.where(raw == 255, 255, 0).astype(np.uint8)  # 127 marks shadows
        opened = cv2.morphologyEx(moving, cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
        size = max(3, small.shape[1] // 80)
        closed = cv2.morphologyEx(opened, cv2.MORPH_CLOSE, np.ones((size, size), np.uint8))
        return np.asarray(closed, np.uint8)

    def update(self, frame: BgrFrame) -> Detections:
        """PERSON detections for the next (h, w, 3) uint8 BGR frame of the stream."""
        s = self.settings
        mask = self.foreground(frame)
        if self._seen <= s.warmup_frames:
            return Detections.empty()
        mh, mw = mask.shape
        if np.count_nonzero(mask) > s.max_foreground_fraction * mask.size:
            # The view itself changed (camera moved, cut, lights): learn it afresh rather than
            # report false boxes until the old background has faded.
            self.reset()
            return Detections.empty()
        count, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
        x, y, bw, bh, area = (stats[1:count, i].astype(np.float64) for i in range(5))  # 0: bg
        pieces = np.stack([x, y, x + bw, y + bh], axis=1)[
            area >= 0.1 * s.min_area_fraction * mask.size
        ]
        boxes = merge_pieces(pieces, settings=s, height=mh, width=mw)
        if boxes.shape[0] == 0:
            return Detections.empty()
        fill = np.array(
            [np.count_nonzero(mask[int(b[1]) : int(b[3]), int(b[0]) : int(b[2])]) for b in boxes]
        ) / np.maximum((boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1]), 1)
        shaped = np.array([person_shaped(b, s, mh, mw) for b in boxes], bool)
        keep = shaped & (fill >= s.min_fill)
        scale = np.array([frame.shape[1] / mw, frame.shape[0] / mh] * 2)
        # Fuller blobs look more like a body than like scattered noise; still capped low.
        conf = s.confidence * np.clip(0.5 + fill[keep], 0.5, 1.0)
        return Detections.from_arrays(
            boxes[keep] * scale, conf, np.full(int(keep.sum()), ObjectClass.PERSON)
        )

    def detect(self, frames: Sequence[BgrFrame]) -> list[Detections]:
        """One `Detections` per frame; frames must be consecutive frames of one camera."""
        return [self.update(frame) for frame in frames]
