"""Real people, cut out of videos (`synth_sources.collect_people`), pasted into frames.

A cut-out is a BGRA PNG whose alpha is the person's mask. Pasted pixels belong to no bundle
(`CLUTTER`), so a person in front of a pile hides what they cover, as drawn people do.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt

from pipelines.training.synth_draw import CLUTTER, Canvas


@lru_cache(maxsize=512)
def load_cutout(path: Path) -> npt.NDArray[np.uint8]:
    """(h, w, 4) uint8 BGRA cut-out."""
    image = cv2.imread(str(path), cv2.IMREAD_UNCHANGED)
    if image is None or image.ndim != 3 or image.shape[2] != 4:
        raise ValueError(f"{path}: not a BGRA cut-out")
    return np.asarray(image, np.uint8)


def paste_person(
    canvas: Canvas,
    cutout: npt.NDArray[np.uint8],
    x: float,
    feet: float,
    height_px: float,
    flip: bool,
) -> tuple[float, float, float]:
    """Paste `cutout` scaled to `height_px`, centred on column `x`, feet on row `feet`.

    Returns the mean BGR colour of the cut-out's upper body (for arms drawn over it).
    """
    h, w = cutout.shape[:2]
    scale = max(height_px, 4.0) / h
    nw, nh = max(2, round(w * scale)), max(4, round(h * scale))
    sprite = cv2.resize(
        cutout, (nw, nh), interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
    )
    if flip:
        sprite = sprite[:, ::-1]
    x0, y0 = int(round(x - nw / 2)), int(round(feet - nh))
    sx0, sy0 = max(0, -x0), max(0, -y0)
    cx0, cy0 = max(0, x0), max(0, y0)
    cx1, cy1 = min(canvas.width, x0 + nw), min(canvas.height, y0 + nh)
    torso = sprite[int(nh * 0.2) : int(nh * 0.5), int(nw * 0.25) : int(nw * 0.75)]
    weights = torso[..., 3].astype(np.float32).reshape(-1) + 1e-3
    shirt = (torso[..., :3].reshape(-1, 3).astype(np.float32) * weights[:, None]).sum(
        0
    ) / weights.sum()
    if cx1 <= cx0 or cy1 <= cy0:
        return float(shirt[0]), float(shirt[1]), float(shirt[2])
    part = sprite[sy0 : sy0 + cy1 - cy0, sx0 : sx0 + cx1 - cx0]
    alpha = part[..., 3:].astype(np.float32) / 255.0
    roi = canvas.image[cy0:cy1, cx0:cx1]
    roi[:] = np.clip(roi * (1 - alpha) + part[..., :3] * alpha + 0.5, 0, 255).astype(np.uint8)
    canvas.owner[cy0:cy1, cx0:cx1][part[..., 3] >= 128] = CLUTTER
    return float(shirt[0]), float(shirt[1]), float(shirt[2])
