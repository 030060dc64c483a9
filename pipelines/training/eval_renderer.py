"""A second, independently written renderer of labelled bundle frames, for evaluation only.

Nothing here is shared with the training renderer (`synth_*`): drawing is done with Pillow's
`ImageDraw` (the training renderer paints with OpenCV), rooms are laid out on a horizon-and-
ground-plane model, bundles are oblique-projected cuboids with their own surface designs, people
are drawn from rounded primitives, and camera faults are Pillow filters plus numpy noise. No
model is ever trained on its frames: it measures whether a detector learned "sealed bundle"
or the training renderer's way of drawing one.

What it draws: kraft envelopes tied with string or sealed with a red strip, sealed plastic
bags (white, clear blue, grey) with heat-seal bands and barcodes, aluminium cases, plastic
crates and grey or blue document boxes; one at a time or stacked, on the floor, on tables, on
shelving racks, on platform trolleys, or held in front of a person's chest. Negatives: binders,
laptops, backpacks, monitors, printers, potted plants, waste bins, chairs, cardboard cartons,
shoe boxes, A4 reams, people carrying nothing.

Label rule (as the training set's, so the scores compare): a bundle with >= 40 % of its own
silhouette visible gets the box around its visible pixels, if that is >= 12 px each way;
10-40 % visible bundles are "ignore" boxes.

Frame i of seed s depends on (s, i) only. CLI:
``python -m pipelines.training.eval_renderer OUT --count 500 --seed 77``.
"""

from __future__ import annotations

import argparse
import io
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageDraw, ImageEnhance, ImageFilter

from pipelines.training.synth_bundles import SynthSample

EVAL_SEED = 31_337_000
"""Seed of the 500 independent evaluation frames reported in models/README.md."""
RGB = tuple[int, int, int]
Point = tuple[float, float]
_FIRST_OTHER_ID = 10_000  # ids at or above are not bundles (people, furniture, decoys)
_MIN_SIDE = 12.0


@dataclass
class Frame:
    """A frame being drawn: the picture, an object-id map (0 = background), bookkeeping."""

    rng: np.random.Generator
    image: Image.Image
    ids: Image.Image
    horizon: float
    px_per_cm_at_bottom: float
    bundles: dict[int, int] = field(default_factory=dict)
    """bundle id -> pixels of its own silhouette (before anything covered it)."""
    next_bundle: int = 1
    next_other: int = _FIRST_OTHER_ID

    def __post_init__(self) -> None:
        self.draw = ImageDraw.Draw(self.image)
        self.id_draw = ImageDraw.Draw(self.ids)

    @property
    def size(self) -> tuple[int, int]:
        return self.image.size

    def scale_at(self, y: float) -> float:
        """px per cm of the ground plane at image row y (0 at the horizon)."""
        w, h = self.size
        return max(0.0, (y - self.horizon) / (h - self.horizon)) * self.px_per_cm_at_bottom

    def shape(self, points: Sequence[Point], colour: RGB, owner: int) -> None:
        """Fill a polygon in the picture and claim its pixels for `owner`."""
        pts = [(float(x), float(y)) for x, y in points]
        self.draw.polygon(pts, fill=colour)
        self.id_draw.polygon(pts, fill=owner)

    def ellipse(self, box: Sequence[float], colour: RGB, owner: int) -> None:
        self.draw.ellipse(list(box), fill=colour)
        self.id_draw.ellipse(list(box), fill=owner)

    def line(self, pts: Sequence[Point], colour: RGB, width: int, owner: int | None) -> None:
        self.draw.line([(float(x), float(y)) for x, y in pts], fill=colour, width=max(1, width))
        if owner is not None:
            self.id_draw.line([(float(x), float(y)) for x, y in pts], fill=owner, width=width)

    def new_bundle(self, silhouette: Sequence[Point]) -> int:
        """Register a bundle by its full silhouette; returns its id."""
        bid = self.next_bundle
        self.next_bundle += 1
        mask = Image.new("1", self.size, 0)
        ImageDraw.Draw(mask).polygon([(float(x), float(y)) for x, y in silhouette], fill=1)
        self.bundles[bid] = int(np.count_nonzero(np.asarray(mask)))
        return bid

    def other(self) -> int:
        self.next_other += 1
        return self.next_other


# ----------------------------------------------------------------------------- colours


