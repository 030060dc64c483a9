"""Long vault-CCTV test recordings for the scan benchmark (prints only, asserts nothing).

    python bench/make_recording.py --minutes 60 --out /tmp/vault-60min.mp4 [--seed 1]

A fixed 1280x720 camera at 25 fps (H.264, GOP 50 = 2 s, no B-frames, as NVRs record) looks at
a static synthetic vault room. Every frame gets fresh sensor noise and a slight flicker; an
on-screen clock ticks top-left. A few episodes of activity (by default three per hour of
1.5-2 min each, at most 10 % of the recording) show REAL people cut out of the shared indoor
clip (../shared/videos/one-by-one-person-detection.mp4: a static camera where people walk up
to a table one at a time): the person walks in from the bottom edge, stays (the clip's
standing part is played forward and backward to fill the episode) and walks out again.

Writes the video and a ground-truth JSON beside it (`<out>.json`): the episode intervals in
seconds from the start of the video (first to last frame a person is pasted in). The content
is deterministic for a given seed; the encoded bytes need not be (x264 threads).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from functools import cached_property
from pathlib import Path
from typing import cast

import av
import cv2
import numpy as np
import numpy.typing as npt

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SOURCE_CLIP = SHARED / "videos" / "one-by-one-person-detection.mp4"

FPS = 25
GOP = 50  # 2 s, a common NVR setting
# Quality of the NVR's encoding. 23 spends about 0.05 bit a pixel on this room, like the real
# indoor CCTV clip in ../shared (768x432, 10 fps, 189 kbit/s: 0.057 bit a pixel), and keeps
# part of the sensor noise, as real recorders do; 28 quantises the noise away (0.009 bit).
CRF = 23
NOISE_SIGMA = 2.5  # grey levels, fresh every frame
NOISE_BANK = 8  # pre-generated noise frames, cycled with random offsets
NOISE_PAD = 64  # the bank is this much larger than a frame in each direction
START = datetime(2026, 5, 14, 1, 0, 0)  # wall clock of the first frame, as the OSD shows it

Image = npt.NDArray[np.uint8]
Mask = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Size:
    """The recording's picture size in pixels (even, for I420)."""

    width: int
    height: int


SIZES = {"720p": Size(1280, 720), "1080p": Size(1920, 1080)}


@dataclass(frozen=True)
class Encoding:
    """How the NVR encodes: constant quality (`crf`), or a bitrate target with a cap
    (`bitrate_mbit`: x264 ABR, maxrate = the target, VBV buffer of two seconds), as most
    recorders are set up (1-4 Mbit/s at 720p and 1080p)."""

    preset: str
    crf: int
    bitrate_mbit: float | None = None

    def options(self) -> dict[str, str]:
        # Fixed GOPs with no scene-cut keyframes and no B-frames, like an NVR's stream.
        x264 = f"keyint={GOP}:min-keyint={GOP}:scenecut=0:bframes=0"
        if self.bitrate_mbit is None:
            return {"preset": self.preset, "crf": str(self.crf), "x264-params": x264}
        bits = round(self.bitrate_mbit * 1e6)
        return {
            "preset": self.preset,
            "maxrate": str(bits),
            "bufsize": str(2 * bits),
            "x264-params": x264,
        }


@dataclass(frozen=True)
class Visit:
    """One person's visit in the source clip, in source seconds: the person enters the
    picture during [search_from, stand_from), stands during [stand_from, stand_to) and has
    left by search_to. `empty` is a stretch just before the visit with nobody in view."""

    empty: tuple[float, float]
    search_from: float
    stand_from: float
    stand_to: float
    search_to: float


# Read off the clip: people walk in from the bottom edge at 6.0, 22.7 and 50.2 s and are gone
# by 20.4, 45.3 and 70.5 s. Each visit has its own empty reference: the clip's exposure
# drifts a little between visits.
VISITS = (
    Visit(empty=(5.0, 5.9), search_from=5.0, stand_from=8.0, stand_to=18.0, search_to=21.5),
    Visit(empty=(21.5, 22.6), search_from=21.5, stand_from=25.0, stand_to=43.0, search_to=47.0),
    Visit(empty=(47.0, 50.0), search_from=47.0, stand_from=53.0, stand_to=67.0, search_to=72.0),
)


