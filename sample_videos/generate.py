"""Render the committed sample footage: a synthetic vault camera and a handheld phone clip.

The vault camera `vault-a` is exported like a Hikvision NVR (`ch01_<start>_<end>.mp4`, local
time, Asia/Shanghai) and carries one planted instance of each continuity problem the analyzer
must find; `ground_truth.json` lists them. The handheld clip is clean: rotated, variable frame
rate, shaky, and must produce no finding. The custody scenario in `custody/` (a second vault
camera, a phone filming a move, the handover form, planted custody-rule violations listed under
`custody_violations`) is written by `custody_footage.py` on top of this module.

Everything is deterministic: the noise of a frame is seeded by its wall-clock time and x264 runs
single-threaded, so running this twice yields byte-identical files.

    python sample_videos/generate.py [--out DIR] [--jobs N]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import zlib
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from fractions import Fraction
from pathlib import Path
from typing import Protocol
from zoneinfo import ZoneInfo

import av
import cv2
import numpy as np
import numpy.typing as npt
from av.video.stream import VideoStream

Image = npt.NDArray[np.uint8]
"""A BGR picture, shape (h, w, 3), uint8 (OpenCV's channel order)."""
Point = tuple[float, float]
"""(x, y) in pixels."""
Color = tuple[int, int, int]
"""(b, g, r)."""

TIMEZONE = "Asia/Shanghai"
TZ = ZoneInfo(TIMEZONE)
SEED = 20261124
DAY_START = datetime(2026, 11, 24, 8, 0, 0, tzinfo=TZ)
MS = Fraction(1, 1000)

VAULT_CAMERA = "vault-a"
VAULT_CHANNEL = "ch01"
VAULT_LABEL = "VAULT-A CH01"
VAULT_SIZE = (640, 360)
VAULT_FPS = 10

HANDHELD_CAMERA = "handheld-1"
HANDHELD_START = datetime(2026, 11, 24, 8, 15, 0, tzinfo=TZ)
HANDHELD_DURATION_MS = 20_000
HANDHELD_VIEW = (270, 480)  # what the phone user sees: portrait (w, h)
HANDHELD_ROTATION = 90
HANDHELD_INTERVAL_MS = (55, 80)  # inclusive; mean ~67 ms, i.e. jitter around 15 fps
HANDHELD_NOMINAL_FPS = 15

# x264 settings shared by both cameras. threads=1: x264's output depends on its thread count,
# which otherwise follows the machine's core count; one thread gives the same bytes everywhere.
X264_OPTIONS = {"crf": "29", "preset": "medium", "threads": "1"}
# scenecut=0 keeps the GOP fixed at one second even across the cut to black, as cameras do.
VAULT_X264_PARAMS = "scenecut=0"
# mbtree=0: at 480 px width x264's macroblock-tree rate control gave different bytes from run to
# run (at 640 px it did not), which breaks the byte-identical check. Phone hardware encoders
# have no macroblock tree either.
HANDHELD_X264_PARAMS = "scenecut=0:mbtree=0"


class Problem(StrEnum):
    """Continuity problems, named like the analyzer's finding kinds."""

    COVERAGE_GAP = "coverage_gap"
    FROZEN_VIDEO = "frozen_video"
    BLACK_VIDEO = "black_video"
    TIMESTAMP_JUMP = "timestamp_jump"
    DECODE_ERROR = "decode_error"
    CLOCK_JUMP = "clock_jump"


# --------------------------------------------------------------------------------------------
# Scene
# --------------------------------------------------------------------------------------------


class Layer(Protocol):
    """Something drawn into the scene at a given time, on top of the static plate.

    Later work adds people and paper bundles as layers; they draw in scene (plate) coordinates
    so that the same layer works under a fixed and a handheld camera.
    """

    def draw(self, image: Image, t: float) -> None:
        """Draw into `image` (the scene, modified in place) as it is at `t` seconds of the day."""


@dataclass(frozen=True)
class Scene:
    """A static background plate plus moving layers.

    plate: (h, w, 3) BGR, never modified; layers are drawn in order onto a copy of it.
    """

    plate: Image
    layers: tuple[Layer, ...] = ()

    def at(self, t: float) -> Image:
        """The scene at `t` seconds of the day, (h, w, 3) BGR."""
        image = self.plate.copy()
        for layer in self.layers:
            layer.draw(image, t)
        return image


@dataclass(frozen=True)
class Sensor:
    """What the camera does to the light: slow lamp flicker and gaussian sensor noise.

    The noise of a frame is drawn from a generator seeded by (seed, camera, wall time in ms), so
    a frame is the same however often and in whatever order it is rendered.
    """

    camera: str
    noise_sigma: float
    flicker: float  # relative amplitude of the slow brightness wobble
    seed: int = SEED

    def gain(self, t: float) -> float:
        """Brightness factor at `t` seconds of the day; periods of several seconds (lamp drift)."""
        return (
            1.0
            + self.flicker * math.sin(2 * math.pi * t / 7.3)
            + 0.5 * self.flicker * math.sin(2 * math.pi * t / 2.9 + 1.0)
        )

    def expose(self, image: Image, t_ms: int) -> Image:
        """Apply flicker and noise to `image` (h, w, 3) for the frame at `t_ms` ms of the day.

        The noise is luma only (the same value on B, G and R): 4:2:0 encoding averages chroma
        noise away anyway, and one plane instead of three keeps generation fast.
        """
        rng = np.random.default_rng([self.seed, zlib.crc32(self.camera.encode()), t_ms])
        noise = rng.standard_normal(image.shape[:2], dtype=np.float32)
        lit = cv2.addWeighted(
            image,
            self.gain(t_ms / 1000),
            cv2.merge([noise] * 3),
            self.noise_sigma,
            0.0,
            dtype=cv2.CV_8U,
        )
        return np.asarray(lit, dtype=np.uint8)


def fill(image: Image, points: Sequence[Point], color: Color) -> None:
    """Fill the polygon `points` (x, y) with `color` (BGR), anti-aliased."""
    pts = np.round(np.array(points, dtype=np.float64) * 16).astype(np.int32)
    cv2.fillPoly(image, [pts], color, lineType=cv2.LINE_AA, shift=4)


def box(image: Image, x0: int, y0: int, x1: int, y1: int, color: Color) -> None:
    """Fill the axis-aligned rectangle [x0, x1] x [y0, y1] with `color` (BGR)."""
    cv2.rectangle(image, (x0, y0), (x1, y1), color, thickness=-1)


def line(image: Image, p0: Point, p1: Point, color: Color, w: int = 1) -> None:
    """Draw an anti-aliased line from p0 to p1 (x, y)."""
    a = (round(p0[0] * 16), round(p0[1] * 16))
    b = (round(p1[0] * 16), round(p1[1] * 16))
    cv2.line(image, a, b, color, w, lineType=cv2.LINE_AA, shift=4)


def shade(image: Image, center: Point, reach: float, strength: float) -> Image:
    """Light falling off from `center` (x, y): ceiling lamp plus lens vignetting.

    Pixels at the center keep their value, pixels `reach` away lose `strength` of it.
    """
    h, w = image.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    d = np.hypot(xx - center[0], yy - center[1]) / reach
    factor = 1.0 - strength * np.clip(d, 0, 1.5) ** 2
    lit: Image = np.clip(image * factor[..., None], 0, 255).astype(np.uint8)
    return lit


# Vault geometry (640 x 360), shared so later layers can stand on the floor and use the shelf.
VAULT_BACK_WALL_BOTTOM = 228
VAULT_VANISHING_POINT = (340.0, 40.0)
VAULT_SHELF_BOARDS = (96, 140, 184, 226)  # y of the rack's shelf boards, top to bottom
VAULT_SHELF_X = (262, 418)
VAULT_DOOR = (470, 64, 556, VAULT_BACK_WALL_BOTTOM)  # x0, y0, x1, y1 of the entry door


def floor_x(x_back: float, y: float) -> float:
    """Where a floor line that meets the back wall at `x_back` is at image row `y`."""
    vx, vy = VAULT_VANISHING_POINT
    return vx + (x_back - vx) * (y - vy) / (VAULT_BACK_WALL_BOTTOM - vy)


def draw_room(image: Image) -> None:
    """Back wall, left side wall, tiled floor and skirting."""
    h, w = image.shape[:2]
    ground = VAULT_BACK_WALL_BOTTOM
    wall = np.linspace(196, 164, ground, dtype=np.float32)  # lamp near the ceiling
    image[:ground] = (wall[:, None, None] * np.array([0.92, 1.0, 0.96])).astype(np.uint8)
    fill(image, [(0, 0), (70, 0), (70, ground), (0, ground + 62)], (138, 148, 142))
    fill(image, [(0, ground + 62), (70, ground), (w, ground), (w, h), (0, h)], (118, 121, 124))
    # tile joints: rows spaced by perspective, columns converging on the vanishing point
    for k in range(1, 9):
        y = ground + (h - ground) * (k / 8) ** 1.6
        line(image, (0, y), (w, y), (96, 98, 100))
    for x_back in range(-130, 800, 56):
        line(image, (x_back, ground), (floor_x(x_back, h), h), (96, 98, 100))
    box(image, 70, ground - 7, w, ground, (92, 96, 96))
    line(image, (70, 0), (70, ground), (120, 128, 124), 2)


def draw_entry_door(image: Image) -> None:
    """The steel entry door of the vault, right of the back wall, closed."""
    x0, y0, x1, y1 = VAULT_DOOR
    box(image, x0 - 5, y0 - 5, x1 + 5, y1, (90, 92, 94))
    box(image, x0, y0, x1, y1, (134, 136, 138))
    for y in range(y0 + 20, y1 - 10, 40):
        line(image, (x0 + 8, y), (x1 - 8, y), (120, 122, 124))
    box(image, x1 - 18, 142, x1 - 8, 150, (60, 60, 62))  # lever handle
    box(image, x1 - 16, 156, x1 - 10, 162, (40, 40, 40))  # key hole
    box(image, x0 + 24, y0 + 12, x0 + 62, y0 + 34, (36, 46, 170))  # red "secret room" sign
    box(image, x0 + 28, y0 + 18, x0 + 58, y0 + 28, (215, 220, 230))


def draw_cabinet(image: Image) -> None:
    """The grey steel secrecy cabinet, two doors with a dial and two key locks."""
    x0, y0, x1, y1 = 112, 64, 232, 252
    fill(image, [(x0 - 22, y0 + 10), (x0, y0), (x0, y1), (x0 - 22, y1 - 4)], (112, 114, 116))
    fill(image, [(x0 - 22, y0 + 10), (x0, y0), (x1, y0), (x1 - 18, y0 + 10)], (170, 172, 174))
    box(image, x0, y0, x1, y1, (148, 150, 152))
    mid = (x0 + x1) // 2
    line(image, (mid, y0 + 4), (mid, y1 - 10), (80, 82, 84), 2)
    for door_x in (x0 + 6, mid + 4):
        cv2.rectangle(image, (door_x, y0 + 6), (door_x + 50, y1 - 14), (128, 130, 132), 1)
    box(image, mid - 12, 140, mid - 7, 170, (70, 72, 74))  # handles
    box(image, mid + 7, 140, mid + 12, 170, (70, 72, 74))
    cv2.circle(image, (mid + 30, 110), 9, (60, 62, 64), -1, lineType=cv2.LINE_AA)  # dial
    cv2.circle(image, (mid + 30, 110), 3, (170, 172, 174), -1, lineType=cv2.LINE_AA)
    for kx in (mid - 26, mid + 26):  # the two key locks of "two people, two locks"
        cv2.circle(image, (kx, 186), 4, (40, 40, 42), -1, lineType=cv2.LINE_AA)
    for y in range(y1 - 40, y1 - 18, 5):  # vent slits
        line(image, (x0 + 14, y), (x0 + 44, y), (110, 112, 114))
    box(image, x0 + 2, y1, x0 + 10, y1 + 6, (50, 50, 50))  # feet
    box(image, x1 - 10, y1, x1 - 2, y1 + 6, (50, 50, 50))


def draw_shelf(image: Image) -> None:
    """An open steel rack where bundles will be stored (empty for now)."""
    x0, x1 = VAULT_SHELF_X
    top, bottom = VAULT_SHELF_BOARDS[0] - 8, VAULT_SHELF_BOARDS[-1] + 14
    box(image, x0 + 4, top, x1 - 4, bottom - 12, (150, 156, 152))  # wall seen through the rack
    for y in VAULT_SHELF_BOARDS:
        box(image, x0, y, x1, y + 5, (168, 170, 172))
        line(image, (x0, y + 6), (x1, y + 6), (84, 86, 88))
    for x in (x0, x1 - 6):
        box(image, x, top, x + 6, bottom, (74, 76, 80))


def draw_desk(image: Image) -> None:
    """A desk in the right foreground with a register book and a pen."""
    top = [(430, 282), (640, 270), (640, 322), (412, 336)]
    fill(image, top, (92, 118, 140))
    fill(image, [(412, 336), (640, 322), (640, 332), (412, 346)], (62, 80, 96))
    box(image, 420, 346, 430, 360, (52, 56, 60))  # leg
    fill(image, [(470, 292), (540, 288), (536, 312), (462, 316)], (120, 70, 40))  # register
    fill(image, [(505, 290), (507, 290), (503, 314), (501, 314)], (200, 200, 200))
    line(image, (556, 300), (600, 292), (30, 30, 30), 2)  # pen
    box(image, 596, 180, 608, 226, (40, 40, 190))  # fire extinguisher by the wall
    box(image, 599, 172, 605, 180, (40, 40, 40))


def vault_plate() -> Image:
    """Render the static vault background, (360, 640, 3) BGR."""
    w, h = VAULT_SIZE
    image = np.zeros((h, w, 3), dtype=np.uint8)
    draw_room(image)
    draw_entry_door(image)
    draw_cabinet(image)
    draw_shelf(image)
    draw_desk(image)
    # paint and concrete are never perfectly even: faint blotches, fixed for the whole day
    coarse = np.random.default_rng([SEED, 1]).standard_normal((h // 8, w // 8), dtype=np.float32)
    blotches = cv2.resize(
        cv2.GaussianBlur(coarse, (0, 0), 1.5), (w, h), interpolation=cv2.INTER_CUBIC
    )
    image = np.asarray(
        cv2.addWeighted(image, 1.0, cv2.merge([blotches] * 3), 5.0, 0.0, dtype=cv2.CV_8U),
        dtype=np.uint8,
    )
    image = shade(image, center=(330, -60), reach=620, strength=0.28)
    # a CCTV lens is not perfectly sharp; it also keeps hard edges from costing bits
    return np.asarray(cv2.GaussianBlur(image, (3, 3), 0.8), dtype=np.uint8)


def corridor_plate(width: int = 480, height: int = 800) -> Image:
    """Render a corridor in one-point perspective, portrait, larger than the phone's view.

    A pinhole camera 1.5 m above the floor looks down a 2.4 m wide, 2.8 m high corridor; the
    handheld camera pans over this plate.
    """
    image = np.zeros((height, width, 3), dtype=np.uint8)
    cx, cy, f = width / 2, height * 0.46, 330.0

    def p(x: float, y: float, z: float) -> Point:
        return (cx + f * x / z, cy - f * (y - 1.5) / z)

    near, far, half, top = 0.6, 26.0, 1.2, 2.8
    fill(
        image,
        [p(-half, top, near), p(half, top, near), p(half, top, far), p(-half, top, far)],
        (200, 204, 206),
    )  # ceiling
    fill(
        image,
        [p(-half, 0, near), p(half, 0, near), p(half, 0, far), p(-half, 0, far)],
        (104, 120, 132),
    )  # floor, warm grey
    for side, color in ((-half, (176, 188, 180)), (half, (166, 178, 170))):
        fill(
            image, [p(side, 0, near), p(side, top, near), p(side, top, far), p(side, 0, far)], color
        )
    fill(
        image,
        [p(-half, 0, far), p(half, 0, far), p(half, top, far), p(-half, top, far)],
        (150, 160, 156),
    )  # far end wall
    for z in np.arange(1.0, far, 0.8):
        line(image, p(-half, 0, z), p(half, 0, z), (88, 102, 112))
    for x in np.arange(-half, half + 0.01, 0.6):
        line(image, p(x, 0, near), p(x, 0, far), (88, 102, 112))
    for z0 in np.arange(2.0, far - 1, 3.0):  # ceiling lights
        fill(
            image,
            [p(-0.3, top, z0), p(0.3, top, z0), p(0.3, top, z0 + 0.9), p(-0.3, top, z0 + 0.9)],
            (250, 252, 252),
        )
    for i, z0 in enumerate(np.arange(2.5, far - 2, 4.5)):  # office doors, alternating sides
        side = -half if i % 2 == 0 else half
        fill(
            image,
            [p(side, 0, z0), p(side, 2.1, z0), p(side, 2.1, z0 + 1.0), p(side, 0, z0 + 1.0)],
            (70, 96, 128),
        )
        hx, hy = p(side, 1.0, z0 + 0.85)
        cv2.circle(image, (round(hx), round(hy)), max(1, round(12 / z0)), (40, 40, 40), -1)
    for side in (-half, half):  # skirting
        line(image, p(side, 0.1, near), p(side, 0.1, far), (90, 100, 100), 2)
    image = shade(image, center=(cx, cy), reach=700, strength=0.35)
    return np.asarray(cv2.GaussianBlur(image, (3, 3), 0.9), dtype=np.uint8)


@dataclass(frozen=True)
class HandheldPath:
    """A slow pan with hand shake, small roll and a slow push-in (walking), seeded."""

    view: tuple[int, int]  # output (w, h)
    seed: int = SEED

    def matrix(self, t: float) -> npt.NDArray[np.float64]:
        """2x3 affine matrix mapping plate pixels to view pixels at `t` s into the clip."""
        rng = np.random.default_rng([self.seed, 7])
        # shake as a sum of sines with seeded phases: smooth, bounded and cheap
        freqs = np.array([0.7, 1.3, 2.1, 3.4])
        phases = rng.uniform(0, 2 * np.pi, size=(3, freqs.size))
        amps = np.array([1.0, 0.6, 0.35, 0.2])
        shake = [float(np.sum(amps * np.sin(2 * np.pi * freqs * t + ph))) for ph in phases]
        pan_x = 55 * math.sin(2 * math.pi * t / 16.0) + 4.0 * shake[0]
        pan_y = 20 * math.sin(2 * math.pi * t / 11.0 + 0.5) + 3.5 * shake[1]
        roll = 1.2 * shake[2]
        zoom = 1.05 + 0.04 * t / 20.0
        plate_center = (240.0 + pan_x, 368.0 + pan_y)
        m = cv2.getRotationMatrix2D(plate_center, roll, zoom)
        m[0, 2] += self.view[0] / 2 - plate_center[0]
        m[1, 2] += self.view[1] / 2 - plate_center[1]
        return np.asarray(m, dtype=np.float64)

    def look(self, scene: Image, t: float) -> Image:
        """The view of `scene` at `t` s, shape (view h, view w, 3)."""
        view = cv2.warpAffine(
            scene, self.matrix(t), self.view, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT
        )
        return np.asarray(view, dtype=np.uint8)


# --------------------------------------------------------------------------------------------
# On-screen display
# --------------------------------------------------------------------------------------------

OSD_FONT = cv2.FONT_HERSHEY_SIMPLEX
OSD_SCALE = 0.55
OSD_THICKNESS = 1
# Hershey glyph advances grow with thickness, so the outline is the same text shifted one pixel
# around, not a thicker copy (which would drift out of register along the line).
OSD_OUTLINE = tuple((dx, dy) for dx in (-1, 0, 1) for dy in (-1, 0, 1) if dx or dy)


def osd_text(image: Image, text: str, origin: tuple[int, int]) -> None:
    """Burn `text` in white with a dark outline, like an NVR overlay, baseline at `origin`."""
    x, y = origin
    for dx, dy in OSD_OUTLINE:
        cv2.putText(
            image,
            text,
            (x + dx, y + dy),
            OSD_FONT,
            OSD_SCALE,
            (16, 16, 16),
            OSD_THICKNESS,
            cv2.LINE_AA,
        )
    cv2.putText(
        image, text, origin, OSD_FONT, OSD_SCALE, (250, 250, 250), OSD_THICKNESS, cv2.LINE_AA
    )


WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def clock_text(when: datetime) -> str:
    """The OSD clock, e.g. `2026-11-24 08:00:05 Tue` (whole seconds, like an NVR).

    The weekday comes from a fixed table: strftime's %a follows the locale.
    """
    return f"{when:%Y-%m-%d %H:%M:%S} {WEEKDAYS[when.weekday()]}"


def burn_osd(image: Image, when: datetime, label: str) -> None:
    """Clock top-left and camera label bottom-right, in place."""
    h, w = image.shape[:2]
    osd_text(image, clock_text(when), (10, 24))
    (tw, _), _ = cv2.getTextSize(label, OSD_FONT, OSD_SCALE, OSD_THICKNESS)
    osd_text(image, label, (w - tw - 12, h - 12))


# --------------------------------------------------------------------------------------------
# Segment plans: which frames each file holds
# --------------------------------------------------------------------------------------------


class Picture(StrEnum):
    """What a frame shows."""

    LIVE = "live"
    FROZEN = "frozen"  # an earlier frame's complete image, clock and noise included
    BLACK = "black"  # lost signal: black, the NVR still burns its clock in


@dataclass(frozen=True)
class Fault:
    """A planted problem inside a segment, `offset_ms` after its start, lasting `length_ms`."""

    kind: Problem
    offset_ms: int
    length_ms: int


@dataclass(frozen=True)
class SegmentPlan:
    """One NVR export file: its wall-clock start, its length and what goes wrong inside."""

    start: datetime
    duration_ms: int
    faults: tuple[Fault, ...] = ()
    truncate_fraction: float | None = None  # cut the written file to this share of its bytes

    @property
    def end(self) -> datetime:
        """The end the file name states."""
        return self.start + timedelta(milliseconds=self.duration_ms)

    @property
    def file_name(self) -> str:
        """Hikvision export name: `ch01_<start>_<end>.mp4`, local time."""
        fmt = "%Y%m%d%H%M%S"
        return f"{VAULT_CHANNEL}_{self.start.strftime(fmt)}_{self.end.strftime(fmt)}.mp4"


@dataclass(frozen=True)
class FrameSpec:
    """One encoded frame: its pts and duration in ms from the segment start, what it shows.

    `image_ms` is the segment time whose image is shown; it differs from `pts_ms` in a
    frozen stretch and after a cut (the clock shows a later time).
    """

    pts_ms: int
    duration_ms: int
    picture: Picture
    image_ms: int


def vault_plans() -> list[SegmentPlan]:
    """The vault-a day: contiguous segments, one gap, one fault per kind, last file truncated.

    Each fault sits at least 8 s away from its file's boundaries so that no two findings touch.
    """
    s = DAY_START

    def at(seconds: int) -> datetime:
        return s + timedelta(seconds=seconds)

    return [
        SegmentPlan(at(0), 25_000, (Fault(Problem.FROZEN_VIDEO, 8_000, 8_000),)),
        SegmentPlan(at(25), 25_000, (Fault(Problem.BLACK_VIDEO, 11_000, 4_000),)),
        # 08:00:50 - 08:01:02 is the coverage gap
        SegmentPlan(at(62), 28_000, (Fault(Problem.TIMESTAMP_JUMP, 10_000, 6_000),)),
        # 47 s cut out before export: the timestamps run on, the on-screen clock jumps.
        SegmentPlan(at(90), 22_000, (Fault(Problem.CLOCK_JUMP, 9_000, 47_000),)),
        SegmentPlan(at(112), 20_000),
        SegmentPlan(at(132), 30_000, truncate_fraction=0.6),
    ]


def frame_schedule(plan: SegmentPlan, fps: int) -> list[FrameSpec]:
    """The frames of a segment at constant `fps`, with its faults applied."""
    step = 1000 // fps
    frames: list[FrameSpec] = []
    for pts in range(0, plan.duration_ms, step):
        picture: Picture | None = Picture.LIVE
        image_ms = pts
        for fault in plan.faults:
            if fault.kind is Problem.CLOCK_JUMP:
                # Every frame after the cut shows the time `length_ms` later.
                if pts >= fault.offset_ms:
                    image_ms = pts + fault.length_ms
                continue
            inside = fault.offset_ms <= pts < fault.offset_ms + fault.length_ms
            if not inside:
                continue
            if fault.kind is Problem.TIMESTAMP_JUMP:
                picture = None  # frames never recorded: the pts jumps over them
            elif fault.kind is Problem.FROZEN_VIDEO:
                # a stuck camera keeps sending its last good image
                picture, image_ms = Picture.FROZEN, fault.offset_ms - step
            elif fault.kind is Problem.BLACK_VIDEO:
                picture = Picture.BLACK
        if picture is not None:
            frames.append(FrameSpec(pts, step, picture, image_ms))
    return frames


# --------------------------------------------------------------------------------------------
# Rendering and encoding
# --------------------------------------------------------------------------------------------


def ms_of_day(when: datetime) -> int:
    """Milliseconds since the sample day's first segment (seeds the noise)."""
    return round((when - DAY_START).total_seconds() * 1000)


def render_vault_frame(scene: Scene, sensor: Sensor, when: datetime, picture: Picture) -> Image:
    """One vault frame showing wall-clock `when`: scene, light, noise, OSD. (360, 640, 3)."""
    if picture is Picture.BLACK:
        image = np.zeros_like(scene.plate)  # RGB 0 encodes as luma 16 (limited range)
    else:
        t_ms = ms_of_day(when)
        image = sensor.expose(scene.at(t_ms / 1000), t_ms)
    burn_osd(image, when, VAULT_LABEL)
    return image


def vault_frames(
    plan: SegmentPlan, scene: Scene, sensor: Sensor
) -> Iterator[tuple[Image, int, int]]:
    """(image, pts ms, duration ms) for every frame of a vault segment."""
    cache: dict[int, Image] = {}
    for spec in frame_schedule(plan, VAULT_FPS):
        if spec.picture is Picture.FROZEN:
            if spec.image_ms not in cache:
                when = plan.start + timedelta(milliseconds=spec.image_ms)
                cache[spec.image_ms] = render_vault_frame(scene, sensor, when, Picture.LIVE)
            image = cache[spec.image_ms]
        else:
            when = plan.start + timedelta(milliseconds=spec.image_ms)
            image = render_vault_frame(scene, sensor, when, spec.picture)
        yield image, spec.pts_ms, spec.duration_ms


def encode_mp4(
    path: Path,
    frames: Iterable[tuple[Image, int, int]],
    *,
    size: tuple[int, int],
    rate: int,
    x264_params: str,
    rotation: int | None = None,
) -> None:
    """Encode (BGR image, pts ms, duration ms) frames to H.264 in MP4 with the index in front.

    size is (w, h) of the stored frames; rate the nominal frame rate; x264_params extra x264
    settings; rotation the display rotation in degrees counter-clockwise (phone orientation
    metadata), if any.
    """
    with av.open(str(path), "w", format="mp4", options={"movflags": "+faststart"}) as container:
        options = {**X264_OPTIONS, "x264-params": x264_params}
        stream = container.add_stream("libx264", rate=rate, options=options)
        stream.width, stream.height = size
        stream.pix_fmt = "yuv420p"
        stream.time_base = MS
        stream.codec_context.time_base = MS
        stream.codec_context.gop_size = rate  # a keyframe every second, like an NVR
        stream.codec_context.thread_count = 1
        if rotation is not None:
            stream.set_display_rotation(rotation)
        # x264 does not pass frame durations on; the MP4 muxer needs the last one to state the
        # file's duration, so put them back on the packets by pts
        durations: dict[int, int] = {}

        def mux(packets: Iterable[av.Packet[VideoStream]]) -> None:
            for packet in packets:
                if packet.pts is not None:
                    packet.duration = durations[packet.pts]
                container.mux(packet)

        for image, pts_ms, duration_ms in frames:
            frame = av.VideoFrame.from_ndarray(image, format="bgr24")
            frame.pts = pts_ms
            frame.time_base = MS
            durations[pts_ms] = duration_ms
            mux(stream.encode(frame))
        mux(stream.encode(None))


@dataclass(frozen=True)
class Probe:
    """What PyAV makes of a written file: declared duration and where decoding really ends."""

    duration_ms: int
    decoded_to_ms: int
    frames: int


def probe(path: Path, frame_ms: int) -> Probe:
    """Open `path` with PyAV and decode every frame it can, skipping packets that fail.

    decoded_to_ms is the latest decoded frame's pts plus `frame_ms` (its nominal duration).
    Packets are decoded one by one rather than through `container.decode()`, which stops at the
    first error and so loses the frames still buffered in the decoder for B-frame reordering.
    """
    last_pts_ms = -frame_ms
    frames = 0
    with av.open(str(path)) as container:
        if container.duration is None:
            raise RuntimeError(f"{path.name}: container states no duration")
        duration_ms = round(container.duration / 1000)  # AV_TIME_BASE is microseconds
        stream = container.streams.video[0]
        for packet in container.demux(stream):  # ends with an empty packet that flushes
            try:
                decoded = packet.decode()
            except av.error.FFmpegError:
                continue  # the cut-off packet of a truncated file
            for frame in decoded:
                if frame.pts is None or frame.time_base is None:
                    continue
                last_pts_ms = max(last_pts_ms, round(frame.pts * frame.time_base * 1000))
                frames += 1
    return Probe(duration_ms, last_pts_ms + frame_ms, frames)


def truncate(path: Path, fraction: float) -> tuple[int, int]:
    """Cut `path` to `fraction` of its bytes, like an interrupted copy; (kept, original) bytes."""
    data = path.read_bytes()
    kept = int(len(data) * fraction)
    path.write_bytes(data[:kept])
    return kept, len(data)


# --------------------------------------------------------------------------------------------
# Ground truth
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Truth:
    """One planted problem as the analyzer should report it."""

    kind: Problem
    camera: str
    start: datetime
    end: datetime
    note: str

    def as_json(self) -> dict[str, str]:
        """The ground_truth.json record."""
        return {
            "kind": str(self.kind),
            "camera": self.camera,
            "start": iso(self.start),
            "end": iso(self.end),
            "note": self.note,
        }


def iso(when: datetime) -> str:
    """ISO-8601 with offset; milliseconds only when the time has a fraction of a second."""
    return when.isoformat(timespec="milliseconds" if when.microsecond else "seconds")


def hms(when: datetime) -> str:
    """Short local time for notes, e.g. 08:00:07.9."""
    text = when.strftime("%H:%M:%S")
    return f"{text}.{when.microsecond // 100_000}" if when.microsecond else text


def fault_truths(plan: SegmentPlan) -> list[Truth]:
    """Ground truth of the faults inside one segment, from its frame schedule."""
    step = 1000 // VAULT_FPS
    truths = []
    for fault in plan.faults:
        first = plan.start + timedelta(milliseconds=fault.offset_ms)
        after = first + timedelta(milliseconds=fault.length_ms)
        seconds = fault.length_ms // 1000
        if fault.kind is Problem.FROZEN_VIDEO:
            shown = first - timedelta(milliseconds=step)
            note = (
                f"picture, clock and noise frozen for {seconds} s in {plan.file_name}: the frame "
                f"of {hms(shown)} is repeated, live video resumes at {hms(after)}"
            )
        elif fault.kind is Problem.BLACK_VIDEO:
            note = f"{seconds} s of black picture (clock still burned in) in {plan.file_name}"
        elif fault.kind is Problem.CLOCK_JUMP:
            # Reported between the last frame before the cut and the first after it.
            before = first - timedelta(milliseconds=step)
            note = (
                f"{seconds} s cut out of {plan.file_name} before export: the timestamps run on, "
                f"the on-screen clock jumps from {before:%H:%M:%S} to {after:%H:%M:%S}"
            )
            truths.append(Truth(fault.kind, VAULT_CAMERA, before, first, note))
            continue
        else:
            before = first - timedelta(milliseconds=step)
            note = (
                f"pts and clock jump forward {seconds} s in {plan.file_name}: frame at "
                f"{hms(before)} is followed by the frame at {hms(after)}"
            )
        truths.append(Truth(fault.kind, VAULT_CAMERA, first, after, note))
    return truths


# --------------------------------------------------------------------------------------------
# Cameras
# --------------------------------------------------------------------------------------------


def write_vault(out: Path) -> list[Truth]:
    """Write the vault-a segments into `out`/vault-a and return their ground truth."""
    folder = out / VAULT_CAMERA
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob(f"{VAULT_CHANNEL}_*.mp4"):
        stale.unlink()
    scene = Scene(vault_plate())
    sensor = Sensor(VAULT_CAMERA, noise_sigma=2.5, flicker=0.02)
    frame_ms = 1000 // VAULT_FPS
    truths: list[Truth] = []
    previous: SegmentPlan | None = None
    previous_end = DAY_START
    for plan in vault_plans():
        path = folder / plan.file_name
        frames = vault_frames(plan, scene, sensor)
        encode_mp4(path, frames, size=VAULT_SIZE, rate=VAULT_FPS, x264_params=VAULT_X264_PARAMS)
        full = probe(path, frame_ms)
        if full.duration_ms != plan.duration_ms:
            raise RuntimeError(f"{path.name}: container says {full.duration_ms} ms")
        # a file ends where its name starts plus what its container declares (not its name's end)
        ends = plan.start + timedelta(milliseconds=full.duration_ms)
        if previous is not None and plan.start > previous_end:
            missing = (plan.start - previous_end).total_seconds()
            note = f"{missing:g} s missing between {previous.file_name} and {plan.file_name}"
            truths.append(Truth(Problem.COVERAGE_GAP, VAULT_CAMERA, previous_end, plan.start, note))
        truths.extend(fault_truths(plan))
        if plan.truncate_fraction is not None:
            kept, total = truncate(path, plan.truncate_fraction)
            cut = probe(path, frame_ms)
            if cut.duration_ms != full.duration_ms or cut.frames == 0:
                raise RuntimeError(f"{path.name}: truncated file no longer opens as intended")
            decoded_to = plan.start + timedelta(milliseconds=cut.decoded_to_ms)
            note = (
                f"{plan.file_name} cut to {kept} of {total} bytes ({plan.truncate_fraction:.0%}, "
                f"an interrupted copy): {cut.frames} of {full.frames} frames decode, up to "
                f"{cut.decoded_to_ms / 1000:g} s of the {cut.duration_ms / 1000:g} s the "
                "container declares"
            )
            truths.append(Truth(Problem.DECODE_ERROR, VAULT_CAMERA, decoded_to, ends, note))
        previous, previous_end = plan, ends
    return truths


def handheld_schedule(seed: int = SEED) -> list[tuple[int, int]]:
    """(pts ms, duration ms) of the phone clip: seeded jittery intervals.

    Frames start while pts < 20 s, so the clip lasts 20 s plus at most one interval.
    """
    rng = np.random.default_rng([seed, 15])
    lo, hi = HANDHELD_INTERVAL_MS
    frames: list[tuple[int, int]] = []
    pts = 0
    while pts < HANDHELD_DURATION_MS:
        step = int(rng.integers(lo, hi + 1))
        frames.append((pts, step))
        pts += step
    return frames


def write_handheld(out: Path) -> Path:
    """Write the phone clip into `out`/handheld-1; no planted problems."""
    folder = out / HANDHELD_CAMERA
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("VID_*.mp4"):
        stale.unlink()
    path = folder / HANDHELD_START.strftime("VID_%Y%m%d_%H%M%S.mp4")
    scene = Scene(corridor_plate())
    camera = HandheldPath(HANDHELD_VIEW)
    sensor = Sensor(HANDHELD_CAMERA, noise_sigma=3.0, flicker=0.01)
    start_ms = ms_of_day(HANDHELD_START)

    def frames() -> Iterator[tuple[Image, int, int]]:
        for pts_ms, duration_ms in handheld_schedule():
            t = pts_ms / 1000
            view = sensor.expose(camera.look(scene.at(start_ms / 1000 + t), t), start_ms + pts_ms)
            # the sensor is landscape; a phone held upright stores the picture turned clockwise
            # and asks the player to turn it back (display rotation 90 counter-clockwise)
            stored = np.asarray(cv2.rotate(view, cv2.ROTATE_90_CLOCKWISE), dtype=np.uint8)
            yield stored, pts_ms, duration_ms

    stored = (HANDHELD_VIEW[1], HANDHELD_VIEW[0])
    encode_mp4(
        path,
        frames(),
        size=stored,
        rate=HANDHELD_NOMINAL_FPS,
        x264_params=HANDHELD_X264_PARAMS,
        rotation=HANDHELD_ROTATION,
    )
    return path


def generate(out: Path, workers: int | None = None) -> dict[str, object]:
    """Write all sample media and ground_truth.json into `out`; return the ground truth.

    Files are encoded in parallel by `workers` processes (default: the cores, at most 4);
    each file depends on nothing but its own frames, so the bytes do not depend on it.
    """
    # The custody scenario (custody_*.py) builds on this module's scene, sensor and encoder.
    from custody_footage import clear_media, media_jobs, write_form_and_truth

    out.mkdir(parents=True, exist_ok=True)
    clear_media(out)
    workers = workers or min(4, os.cpu_count() or 1)
    with ProcessPoolExecutor(max_workers=workers) as pool:
        custody_media = [pool.submit(job) for job in media_jobs(out)]
        vault = pool.submit(write_vault, out)
        handheld = pool.submit(write_handheld, out)
        custody = write_form_and_truth(out)
        truths = sorted(vault.result(), key=lambda truth: truth.start)
        handheld.result()
        for job in custody_media:
            job.result()
    truth: dict[str, object] = {
        "timezone": TIMEZONE,
        "problems": [t.as_json() for t in truths],
        "custody_violations": custody,
    }
    text = json.dumps(truth, indent=2, ensure_ascii=False) + "\n"
    (out / "ground_truth.json").write_text(text, encoding="utf-8")
    return truth


def main(argv: Sequence[str] | None = None) -> None:
    """Command line: generate into --out (default: this folder) and list what was written."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent)
    parser.add_argument("--jobs", type=int, default=None, help="encoding processes")
    args = parser.parse_args(argv)
    truth = generate(args.out, args.jobs)
    for path in sorted(args.out.rglob("*.mp4")):
        print(f"{path.relative_to(args.out)}  {path.stat().st_size} bytes")
    print(json.dumps(truth, indent=2))


if __name__ == "__main__":
    main()
