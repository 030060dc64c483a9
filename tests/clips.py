"""Small real video files made with PyAV's encoders, for tests of the media path."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

Painter = Callable[[int, float], np.ndarray]


def noisy_scene(width: int = 320, height: int = 180, seed: int = 0) -> Painter:
    """A textured static scene with fresh sensor noise in every frame, like a live camera."""
    rng = np.random.default_rng(seed)
    base = rng.integers(40, 200, (height // 8 + 1, width // 8 + 1, 3), dtype=np.uint8)
    base = np.kron(base, np.ones((8, 8, 1), np.uint8))[:height, :width]

    def paint(index: int, time: float) -> np.ndarray:
        noise = np.random.default_rng(seed * 100_003 + index).normal(0, 3, base.shape)
        return np.clip(base + noise, 0, 255).astype(np.uint8)

    return paint


def write_clip(
    path: Path,
    times: Sequence[float],
    paint: Painter,
    *,
    codec: str = "libx264",
    container: str | None = None,
    rotation: int = 0,
    gop: int = 10,
    rate: int = 10,
    preset: str = "medium",
) -> Path:
    """Encode one frame per entry of `times` (seconds, increasing) with that presentation time."""
    first = paint(0, 0.0)
    height, width = first.shape[:2]
    with av.open(str(path), "w", format=container) as output:
        stream = output.add_stream(codec, rate=rate)
        stream.width, stream.height = width, height
        stream.pix_fmt = "yuv420p"
        stream.time_base = Fraction(1, 1000)
        stream.codec_context.time_base = Fraction(1, 1000)
        if codec == "libx264":
            stream.options = {
                "g": str(gop),
                "crf": "30",
                "threads": "1",
                "bf": "0",
                "preset": preset,
            }
        if rotation:
            stream.set_display_rotation(rotation)
        for index, time in enumerate(times):
            frame = av.VideoFrame.from_ndarray(paint(index, time), format="bgr24")
            frame.pts = int(round(time * 1000))
            frame.time_base = Fraction(1, 1000)
            for packet in stream.encode(frame):
                output.mux(packet)
        for packet in stream.encode():
            output.mux(packet)
    return path


def regular(duration_s: float, fps: float, start: float = 0.0) -> list[float]:
    return [start + i / fps for i in range(int(round(duration_s * fps)))]