def _pick(rng: np.random.Generator, colours: Sequence[RGB]) -> RGB:
    return colours[int(rng.integers(len(colours)))]


def _jitter(rng: np.random.Generator, colour: RGB, amount: float) -> RGB:
    c = np.asarray(colour, float) * rng.uniform(1 - amount, 1 + amount)
    return (int(min(c[0], 255)), int(min(c[1], 255)), int(min(c[2], 255)))


def _shade(colour: RGB, f: float) -> RGB:
    return (
        int(min(colour[0] * f, 255)),
        int(min(colour[1] * f, 255)),
        int(min(colour[2] * f, 255)),
    )


def _kraft(rng: np.random.Generator) -> RGB:
    return _jitter(rng, (196, 160, 112), 0.12)


# ----------------------------------------------------------------------------- room


def _room(rng: np.random.Generator, w: int, h: int, phone: bool) -> Frame:
    horizon = h * (rng.uniform(-0.1, 0.35) if not phone else rng.uniform(0.15, 0.6))
    walls = [(225, 222, 210), (200, 210, 220), (235, 230, 225), (180, 190, 170), (150, 150, 160)]
    floors = [(120, 110, 100), (170, 160, 150), (90, 100, 110), (150, 120, 90), (200, 200, 195)]
    wall = _jitter(rng, _pick(rng, walls), 0.08)
    floor = _jitter(rng, _pick(rng, floors), 0.1)
    image = Image.new("RGB", (w, h), wall)
    ids = Image.new("I", (w, h), 0)
    bottom = rng.uniform(4.0, 9.0) if phone else rng.uniform(1.6, 3.6)
    frame = Frame(rng, image, ids, horizon, bottom * w / 640)
    base = max(horizon, 0) + (h - max(horizon, 0)) * rng.uniform(0.0, 0.25)
    frame.draw.rectangle([0, base, w, h], fill=floor)
    frame.draw.rectangle([0, base - 4, w, base + 2], fill=_shade(wall, 0.6))  # skirting
    # Floor pattern: tiles converge on a vanishing point; planks run across.
    vx = w * rng.uniform(0.2, 0.8)
    kind = rng.integers(3)
    line_col = _shade(floor, rng.uniform(0.75, 0.9))
    if kind == 0:
        for k in range(-12, 13):
            frame.draw.line([(vx, horizon), (vx + k * w / 5, h * 3)], fill=line_col, width=1)
    if kind in (0, 1):
        y = base + 6
        step = 6.0
        while y < h:
            frame.draw.line([(0, y), (w, y)], fill=line_col, width=1)
            step *= 1.35
            y += step
    # Wall things: door, window, notice board, a clock.
    for _ in range(int(rng.integers(0, 4))):
        x0 = rng.uniform(0, w * 0.9)
        ww = rng.uniform(0.06, 0.22) * w
        top = rng.uniform(0, max(base - 40, 1))
        colour = _jitter(rng, (120, 90, 60) if rng.random() < 0.4 else (240, 240, 250), 0.2)
        bottom_y = min(base, top + ww * rng.uniform(0.6, 2.2))
        if bottom_y - top < 4:  # no wall left above the floor line
            continue
        frame.draw.rectangle(
            [x0, top, x0 + ww, bottom_y],
            fill=colour,
            outline=_shade(colour, 0.5),
        )
    return frame


# ----------------------------------------------------------------------------- cuboids


@dataclass(frozen=True)
class Cuboid:
    """An oblique projection: front face rectangle plus a top face sheared by `skew`."""

    x: float
    """centre of the front-bottom edge, image pixels"""
    y: float
    width: float
    height: float
    depth: float
    skew: float

    @property
    def front(self) -> list[Point]:
        x0, x1 = self.x - self.width / 2, self.x + self.width / 2
        return [(x0, self.y - self.height), (x1, self.y - self.height), (x1, self.y), (x0, self.y)]

    @property
    def top(self) -> list[Point]:
        (a, b, _, _) = self.front
        dx = self.depth * self.skew
        return [a, b, (b[0] + dx, b[1] - self.depth), (a[0] + dx, a[1] - self.depth)]

    @property
    def side(self) -> list[Point]:
        _, b, c, _ = self.front
        dx = self.depth * self.skew
        if dx >= 0:
            return [b, (b[0] + dx, b[1] - self.depth), (c[0] + dx, c[1] - self.depth), c]
        a, d = self.front[0], self.front[3]
        return [a, (a[0] + dx, a[1] - self.depth), (d[0] + dx, d[1] - self.depth), d]

    @property
    def outline(self) -> list[Point]:
        pts = np.asarray(self.front + self.top + self.side)
        order = np.argsort(np.arctan2(pts[:, 1] - pts[:, 1].mean(), pts[:, 0] - pts[:, 0].mean()))
        hull = _convex_hull(pts)
        return (
            [(float(x), float(y)) for x, y in hull]
            if len(hull) >= 3
            else [(float(x), float(y)) for x, y in pts[order]]
        )


