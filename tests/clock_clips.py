"""Generated recordings with an NVR-style clock burned in: three formats, three fonts, a moving
person behind the text, sensor noise, x264 compression, and cuts planted where the clock jumps
while the timestamps run on."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path

import av
import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from tests.clips import Painter, regular, write_clip

DEJAVU_MONO = Path("/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf")
WQY_ZENHEI = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
WEEKDAYS_ZH = ("一", "二", "三", "四", "五", "六", "日")


@dataclass(frozen=True)
class ClockStyle:
    """One recorder's clock: its text for a wall time, font and placement."""

    name: str
    text: Callable[[datetime], str]
    font: str  # "hershey" or a TrueType path
    size: float  # Hershey scale or TrueType pixel size
    origin: tuple[int, int]  # top-left of the text
    outline: bool  # dark outline (Hikvision-like) or a one-pixel shadow (Dahua-like)
    frame_size: tuple[int, int]  # width, height
    hours: int = 24


ISO_HERSHEY = ClockStyle(
    "iso-hershey",
    lambda w: f"{w:%Y-%m-%d %H:%M:%S} {WEEKDAYS_EN[w.weekday()]}",
    "hershey",
    0.55,
    (10, 10),
    outline=True,
    frame_size=(640, 360),
)
CHINESE_ZENHEI = ClockStyle(
    "chinese-zenhei",
    lambda w: f"{w:%Y}年{w:%m}月{w:%d}日 {w:%H:%M:%S} 星期{WEEKDAYS_ZH[w.weekday()]}",
    str(WQY_ZENHEI),
    22,
    (16, 14),
    outline=False,
    frame_size=(800, 450),
)
US_MONO_12H = ClockStyle(
    "us-mono-12h",
    lambda w: f"{w:%m-%d-%Y} {WEEKDAYS_EN[w.weekday()]} {w:%I:%M:%S %p}",
    str(DEJAVU_MONO),
    17,
    (330, 328),
    outline=False,
    frame_size=(640, 360),
    hours=12,
)
STYLES = (ISO_HERSHEY, CHINESE_ZENHEI, US_MONO_12H)


@dataclass(frozen=True)
class ClockPlan:
    """What the clock shows at each second of video: `start` plus the video time, shifted by
    every cut (at video second `at`, the clock jumps by `jump_s`) planted before it."""

    start: datetime
    cuts: Sequence[tuple[float, float]] = field(default_factory=tuple)

    def shown(self, time_s: float) -> datetime:
        jumped = sum(jump for at, jump in self.cuts if time_s >= at)
        exact = self.start + timedelta(seconds=time_s + jumped)
        return exact.replace(microsecond=0)  # an NVR shows whole seconds


def _mask_hershey(text: str, style: ClockStyle) -> tuple[np.ndarray, np.ndarray]:
    width, height = style.frame_size
    fill = np.zeros((height, width), np.uint8)
    (_, text_h), _ = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, style.size, 1)
    origin = (style.origin[0], style.origin[1] + text_h)
    cv2.putText(fill, text, origin, cv2.FONT_HERSHEY_SIMPLEX, style.size, 255, 1, cv2.LINE_AA)
    return fill, cv2.dilate(fill, np.ones((3, 3), np.uint8))


@cache
def _font(path: str, size: int) -> ImageFont.FreeTypeFont:
    if not Path(path).is_file():
        pytest.skip(f"font {path} is absent (Debian fonts-wqy-zenhei, fonts-dejavu-core)")
    return ImageFont.truetype(path, size)


def _mask_truetype(text: str, style: ClockStyle) -> tuple[np.ndarray, np.ndarray]:
    width, height = style.frame_size
    canvas = Image.new("L", (width, height), 0)
    ImageDraw.Draw(canvas).text(
        style.origin, text, fill=255, font=_font(style.font, int(style.size))
    )
    fill = np.asarray(canvas)
    shadow = np.zeros_like(fill)
    shadow[1:, 1:] = fill[:-1, :-1]
    return fill, shadow


@cache
def _text_masks(text: str, style: ClockStyle) -> tuple[np.ndarray, np.ndarray]:
    """(fill, edge) alpha masks 0-255 of the clock text in a frame."""
    if style.font == "hershey":
        return _mask_hershey(text, style)
    return _mask_truetype(text, style)


