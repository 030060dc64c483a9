"""Backdrops (procedural rooms, corridors, shelves, desks, or a site's own frames) and people.

A backdrop knows where objects may rest (`Surface`s) and how many pixels a centimetre spans there,
so a bundle on a far shelf comes out smaller than one on a near desk, as in real CCTV.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from pipelines.training.synth_draw import (
    Canvas,
    Image,
    as_image,
    dimmed,
    fill_ellipse,
    fill_polygon,
    limb,
    paste_texture_polygon,
)
from pipelines.training.synth_textures import (
    glyph_line,
    hsv_colour,
    kraft_colour,
    random_texture,
    surface,
    text_block,
)

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".webp")
PATTERNED_TOPS = 0.35
"""Share of rendered people whose top is patterned rather than plain."""


@dataclass(frozen=True)
class Surface:
    """A horizontal support seen as the band of rows [y_far, y_near] between columns x0 and x1.

    scale_far / scale_near: pixels per centimetre at the far and near rows.
    """

    kind: str
    y_far: float
    y_near: float
    x0: float
    x1: float
    scale_far: float
    scale_near: float

    def sample(self, rng: np.random.Generator) -> tuple[float, float, float]:
        """A random resting point (x, y) on the surface and the scale (px/cm) there."""
        t = rng.uniform(0, 1)
        y = self.y_far + t * (self.y_near - self.y_far)
        return (
            rng.uniform(self.x0, self.x1),
            y,
            self.scale_far + t * (self.scale_near - self.scale_far),
        )


@dataclass
class Backdrop:
    """image: (h, w, 3) uint8 BGR; elevation: camera pitch below horizontal, degrees."""

    image: Image
    elevation: float
    surfaces: list[Surface] = field(default_factory=list)


def list_images(folder: Path) -> list[Path]:
    """Picture files under a folder, sorted so a seed always picks the same ones."""
    return sorted(p for p in folder.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES)


def _neutral(rng: np.random.Generator, lo: float, hi: float) -> tuple[float, float, float]:
    v = rng.uniform(lo, hi)
    tint = rng.uniform(-0.08, 0.08, 3)
    return (v * (1 + tint[0]), v * (1 + tint[1]), v * (1 + tint[2]))


def _floor(img: Image, rng: np.random.Generator, y_wall: int, horizon: float, vx: float) -> None:
    """Tiles, planks or carpet below the wall line, with lines converging to (vx, horizon)."""
    h, w = img.shape[:2]
    colour = _neutral(rng, 70, 200) if rng.random() < 0.7 else kraft_colour(rng)
    img[y_wall:] = surface(rng, h - y_wall, w, colour, 10, 4)
    style = rng.choice(["tiles", "planks", "carpet"], p=[0.5, 0.3, 0.2])
    if style == "carpet":
        return
    # One random factor per channel: grout and plank lines shift hue a little, too.
    line = tuple(float(c) * rng.uniform(0.6, 0.85) for c in colour)
    spacing = rng.uniform(0.04, 0.15) * w
    for k in range(-40, 41):
        x_bottom = vx + k * spacing * 2.5
        t = (y_wall - horizon) / (h - horizon)
        x_top = vx + (x_bottom - vx) * t
        cv2.line(img, (int(x_top), y_wall), (int(x_bottom), h), line, 1, cv2.LINE_AA)
    if style == "tiles":
        # Rows equally spaced in depth are equally spaced in 1 / (y - horizon).
        inv_top, inv_bottom = 1 / max(y_wall - horizon, 1), 1 / (h - horizon)
        n = int(rng.integers(4, 12))
        for inv in np.linspace(inv_top, inv_bottom, n):
            y = int(horizon + 1 / inv)
            cv2.line(img, (0, y), (w, y), line, 1, cv2.LINE_AA)


def _wall_things(canvas: Canvas, rng: np.random.Generator, y_wall: int, s_wall: float) -> None:
    """Doors, windows, posters, cabinets and a clock on the back wall."""
    w = canvas.width
    for _ in range(int(rng.integers(1, 6))):
        kind = rng.choice(["door", "window", "poster", "cabinet", "clock", "board"])
        x = rng.uniform(-0.1, 1.0) * w
        if kind == "door":
            dw, dh = 90 * s_wall, 205 * s_wall
            colour = kraft_colour(rng) if rng.random() < 0.5 else _neutral(rng, 90, 220)
            pts = np.array([[x, y_wall - dh], [x + dw, y_wall - dh], [x + dw, y_wall], [x, y_wall]])
            fill_polygon(canvas, pts, colour)
            fill_ellipse(
                canvas,
                (x + dw * 0.85, y_wall - dh * 0.48),
                (3 * s_wall, 2 * s_wall),
                0,
                (60, 60, 60),
            )
        elif kind == "window":
            ww, wh = rng.uniform(80, 200) * s_wall, rng.uniform(80, 140) * s_wall
            y0 = y_wall - rng.uniform(100, 130) * s_wall - wh
            sky = _neutral(rng, 200, 255)
            pts = np.array([[x, y0], [x + ww, y0], [x + ww, y0 + wh], [x, y0 + wh]])
            fill_polygon(canvas, pts, sky)
            frame = _neutral(rng, 60, 240)
            for fx in np.linspace(x, x + ww, int(rng.integers(2, 5))):
                limb(canvas, (fx, y0), (fx, y0 + wh), 3 * s_wall, frame)
            limb(canvas, (x, y0), (x + ww, y0), 3 * s_wall, frame)
            limb(canvas, (x, y0 + wh), (x + ww, y0 + wh), 3 * s_wall, frame)
        elif kind in ("poster", "board"):
            pw, ph = rng.uniform(40, 120) * s_wall, rng.uniform(50, 90) * s_wall
            y0 = y_wall - rng.uniform(110, 160) * s_wall - ph / 2
            x0, y0i, pwi, phi = int(x), int(y0), max(int(pw), 4), max(int(ph), 4)
            colour = (
                hsv_colour(rng.uniform(0, 180), rng.uniform(0, 200), rng.uniform(120, 255))
                if kind == "poster"
                else (235.0, 235.0, 235.0)
            )
            patch = surface(rng, phi, pwi, colour, 6, 2)
            text_block(patch, rng, (2, 2, pwi - 2, phi - 2), max(phi // 10, 2), (30, 30, 30))
            _paste_clipped(canvas, patch, x0, y0i)
        elif kind == "cabinet":
            cw, ch = rng.uniform(45, 120) * s_wall, rng.uniform(90, 200) * s_wall
            colour = _neutral(rng, 110, 230)
            pts = np.array([[x, y_wall - ch], [x + cw, y_wall - ch], [x + cw, y_wall], [x, y_wall]])
            fill_polygon(canvas, pts, colour)
            dark = dimmed(colour, 0.6)
            limb(canvas, (x + cw / 2, y_wall - ch), (x + cw / 2, y_wall), max(s_wall, 1), dark)
            for hx in (x + cw * 0.45, x + cw * 0.55):
                limb(
                    canvas,
                    (hx, y_wall - ch * 0.55),
                    (hx, y_wall - ch * 0.45),
                    2 * s_wall,
                    (60, 60, 60),
                )
        else:
            r = rng.uniform(12, 20) * s_wall
            cy = y_wall - rng.uniform(170, 220) * s_wall
            fill_ellipse(canvas, (x, cy), (r, r), 0, (245, 245, 245))
            limb(canvas, (x, cy), (x + r * 0.6, cy - r * 0.3), max(s_wall, 1), (20, 20, 20))
            limb(canvas, (x, cy), (x, cy - r * 0.8), max(s_wall * 0.6, 1), (20, 20, 20))


def _paste_clipped(canvas: Canvas, patch: Image, x: int, y: int) -> None:
    h, w = patch.shape[:2]
    x0, y0 = max(x, 0), max(y, 0)
    x1, y1 = min(x + w, canvas.width), min(y + h, canvas.height)
    if x1 > x0 and y1 > y0:
        canvas.image[y0:y1, x0:x1] = patch[y0 - y : y1 - y, x0 - x : x1 - x]


def _shelves(
    canvas: Canvas, rng: np.random.Generator, y_wall: int, s_wall: float, surfaces: list[Surface]
) -> None:
    """Steel or wooden shelving against the back wall; each board is a surface."""
    w = canvas.width
    for _ in range(int(rng.integers(1, 3))):
        sw, sh = rng.uniform(90, 200) * s_wall, rng.uniform(150, 210) * s_wall
        x = rng.uniform(-0.2, 0.9) * w
        colour = _neutral(rng, 80, 200) if rng.random() < 0.6 else kraft_colour(rng)
        back = dimmed(colour, 0.75)
        fill_polygon(
            canvas,
            np.array([[x, y_wall - sh], [x + sw, y_wall - sh], [x + sw, y_wall], [x, y_wall]]),
            back,
        )
        boards = int(rng.integers(3, 6))
        for k in range(boards):
            y = y_wall - sh * (k / boards) - 2 * s_wall
            limb(canvas, (x, y), (x + sw, y), max(3 * s_wall, 1.5), colour)
            if k > 0 or rng.random() < 0.5:
                surfaces.append(
                    Surface(
                        "shelf",
                        y - 2 * s_wall,
                        y,
                        x + 10 * s_wall,
                        x + sw - 10 * s_wall,
                        s_wall,
                        s_wall,
                    )
                )
        for px in (x, x + sw):
            limb(canvas, (px, y_wall - sh), (px, y_wall), max(4 * s_wall, 2), colour)


def _desk(
    canvas: Canvas,
    rng: np.random.Generator,
    x: float,
    y_foot: float,
    s: float,
    cos_v: float,
    sin_v: float,
    surfaces: list[Surface],
) -> None:
    """A desk whose front legs stand on floor row y_foot; its top becomes a surface."""
    width, depth, height = rng.uniform(90, 180), rng.uniform(55, 80), rng.uniform(70, 80)
    front = y_foot - height * s * cos_v
    back = front - depth * s * sin_v
    skew = rng.uniform(-0.15, 0.15) * width * s
    colour = kraft_colour(rng) if rng.random() < 0.5 else _neutral(rng, 120, 240)
    legs = dimmed(colour, 0.5)
    for lx in (x + 3 * s, x + width * s - 3 * s):
        limb(canvas, (lx, front), (lx, y_foot), max(4 * s, 2), legs)
    top = np.array(
        [[x + skew, back], [x + skew + width * s, back], [x + width * s, front], [x, front]]
    )
    fill_polygon(canvas, top, colour)
    edge = dimmed(colour, 0.7)
    fill_polygon(
        canvas,
        np.array(
            [
                [x, front],
                [x + width * s, front],
                [x + width * s, front + 3 * s * cos_v + 1],
                [x, front + 3 * s * cos_v + 1],
            ]
        ),
        edge,
    )
    margin = 15 * s
    surfaces.append(
        Surface(
            "desk", back + (front - back) * 0.3, front - 2, x + margin, x + width * s - margin, s, s
        )
    )


def _round_table(
    canvas: Canvas,
    rng: np.random.Generator,
    x: float,
    y_foot: float,
    s: float,
    cos_v: float,
    sin_v: float,
    surfaces: list[Surface],
) -> None:
    """A round pedestal or bar table: a pale oval on a post, a classic bundle look-alike."""
    radius, height = rng.uniform(30, 60), rng.uniform(70, 110)
    top = y_foot - height * s * cos_v
    colour = _neutral(rng, 170, 250) if rng.random() < 0.7 else kraft_colour(rng)
    metal = _neutral(rng, 40, 190)
    limb(canvas, (x, top), (x, y_foot), max(4 * s, 2), metal)
    if rng.random() < 0.5:
        for ang in np.radians(rng.uniform(0, 90) + np.arange(4) * 90):
            foot = (x + np.cos(ang) * 28 * s, y_foot + np.sin(ang) * 28 * s * sin_v)
            limb(canvas, (x, y_foot), foot, max(3 * s, 1.5), metal)
    else:
        fill_ellipse(canvas, (x, y_foot), (25 * s, 25 * s * sin_v + 1), 0, metal)
    rim = 2.5 * s * cos_v + 1
    fill_ellipse(
        canvas, (x, top + rim), (radius * s, radius * s * sin_v + 1), 0, dimmed(colour, 0.75)
    )
    fill_ellipse(canvas, (x, top), (radius * s, radius * s * sin_v + 1), 0, colour)
    half = radius * s * sin_v
    surfaces.append(
        Surface(
            "desk",
            top - 0.3 * half,
            top + 0.5 * half,
            x - 0.5 * radius * s,
            x + 0.5 * radius * s,
            s,
            s,
        )
    )


def procedural_backdrop(
    rng: np.random.Generator,
    height: int,
    width: int,
    near_scale: float,
    elevation: float,
    close: bool = False,
) -> tuple[Canvas, Backdrop]:
    """A room or corridor painted from scratch.

    near_scale: px/cm of the subject (on the floor at the bottom row for a CCTV view, at arm's
    length for a close handheld view); elevation: camera pitch in degrees; close: a handheld
    view, where people stand with their feet below the frame and a desk top may fill the bottom.
    Returns the canvas (furniture painted with the clutter id) and the backdrop description.
    """
    h, w = height, width
    sin_v, cos_v = np.sin(np.radians(elevation)), np.cos(np.radians(elevation))
    y_wall = int(h * (rng.uniform(0.25, 0.75) if close else rng.uniform(0.12, 0.55)))
    # The steeper the camera, the further the horizon sits above the wall line.
    horizon = y_wall - rng.uniform(0.1, 1.5) * h * sin_v
    vx = rng.uniform(0.1, 0.9) * w
    floor_near = near_scale * (1.4 if close else 1.0)

    def floor_scale(y: float) -> float:
        return float(floor_near * (y - horizon) / (h - horizon))

    img = np.empty((h, w, 3), np.uint8)
    wall = (
        _neutral(rng, 120, 240)
        if rng.random() < 0.8
        else hsv_colour(rng.uniform(0, 180), rng.uniform(20, 90), rng.uniform(130, 230))
    )
    img[:y_wall] = surface(rng, max(y_wall, 1), w, wall, 8, 2)[:y_wall]
    _floor(img, rng, y_wall, horizon, vx)
    canvas = Canvas.from_background(img)
    s_wall = floor_scale(y_wall)
    if rng.random() < 0.7:
        skirting = dimmed(wall, 0.6)
        limb(canvas, (0, y_wall), (w, y_wall), max(4 * s_wall, 1.5), skirting, None)
    _wall_things(canvas, rng, y_wall, s_wall)
    surfaces: list[Surface] = []
    if rng.random() < 0.5:
        _shelves(canvas, rng, y_wall, s_wall, surfaces)
    if rng.random() < 0.3:
        # Ceiling lights or a corridor's strip lights near the top.
        for _ in range(int(rng.integers(1, 4))):
            cx, cy = rng.uniform(0, w), rng.uniform(0, max(y_wall * 0.3, 2))
            fill_ellipse(
                canvas, (cx, cy), (rng.uniform(20, 60) * s_wall, 4 * s_wall + 1), 0, (252, 252, 252)
            )
    if close:
        # People seen from arm's length: feet at or below the bottom edge.
        # Rows chosen so the chest (about 115 cm up) lands in the middle of the frame.
        squash = max(cos_v * 1.1, 0.55)
        surfaces.append(
            Surface(
                "stand",
                h * 0.3 + 115 * 0.6 * near_scale * squash,
                h * 0.75 + 115 * near_scale * squash,
                -0.1 * w,
                1.1 * w,
                near_scale * 0.6,
                near_scale,
            )
        )
        if rng.random() < 0.55:
            _table_top(canvas, rng, near_scale, surfaces)
        else:
            surfaces.append(Surface("floor", y_wall + 4, h * 1.02, 0, w, s_wall, floor_scale(h)))
        return canvas, Backdrop(canvas.image, elevation, surfaces)
    surfaces.append(Surface("floor", y_wall + 4, h * 1.02, 0, w, s_wall, floor_scale(h * 1.02)))
    surfaces.append(
        Surface("stand", y_wall + 4, h * 1.15, -0.05 * w, 1.05 * w, s_wall, floor_scale(h * 1.15))
    )
    for _ in range(int(rng.choice([0, 1, 2, 3], p=[0.25, 0.4, 0.25, 0.1]))):
        y_foot = rng.uniform(y_wall + 0.1 * (h - y_wall), h * 1.1)
        s = floor_scale(y_foot)
        x = rng.uniform(-0.3, 0.9) * w
        furniture = _round_table if rng.random() < 0.3 else _desk
        furniture(canvas, rng, x, y_foot, s, cos_v, sin_v, surfaces)
    return canvas, Backdrop(canvas.image, elevation, surfaces)


def _table_top(
    canvas: Canvas, rng: np.random.Generator, scale: float, surfaces: list[Surface]
) -> None:
    """A table top filling the bottom of a close view (a handover at a desk)."""
    h, w = canvas.height, canvas.width
    back = h * rng.uniform(0.3, 0.7)
    front = h * rng.uniform(0.9, 1.3)
    skew = rng.uniform(-0.2, 0.2) * w
    colour = kraft_colour(rng) if rng.random() < 0.5 else _neutral(rng, 110, 245)
    top = np.array(
        [[-0.3 * w + skew, back], [1.3 * w + skew, back], [1.3 * w, front], [-0.3 * w, front]]
    )
    fill_polygon(canvas, top, colour)
    edge = dimmed(colour, 0.7)
    fill_polygon(
        canvas,
        np.array(
            [[-0.3 * w, front], [1.3 * w, front], [1.3 * w, front + 12], [-0.3 * w, front + 12]]
        ),
        edge,
    )
    surfaces.append(
        Surface(
            "desk",
            back + (front - back) * 0.25,
            min(front, h * 1.05),
            0.05 * w,
            0.95 * w,
            scale * 0.75,
            scale,
        )
    )


def photo_backdrop(
    rng: np.random.Generator,
    path: Path,
    height: int,
    width: int,
    near_scale: float,
    elevation: float,
) -> tuple[Canvas, Backdrop]:
    """A site's own frame (which must show no bundles), cropped and resized to the canvas.

    The frame has no known geometry, so objects rest on a floor band over its lower part.
    """
    frame = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if frame is None:
        raise ValueError(f"cannot read background image {path}")
    fh, fw = frame.shape[:2]
    aspect = width / height
    crop_w = min(fw, int(fh * aspect))
    crop_w = int(crop_w * rng.uniform(0.6, 1.0))
    crop_h = min(int(crop_w / aspect), fh)
    x0 = int(rng.integers(0, fw - crop_w + 1))
    y0 = int(rng.integers(0, fh - crop_h + 1))
    crop = frame[y0 : y0 + crop_h, x0 : x0 + crop_w]
    if rng.random() < 0.5:
        crop = crop[:, ::-1]
    img = as_image(cv2.resize(crop, (width, height), interpolation=cv2.INTER_AREA))
    canvas = Canvas.from_background(img)
    y_top = height * rng.uniform(0.3, 0.6)
    floor = Surface("floor", y_top, height * 1.02, 0, width, near_scale * 0.45, near_scale)
    stand = Surface("stand", y_top, height * 1.15, 0, width, near_scale * 0.45, near_scale * 1.1)
    return canvas, Backdrop(canvas.image, elevation, [floor, stand])


# ----------------------------------------------------------------------------- people


@dataclass(frozen=True)
class Person:
    """A standing person drawn from simple shapes.

    x: body centre column; feet: image row of the feet; scale: px/cm; squash: vertical
    foreshortening (1 = seen level, smaller = seen from a high camera).
    """

    x: float
    feet: float
    scale: float
    squash: float
    skin: tuple[float, float, float]
    shirt: tuple[float, float, float]
    trousers: tuple[float, float, float]
    hair: tuple[float, float, float]
    long_sleeves: bool
    # A patterned top (stripes, checks, ...) instead of a plain shirt colour: striped kraft-tan
    # jumpers were taken for envelopes by a model that had only seen plain shirts.
    pattern: Image | None = None

    def at(self, dx_cm: float, height_cm: float) -> tuple[float, float]:
        """Image point dx_cm right of the body axis and height_cm above the floor."""
        return self.x + dx_cm * self.scale, self.feet - height_cm * self.scale * self.squash

    @classmethod
    def random(
        cls, rng: np.random.Generator, x: float, feet: float, scale: float, squash: float
    ) -> Person:
        tone = rng.uniform(0.55, 1.0)
        skin = (120 * tone, 160 * tone, 215 * tone)
        shirt = hsv_colour(rng.uniform(0, 180), rng.uniform(0, 220), rng.uniform(30, 240))
        trousers = _neutral(rng, 20, 120)
        hair = _neutral(rng, 10, 60)
        sleeves = bool(rng.random() < 0.6)
        pattern = random_texture(rng) if rng.random() < PATTERNED_TOPS else None
        return cls(
            x,
            feet,
            scale * rng.uniform(0.9, 1.1),
            squash,
            skin,
            shirt,
            trousers,
            hair,
            sleeves,
            pattern,
        )


def draw_body(canvas: Canvas, p: Person) -> None:
    """Legs, torso, neck and head (the arms come later, over whatever is carried)."""
    s = p.scale
    for side in (-1, 1):
        limb(canvas, p.at(side * 9, 90), p.at(side * 10, 4), 15 * s, p.trousers)
        fill_ellipse(canvas, p.at(side * 11, 3), (8 * s, 4 * s), 0, (25, 25, 25))
    torso = np.array([p.at(-22, 145), p.at(22, 145), p.at(18, 88), p.at(-18, 88)])
    if p.pattern is None:
        fill_polygon(canvas, torso, p.shirt)
    else:
        paste_texture_polygon(canvas, p.pattern, torso)
    limb(canvas, p.at(0, 140), p.at(0, 152), 10 * s, p.skin)
    hx, hy = p.at(0, 163)
    fill_ellipse(canvas, (hx, hy), (9 * s, 12 * s * max(p.squash, 0.6)), 0, p.skin)
    fill_ellipse(
        canvas, (hx, hy - 3 * s * p.squash), (9.5 * s, 9 * s * max(p.squash, 0.6)), 0, p.hair
    )


def draw_arm(
    canvas: Canvas, p: Person, side: int, hand: tuple[float, float], elbow_out: float = 6.0
) -> None:
    """Upper arm, forearm and hand from the shoulder on `side` (-1 left, 1 right) to `hand`."""
    s = p.scale
    shoulder = np.array(p.at(side * 20, 140))
    target = np.array(hand)
    mid = (shoulder + target) / 2 + np.array([side * elbow_out * s, 8 * s * p.squash])
    limb(canvas, tuple(shoulder), tuple(mid), 10 * s, p.shirt)
    limb(canvas, tuple(mid), tuple(target), 8 * s, p.shirt if p.long_sleeves else p.skin)
    fill_ellipse(canvas, tuple(target), (5 * s, 4 * s), 0, p.skin)


def draw_osd(canvas: Canvas, rng: np.random.Generator) -> None:
    """An NVR on-screen timestamp and camera name, white text with a dark outline."""
    h, w = canvas.height, canvas.width
    size = max(int(h * rng.uniform(0.025, 0.045)), 6)
    scale = size / 22.0
    y = int(rng.uniform(0.02, 0.06) * h) + size
    stamp = (
        f"20{rng.integers(18, 26)}-{rng.integers(1, 13):02d}-{rng.integers(1, 29):02d} "
        f"{rng.integers(0, 24):02d}:{rng.integers(0, 60):02d}:{rng.integers(0, 60):02d}"
    )
    x = int(rng.uniform(0.02, 0.4) * w)
    for colour, thick in (((0, 0, 0), 3), ((255, 255, 255), 1)):
        cv2.putText(
            canvas.image, stamp, (x, y), cv2.FONT_HERSHEY_SIMPLEX, scale, colour, thick, cv2.LINE_AA
        )
    if rng.random() < 0.6:
        glyph_line(
            canvas.image, rng, int(w * 0.7), h - 2 * size, int(w * 0.25), size, (255, 255, 255)
        )