def _convex_hull(pts: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Monotone-chain hull of (n, 2) points."""
    p = sorted({(round(x, 3), round(y, 3)) for x, y in pts})
    if len(p) < 3:
        return np.asarray(p)

    def cross(o: tuple[float, float], a: tuple[float, float], b: tuple[float, float]) -> float:
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    lower: list[tuple[float, float]] = []
    for q in p:
        while len(lower) >= 2 and cross(lower[-2], lower[-1], q) <= 0:
            lower.pop()
        lower.append(q)
    upper: list[tuple[float, float]] = []
    for q in reversed(p):
        while len(upper) >= 2 and cross(upper[-2], upper[-1], q) <= 0:
            upper.pop()
        upper.append(q)
    return np.asarray(lower[:-1] + upper[:-1])


def _lerp(a: Point, b: Point, t: float) -> Point:
    return (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t)


def _quad_point(q: Sequence[Point], u: float, v: float) -> Point:
    """Point at (u, v) in [0, 1]^2 of a quad given tl, tr, br, bl."""
    return _lerp(_lerp(q[0], q[1], u), _lerp(q[3], q[2], u), v)


def _sub_quad(q: Sequence[Point], u0: float, v0: float, u1: float, v1: float) -> list[Point]:
    return [
        _quad_point(q, u0, v0),
        _quad_point(q, u1, v0),
        _quad_point(q, u1, v1),
        _quad_point(q, u0, v1),
    ]


def _scribble(f: Frame, q: Sequence[Point], colour: RGB, rows: int) -> None:
    """Lines of 'text' across a quad: short dashes of varying length."""
    rng = f.rng
    for r in range(rows):
        v = (r + 0.5) / rows
        u = rng.uniform(0.0, 0.15)
        while u < 0.9:
            du = rng.uniform(0.05, 0.25)
            f.line([_quad_point(q, u, v), _quad_point(q, min(u + du, 0.95), v)], colour, 1, None)
            u += du + rng.uniform(0.03, 0.08)


# ----------------------------------------------------------------------------- bundle designs


def _design(f: Frame, kind: str, c: Cuboid, bid: int) -> None:
    """Paint one bundle cuboid of `kind` and claim its pixels for `bid`."""
    rng = f.rng
    if kind == "envelope":
        base = _kraft(rng)
    elif kind == "bag":
        base = _jitter(
            rng,
            _pick(rng, [(236, 238, 240), (170, 200, 235), (205, 205, 210)]),
            0.05,
        )
    elif kind == "alu":
        base = _jitter(rng, (196, 200, 204), 0.08)
    elif kind == "crate":
        base = _jitter(
            rng,
            _pick(rng, [(200, 60, 40), (40, 120, 60), (40, 80, 170), (230, 150, 40), (70, 70, 75)]),
            0.1,
        )
    else:  # document box
        base = _jitter(rng, _pick(rng, [(150, 155, 160), (60, 90, 160)]), 0.1)
    light = rng.uniform(0.95, 1.15)
    f.shape(c.side, _shade(base, 0.62 * light), bid)
    f.shape(c.front, _shade(base, 0.8 * light), bid)
    f.shape(c.top, _shade(base, 1.0 * light), bid)
    top = c.top
    # top = [front-left, front-right, back-right, back-left]; reorder to tl, tr, br, bl
    q = [top[3], top[2], top[1], top[0]]
    edge = _shade(base, 0.5)
    f.draw.polygon([(float(x), float(y)) for x, y in c.outline], outline=edge)
    if kind == "envelope":
        if rng.random() < 0.5:  # string-and-button closure
            f.ellipse([*_quad_point(q, 0.47, 0.12), *_quad_point(q, 0.53, 0.2)], (150, 40, 30), bid)
            f.line(
                [_quad_point(q, 0.5, 0.16), _quad_point(q, 0.3, 0.5), _quad_point(q, 0.6, 0.7)],
                (230, 230, 220),
                1,
                None,
            )
        else:  # red seal strip with a stamp
            f.shape(_sub_quad(q, 0.0, 0.42, 1.0, 0.56), (200, 30, 35), bid)
            f.ellipse([*_quad_point(q, 0.42, 0.38), *_quad_point(q, 0.58, 0.6)], (170, 20, 30), bid)
        if rng.random() < 0.7:
            f.shape(_sub_quad(q, 0.1, 0.65, 0.7, 0.92), (245, 245, 240), bid)
            _scribble(f, _sub_quad(q, 0.12, 0.67, 0.68, 0.9), (40, 40, 40), 3)
        if rng.random() < 0.5:
            _scribble(f, _sub_quad(q, 0.1, 0.05, 0.9, 0.35), (60, 40, 30), 2)
    elif kind == "bag":
        f.shape(_sub_quad(q, 0.0, 0.0, 1.0, 0.08), _shade(base, 0.85), bid)  # heat seal
        for _ in range(int(rng.integers(3, 9))):
            a = _quad_point(q, rng.uniform(0, 1), rng.uniform(0.1, 1))
            b = _quad_point(q, rng.uniform(0, 1), rng.uniform(0.1, 1))
            f.line([a, b], (255, 255, 255), 1, None)
        bq = _sub_quad(q, 0.6, 0.7, 0.92, 0.9)
        f.shape(bq, (250, 250, 250), bid)
        for k in range(14):
            if rng.random() < 0.6:
                f.line(
                    [
                        _quad_point(bq, 0.05 + k * 0.065, 0.1),
                        _quad_point(bq, 0.05 + k * 0.065, 0.9),
                    ],
                    (10, 10, 10),
                    1,
                    None,
                )
        if rng.random() < 0.6:
            f.shape(_sub_quad(q, 0.1, 0.2, 0.5, 0.45), (250, 250, 245), bid)
            _scribble(f, _sub_quad(q, 0.12, 0.22, 0.48, 0.43), (30, 30, 120), 2)
    else:
        fr = c.front
        lock = _sub_quad(fr, 0.45, 0.15, 0.55, 0.55)
        f.shape(lock, (60, 60, 65) if kind != "alu" else (120, 120, 125), bid)
        if kind == "alu":
            for u in (0.02, 0.98):
                f.line([_quad_point(fr, u, 0), _quad_point(fr, u, 1)], (120, 120, 125), 2, None)
            f.line([_quad_point(q, 0, 0.5), _quad_point(q, 1, 0.5)], (150, 150, 155), 1, None)
        if kind == "crate":
            for u in np.linspace(0.1, 0.9, 5):
                f.line(
                    [_quad_point(fr, u, 0.2), _quad_point(fr, u, 0.9)], _shade(base, 0.6), 1, None
                )
        if rng.random() < 0.6:
            f.shape(_sub_quad(q, 0.15, 0.3, 0.55, 0.6), (250, 250, 250), bid)
            _scribble(f, _sub_quad(q, 0.17, 0.32, 0.53, 0.58), (20, 20, 20), 2)
        if rng.random() < 0.5:
            f.shape(_sub_quad(q, 0.0, 0.45, 1.0, 0.55), (210, 30, 40), bid)


_DIMS = {  # width, depth, height in cm
    "envelope": ((24, 40), (17, 30), (2, 7)),
    "bag": ((26, 46), (20, 34), (4, 12)),
    "alu": ((38, 60), (28, 42), (16, 30)),
    "crate": ((36, 58), (26, 40), (16, 32)),
    "box": ((30, 52), (22, 38), (14, 30)),
}
_KINDS = ("envelope", "bag", "alu", "crate", "box")
_KIND_P = (0.34, 0.2, 0.14, 0.14, 0.18)


def _stack(f: Frame, x: float, y: float, s: float, elev: float, tilt_top: bool = True) -> None:
    """A stack of 1-5 same-kind bundles standing at (x, y) with scale s px/cm."""
    rng = f.rng
    kind = str(rng.choice(_KINDS, p=_KIND_P))
    n = int(rng.integers(1, 3 if kind in ("alu", "crate", "box") else 6))
    (w0, w1), (d0, d1), (h0, h1) = _DIMS[kind]
    w_cm, d_cm, h_cm = rng.uniform(w0, w1), rng.uniform(d0, d1), rng.uniform(h0, h1)
    skew = rng.uniform(-0.6, 0.6)
    base_y = y
    for _ in range(n):
        c = Cuboid(
            x + rng.uniform(-2, 2) * s,
            base_y,
            w_cm * s * rng.uniform(0.95, 1.05),
            h_cm * s * np.cos(np.radians(elev)),
            d_cm * s * np.sin(np.radians(elev)) if tilt_top else d_cm * s * 0.15,
            skew,
        )
        bid = f.new_bundle(c.outline)
        _design(f, kind, c, bid)
        base_y -= c.height


# ----------------------------------------------------------------------------- furniture


def _table(f: Frame, x: float, y: float, s: float, elev: float) -> tuple[float, float, float]:
    """A table whose front legs stand on row y; returns where things stand on its top."""
    w_cm, d_cm, h_cm = f.rng.uniform(90, 160), f.rng.uniform(50, 80), 75.0
    top_col = _jitter(f.rng, (170, 130, 90) if f.rng.random() < 0.5 else (210, 210, 205), 0.1)
    owner = f.other()
    legs = _shade(top_col, 0.5)
    top_y = y - h_cm * s * np.cos(np.radians(elev))
    depth = d_cm * s * np.sin(np.radians(elev))
    for lx in (x - w_cm * s / 2 + 3, x + w_cm * s / 2 - 6):
        f.shape([(lx, top_y), (lx + 3 * s, top_y), (lx + 3 * s, y), (lx, y)], legs, owner)
    c = Cuboid(x, top_y + 3 * s, w_cm * s, 3 * s, depth, f.rng.uniform(-0.3, 0.3))
    f.shape(c.top, top_col, owner)
    f.shape(c.front, _shade(top_col, 0.7), owner)
    return x + f.rng.uniform(-0.3, 0.3) * w_cm * s, top_y - depth * 0.4, s


def _rack(f: Frame, x: float, y: float, s: float) -> list[tuple[float, float, float]]:
    """A steel shelving rack; returns a standing spot per shelf."""
    w_cm, h_cm = f.rng.uniform(90, 150), f.rng.uniform(150, 200)
    owner = f.other()
    steel = _jitter(f.rng, (110, 115, 125) if f.rng.random() < 0.6 else (60, 90, 150), 0.1)
    x0, x1 = x - w_cm * s / 2, x + w_cm * s / 2
    for ux in (x0, x1 - 4 * s):
        f.shape(
            [(ux, y - h_cm * s), (ux + 4 * s, y - h_cm * s), (ux + 4 * s, y), (ux, y)], steel, owner
        )
    spots = []
    shelves = int(f.rng.integers(3, 5))
    for k in range(shelves):
        sy = y - k * h_cm * s / shelves - 8 * s
        board = _jitter(f.rng, (150, 150, 150), 0.15)
        f.shape([(x0, sy - 4 * s), (x1, sy - 4 * s), (x1, sy), (x0, sy)], board, owner)
        spots.append((x + f.rng.uniform(-0.3, 0.3) * w_cm * s, sy - 4 * s, s))
    return spots


def _trolley(f: Frame, x: float, y: float, s: float) -> tuple[float, float, float]:
    """A flat-bed platform trolley with a push handle; returns its bed's standing spot."""
    owner = f.other()
    w_cm = f.rng.uniform(70, 100)
    bed_col = _jitter(f.rng, (40, 110, 60) if f.rng.random() < 0.4 else (60, 60, 70), 0.15)
    x0, x1 = x - w_cm * s / 2, x + w_cm * s / 2
    bed_y = y - 16 * s
    for wx in (x0 + 6 * s, x1 - 6 * s):
        f.ellipse([wx - 6 * s, y - 12 * s, wx + 6 * s, y], (20, 20, 20), owner)
    f.shape([(x0, bed_y - 4 * s), (x1, bed_y - 4 * s), (x1, bed_y), (x0, bed_y)], bed_col, owner)
    hx = x1 if f.rng.random() < 0.5 else x0
    f.line(
        [(hx, bed_y), (hx, bed_y - 90 * s), (hx - 25 * s * np.sign(hx - x), bed_y - 95 * s)],
        (70, 70, 75),
        max(2, int(3 * s)),
        owner,
    )
    return x + f.rng.uniform(-0.2, 0.2) * w_cm * s, bed_y - 4 * s, s


def _decoy(f: Frame, x: float, y: float, s: float, elev: float) -> None:
    """Something on the floor or a table that is not a bundle."""
    rng = f.rng
    kind = int(rng.integers(8))
    owner = f.other()
    if kind == 0:  # binder
        c = Cuboid(x, y, 5 * s, 32 * s, 3 * s, 0.3)
        col = _jitter(
            rng,
            _pick(rng, [(200, 40, 40), (30, 60, 160), (30, 30, 30)]),
            0.1,
        )
        f.shape(c.front, col, owner)
        f.ellipse([x - 2 * s, y - 22 * s, x + 2 * s, y - 18 * s], (240, 240, 240), owner)
    elif kind == 1:  # laptop / monitor
        f.shape(
            [(x - 25 * s, y), (x + 25 * s, y), (x + 25 * s, y - 30 * s), (x - 25 * s, y - 30 * s)],
            (25, 25, 30),
            owner,
        )
        f.shape(
            [
                (x - 23 * s, y - 2 * s),
                (x + 23 * s, y - 2 * s),
                (x + 23 * s, y - 28 * s),
                (x - 23 * s, y - 28 * s),
            ],
            _jitter(rng, (60, 90, 140), 0.3),
            owner,
        )
    elif kind == 2:  # backpack
        col = _jitter(rng, _pick(rng, [(40, 40, 50), (150, 40, 40), (50, 90, 60)]), 0.1)
        f.ellipse([x - 16 * s, y - 45 * s, x + 16 * s, y], col, owner)
        f.ellipse([x - 10 * s, y - 20 * s, x + 10 * s, y - 4 * s], _shade(col, 0.7), owner)
    elif kind == 3:  # potted plant
        f.shape(
            [(x - 12 * s, y), (x + 12 * s, y), (x + 15 * s, y - 25 * s), (x - 15 * s, y - 25 * s)],
            (150, 80, 50),
            owner,
        )
        for _ in range(7):
            r = rng.uniform(8, 16) * s
            cx, cy = x + rng.uniform(-20, 20) * s, y - rng.uniform(35, 70) * s
            f.ellipse([cx - r, cy - r, cx + r, cy + r], _jitter(rng, (50, 120, 50), 0.25), owner)
    elif kind == 4:  # waste bin
        f.shape(
            [(x - 14 * s, y), (x + 14 * s, y), (x + 17 * s, y - 35 * s), (x - 17 * s, y - 35 * s)],
            _jitter(rng, (90, 90, 100), 0.3),
            owner,
        )
    elif kind == 5:  # carton
        c = Cuboid(
            x,
            y,
            rng.uniform(30, 60) * s,
            rng.uniform(25, 50) * s * np.cos(np.radians(elev)),
            rng.uniform(25, 50) * s * np.sin(np.radians(elev)),
            rng.uniform(-0.5, 0.5),
        )
        col = _jitter(rng, (165, 125, 80), 0.1)
        f.shape(c.side, _shade(col, 0.6), owner)
        f.shape(c.front, _shade(col, 0.8), owner)
        f.shape(c.top, col, owner)
        f.line([_quad_point(c.top, 0, 0.5), _quad_point(c.top, 1, 0.5)], (200, 180, 150), 2, None)
    elif kind == 6:  # ream of A4 paper
        c = Cuboid(x, y, 30 * s, 5 * s, 21 * s * np.sin(np.radians(elev)), 0.2)
        f.shape(c.front, (240, 240, 240), owner)
        f.shape(c.top, _jitter(rng, (60, 100, 190), 0.3), owner)
    else:  # office chair
        col = _jitter(rng, (40, 40, 45), 0.3)
        f.shape(
            [
                (x - 22 * s, y - 45 * s),
                (x + 22 * s, y - 45 * s),
                (x + 22 * s, y - 52 * s),
                (x - 22 * s, y - 52 * s),
            ],
            col,
            owner,
        )
        f.shape(
            [
                (x - 20 * s, y - 52 * s),
                (x + 20 * s, y - 52 * s),
                (x + 18 * s, y - 100 * s),
                (x - 18 * s, y - 100 * s),
            ],
            col,
            owner,
        )
        f.line([(x, y - 45 * s), (x, y)], (90, 90, 90), max(1, int(3 * s)), owner)


def _person(f: Frame, x: float, y: float, s: float, elev: float, carrying: bool) -> None:
    """A standing person from rounded primitives; with a stack held in front when carrying."""
    rng = f.rng
    owner = f.other()
    sq = float(np.clip(np.cos(np.radians(elev)) * 1.15, 0.55, 1.0))
    hh = 175 * s * sq
    skin = _jitter(rng, (205, 165, 135) if rng.random() < 0.6 else (150, 105, 80), 0.1)
    cr, cg, cb = (int(v) for v in rng.integers(20, 230, 3))
    coat = (cr, cg, cb)
    legs = _jitter(rng, (45, 50, 70), 0.3)
    f.shape(
        [(x - 14 * s, y - hh * 0.5), (x - 2 * s, y - hh * 0.5), (x - 3 * s, y), (x - 13 * s, y)],
        legs,
        owner,
    )
    f.shape(
        [(x + 2 * s, y - hh * 0.5), (x + 14 * s, y - hh * 0.5), (x + 13 * s, y), (x + 3 * s, y)],
        legs,
        owner,
    )
    f.draw.rounded_rectangle(
        [x - 21 * s, y - hh * 0.83, x + 21 * s, y - hh * 0.45], radius=max(1, int(6 * s)), fill=coat
    )
    f.id_draw.rectangle([x - 21 * s, y - hh * 0.83, x + 21 * s, y - hh * 0.45], fill=owner)
    r = 10.0 * s
    f.ellipse([x - r, y - hh - r * 0.4, x + r, y - hh + r * 1.6], skin, owner)
    f.ellipse(
        [x - r, y - hh - r * 0.5, x + r, y - hh + r * 0.5], _jitter(rng, (40, 30, 25), 0.4), owner
    )
    arm_w = max(2, int(8 * s))
    if carrying:
        hold_y = y - hh * rng.uniform(0.5, 0.62)
        _stack(f, x + rng.uniform(-4, 4) * s, hold_y, s, float(np.clip(elev, 10, 60)))
        for side in (-1, 1):
            hand = (x + side * 16 * s, hold_y - 4 * s)
            f.line([(x + side * 20 * s, y - hh * 0.8), hand], coat, arm_w, owner)
            f.ellipse(
                [hand[0] - 4 * s, hand[1] - 4 * s, hand[0] + 4 * s, hand[1] + 4 * s], skin, owner
            )
    else:
        for side in (-1, 1):
            f.line(
                [(x + side * 20 * s, y - hh * 0.8), (x + side * 24 * s, y - hh * 0.42)],
                coat,
                arm_w,
                owner,
            )


# ----------------------------------------------------------------------------- scene


def _camera(image: Image.Image, rng: np.random.Generator, phone: bool) -> tuple[Image.Image, int]:
    """Exposure, colour cast, vignette, blur, sensor noise; returns picture and JPEG quality."""
    image = ImageEnhance.Brightness(image).enhance(rng.uniform(0.6, 1.25))
    image = ImageEnhance.Contrast(image).enhance(rng.uniform(0.7, 1.2))
    image = ImageEnhance.Color(image).enhance(rng.uniform(0.5, 1.2))
    if rng.random() < 0.15:
        image = image.convert("L").convert("RGB")  # night IR
    if rng.random() < 0.5:
        image = image.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 1.6)))
    if phone and rng.random() < 0.3:
        k = int(rng.integers(3, 9))
        kernel = np.zeros((k, k))
        kernel[k // 2, :] = 1.0 / k
        image = image.filter(ImageFilter.BoxBlur(k / 4))
    if rng.random() < 0.3:
        w, h = image.size
        f = rng.uniform(0.4, 0.8)
        image = image.resize((int(w * f), int(h * f)), Image.Resampling.BILINEAR).resize((w, h))
    arr = np.asarray(image, np.float32)
    h, w = arr.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w]
    r2 = ((xx - w / 2) / w) ** 2 + ((yy - h / 2) / h) ** 2
    arr *= (1 - rng.uniform(0, 0.8) * r2)[..., None]
    arr *= np.asarray(rng.uniform(0.9, 1.1, 3), np.float32)
    arr += rng.normal(0, rng.uniform(1, 8), arr.shape).astype(np.float32)
    out = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    return out, int(rng.integers(20, 92))


