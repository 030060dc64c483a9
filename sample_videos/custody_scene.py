"""People, sealed paper bundles and a door for the custody scenario's synthetic footage.

Bundles are drawn with the bundle detector's own training renderer: their faces are
`pipelines.training.synth_textures` sealed bags or envelopes (seal strips, red stamps, labels,
printed forms), painted as `synth_draw` slabs; people are built from the same limbs and
polygons (`synth_draw`) and the same `synth_scene.Person` body plan as the training frames'
people. So the shipped detector sees the kind of bundle it learned, at sizes it recognises
(bags about 68 px wide at 640 px on the vault camera, 85-90 px on the phone).

Everything here is a pure function of the story time `T` (seconds after the scenario's first
frame) and fixed seeds: a frame renders the same whatever the order frames are asked in.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import cv2
import numpy as np
import numpy.typing as npt
from generate import (
    SEED,
    VAULT_BACK_WALL_BOTTOM,
    VAULT_SIZE,
    VAULT_VANISHING_POINT,
    Color,
    Image,
    Point,
    box,
    draw_cabinet,
    draw_room,
    fill,
    line,
    shade,
)

from pipelines.training import synth_textures as tex
from pipelines.training.synth_draw import Canvas, Slab, draw_slab, fill_ellipse, fill_polygon, limb
from pipelines.training.synth_scene import Person

Quad = npt.NDArray[np.float64]
"""(4, 2) image corners tl, tr, br, bl."""

LIGHT = np.array([-0.45, -0.89])  # ceiling lamp up and to the left: which slab sides are lit

# --------------------------------------------------------------------------------------------
# Vault-2 geometry (640 x 360): vault-a's room, a taller door, and two pieces of furniture in
# front of where people walk: a desk (left) and a low storage rack (right, "the rack")
# --------------------------------------------------------------------------------------------

# Pixels per centimetre on the back wall line; the vault-b camera has a longer lens than
# vault-a, so its room looks closer (the 192 px door is 1.9 m high).
VB_BACK_SCALE = 1.0
VB_DOOR = (470, 36, 556, VAULT_BACK_WALL_BOTTOM)  # x0, y0, x1, y1 of the doorway
VB_THRESHOLD_Y = VAULT_BACK_WALL_BOTTOM + 2  # feet below this row are inside the room
# The desk in front of the secrecy cabinet: top face (tl, tr, br, bl) and a front panel down
# to the floor at row DESK_FRONT_Y; people working behind it show from the waist up.
DESK_TOP = np.array([[60.0, 192.0], [226.0, 192.0], [240.0, 222.0], [36.0, 222.0]])
DESK_FRONT_Y = 300
# The storage rack: a low steel bench, 40 cm high, standing 1 m in front of the door; the
# lot's bags stand on its top (rows RACK_TOP..RACK_EDGE), nearer the camera than anyone.
RACK_X = (300, 640)
RACK_TOP, RACK_EDGE, RACK_FRONT_Y = 229, 245, 300
RACK_SCALE = 1.3  # px per cm where the bags stand on it
RACK_STAND_Y = 238.0  # row the bags' bottom edges rest on


def vault_scale(y: float) -> float:
    """Pixels per centimetre at floor row `y` of the vault-b view (perspective)."""
    vy = VAULT_VANISHING_POINT[1]
    return VB_BACK_SCALE * (y - vy) / (VAULT_BACK_WALL_BOTTOM - vy)


def draw_vb_door(image: Image) -> None:
    """The closed steel door of vault-2 (taller than vault-1's), with a red sign."""
    x0, y0, x1, y1 = VB_DOOR
    box(image, x0 - 5, y0 - 5, x1 + 5, y1, (88, 90, 92))
    box(image, x0, y0, x1, y1, (128, 132, 136))
    for y in range(y0 + 24, y1 - 10, 42):
        line(image, (x0 + 8, y), (x1 - 8, y), (114, 118, 122))
    box(image, x1 - 18, 142, x1 - 8, 150, (60, 60, 62))  # lever handle
    box(image, x1 - 16, 156, x1 - 10, 162, (40, 40, 40))  # key hole
    box(image, x0 + 22, y0 + 14, x0 + 64, y0 + 38, (36, 46, 170))  # red sign
    box(image, x0 + 26, y0 + 20, x0 + 60, y0 + 32, (215, 220, 230))


def draw_desk(image: Image) -> None:
    """The steel desk: grey top, a panelled front down to the floor, a drawer."""
    x0, x1 = int(DESK_TOP[3, 0]), int(DESK_TOP[2, 0])
    fill(image, [tuple(p) for p in DESK_TOP], (176, 178, 178))
    box(image, x0, 222, x1, DESK_FRONT_Y, (134, 138, 140))
    line(image, (x0, 222), (x1, 222), (204, 206, 206), 2)
    cv2.rectangle(image, (x0 + 12, 232), (x1 - 12, 290), (118, 122, 124), 1)
    box(image, (x0 + x1) // 2 - 20, 238, (x0 + x1) // 2 + 20, 242, (70, 72, 76))  # handle
    box(image, x0, DESK_FRONT_Y - 4, x1, DESK_FRONT_Y, (84, 86, 90))  # plinth


def draw_rack(image: Image) -> None:
    """The low storage rack: a steel top, a dark front with two sliding doors, legs."""
    x0, x1 = RACK_X
    top = [(x0 + 10, RACK_TOP), (x1, RACK_TOP), (x1, RACK_EDGE), (x0, RACK_EDGE)]
    fill(image, top, (150, 154, 156))
    box(image, x0, RACK_EDGE, x1, RACK_FRONT_Y - 8, (96, 100, 104))
    line(image, (x0, RACK_EDGE), (x1, RACK_EDGE), (186, 188, 190), 2)
    mid = (x0 + x1) // 2
    for dx0, dx1 in ((x0 + 8, mid - 2), (mid + 2, x1 - 8)):
        cv2.rectangle(image, (dx0, RACK_EDGE + 8), (dx1, RACK_FRONT_Y - 16), (80, 84, 88), 1)
    box(image, mid - 12, 268, mid - 8, 280, (50, 52, 54))  # finger pulls
    box(image, mid + 8, 268, mid + 12, 280, (50, 52, 54))
    for x in (x0 + 4, x1 - 10):
        box(image, x, RACK_FRONT_Y - 8, x + 6, RACK_FRONT_Y, (50, 50, 52))


def draw_fuse_box(image: Image) -> None:
    """A grey fuse box and a fire extinguisher on the back wall."""
    box(image, 300, 96, 352, 150, (150, 152, 150))
    cv2.rectangle(image, (300, 96), (352, 150), (110, 112, 112), 1)
    box(image, 322, 118, 330, 126, (60, 60, 60))
    box(image, 598, 150, 612, 202, (40, 40, 190))
    box(image, 601, 142, 609, 150, (40, 40, 40))


def vault_b_plate() -> Image:
    """The static vault-2 background, (360, 640, 3) BGR: wall, floor, cabinet, door, desk,
    storage rack; the same paint blotches, lamp fall-off and lens softness as vault-a."""
    w, h = VAULT_SIZE
    image = np.zeros((h, w, 3), dtype=np.uint8)
    draw_room(image)
    image[:VAULT_BACK_WALL_BOTTOM] = np.clip(
        image[:VAULT_BACK_WALL_BOTTOM].astype(np.int16) + np.array([-6, 0, 4], np.int16), 0, 255
    ).astype(np.uint8)  # vault-2 is painted a warmer white
    draw_vb_door(image)
    draw_cabinet(image)
    draw_fuse_box(image)
    draw_desk(image)
    draw_rack(image)
    coarse = np.random.default_rng([SEED, 2]).standard_normal((h // 8, w // 8), dtype=np.float32)
    blotches = cv2.resize(
        cv2.GaussianBlur(coarse, (0, 0), 1.5), (w, h), interpolation=cv2.INTER_CUBIC
    )
    image = np.asarray(
        cv2.addWeighted(image, 1.0, cv2.merge([blotches] * 3), 5.0, 0.0, dtype=cv2.CV_8U),
        dtype=np.uint8,
    )
    image = shade(image, center=(300, -60), reach=620, strength=0.28)
    return np.asarray(cv2.GaussianBlur(image, (3, 3), 0.8), dtype=np.uint8)


@dataclass(frozen=True)
class Sprite:
    """Pixels of the plate that are painted again over what moves behind them.

    window: (slice rows, slice columns) of the plate; pixels, mask: that window's picture
    (h, w, 3) and which of its pixels belong to the sprite (h, w).
    """

    window: tuple[slice, slice]
    pixels: Image
    mask: npt.NDArray[np.bool_]

    def paste(self, image: Image, owner: npt.NDArray[np.int32], owner_id: int) -> None:
        """Paint the sprite into `image` and mark its pixels `owner_id` in `owner`."""
        np.copyto(image[self.window], self.pixels, where=self.mask[..., None])
        owner[self.window][self.mask] = owner_id


def furniture_sprite(plate: Image) -> Sprite:
    """The desk and the rack of `plate`, to paint over people standing behind them."""
    mask = np.zeros(plate.shape[:2], np.uint8)
    cv2.fillPoly(mask, [np.round(DESK_TOP).astype(np.int32)], 255)
    cv2.rectangle(mask, (int(DESK_TOP[3, 0]), 222), (int(DESK_TOP[2, 0]), DESK_FRONT_Y), 255, -1)
    cv2.rectangle(mask, (RACK_X[0], RACK_TOP), (RACK_X[1], RACK_FRONT_Y), 255, -1)
    ys, xs = np.nonzero(mask)
    window = (slice(int(ys.min()), int(ys.max()) + 1), slice(int(xs.min()), int(xs.max()) + 1))
    return Sprite(window, plate[window].copy(), mask[window] > 0)


# --------------------------------------------------------------------------------------------
# Bundles
# --------------------------------------------------------------------------------------------


class BundleKind(StrEnum):
    ENVELOPE = "kraft envelope"
    WHITE_BAG = "white sealed bag"


@dataclass(frozen=True)
class BundleSpec:
    """One sealed bundle: kind, size in cm (face w x d, thickness t), texture seed."""

    name: str
    kind: BundleKind
    w: float
    d: float
    t: float
    seed: int

    def look(self) -> tex.Look:
        """Its face and side textures, from the training renderer's makers."""
        stream = 77 if self.kind is BundleKind.ENVELOPE else 78
        rng = np.random.default_rng([SEED, stream, self.seed])
        if self.kind is BundleKind.ENVELOPE:
            return tex.envelope(rng, self.w, self.d)
        return tex.plastic_bag(rng, self.w, self.d, blue=False)


@dataclass(frozen=True)
class BundlePose:
    """Where a bundle is in the picture: its face quad and the offset to its back face."""

    quad: Quad
    extrude: npt.NDArray[np.float64]

    def lerp(self, other: BundlePose, a: float) -> BundlePose:
        """The pose `a` (0..1) of the way to `other`."""
        return BundlePose(
            self.quad + (other.quad - self.quad) * a,
            self.extrude + (other.extrude - self.extrude) * a,
        )

    @property
    def outline(self) -> Quad:
        """(8, 2) points of the front and back faces."""
        return np.concatenate([self.quad, self.quad + self.extrude])


def flat_pose(
    spec: BundleSpec, x: float, bottom: float, scale: float, fore: float = 0.55, skew: float = 0.0
) -> BundlePose:
    """A bundle lying flat, seen from above and in front: its front bottom edge centred at
    (x, bottom); `fore` foreshortens its depth (sine of the view's elevation)."""
    w, d = spec.w * scale, spec.d * scale * fore
    thick = spec.t * scale * math.sqrt(1 - fore * fore)
    front = bottom - thick
    quad = np.array(
        [
            [x - w / 2 + skew, front - d],
            [x + w / 2 + skew, front - d],
            [x + w / 2, front],
            [x - w / 2, front],
        ]
    )
    return BundlePose(quad, np.array([0.0, thick]))


def upright_pose(
    spec: BundleSpec, x: float, top: float, scale: float, roll: float = 0.0, turn: float = 0.0
) -> BundlePose:
    """A bundle hanging from a hand by its top edge, face to the camera (w across, d down,
    like the training renderer's bundles held in one hand): the top edge centred at
    (x, top); `roll` in degrees; `turn` (degrees about the vertical) shows the thickness."""
    half_w = spec.w * scale / 2 * math.cos(math.radians(turn))
    depth = spec.d * scale
    pts = np.array([[-half_w, 0.0], [half_w, 0.0], [half_w, depth], [-half_w, depth]])
    c, s = math.cos(math.radians(roll)), math.sin(math.radians(roll))
    pts = pts @ np.array([[c, s], [-s, c]]) + (x, top)
    extrude = np.array([math.sin(math.radians(turn)) * spec.t * scale, -0.3 * spec.t * scale])
    return BundlePose(pts, extrude)


def standing_pose(spec: BundleSpec, x: float, bottom: float, scale: float) -> BundlePose:
    """A bundle standing on its long edge, face to the camera, like a file on a rack: the
    bottom edge centred at (x, bottom); seen from a little above, its top edge shows."""
    half_w, depth = spec.w * scale / 2, spec.d * scale
    pts = np.array([[-half_w, -depth], [half_w, -depth], [half_w, 0.0], [-half_w, 0.0]])
    return BundlePose(pts + (x, bottom), np.array([0.0, -0.5 * spec.t * scale]))


def draw_bundle(canvas: Canvas, look: tex.Look, pose: BundlePose, owner: int) -> None:
    """Paint a bundle slab with the training renderer; `owner` marks its pixels."""
    draw_slab(canvas, Slab(look.face, look.sides, pose.quad, pose.extrude), owner, LIGHT)


# --------------------------------------------------------------------------------------------
# People
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outfit:
    """How a person looks: height and colours (BGR)."""

    height_cm: float
    skin: Color
    shirt: Color
    trousers: Color
    hair: Color
    shoes: Color = (28, 28, 30)
    stripes: Color | None = None  # vertical stripes on the top, if any


class Facing(StrEnum):
    AUTO = "auto"  # from the direction of motion
    FRONT = "front"  # face to the camera
    BACK = "back"  # back to the camera


@dataclass(frozen=True)
class Stop:
    """A person is at (x, y) (feet, image pixels) at time `t` (story seconds)."""

    t: float
    x: float
    y: float
    facing: Facing = Facing.AUTO


@dataclass(frozen=True)
class Gait:
    """A person's position and walking state at one moment."""

    x: float
    y: float
    phase: float  # walk cycle, radians
    stride: float  # 0 standing .. 1 full walking stride
    heading: tuple[float, float]  # unit direction of motion in the picture
    facing: Facing
    idle: float  # seconds since the person stopped (0 while walking)


@dataclass(frozen=True)
class Route:
    """A piecewise-straight walk through `stops`, at constant speed between two stops.

    The walk cycle advances with the distance walked (one cycle per 1.3 m); a person who
    stands still shifts their weight and sways a little.
    """

    stops: tuple[Stop, ...]
    scale_at: tuple[float, float] = (VB_BACK_SCALE, float(VAULT_VANISHING_POINT[1]))
    cycle_cm: float = 130.0
    _walked: tuple[float, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        walked = [0.0]
        for a, b in zip(self.stops, self.stops[1:], strict=False):
            px = math.hypot(b.x - a.x, b.y - a.y)
            walked.append(walked[-1] + px / self.scale((a.y + b.y) / 2))
        object.__setattr__(self, "_walked", tuple(walked))

    def scale(self, y: float) -> float:
        """Pixels per cm at feet row `y` (vault perspective: scale grows with the row)."""
        s_back, vy = self.scale_at
        return s_back * (y - vy) / (VAULT_BACK_WALL_BOTTOM - vy)

    @property
    def start(self) -> float:
        return self.stops[0].t

    @property
    def end(self) -> float:
        return self.stops[-1].t

    def at(self, t: float) -> Gait:
        stops = self.stops
        if t <= stops[0].t:
            k, a = 0, 0.0
        elif t >= stops[-1].t:
            k, a = len(stops) - 2, 1.0
        else:
            k = max(i for i in range(len(stops) - 1) if stops[i].t <= t)
            span = stops[k + 1].t - stops[k].t
            a = (t - stops[k].t) / span if span > 0 else 1.0
        p, q = stops[k], stops[k + 1]
        x, y = p.x + (q.x - p.x) * a, p.y + (q.y - p.y) * a
        dx, dy = q.x - p.x, q.y - p.y
        dist = math.hypot(dx, dy)
        walked = self._walked[k] + (self._walked[k + 1] - self._walked[k]) * a
        moving = dist > 1e-6 and 0 < a < 1
        heading = (dx / dist, dy / dist) if dist > 1e-6 else (0.0, 1.0)
        facing = q.facing if q.facing is not Facing.AUTO else p.facing
        if facing is Facing.AUTO:
            facing = Facing.BACK if heading[1] < -0.35 else Facing.FRONT
        idle = 0.0
        if not moving:
            last_move = max(
                (s.t for i, s in enumerate(stops[1:], 1) if s.t <= t and _moved(stops, i)),
                default=stops[0].t,
            )
            idle = t - last_move
        phase = 2 * math.pi * walked / self.cycle_cm
        return Gait(x, y, phase, 1.0 if moving else 0.0, heading, facing, idle)


def _moved(stops: Sequence[Stop], i: int) -> bool:
    return math.hypot(stops[i].x - stops[i - 1].x, stops[i].y - stops[i - 1].y) > 1e-6


def body_plan(outfit: Outfit, gait: Gait, scale: float, sway_seed: float) -> Person:
    """The training renderer's `Person` at the gait's position; a standing person sways."""
    sway = 0.0
    if gait.stride == 0:
        sway = 5.0 * math.sin(2 * math.pi * gait.idle / 2.1 + sway_seed) * scale
    return Person(
        x=gait.x + sway,
        feet=gait.y,
        scale=scale * outfit.height_cm / 170.0,
        squash=1.0,
        skin=outfit.skin,
        shirt=outfit.shirt,
        trousers=outfit.trousers,
        hair=outfit.hair,
        long_sleeves=True,
    )


def swing_hands(p: Person, gait: Gait, t: float) -> tuple[Point, Point]:
    """Where the hands are when not holding anything: swinging with the walk, or gesturing."""
    hands: list[Point] = []
    for side in (-1, 1):
        if gait.stride > 0:
            swing = -side * 16 * math.sin(gait.phase)
            hx, hy = p.at(side * 23 + swing * gait.heading[0], 78 - 6 * abs(gait.heading[1]))
            hy += swing * gait.heading[1] * 0.5 * p.scale
        else:  # talking, pointing, turning pages
            lift = 22 + 18 * math.sin(2 * math.pi * t / 1.7 + side)
            hx, hy = p.at(side * (20 + 6 * math.sin(2 * math.pi * t / 2.3)), 78 + max(lift, 0))
        hands.append((hx, hy))
    return hands[0], hands[1]


def draw_person(
    canvas: Canvas,
    p: Person,
    gait: Gait,
    outfit: Outfit,
    hands: tuple[Point, Point],
    owner: int,
    carried: Sequence[tuple[tex.Look, BundlePose, int]] = (),
    bundles_behind: bool | None = None,
) -> None:
    """Legs (walking), torso, head, what the person carries, then the arms over it.

    Seen from the back, bundles carried in front of the body are hidden by it
    (`bundles_behind`, by default when the person faces away; bundles hanging from the hands
    at the sides are not). `owner` marks the person's pixels, each bundle has its own id.
    """
    s = p.scale
    back = gait.facing is Facing.BACK
    behind = back if bundles_behind is None else bundles_behind
    if behind:
        for look, pose, bundle_owner in carried:
            draw_bundle(canvas, look, pose, bundle_owner)
    for side in (-1, 1):
        step = side * 20 * math.sin(gait.phase) * gait.stride
        lift = 5 * max(0.0, side * math.cos(gait.phase)) * gait.stride
        hip = p.at(side * 9, 90)
        fx, fy = p.at(side * 10 + step * gait.heading[0], 4 + lift)
        fy += step * gait.heading[1] * 0.35 * s
        limb(canvas, hip, (fx, fy), 15 * s, outfit.trousers, owner)
        fill_ellipse(canvas, (fx, fy + 1 * s), (8 * s, 4 * s), 0, outfit.shoes, owner)
    torso = np.array([p.at(-22, 145), p.at(22, 145), p.at(18, 88), p.at(-18, 88)])
    fill_polygon(canvas, torso, p.shirt, owner)
    if outfit.stripes is not None:
        for dx in (-14.0, -5.0, 4.0, 13.0):
            band = [p.at(dx * 1.1, 144), p.at(dx * 1.1 + 4, 144), p.at(dx + 4, 89), p.at(dx, 89)]
            fill_polygon(canvas, np.array(band), outfit.stripes, owner)
    limb(canvas, p.at(0, 140), p.at(0, 152), 10 * s, p.skin, owner)
    hx, hy = p.at(0, 163)
    if back:
        fill_ellipse(canvas, (hx, hy), (9.5 * s, 12.5 * s), 0, p.hair, owner)
    else:
        fill_ellipse(canvas, (hx, hy), (9 * s, 12 * s), 0, p.skin, owner)
        fill_ellipse(canvas, (hx, hy - 3 * s), (9.5 * s, 9 * s), 0, p.hair, owner)
    if not behind:
        for look, pose, bundle_owner in carried:
            draw_bundle(canvas, look, pose, bundle_owner)
    for side, hand in zip((-1, 1), hands, strict=True):
        shoulder = np.array(p.at(side * 20, 140))
        target = np.array(hand)
        elbow = (shoulder + target) / 2 + np.array([side * 6 * s, 8 * s])
        limb(canvas, tuple(shoulder), tuple(elbow), 10 * s, p.shirt, owner)
        limb(canvas, tuple(elbow), tuple(target), 8 * s, p.shirt, owner)
        fill_ellipse(canvas, tuple(target), (5 * s, 4 * s), 0, p.skin, owner)


def canvas_of(image: Image) -> Canvas:
    """A training-renderer canvas that paints straight into `image`."""
    return Canvas(image, np.full(image.shape[:2], -1, np.int32))