def clock_scene(
    style: ClockStyle,
    plan: ClockPlan,
    *,
    seed: int = 0,
    noise: float = 4.0,
    walker_every_s: float = 20.0,
    hide: tuple[float, float] | None = None,
) -> Painter:
    """A live vault camera: a textured room, sensor noise that changes every frame, a person
    (a dark and a light block) crossing the picture every `walker_every_s`, right through the
    clock's line, and the clock burned in on top. `hide` (start, end) smears the clock's line
    (as an editor hiding a cut would; the NVR burns its clock over anything in front of the
    lens), so that it cannot be read."""
    width, height = style.frame_size
    rng = np.random.default_rng(seed)
    base = rng.integers(50, 190, (height // 10 + 1, width // 10 + 1, 3), dtype=np.uint8)
    base = cv2.resize(np.kron(base, np.ones((10, 10, 1), np.uint8)), (width, height))
    base = cv2.GaussianBlur(base, (0, 0), 1.2)
    # Eight noise fields, each shifted anew every frame: fresh noise at a fraction of the cost.
    noise_fields = rng.normal(0, noise, (8, height, width, 3)).astype(np.int16)

    def paint(index: int, time: float) -> np.ndarray:
        frame = base.copy()
        phase = (time % walker_every_s) / walker_every_s
        x = int(-120 + phase * (width + 240))
        top = style.origin[1] - 20
        cv2.rectangle(frame, (x, top), (x + 60, height - 10), (40, 45, 60), -1)
        cv2.rectangle(frame, (x + 10, top + 30), (x + 50, top + 140), (170, 160, 150), -1)
        shift = np.random.default_rng(seed * 100_003 + index).integers(0, 64, 3)
        grain = np.roll(noise_fields[shift[0] % 8], (shift[1], shift[2]), axis=(0, 1))
        noisy = np.clip(frame + grain, 0, 255).astype(np.uint8)
        fill, edge = _text_masks(style.text(plan.shown(time)), style)
        rows = slice(style.origin[1] - 4, style.origin[1] + 40)  # the text's band only
        band = noisy[rows].astype(np.float32)
        dark = edge[rows, :, None].astype(np.float32) / 255
        light = fill[rows, :, None].astype(np.float32) / 255
        band = band * (1 - dark) + 15 * dark
        noisy[rows] = np.clip(band * (1 - light) + 245 * light, 0, 255).astype(np.uint8)
        if hide is not None and hide[0] <= time < hide[1]:
            noisy[rows] = cv2.GaussianBlur(noisy[rows], (0, 0), 3.0)
        return noisy

    return paint


def write_clock_clip(
    path: Path,
    style: ClockStyle,
    plan: ClockPlan,
    duration_s: float,
    *,
    fps: int = 10,
    gop: int = 20,
    **scene: object,
) -> Path:
    """Encode `duration_s` of `clock_scene` at `fps` with continuous timestamps."""
    paint = clock_scene(style, plan, **scene)  # type: ignore[arg-type]
    return write_clip(path, regular(duration_s, fps), paint, rate=fps, gop=gop, preset="veryfast")


def seconds_until(moment: datetime, before_s: float) -> datetime:
    """A clock start `before_s` seconds ahead of `moment` (to cross midnight or a minute)."""
    return moment - timedelta(seconds=math.floor(before_s))


def write_bright_wall_clip(
    path: Path,
    plan: ClockPlan,
    duration_s: float,
    *,
    seed: int = 0,
    bitrate: int = 500_000,
    fps: int = 25,
    size: tuple[int, int] = (640, 360),
) -> Path:
    """`duration_s` of a camera facing a bright, textured wall (grey 185-215, a dark door
    edge across the left, sensor noise anew every frame) with the most common NVR clock:
    `2026-05-14 01:00:00` in Hershey at 1 em, white (235) with a 2-px dark (16) outline,
    as `bench/make_recording.py` draws it; encoded as a recorder does under a bitrate cap
    (x264 ABR, maxrate = `bitrate`, a two-second VBV buffer, 2-s GOPs, ultrafast), which
    smears the outline to a broken one-pixel ring. The planes are written as I420 so the
    grey levels are the luma's."""
    width, height = size
    rng = np.random.default_rng(seed)
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    wall = 200 + 12 * np.sin(xs / 37.0) * np.cos(ys / 23.0) - 8 * ys / height
    wall += cv2.GaussianBlur(rng.normal(0, 8, (height, width)).astype(np.float32), (0, 0), 4)
    wall[xs < 0.25 * width + 0.3 * ys] -= 90  # a door's shadow: the clock's left over dark
    bank = rng.normal(0, 6, (8, height + 16, width + 16)).astype(np.float32)
    chroma = np.full((height // 2, width), 128, np.uint8)
    bits = str(bitrate)
    with av.open(str(path), "w") as output:
        stream = output.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.codec_context.bit_rate = bitrate
        stream.options = {
            "preset": "ultrafast",
            "maxrate": bits,
            "bufsize": str(2 * bitrate),
            "x264-params": f"keyint={2 * fps}:min-keyint={2 * fps}:scenecut=0:bframes=0",
            "threads": "1",
        }
        for index in range(round(duration_s * fps)):
            time = index / fps
            dy, dx = (int(v) for v in rng.integers(0, 16, 2))
            noise = bank[index % 8, dy : dy + height, dx : dx + width]
            luma = np.clip(wall + noise, 0, 255).astype(np.uint8)
            text = f"{plan.shown(time):%Y-%m-%d %H:%M:%S}"
            outline = np.zeros((48, 480), np.uint8)
            cv2.putText(outline, text, (8, 34), cv2.FONT_HERSHEY_SIMPLEX, 1.0, 1, 6, cv2.LINE_AA)
            fill = np.zeros_like(outline)
            cv2.putText(fill, text, (8, 34), cv2.FONT_HERSHEY_SIMPLEX, 1.0, 235, 2, cv2.LINE_AA)
            drawn = np.where(fill > 0, fill, 16).astype(np.uint8)
            band = luma[12:60, 16:496]
            np.copyto(band, drawn, where=(outline > 0) | (fill > 0))
            frame = av.VideoFrame.from_ndarray(np.vstack((luma, chroma)), format="yuv420p")
            frame.pts = index
            for packet in stream.encode(frame):
                output.mux(packet)
        for packet in stream.encode():
            output.mux(packet)
    return path