@dataclass(frozen=True)
class Sprite:
    """A person ready to paste into an I420 frame: planes cropped to the person's box, with
    even position and size so the half-resolution chroma lines up."""

    x: int
    y: int
    luma: Image  # (h, w)
    u: Image  # (h/2, w/2)
    v: Image  # (h/2, w/2)
    mask: Mask  # (h, w)
    mask_half: Mask  # (h/2, w/2)


class PersonSource:
    """The source clip's frames and person masks (difference to an empty frame, threshold,
    morphology, largest blob)."""

    def __init__(self, path: Path) -> None:
        if not path.is_file():
            raise SystemExit(f"{path} is missing: the shared footage is needed for real people")
        until = max(visit.search_to for visit in VISITS)
        self.frames: list[Image] = []
        with av.open(str(path)) as container:
            stream = container.streams.video[0]
            self.fps = float(stream.average_rate or 10)
            for frame in container.decode(stream):
                if frame.time is not None and frame.time > until:
                    break  # the visits used are all in the clip's first minute and a bit
                self.frames.append(cast(Image, frame.to_ndarray(format="bgr24")))
        if not self.frames:
            raise SystemExit(f"{path} has no frames")
        self._open = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (3, 3))
        self._close = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (11, 11))
        self._masks: dict[int, Mask] = {}

    @property
    def height(self) -> int:
        return int(self.frames[0].shape[0])

    @property
    def width(self) -> int:
        return int(self.frames[0].shape[1])

    def index(self, source_s: float) -> int:
        return min(len(self.frames) - 1, max(0, int(source_s * self.fps)))

    @cached_property
    def _empty(self) -> list[npt.NDArray[np.int16]]:
        refs = []
        for visit in VISITS:
            first, last = (self.index(s) for s in visit.empty)
            refs.append(np.median(self.frames[first : last + 1], axis=0).astype(np.int16))
        return refs

    def mask(self, visit: int, index: int) -> Mask:
        if index not in self._masks:
            diff = np.abs(self.frames[index].astype(np.int16) - self._empty[visit]).max(axis=2)
            raw = (diff > 30).astype(np.uint8)
            raw = cv2.morphologyEx(raw, cv2.MORPH_OPEN, self._open)
            raw = cv2.morphologyEx(raw, cv2.MORPH_CLOSE, self._close)
            count, labels, stats, _ = cv2.connectedComponentsWithStats(raw)
            if count < 2:
                self._masks[index] = np.zeros(raw.shape, np.bool_)
            else:
                # The person is the largest blob; the rest is exposure drift on the wall.
                largest = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
                big = stats[largest, cv2.CC_STAT_AREA] >= 300
                self._masks[index] = (labels == largest) & big
        return self._masks[index]

    def presence(self, visit: Visit, number: int) -> tuple[float, float]:
        """Source seconds [first, last] of the frames in which the visit's person shows."""
        frames = range(self.index(visit.search_from), self.index(visit.search_to) + 1)
        shown = [i for i in frames if self.mask(number, i).any()]
        if not shown:
            raise SystemExit(f"no person found in visit {number} of {SOURCE_CLIP.name}")
        return shown[0] / self.fps, shown[-1] / self.fps


@dataclass(frozen=True)
class Episode:
    """A person in the recording: output seconds [start_s, end_s) and where they stand."""

    start_s: float
    end_s: float
    visit: int
    scale: float  # source pixels -> output pixels; the source frame is bottom-aligned
    mirror: bool  # the source frame is flipped left-right
    x_offset: int  # output x of the (flipped) source frame's left edge
    enter_s: float  # source seconds of the visit: enters at enter_s, stands, leaves by leave_s
    leave_s: float

    def source_time(self, t: float) -> float | None:
        """Source seconds shown at output time `t`, None outside the episode.

        Walks in (enter_s to stand_from), stays (stand_from..stand_to played forward and
        backward, an odd number of passes so it ends at stand_to), walks out (to leave_s).
        """
        if not self.start_s <= t < self.end_s:
            return None
        visit = VISITS[self.visit]
        u = t - self.start_s
        entry = visit.stand_from - self.enter_s
        exit_ = self.leave_s - visit.stand_to
        stay = (self.end_s - self.start_s) - entry - exit_
        if u < entry:
            return self.enter_s + u
        if u < entry + stay:
            span = visit.stand_to - visit.stand_from
            p = (u - entry) % (2 * span)
            return visit.stand_from + (p if p < span else 2 * span - p)
        return visit.stand_to + (u - entry - stay)


