"""Real footage as a user's recorder would export it: an on-screen clock burned in (several
fonts, sizes, colours, with and without a box behind it), compressed with x264, with splices
(the picture and the clock jump while the timestamps run on) and a lens covered for seconds
(a hand, a cloth, a sheet of paper; partly or fully), the clock drawn over the cover as an NVR
draws it over whatever the lens sees."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from fractions import Fraction
from functools import cache
from pathlib import Path

import av
import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
WEEKDAYS_ZH = ("一", "二", "三", "四", "五", "六", "日")
FONTS = Path("/usr/share/fonts/truetype")
DEJAVU_MONO = FONTS / "dejavu/DejaVuSansMono.ttf"
DEJAVU_MONO_BOLD = FONTS / "dejavu/DejaVuSansMono-Bold.ttf"
DEJAVU_SANS = FONTS / "dejavu/DejaVuSans.ttf"
DEJAVU_SANS_BOLD = FONTS / "dejavu/DejaVuSans-Bold.ttf"
DEJAVU_SERIF = FONTS / "dejavu/DejaVuSerif.ttf"
WQY_ZENHEI = FONTS / "wqy/wqy-zenhei.ttc"


def english(wall: datetime) -> str:
    return f"{wall:%Y-%m-%d %H:%M:%S}"


def chinese(wall: datetime) -> str:
    return f"{wall:%Y}年{wall:%m}月{wall:%d}日 星期{WEEKDAYS_ZH[wall.weekday()]} {wall:%H:%M:%S}"


@dataclass(frozen=True)
class Osd:
    """One recorder's on-screen clock: text, font, size, colour and placement.

    colour: BGR of the text; edge: "outline" (a dark ring), "shadow" (one pixel down-right)
    or "none"; box: BGR of an opaque box behind the text, or None; origin: top-left of the
    text as fractions of the picture."""

    name: str
    text: Callable[[datetime], str]
    font: Path
    size: int
    colour: tuple[int, int, int] = (240, 240, 240)
    edge: str = "none"
    box: tuple[int, int, int] | None = None
    origin: tuple[float, float] = (0.03, 0.03)


@dataclass(frozen=True)
class Cover:
    """A lens covered from `start_s` for `duration_s` seconds of the clip (a hand or sheet
    brought in over half a second and taken away again).

    kind: "hand" (skin, out of focus, darker in the middle), "cloth" (dark woven fabric),
    "paper" (a bright sheet); fraction: share of the picture's width covered from the left
    (1.0: all of it)."""

    kind: str
    start_s: float
    duration_s: float = 8.0
    fraction: float = 1.0


@dataclass(frozen=True)
class Splice:
    """At clip second `at_s` the picture continues from `skip_s` further on in the source
    and the clock jumps by `clock_jump_s` (negative: back), while timestamps run on."""

    at_s: float
    clock_jump_s: float
    skip_s: float


@dataclass(frozen=True)
class RealClip:
    """How one test recording is made from a real source file."""

    name: str
    source: str  # file name in ../shared/videos
    osd: Osd
    duration_s: float = 60.0
    source_start_s: float = 0.0
    fps: int = 10
    crf: int = 26
    gop_s: float = 2.0
    splices: Sequence[Splice] = field(default_factory=tuple)
    cover: Cover | None = None
    clock_start: datetime = datetime(2023, 12, 12, 8, 0, 0)

    def source_time(self, t: float) -> float:
        """Second of the source shown at clip second `t`."""
        return self.source_start_s + t + sum(s.skip_s for s in self.splices if t >= s.at_s)

    def shown(self, t: float) -> datetime:
        jumped = sum(s.clock_jump_s for s in self.splices if t >= s.at_s)
        return (self.clock_start + timedelta(seconds=t + jumped)).replace(microsecond=0)


@cache
def _font(path: Path, size: int) -> ImageFont.FreeTypeFont:
    if not path.is_file():
        pytest.skip(f"font {path} is absent (Debian fonts-dejavu-core, fonts-wqy-zenhei)")
    return ImageFont.truetype(str(path), size)


@cache
def _text_alpha(text: str, osd: Osd, width: int, height: int) -> tuple[np.ndarray, np.ndarray]:
    """(fill, edge) float32 (h, w) alpha 0-1 of the text and of its outline or shadow."""
    canvas = Image.new("L", (width, height), 0)
    origin = (int(osd.origin[0] * width), int(osd.origin[1] * height))
    ImageDraw.Draw(canvas).text(origin, text, fill=255, font=_font(osd.font, osd.size))
    fill = np.asarray(canvas, np.float32) / 255
    if osd.edge == "outline":
        edge = cv2.dilate(fill, np.ones((3, 3), np.uint8))
    elif osd.edge == "shadow":
        edge = np.zeros_like(fill)
        edge[1:, 1:] = fill[:-1, :-1]
    else:
        edge = np.zeros_like(fill)
    return fill, edge


@cache
def _box(osd: Osd, width: int, height: int) -> tuple[slice, slice]:
    """Rows and columns of the box behind the longest text of the clock."""
    fill, _ = _text_alpha(osd.text(datetime(2023, 12, 28, 23, 58, 58)), osd, width, height)
    ys, xs = np.nonzero(fill > 0.1)
    pad = max(2, osd.size // 5)
    return slice(max(0, ys.min() - pad), ys.max() + pad + 1), slice(
        max(0, xs.min() - pad), xs.max() + pad + 1
    )


def burn_clock(picture: np.ndarray, osd: Osd, wall: datetime) -> np.ndarray:
    """(h, w, 3) uint8 BGR picture with the clock showing `wall` drawn on it."""
    height, width = picture.shape[:2]
    rows, cols = _box(osd, width, height)
    band = picture[rows].astype(np.float32)  # only the text's rows: a tenth of the cost
    if osd.box is not None:
        band[:, cols] = osd.box
    fill, edge = (a[rows, :, None] for a in _text_alpha(osd.text(wall), osd, width, height))
    band = band * (1 - edge) + 12 * edge
    band = band * (1 - fill) + np.float32(osd.colour) * fill
    out = picture.copy()
    out[rows] = np.clip(band, 0, 255).astype(np.uint8)
    return out


@cache
def _cover_picture(kind: str, height: int, width: int) -> tuple[np.ndarray, np.ndarray]:
    """(picture (h, w, 3) float32 BGR, alpha (h, w, 1) float32) of a cover over the whole
    lens, out of focus as anything touching the lens is."""
    rng = np.random.default_rng({"hand": 1, "cloth": 2, "paper": 3}[kind])
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    distance = np.hypot((xx - 0.45 * width) / width, (yy - 0.55 * height) / height)
    if kind == "hand":
        shade = 1.15 - 0.8 * distance
        picture = np.float32([95, 125, 175]) * shade[..., None]
        alpha = np.clip(1.8 - 1.2 * distance, 0, 1)
    elif kind == "cloth":  # dark fabric against the lens: its weave far out of focus
        folds = rng.normal(0, 1, (6, 8)).astype(np.float32)
        folds = cv2.resize(folds, (width, height), interpolation=cv2.INTER_CUBIC)
        shade = (1.1 - 0.4 * distance + 0.12 * folds)[..., None]
        picture = np.float32([38, 30, 34]) * shade
        alpha = np.ones((height, width), np.float32)
    else:  # a sheet of paper held against the lens: bright, lit unevenly from the room
        picture = np.float32([200, 205, 210]) * (1.05 - 0.35 * distance)[..., None]
        alpha = np.ones((height, width), np.float32)
    return picture.astype(np.float32), alpha[..., None].astype(np.float32)


def apply_cover(picture: np.ndarray, cover: Cover, t: float, noise: np.ndarray) -> np.ndarray:
    """The picture with `cover` over the lens at clip second `t` (unchanged outside it)."""
    into = t - cover.start_s
    left = cover.start_s + cover.duration_s - t
    share = min(into, left) / 0.5  # half a second to bring it in or take it away
    if share <= 0:
        return picture
    height, width = picture.shape[:2]
    cover_picture, alpha = _cover_picture(cover.kind, height, width)
    reach = int(width * cover.fraction * min(1.0, share))
    edge = np.clip((reach - np.arange(width, dtype=np.float32)) / (0.08 * width), 0, 1)
    if cover.fraction >= 1.0 and share >= 1.0:
        edge = np.ones(width, np.float32)
    weight = alpha * edge[None, :, None]
    out = weight * cover_picture + (1 - weight) * picture.astype(np.float32) + noise
    return np.clip(out, 0, 255).astype(np.uint8)


@cache
def _noise_bank(shape: tuple[int, ...]) -> list[np.ndarray]:
    """Five fields of sensor noise (2 grey levels): a covered lens is still a live sensor."""
    rng = np.random.default_rng(11)
    return [rng.normal(0, 2.0, shape).astype(np.float32) for _ in range(5)]


def _source_frames(path: Path, start_s: float) -> Iterator[tuple[float, np.ndarray]]:
    """(seconds from the source's start, BGR picture) of `path` from `start_s` on."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        origin = None
        for frame in container.decode(stream):
            if frame.pts is None or frame.time_base is None:
                continue
            time = float(frame.pts * frame.time_base)
            origin = time if origin is None else origin
            if time - origin >= start_s - 1e-6:
                yield time - origin, frame.to_ndarray(format="bgr24")


class _Source:
    """The source's picture at any second, read forward (a seek back reopens the file)."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._frames: Iterator[tuple[float, np.ndarray]] | None = None
        self._current: tuple[float, np.ndarray] | None = None
        self._next: tuple[float, np.ndarray] | None = None

    def at(self, second: float) -> np.ndarray:
        if self._current is None or second < self._current[0] - 1e-6:
            self._frames = _source_frames(self._path, max(0.0, second - 0.05))
            self._current = next(self._frames)
            self._next = next(self._frames, None)
        assert self._frames is not None
        while self._next is not None and self._next[0] <= second + 1e-6:
            self._current, self._next = self._next, next(self._frames, None)
        return self._current[1]


def write_real_clip(clip: RealClip, source: Path, out: Path) -> Path:
    """Encode `clip` from `source` into `out` (H.264 in MP4, continuous timestamps)."""
    frames = _Source(source)
    count = int(round(clip.duration_s * clip.fps))
    with av.open(str(out), "w") as output:
        stream = None
        for index in range(count):
            t = index / clip.fps
            picture = frames.at(clip.source_time(t))
            if clip.cover is not None:
                noise = _noise_bank(picture.shape)[index % 5]
                picture = apply_cover(picture, clip.cover, t, noise)
            picture = burn_clock(picture, clip.osd, clip.shown(t))
            if stream is None:
                stream = output.add_stream("libx264", rate=clip.fps)
                stream.height, stream.width = picture.shape[:2]
                stream.pix_fmt = "yuv420p"
                stream.time_base = Fraction(1, 1000)
                stream.options = {
                    "preset": "superfast",
                    "crf": str(clip.crf),
                    "g": str(int(round(clip.gop_s * clip.fps))),
                    "threads": "1",
                }
            frame = av.VideoFrame.from_ndarray(picture, format="bgr24")
            frame.pts, frame.time_base = round(t * 1000), Fraction(1, 1000)
            for packet in stream.encode(frame):
                output.mux(packet)
        assert stream is not None
        for packet in stream.encode():
            output.mux(packet)
    return out
