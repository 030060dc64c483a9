"""Letterboxing frames into a network's input and mapping boxes back to the frame."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

PAD_VALUE = 114  # both YOLOX and Ultralytics train with grey padding of this value


@dataclass(frozen=True)
class Letterbox:
    """How a frame was placed in the network input: input = frame * scale + (pad_x, pad_y)."""

    scale: float
    pad_x: float
    pad_y: float
    frame_height: int
    frame_width: int

    @classmethod
    def identity(cls, frame_height: int, frame_width: int) -> Letterbox:
        return cls(1.0, 0.0, 0.0, frame_height, frame_width)

    def to_frame(self, xyxy: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        """(n, 4) boxes in network-input pixels -> (n, 4) boxes in frame pixels, clipped."""
        pad = np.array([self.pad_x, self.pad_y, self.pad_x, self.pad_y], np.float32)
        limit = np.array(
            [self.frame_width, self.frame_height, self.frame_width, self.frame_height], np.float32
        )
        out = (xyxy.astype(np.float32) - pad) / np.float32(self.scale)
        clipped: npt.NDArray[np.float32] = np.clip(out, 0, limit).astype(np.float32)
        return clipped


def _check_frame(frame: npt.NDArray[np.uint8]) -> None:
    if frame.ndim != 3 or frame.shape[2] != 3 or frame.dtype != np.uint8:
        raise ValueError(f"expected an (h, w, 3) uint8 BGR frame, got {frame.shape} {frame.dtype}")


def letterbox_top_left(
    frame: npt.NDArray[np.uint8], height: int, width: int
) -> tuple[npt.NDArray[np.uint8], Letterbox]:
    """YOLOX placement: (h, w, 3) frame scaled to fit, pasted at the top-left of a (height,
    width, 3) grey canvas. Sizes truncate like YOLOX's `preproc` so boxes match its output."""
    _check_frame(frame)
    fh, fw = frame.shape[:2]
    scale = min(height / fh, width / fw)
    new_w, new_h = int(fw * scale), int(fh * scale)
    canvas = np.full((height, width, 3), PAD_VALUE, np.uint8)
    canvas[:new_h, :new_w] = cv2.resize(frame, (new_w, new_h), interpolation=cv2.INTER_LINEAR)
    return canvas, Letterbox(scale, 0.0, 0.0, fh, fw)


def letterbox_centered(
    frame: npt.NDArray[np.uint8], height: int, width: int
) -> tuple[npt.NDArray[np.uint8], Letterbox]:
    """Ultralytics placement: (h, w, 3) frame scaled to fit and centred on a (height, width, 3)
    grey canvas, with Ultralytics' rounding of the padding (`LetterBox`, `scale_boxes`)."""
    _check_frame(frame)
    fh, fw = frame.shape[:2]
    scale = min(height / fh, width / fw)
    new_w, new_h = round(fw * scale), round(fh * scale)
    dw, dh = (width - new_w) / 2, (height - new_h) / 2
    top, left = round(dh - 0.1), round(dw - 0.1)
    resized = (
        frame
        if (new_w, new_h) == (fw, fh)
        else cv2.resize(frame, (new_w, new_h), interpolation=cv2.INTER_LINEAR)
    )
    canvas = np.full((height, width, 3), PAD_VALUE, np.uint8)
    canvas[top : top + new_h, left : left + new_w] = resized
    return canvas, Letterbox(scale, float(left), float(top), fh, fw)