def plan_episodes(
    duration_s: float,
    count: int,
    activity: float,
    rng: np.random.Generator,
    source: PersonSource,
    size: Size,
    *,
    real_scene: bool = False,
) -> list[Episode]:
    """`count` episodes, one in each equal slot of the recording, together at most
    `activity` of it. In the `real_scene` the person stays where the source clip shows them
    (the source frame scaled to the whole picture, not mirrored)."""
    episodes: list[Episode] = []
    slot = duration_s / count
    budget = activity * duration_s / count
    for k in range(count):
        number = k % len(VISITS)
        visit = VISITS[number]
        enter_s, last_s = source.presence(visit, number)
        leave_s = last_s + 1 / source.fps
        entry, exit_ = visit.stand_from - enter_s, leave_s - visit.stand_to
        span = visit.stand_to - visit.stand_from
        target = min(float(rng.uniform(90.0, 120.0)), budget)
        # An odd number of passes over the standing part, so the stay ends where the walk
        # out begins: the one closest to the target that fits the budget.
        fitting = [p for p in range(1, 99, 2) if entry + p * span + exit_ <= budget] or [1]
        passes = min(fitting, key=lambda p: abs(entry + p * span + exit_ - target))
        length = entry + passes * span + exit_
        margin = min(60.0, max(0.0, (slot - length) / 4))
        start = k * slot + float(rng.uniform(margin, max(margin, slot - length - margin)))
        start = round(start * FPS) / FPS
        scale = float(rng.uniform(0.85, 1.1))
        # Visitors leave the source picture through its right edge: that edge must be at or
        # beyond the edge of the output picture, else they would vanish mid-room. Mirrored
        # episodes leave through the left edge.
        mirror = bool(k % 2)
        push = float(rng.uniform(0, 80))
        width = source.width * scale
        x_offset = round(-push) if mirror else round(size.width - width + push)
        if real_scene:
            scale, mirror, x_offset = size.width / source.width, False, 0
        episodes.append(
            Episode(
                start_s=start,
                end_s=start + length,
                visit=number,
                scale=scale,
                mirror=mirror,
                x_offset=x_offset,
                enter_s=enter_s,
                leave_s=leave_s,
            )
        )
    return episodes