def _labels(f: Frame) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]:
    ids = np.asarray(f.ids, np.int32)
    boxes, ignore = [], []
    for bid, full in f.bundles.items():
        ys, xs = np.nonzero(ids == bid)
        if full <= 0 or len(xs) == 0:
            continue
        seen = len(xs) / full
        box = [float(xs.min()), float(ys.min()), float(xs.max() + 1), float(ys.max() + 1)]
        big = box[2] - box[0] >= _MIN_SIDE and box[3] - box[1] >= _MIN_SIDE
        if seen >= 0.4 and big:
            boxes.append(box)
        elif seen >= 0.1:
            ignore.append(box)
    return np.asarray(boxes, np.float32).reshape(-1, 4), np.asarray(ignore, np.float32).reshape(
        -1, 4
    )


def render_eval_frame(seed: int, index: int) -> SynthSample:
    """Frame `index` of the independent set with `seed` (BGR image, bundle and ignore boxes)."""
    rng = np.random.default_rng([seed, index, 0xE7A1])
    phone = bool(rng.random() < 0.4)
    w, h = [(640, 360), (640, 480), (360, 640), (480, 640)][
        int(rng.choice(4, p=[0.45, 0.3, 0.15, 0.1] if phone else [0.6, 0.4, 0.0, 0.0]))
    ]
    f = _room(rng, w, h, phone)
    elev = rng.uniform(8, 50) if phone else rng.uniform(25, 70)
    floor_top = max(f.horizon, 0) + 10
    things: list[tuple[float, str]] = []
    for _ in range(int(rng.integers(2, 8))):
        things.append(
            (
                float(rng.uniform(floor_top + 0.15 * (h - floor_top), h * 1.05)),
                str(
                    rng.choice(
                        ["stack", "table", "rack", "trolley", "decoy", "person", "carrier"],
                        p=[0.25, 0.12, 0.12, 0.1, 0.2, 0.1, 0.11],
                    )
                ),
            )
        )
    if rng.random() < 0.12:
        things = [t for t in things if t[1] in ("decoy", "table", "person")]
    # Far first: nearer things cover farther ones.
    for y, what in sorted(things):
        s = f.scale_at(y)
        if s < 0.4:
            continue
        x = float(rng.uniform(0.05, 0.95) * w)
        if what == "stack":
            _stack(f, x, y, s, elev)
        elif what == "table":
            tx, ty, ts = _table(f, x, y, s, elev)
            if rng.random() < 0.7:
                (_stack if rng.random() < 0.75 else _decoy)(f, tx, ty, ts, elev)
        elif what == "rack":
            for sx, sy, ss in _rack(f, x, y, s):
                if rng.random() < 0.6:
                    (_stack if rng.random() < 0.7 else _decoy)(f, sx, sy, ss, elev * 0.4)
        elif what == "trolley":
            bx, by, bs = _trolley(f, x, y, s)
            if rng.random() < 0.85:
                _stack(f, bx, by, bs, elev)
        elif what == "decoy":
            _decoy(f, x, y, s, elev)
        else:
            _person(f, x, y, s, elev, carrying=what == "carrier")
    boxes, ignore = _labels(f)
    image, quality = _camera(f.image, rng, phone)
    buf = io.BytesIO()
    image.save(buf, format="JPEG", quality=quality)
    jpeg = buf.getvalue()
    decoded = np.asarray(Image.open(io.BytesIO(jpeg)).convert("RGB"))[..., ::-1]
    return SynthSample(np.ascontiguousarray(decoded), jpeg, boxes, ignore)


def main(argv: Sequence[str] | None = None) -> int:
    from pipelines.training.yolo_dataset import write_labels, xyxy_to_cxcywh

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--count", type=int, default=500)
    parser.add_argument("--seed", type=int, default=EVAL_SEED)
    args = parser.parse_args(argv)
    (args.out / "images").mkdir(parents=True, exist_ok=True)
    (args.out / "labels").mkdir(parents=True, exist_ok=True)
    boxes = 0
    for i in range(args.count):
        sample = render_eval_frame(args.seed, i)
        stem = f"eval_{args.seed}_{i:06d}"
        (args.out / "images" / f"{stem}.jpg").write_bytes(sample.jpeg)
        hh, ww = sample.image.shape[:2]
        cxcywh = xyxy_to_cxcywh(sample.boxes, ww, hh)
        write_labels(args.out / "labels" / f"{stem}.txt", np.zeros(len(cxcywh), np.int64), cxcywh)
        boxes += len(cxcywh)
    sys.stdout.write(f"{args.count} frames, {boxes} bundle boxes -> {args.out}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