class SpriteMaker:
    """Scales a source person into output coordinates and converts it to I420, once per
    (episode, source frame)."""

    def __init__(self, source: PersonSource, size: Size) -> None:
        self.source = source
        self.size = size
        self._cache: dict[tuple[int, int], Sprite | None] = {}

    def sprite(self, number: int, episode: Episode, index: int) -> Sprite | None:
        key = (number, index)
        if key not in self._cache:
            if any(n != number for n, _ in self._cache):
                self._cache.clear()  # episodes come one after the other: keep one's sprites
            self._cache[key] = self._make(episode, index)
        return self._cache[key]

    def _make(self, episode: Episode, index: int) -> Sprite | None:
        mask = self.source.mask(episode.visit, index)
        frame = self.source.frames[index]
        if episode.mirror:
            mask, frame = mask[:, ::-1], frame[:, ::-1]
        ys, xs = np.nonzero(mask)
        if ys.size == 0:
            return None
        s = episode.scale
        width, height = self.size.width, self.size.height
        y_offset = height - self.source.height * s
        # Output box, widened to even coordinates, clipped to the frame.
        x0 = max(0, 2 * math.floor((xs.min() * s + episode.x_offset) / 2))
        y0 = max(0, 2 * math.floor((ys.min() * s + y_offset) / 2))
        x1 = min(width, 2 * math.ceil(((xs.max() + 1) * s + episode.x_offset) / 2))
        y1 = min(height, 2 * math.ceil(((ys.max() + 1) * s + y_offset) / 2))
        if x1 - x0 < 2 or y1 - y0 < 2:
            return None
        # Map the output box back to source pixels and resample it in one warp.
        warp = np.array(
            [[1 / s, 0, (x0 - episode.x_offset) / s], [0, 1 / s, (y0 - y_offset) / s]],
            np.float64,
        )
        size = (x1 - x0, y1 - y0)
        bgr = cv2.warpAffine(
            np.ascontiguousarray(frame), warp, size, flags=cv2.INTER_LINEAR + cv2.WARP_INVERSE_MAP
        )
        alpha = cv2.warpAffine(
            np.ascontiguousarray(mask, np.uint8) * 255,
            warp,
            size,
            flags=cv2.INTER_LINEAR + cv2.WARP_INVERSE_MAP,
        )
        h, w = size[1], size[0]
        i420 = cast(Image, cv2.cvtColor(bgr, cv2.COLOR_BGR2YUV_I420))
        chroma = i420[h:].reshape(2, h // 2, w // 2)
        half = cv2.resize(alpha, (w // 2, h // 2), interpolation=cv2.INTER_AREA)
        return Sprite(
            x=x0,
            y=y0,
            luma=i420[:h],
            u=np.ascontiguousarray(chroma[0]),
            v=np.ascontiguousarray(chroma[1]),
            mask=alpha >= 128,
            mask_half=half >= 128,
        )


def chroma_planes(frame: Image) -> tuple[Image, Image]:
    """The (h/2, w/2) U and V planes of an (h*3/2, w) I420 frame, as views.

    I420 chroma planes are pictures stored row after row in the (h/2, w) area below the
    luma; viewed as pictures, a box of them can be addressed."""
    height, width = frame.shape[0] * 2 // 3, frame.shape[1]
    u_plane = frame[height : height + height // 4].reshape(height // 2, width // 2)
    v_plane = frame[height + height // 4 :].reshape(height // 2, width // 2)
    return u_plane, v_plane


def paste(frame: Image, sprite: Sprite) -> None:
    """Paste `sprite` into an (h*3/2, w) I420 `frame` in place."""
    x, y = sprite.x, sprite.y
    h, w = sprite.luma.shape
    np.copyto(frame[y : y + h, x : x + w], sprite.luma, where=sprite.mask)
    u_plane, v_plane = chroma_planes(frame)
    cy, cx = y // 2, x // 2
    np.copyto(u_plane[cy : cy + h // 2, cx : cx + w // 2], sprite.u, where=sprite.mask_half)
    np.copyto(v_plane[cy : cy + h // 2, cx : cx + w // 2], sprite.v, where=sprite.mask_half)


def room(rng: np.random.Generator, size: Size) -> Image:
    """(height, width, 3) BGR picture of a windowless vault room: wall, floor, steel door,
    shelves of sealed boxes, a cabinet, ceiling light falloff and a lens vignette. Drawn at
    720p and scaled to `size` (the room's layout is in 720p pixels)."""
    picture = _room_720p(rng)
    if (size.width, size.height) == (1280, 720):
        return picture
    return cast(
        Image, cv2.resize(picture, (size.width, size.height), interpolation=cv2.INTER_CUBIC)
    )


def real_room(source: PersonSource, size: Size) -> Image:
    """(height, width, 3) BGR: the source clip's own room, empty (the per-pixel median of
    the stretch before its first visit), scaled up to `size` as a higher-resolution camera
    of the same scene would show it (smooth, without the clip's own compression noise once
    the fresh sensor noise is added)."""
    first, last = (source.index(s) for s in VISITS[0].empty)
    empty = np.median(source.frames[first : last + 1], axis=0).astype(np.uint8)
    return cast(Image, cv2.resize(empty, (size.width, size.height), interpolation=cv2.INTER_CUBIC))


WIDTH, HEIGHT = 1280, 720  # the synthetic room is laid out in these pixels


def _room_720p(rng: np.random.Generator) -> Image:
    horizon = 430
    img = np.zeros((HEIGHT, WIDTH, 3), np.float32)
    rows = np.arange(HEIGHT, dtype=np.float32)[:, None]
    wall = np.array([168, 178, 182], np.float32)
    floor = np.array([104, 116, 112], np.float32)
    img[:horizon] = wall * (0.92 + 0.1 * rows[:horizon] / horizon)[..., None]
    img[horizon:] = (
        floor * (0.85 + 0.2 * (rows[horizon:] - horizon) / (HEIGHT - horizon))[..., None]
    )
    canvas = img.astype(np.uint8)
    vanish = (WIDTH // 2, 180)
    for x in range(-1600, WIDTH + 1600, 160):  # floor tiles in perspective
        t = (horizon - vanish[1]) / (HEIGHT - vanish[1])
        top = int(vanish[0] + (x - vanish[0]) * t)
        cv2.line(canvas, (top, horizon), (x, HEIGHT), (92, 102, 99), 2, cv2.LINE_AA)
    for y in (452, 482, 522, 578, 652):
        cv2.line(canvas, (0, y), (WIDTH, y), (92, 102, 99), 2, cv2.LINE_AA)
    cv2.rectangle(canvas, (0, horizon - 14), (WIDTH, horizon), (120, 126, 128), -1)
    # Steel vault door with its wheel and bolts.
    cv2.rectangle(canvas, (110, 110), (340, horizon - 14), (128, 132, 135), -1)
    cv2.rectangle(canvas, (110, 110), (340, horizon - 14), (70, 72, 75), 4)
    cv2.circle(canvas, (225, 260), 48, (90, 92, 95), 6, cv2.LINE_AA)
    for angle in range(0, 360, 60):
        a = math.radians(angle)
        end = (int(225 + 48 * math.cos(a)), int(260 + 48 * math.sin(a)))
        cv2.line(canvas, (225, 260), end, (90, 92, 95), 5, cv2.LINE_AA)
    for y in range(140, horizon - 30, 50):
        cv2.circle(canvas, (128, y), 5, (60, 62, 64), -1)
        cv2.circle(canvas, (322, y), 5, (60, 62, 64), -1)
    # Shelving with sealed boxes of papers (labels on each).
    cv2.rectangle(canvas, (880, 70), (1250, horizon - 14), (80, 84, 88), 6)
    for shelf_y in (150, 235, 320, horizon - 20):
        cv2.rectangle(canvas, (880, shelf_y), (1250, shelf_y + 8), (70, 74, 78), -1)
        x = 892
        while x < 1230:
            w = int(rng.integers(50, 90))
            h = int(rng.integers(45, 72))
            if x + w > 1240:
                break
            shade = int(rng.integers(-12, 12))
            color = (60 + shade, 110 + shade, 150 + shade)
            cv2.rectangle(canvas, (x, shelf_y - h), (x + w, shelf_y - 1), color, -1)
            cv2.rectangle(canvas, (x + 10, shelf_y - h + 12), (x + w - 10, shelf_y - h + 26),
                          (225, 228, 230), -1)  # fmt: skip
            x += w + int(rng.integers(4, 14))
    # A steel cabinet with drawers.
    cv2.rectangle(canvas, (470, 210), (640, horizon - 14), (140, 146, 150), -1)
    for y in range(230, horizon - 20, 48):
        cv2.rectangle(canvas, (482, y), (628, y + 38), (118, 124, 128), 2)
        cv2.rectangle(canvas, (540, y + 15), (570, y + 22), (70, 72, 75), -1)
    # Ceiling light falloff, a lens vignette and some low-frequency texture.
    ys, xs = np.mgrid[0:HEIGHT, 0:WIDTH].astype(np.float32)
    light = 1.08 - 0.25 * (((xs - WIDTH / 2) / WIDTH) ** 2 + ((ys + 100) / HEIGHT) ** 2)
    texture = cv2.GaussianBlur(rng.normal(0, 6, (HEIGHT, WIDTH)).astype(np.float32), (0, 0), 6)
    lit = canvas.astype(np.float32) * light[..., None] + texture[..., None]
    return cast(Image, np.clip(lit, 0, 255).astype(np.uint8))


class NoiseBank:
    """Gaussian sensor noise for (h, w) uint8 planes, split in a positive and a negative part
    so that adding it is two saturating OpenCV calls; each frame takes a bank entry at a
    random offset, so consecutive frames never share a pattern."""

    def __init__(self, shape: tuple[int, int], sigma: float, rng: np.random.Generator) -> None:
        self.shape = shape
        self.rng = rng
        self.plus: list[Image] = []
        self.minus: list[Image] = []
        for _ in range(NOISE_BANK):
            noise = rng.normal(0, sigma, (shape[0] + NOISE_PAD, shape[1] + NOISE_PAD))
            levels = np.rint(noise).astype(np.int16)
            self.plus.append(np.clip(levels, 0, 255).astype(np.uint8))
            self.minus.append(np.clip(-levels, 0, 255).astype(np.uint8))

    def add(self, src: Image, dst: Image, frame: int) -> None:
        k = frame % NOISE_BANK
        dy, dx = (int(v) for v in self.rng.integers(0, NOISE_PAD, 2))
        h, w = self.shape
        cv2.add(src, self.plus[k][dy : dy + h, dx : dx + w], dst=dst)
        cv2.subtract(dst, self.minus[k][dy : dy + h, dx : dx + w], dst=dst)


class Clock:
    """The camera's on-screen date and time, burned in top-left over the noisy picture."""

    def __init__(self) -> None:  # the same 1-em text at 720p and 1080p, as NVRs draw it
        self._second = -1
        self._values = np.zeros((0, 0), np.uint8)
        self._mask = np.zeros((0, 0), np.bool_)

    def draw(self, frame: Image, t: float) -> None:
        second = int(t)
        if second != self._second:
            self._second = second
            text = (START + timedelta(seconds=second)).strftime("%Y-%m-%d %H:%M:%S  CH03")
            patch = np.zeros((48, 560), np.uint8)
            cv2.putText(patch, text, (8, 34), cv2.FONT_HERSHEY_SIMPLEX, 1.0, 1, 6, cv2.LINE_AA)
            outline = patch > 0
            patch[:] = 0
            cv2.putText(patch, text, (8, 34), cv2.FONT_HERSHEY_SIMPLEX, 1.0, 235, 2, cv2.LINE_AA)
            self._values = np.where(patch > 0, patch, 16).astype(np.uint8)
            self._mask = outline | (patch > 0)
        h, w = self._values.shape
        np.copyto(frame[12 : 12 + h, 16 : 16 + w], self._values, where=self._mask)
        # Neutral chroma under the text, so it stays white and black.
        u_plane, v_plane = chroma_planes(frame)
        half = self._mask[::2, ::2]
        for plane in (u_plane, v_plane):
            np.copyto(plane[6 : 6 + h // 2, 8 : 8 + w // 2], np.uint8(128), where=half)


def flicker(t: float, phases: npt.NDArray[np.float64]) -> int:
    """Grey levels added to the whole luma at `t`: mains beat and slow auto-exposure drift."""
    beat = 0.9 * math.sin(2 * math.pi * t / 1.7 + phases[0])
    ripple = 0.6 * math.sin(2 * math.pi * t / 0.43 + phases[1])
    drift = 1.5 * math.sin(2 * math.pi * t / 600.0 + phases[2])
    return round(beat + ripple + drift)


def render(
    out: Path,
    *,
    duration_s: float,
    episodes: Sequence[Episode],
    sprites: SpriteMaker,
    scene: Image,
    rng: np.random.Generator,
    encoding: Encoding,
    noise_sigma: float,
) -> list[tuple[float, float]]:
    """Encode the recording of the (h, w, 3) BGR `scene`; returns the output seconds
    [first, end) each episode's person is pasted in (end = last such frame + one frame)."""
    height, width = scene.shape[:2]
    background = cast(Image, cv2.cvtColor(scene, cv2.COLOR_BGR2YUV_I420))
    noise = NoiseBank(background.shape, noise_sigma, rng)
    phases = rng.uniform(0, 2 * math.pi, 3)
    clock = Clock()
    shown: list[list[float]] = [[math.inf, -math.inf] for _ in episodes]
    composed = np.empty_like(background)
    frame_buffer = np.empty_like(background)
    total = round(duration_s * FPS)
    started = time.perf_counter()
    with av.open(str(out), mode="w") as container:
        container.metadata["creation_time"] = START.replace(tzinfo=UTC).isoformat()
        stream = container.add_stream("libx264", rate=FPS)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.codec_context.gop_size = GOP
        if encoding.bitrate_mbit is not None:
            stream.codec_context.bit_rate = round(encoding.bitrate_mbit * 1e6)
        stream.options = encoding.options()
        for i in range(total):
            t = i / FPS
            base = background
            for number, episode in enumerate(episodes):
                source_s = episode.source_time(t)
                if source_s is None:
                    continue
                sprite = sprites.sprite(number, episode, sprites.source.index(source_s))
                if sprite is not None:
                    np.copyto(composed, background)
                    paste(composed, sprite)
                    base = composed
                    shown[number][0] = min(shown[number][0], t)
                    shown[number][1] = max(shown[number][1], t + 1 / FPS)
            noise.add(base, frame_buffer, i)
            level = flicker(t, phases)
            luma = frame_buffer[:height]
            # Saturating scalar add/subtract (OpenCV's stubs lack the Scalar overload).
            if level > 0:
                cv2.add(luma, (level, 0, 0, 0), dst=luma)  # type: ignore[call-overload]
            elif level < 0:
                cv2.subtract(luma, (-level, 0, 0, 0), dst=luma)  # type: ignore[call-overload]
            clock.draw(frame_buffer, t)
            frame = av.VideoFrame.from_ndarray(frame_buffer, format="yuv420p")
            frame.pts = i
            container.mux(stream.encode(frame))
            if i and i % (FPS * 300) == 0:
                rate = i / (time.perf_counter() - started)
                sys.stderr.write(f"  {t / 60:5.1f} min rendered, {rate:.0f} frames/s\n")
        container.mux(stream.encode(None))
    return [(a, b) for a, b in shown]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Generate a long vault-CCTV test recording.")
    parser.add_argument("--minutes", type=float, default=60.0)
    parser.add_argument("--out", type=Path, default=Path("/tmp/vault-60min.mp4"))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--episodes", type=int, help="episodes of activity (default: 3 an hour, at least 1)"
    )
    parser.add_argument(
        "--activity", type=float, default=0.1, help="largest fraction of time with a person"
    )
    parser.add_argument("--preset", default="ultrafast", help="x264 preset (ultrafast, veryfast)")
    parser.add_argument("--crf", type=int, default=CRF, help="x264 quality (lower: more bits)")
    parser.add_argument(
        "--bitrate",
        type=float,
        help="Mbit/s: encode to this target, capped at it (as NVRs do), instead of --crf",
    )
    parser.add_argument("--size", choices=sorted(SIZES), default="720p")
    parser.add_argument(
        "--noise",
        type=float,
        default=NOISE_SIGMA,
        help="sensor noise, grey levels (σ of fresh Gaussian noise every frame)",
    )
    parser.add_argument(
        "--scene",
        choices=["synthetic", "real"],
        default="synthetic",
        help="synthetic vault room, or the source clip's real room scaled up",
    )
    args = parser.parse_args(argv)
    size = SIZES[args.size]
    duration_s = args.minutes * 60
    count = args.episodes if args.episodes is not None else max(1, round(args.minutes / 20))
    rng = np.random.default_rng(args.seed)
    source = PersonSource(SOURCE_CLIP)
    real = args.scene == "real"
    episodes = plan_episodes(duration_s, count, args.activity, rng, source, size, real_scene=real)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    encoding = Encoding(args.preset, args.crf, args.bitrate)
    started = time.perf_counter()
    shown = render(
        args.out,
        duration_s=duration_s,
        episodes=episodes,
        sprites=SpriteMaker(source, size),
        scene=real_room(source, size) if real else room(rng, size),
        rng=rng,
        encoding=encoding,
        noise_sigma=args.noise,
    )
    elapsed = time.perf_counter() - started
    truth = {
        "video": args.out.name,
        "seed": args.seed,
        "minutes": args.minutes,
        "duration_s": duration_s,
        "fps": FPS,
        "width": size.width,
        "height": size.height,
        "gop": GOP,
        "preset": args.preset,
        "crf": None if args.bitrate is not None else args.crf,
        "bitrate_mbit": args.bitrate,
        "noise_sigma": args.noise,
        "scene": args.scene,
        "start": START.isoformat(),
        "source": f"{SOURCE_CLIP.name} (Intel IoT DevKit sample videos, CC-BY-4.0)",
        "episodes": [
            {**asdict(e), "person_from_s": a, "person_to_s": b}
            for e, (a, b) in zip(episodes, shown, strict=True)
        ],
    }
    truth_path = args.out.with_suffix(".json")
    truth_path.write_text(json.dumps(truth, indent=2) + "\n", encoding="utf-8")
    active = sum(b - a for a, b in shown)
    mbit = args.out.stat().st_size * 8 / duration_s / 1e6
    print(
        f"{args.out}: {args.minutes:g} min, {size.width}x{size.height}, "
        f"{args.out.stat().st_size / 1e6:.1f} MB ({mbit:.2f} Mbit/s)"
    )
    for n, (a, b) in enumerate(shown, 1):
        print(f"  episode {n}: person {_clock(a)} - {_clock(b)} ({a:.2f}-{b:.2f} s, {b - a:.1f} s)")
    print(f"  activity {active:.0f} s = {100 * active / duration_s:.1f} % of the recording")
    realtime = duration_s / elapsed
    print(f"rendered and encoded in {elapsed:.0f} s ({realtime:.1f}x real time); {truth_path}")


def _clock(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 3600:02d}:{whole // 60 % 60:02d}:{whole % 60:02d}"


if __name__ == "__main__":
    main()
