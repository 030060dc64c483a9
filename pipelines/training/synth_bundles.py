"""Deterministic renderer of synthetic, labelled training frames for the bundle detector.

A frame is a CCTV view (wide, high camera, small objects) or a handheld phone view (close, low
camera, big objects, motion blur). It shows stacks of 1-6 sealed bundles (kraft envelopes, white or
blue plastic bags, grey or blue locked boxes) lying on floors, desks and shelves or carried by
people, among look-alikes that must not fire: books, folders, loose sheets, cartons, cardboard
shapes, people with nothing in their arms. Then light, colour temperature, blur, noise and JPEG
spoil it the way cameras do.

Image i of seed s depends on (s, i) only, so sets can be regenerated, extended or split freely and
two sets with different seeds never share a frame.

Label rule: one box per bundle with at least `min_visible` (40 %) of what it would show in its
pile (see `_pile_areas`) in view and unoccluded, drawn around the visible pixels, and at least
12 px each way. Bundles seen less than that but not hidden are
returned as `ignore` boxes, which the evaluation neither rewards nor punishes.

CLI: ``python -m pipelines.training.synth_bundles OUT --count 500 --seed 1``.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt

from pipelines.training import synth_textures as tex
from pipelines.training.synth_draw import (
    CLUTTER,
    Canvas,
    Image,
    Slab,
    as_float,
    as_image,
    dimmed,
    draw_slab,
    fill_ellipse,
    fill_polygon,
    limb,
    paste_texture_polygon,
)
from pipelines.training.synth_people import load_cutout, paste_person
from pipelines.training.synth_scene import (
    Backdrop,
    Person,
    Surface,
    draw_arm,
    draw_body,
    draw_osd,
    list_images,
    photo_backdrop,
    procedural_backdrop,
)
from pipelines.training.yolo_dataset import write_labels, xyxy_to_cxcywh

log = logging.getLogger(__name__)

CLASS_NAMES = ("bundle",)
_MIN_BOX_PX = 12.0  # thinner than this (6 px at the model's 320 input) nobody can count it


class BundleKind(StrEnum):
    ENVELOPE = "envelope"
    WHITE_BAG = "white_bag"
    BLUE_BAG = "blue_bag"
    GREY_BOX = "grey_box"
    BLUE_BOX = "blue_box"
    METAL_BOX = "metal_box"
    PLASTIC_BOX = "plastic_box"


class DecoyKind(StrEnum):
    BOOK = "book"
    FOLDER = "folder"
    SHEET = "sheet"
    CARTON = "carton"
    CABINET = "cabinet"


# Width, depth and thickness ranges in cm (face is width x depth).
_BUNDLE_DIMS: dict[BundleKind, tuple[tuple[float, float], ...]] = {
    BundleKind.ENVELOPE: ((26, 42), (19, 31), (2.5, 7)),
    BundleKind.WHITE_BAG: ((25, 45), (20, 35), (3.5, 12)),
    BundleKind.BLUE_BAG: ((25, 45), (20, 35), (3.5, 12)),
    BundleKind.GREY_BOX: ((32, 55), (24, 40), (14, 32)),
    BundleKind.BLUE_BOX: ((32, 55), (24, 40), (14, 32)),
    BundleKind.METAL_BOX: ((40, 60), (28, 42), (15, 30)),
    BundleKind.PLASTIC_BOX: ((36, 60), (26, 40), (15, 32)),
}
_BUNDLE_P = (0.32, 0.15, 0.13, 0.1, 0.1, 0.1, 0.1)
_BOXES = (BundleKind.GREY_BOX, BundleKind.BLUE_BOX, BundleKind.METAL_BOX, BundleKind.PLASTIC_BOX)
_DECOY_DIMS: dict[DecoyKind, tuple[tuple[float, float], ...]] = {
    DecoyKind.BOOK: ((14, 26), (19, 30), (1.5, 5)),
    DecoyKind.FOLDER: ((22, 33), (30, 35), (0.3, 2)),
    DecoyKind.SHEET: ((21, 21), (29.7, 29.7), (0, 0)),
    DecoyKind.CARTON: ((30, 60), (25, 50), (25, 60)),
    # Cabinets, cupboards, benches and safes: big grey boxes with handles, which a model that
    # knows grey and metal exam boxes took for one (the shipped vault-b scene's bench).
    DecoyKind.CABINET: ((80, 170), (40, 65), (40, 100)),
}
_DECOY_P = (0.3, 0.2, 0.2, 0.12, 0.18)


@dataclass(frozen=True)
class SynthConfig:
    """How frames are drawn. Defaults are the recipe of the shipped model."""

    handheld_fraction: float = 0.45
    empty_fraction: float = 0.15
    min_visible: float = 0.4
    backgrounds: tuple[Path, ...] = ()
    """A site's own frames (free of bundles) used as backdrops instead of procedural rooms."""
    background_fraction: float = 0.5
    """Share of frames drawn on a site frame when `backgrounds` is not empty."""
    people: tuple[Path, ...] = ()
    """BGRA cut-outs of real people (`synth_sources.collect_people`)."""
    real_person_fraction: float = 0.6
    """Share of people pasted from `people` (when given) instead of drawn."""


@dataclass(frozen=True)
class SynthSample:
    """One rendered frame.

    image: (h, w, 3) uint8 BGR, exactly what `jpeg` decodes to; boxes: (n, 4) float32 xyxy pixels
    of the labelled bundles; ignore: (m, 4) float32 xyxy of bundles too hidden to label.
    """

    image: Image
    jpeg: bytes
    boxes: npt.NDArray[np.float32]
    ignore: npt.NDArray[np.float32]


@dataclass
class _Scene:
    """Mutable state while one frame is painted."""

    rng: np.random.Generator
    canvas: Canvas
    backdrop: Backdrop
    handheld: bool
    light: npt.NDArray[np.float64]
    areas: dict[int, float] = field(default_factory=dict)
    regions: dict[int, tuple[float, float, float, float]] = field(default_factory=dict)
    taken: list[tuple[float, float, float, float]] = field(default_factory=list)
    draws: list[tuple[float, Callable[[], None]]] = field(default_factory=list)
    people: tuple[Path, ...] = ()
    real_person_fraction: float = 0.0

    def new_bundle(self, slab: Slab, area: float) -> int:
        """Register a bundle slab that could show `area` px², return its owner id."""
        bid = len(self.areas) + 1
        self.areas[bid] = area
        sil = slab.silhouette
        self.regions[bid] = (sil[:, 0].min(), sil[:, 1].min(), sil[:, 0].max(), sil[:, 1].max())
        return bid

    def free(self, box: tuple[float, float, float, float], max_overlap: float = 0.25) -> bool:
        """True (and the box is reserved) when it overlaps no reserved box by more than a share."""
        x0, y0, x1, y1 = box
        area = max((x1 - x0) * (y1 - y0), 1e-6)
        for a0, b0, a1, b1 in self.taken:
            iw = max(min(x1, a1) - max(x0, a0), 0)
            ih = max(min(y1, b1) - max(y0, b0), 0)
            other = max((a1 - a0) * (b1 - b0), 1e-6)
            if iw * ih / min(area, other) > max_overlap:
                return False
        self.taken.append(box)
        return True


# ----------------------------------------------------------------------------- geometry


def _project_flat(
    base: tuple[float, float],
    scale: float,
    elevation: float,
    yaw: float,
    corners_cm: npt.NDArray[np.float64],
    z_cm: float,
) -> npt.NDArray[np.float64]:
    """Image points (n, 2) of world points (n, 2) at height z_cm lying around `base`.

    World x runs right, y away from the camera; a camera `elevation` degrees above the horizon
    foreshortens depth by sin(elevation) and height by cos(elevation).
    """
    se, ce = np.sin(np.radians(elevation)), np.cos(np.radians(elevation))
    cy, sy = np.cos(np.radians(yaw)), np.sin(np.radians(yaw))
    x = corners_cm[:, 0] * cy - corners_cm[:, 1] * sy
    y = corners_cm[:, 0] * sy + corners_cm[:, 1] * cy
    return np.stack([base[0] + scale * x, base[1] - scale * (y * se + z_cm * ce)], 1)


def _rect(w: float, d: float, dx: float = 0.0, dy: float = 0.0) -> npt.NDArray[np.float64]:
    """Corners tl, tr, br, bl of a w x d rectangle: top is the far edge."""
    return np.array(
        [
            [-w / 2 + dx, d / 2 + dy],
            [w / 2 + dx, d / 2 + dy],
            [w / 2 + dx, -d / 2 + dy],
            [-w / 2 + dx, -d / 2 + dy],
        ]
    )


@dataclass(frozen=True)
class _Item:
    """One object of a pile before it has a texture: size in cm and its pose in the pile."""

    w: float
    d: float
    t: float
    dx: float
    dy: float
    yaw: float


def _pile(
    rng: np.random.Generator, dims: tuple[tuple[float, float], ...], count: int, tidy: bool
) -> list[_Item]:
    """A stack of `count` similar objects; untidy stacks are fanned so lower ones show."""
    w, d, t = (rng.uniform(*r) for r in dims)
    items, yaw = [], 0.0
    fan = np.array([rng.uniform(-1, 1), rng.uniform(-1, 1)])
    fan = fan / (np.hypot(*fan) + 1e-9) * rng.uniform(0.25, 0.6)
    for k in range(count):
        jitter = 0.02 if tidy else 0.06
        if tidy:
            dx, dy = rng.normal(0, jitter * w), rng.normal(0, jitter * d)
        else:
            dx, dy = fan[0] * w * k + rng.normal(0, jitter * w), fan[1] * d * k
        yaw = rng.normal(0, 2 if tidy else 9)
        items.append(
            _Item(
                w * rng.uniform(0.97, 1.03),
                d * rng.uniform(0.97, 1.03),
                t * rng.uniform(0.85, 1.15),
                dx,
                dy,
                yaw,
            )
        )
    return items


def _pile_quads(
    items: Sequence[_Item],
    base: tuple[float, float],
    scale: float,
    elevation: float,
    yaw: float,
    rng: np.random.Generator,
) -> list[tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]]:
    """(top face quad (4, 2), extrusion (2,)) per item, bottom of the pile first."""
    out, z = [], 0.0
    ce = np.cos(np.radians(elevation))
    for it in items:
        z += it.t
        quad = _project_flat(
            base, scale, elevation, yaw + it.yaw, _rect(it.w, it.d, it.dx, it.dy), z
        )
        quad = quad + rng.normal(0, 0.012 * scale * it.w, quad.shape)  # a little true perspective
        out.append((quad, np.array([0.0, scale * it.t * ce])))
    return out


def _upright_quads(
    items: Sequence[_Item],
    centre: tuple[float, float],
    scale: float,
    roll: float,
    turn: float,
    rng: np.random.Generator,
) -> list[tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]]:
    """Bundles held up with their face to the camera, rearmost first (each item's dx, dy shift it).

    turn: rotation about the vertical axis in degrees, which shows the thickness on one side.
    """
    out = []
    ct, st = np.cos(np.radians(turn)), np.sin(np.radians(turn))
    cr, sr = np.cos(np.radians(roll)), np.sin(np.radians(roll))
    rot = np.array([[cr, -sr], [sr, cr]])
    for it in reversed(items):
        half = np.array(
            [
                [-it.w / 2 * ct, -it.d / 2],
                [it.w / 2 * ct, -it.d / 2],
                [it.w / 2 * ct, it.d / 2],
                [-it.w / 2 * ct, it.d / 2],
            ]
        )
        # The pile's own offsets (a fan grows with the index already) spread the bundles.
        shift = np.array([it.dx, -abs(it.dy)]) * 0.6
        pts = (half + shift) @ rot.T * scale + centre
        pts = pts + rng.normal(0, 0.012 * scale * it.w, pts.shape)
        extrude = np.array([st * it.t * scale, -0.3 * it.t * scale])
        out.append((pts, extrude))
    return out


# ----------------------------------------------------------------------------- objects


def _bundle_kind(rng: np.random.Generator) -> BundleKind:
    return list(BundleKind)[int(rng.choice(len(BundleKind), p=_BUNDLE_P))]


def _bundle_look(rng: np.random.Generator, kind: BundleKind, item: _Item) -> tex.Look:
    if kind is BundleKind.ENVELOPE:
        return tex.envelope(rng, item.w, item.d)
    if kind in (BundleKind.WHITE_BAG, BundleKind.BLUE_BAG):
        return tex.plastic_bag(rng, item.w, item.d, blue=kind is BundleKind.BLUE_BAG)
    if kind is BundleKind.METAL_BOX:
        return tex.metal_box(rng, item.w, item.d)
    if kind is BundleKind.PLASTIC_BOX:
        return tex.plastic_box(rng, item.w, item.d)
    return tex.paper_box(rng, item.w, item.d, blue=kind is BundleKind.BLUE_BOX)


def _decoy_look(rng: np.random.Generator, kind: DecoyKind, item: _Item) -> tex.Look:
    makers = {
        DecoyKind.BOOK: tex.book,
        DecoyKind.FOLDER: tex.folder,
        DecoyKind.SHEET: tex.paper_sheet,
        DecoyKind.CARTON: tex.carton,
        DecoyKind.CABINET: tex.cabinet,
    }
    return makers[kind](rng, item.w, item.d)


def _bounds(quads: Sequence[tuple[np.ndarray, np.ndarray]]) -> tuple[float, float, float, float]:
    pts = np.concatenate([np.concatenate([q, q + e]) for q, e in quads])
    return (
        float(pts[:, 0].min()),
        float(pts[:, 1].min()),
        float(pts[:, 0].max()),
        float(pts[:, 1].max()),
    )


def _on_canvas(box: tuple[float, float, float, float], canvas: Canvas, keep: float) -> bool:
    """True when at least `keep` of the box's area lies inside the picture."""
    x0, y0, x1, y1 = box
    iw = max(min(x1, canvas.width) - max(x0, 0), 0)
    ih = max(min(y1, canvas.height) - max(y0, 0), 0)
    return iw * ih >= keep * max((x1 - x0) * (y1 - y0), 1e-6)


def _paint_pile(
    scene: _Scene,
    quads: Sequence[tuple[np.ndarray, np.ndarray]],
    looks: Sequence[tex.Look],
    bundle: bool,
) -> None:
    slabs = [
        Slab(look.face, look.sides, quad, extrude)
        for (quad, extrude), look in zip(quads, looks, strict=True)
    ]
    areas = _pile_areas(slabs) if bundle else [0.0] * len(slabs)
    for slab, area in zip(slabs, areas, strict=True):
        owner = scene.new_bundle(slab, area) if bundle else CLUTTER
        draw_slab(scene.canvas, slab, owner, scene.light)


def _pile_areas(slabs: Sequence[Slab], max_side: int = 384) -> list[float]:
    """Area (px²) each slab of a pile shows when only the pile is drawn, frame edges ignored.

    Visibility is measured against this, not the bare silhouette: in a stack the lower bundles
    show only their edges, and a person counting a stack counts those edges. What arms, other
    objects and the frame edge hide afterwards is what makes a bundle "less than 40 % visible".
    Drawn at most `max_side` px wide (then rescaled), so a frame-filling pile stays cheap.
    """
    outlines = [sl.silhouette for sl in slabs]
    pts = np.concatenate(outlines)
    lo = pts.min(axis=0)
    span = float(max(pts.max(axis=0) - lo))
    f = min(1.0, max_side / max(span, 1.0))
    size = int(np.ceil(span * f)) + 2
    owner = np.full((size, size), -1, np.int16)
    for k, outline in enumerate(outlines):
        poly = np.round((outline - lo) * f * 16).astype(np.int32)
        cv2.fillConvexPoly(owner, poly, k, cv2.LINE_8, 4)
    counts = np.bincount(owner.ravel() + 1, minlength=len(slabs) + 1)[1:]
    return [float(c) / (f * f) for c in counts]


def _pick_spot(
    scene: _Scene, min_scale: float, max_scale: float, kinds: Sequence[str] | None = None
) -> tuple[float, float, float] | None:
    """A resting point (x, y) on a surface of the backdrop, with the scale there."""
    rng = scene.rng
    surfaces: list[Surface] = [
        s for s in scene.backdrop.surfaces if kinds is None or s.kind in kinds
    ]
    if not surfaces:
        return None
    for _ in range(12):
        spot = surfaces[int(rng.integers(len(surfaces)))].sample(rng)
        if min_scale <= spot[2] <= max_scale and 0 <= spot[1] <= scene.canvas.height * 1.05:
            return spot
    return None


def _scale_limits(handheld: bool) -> tuple[float, float]:
    """px/cm range for objects: ~14 px wide envelopes on CCTV up to frame-filling on phones.

    The low end is a wide vault camera's far shelf (a 23-cm envelope 6-8 m away at 640 px).
    From 1.2 px/cm (run 6's recipe) only 8 % of the labelled bundles were under 0.5 % of the
    frame, and the model found 15 % of such bundles drawn by the independent renderer
    (models/README.md); from 0.6 px/cm it is 18 %."""
    return (0.8, 12.0) if handheld else (0.6, 3.6)


def _surface_pile(scene: _Scene, bundle: bool) -> None:
    """A pile of bundles or of decoys lying on the floor, a desk or a shelf."""
    rng = scene.rng
    lo, hi = _scale_limits(scene.handheld)
    spot = _pick_spot(scene, lo, hi)
    if spot is None:
        return
    x, y, s = spot
    if bundle:
        bundle_kind = _bundle_kind(rng)
        kind: BundleKind | DecoyKind = bundle_kind
        boxy = kind in _BOXES
        count = int(rng.integers(1, 4 if boxy else 7))
        dims = _BUNDLE_DIMS[bundle_kind]
    else:
        kind = list(DecoyKind)[int(rng.choice(len(DecoyKind), p=_DECOY_P))]
        most = {DecoyKind.CARTON: 3, DecoyKind.CABINET: 2}.get(kind, 6)
        count = int(rng.integers(1, most))
        dims = _DECOY_DIMS[kind]
    elevation = float(np.clip(scene.backdrop.elevation + rng.normal(0, 8), 2, 85))
    tidy = bool(rng.random() < 0.55)
    items = _pile(rng, dims, count, tidy)
    quads = _pile_quads(items, (x, y), s, elevation, rng.uniform(-40, 40), rng)
    box = _bounds(quads)
    if not _on_canvas(box, scene.canvas, 0.5) or not scene.free(box):
        return
    mixed = bundle and rng.random() < 0.2
    looks = []
    for it in items:
        k = _bundle_kind(rng) if mixed else kind
        looks.append(
            _bundle_look(rng, k, it) if isinstance(k, BundleKind) else _decoy_look(rng, k, it)
        )
    scene.draws.append((y, lambda: _paint_pile(scene, quads, looks, bundle)))


def _flat_shape(scene: _Scene) -> None:
    """A cardboard piece that is not a bundle: a disc, triangle, L or long strip, kraft coloured."""
    rng = scene.rng
    lo, hi = _scale_limits(scene.handheld)
    spot = _pick_spot(scene, lo, hi)
    if spot is None:
        return
    x, y, s = spot
    size = rng.uniform(20, 60) * s
    shape = rng.choice(["disc", "triangle", "ell", "strip"])
    if shape == "disc":
        n = 24
        a = np.linspace(0, 2 * np.pi, n, endpoint=False)
        pts = np.stack([np.cos(a), np.sin(a) * 0.5], 1)
    elif shape == "triangle":
        pts = np.array([[-1, 0.5], [1, 0.5], [rng.uniform(-0.5, 0.5), -0.6]])
    elif shape == "ell":
        pts = np.array([[-1, -0.5], [0, -0.5], [0, 0], [1, 0], [1, 0.5], [-1, 0.5]])
    else:
        pts = np.array([[-1.5, -0.08], [1.5, -0.08], [1.5, 0.08], [-1.5, 0.08]])
    ang = np.radians(rng.uniform(0, 180))
    rot = np.array([[np.cos(ang), -np.sin(ang)], [np.sin(ang), np.cos(ang)]])
    pts = pts @ rot.T * size + (x, y)
    colour = tex.kraft_colour(rng)
    scene.draws.append((y, lambda: fill_polygon(scene.canvas, pts, colour)))


def _clutter(scene: _Scene) -> None:
    """Room clutter that is no bundle: a textured blob, a chair, a bin or a potted plant."""
    rng = scene.rng
    lo, hi = _scale_limits(scene.handheld)
    spot = _pick_spot(scene, lo * 0.7, hi)
    if spot is None:
        return
    x, y, s = spot
    kind = rng.choice(["blob", "chair", "bin", "plant"])
    look = tex.random_texture(rng)
    dark = tex.hsv_colour(rng.uniform(0, 180), rng.uniform(0, 120), rng.uniform(20, 120))
    size = rng.uniform(15, 60) * s
    n = int(rng.integers(5, 10))
    ang = np.sort(rng.uniform(0, 2 * np.pi, n))
    blob = np.stack([np.cos(ang), np.sin(ang) * rng.uniform(0.4, 1.0)], 1) * size
    blob = blob * rng.uniform(0.6, 1.0, (n, 1)) + (x, y - size * 0.5)

    def paint() -> None:
        canvas = scene.canvas
        if kind == "blob":
            paste_texture_polygon(canvas, look, blob)
        elif kind == "chair":
            for dx in (-20, 20):
                limb(canvas, (x + dx * s, y - 45 * s), (x + dx * s, y), 3 * s, dark)
            paste_texture_polygon(canvas, look, _trapezoid(x, y, s, (24, 50), (22, 42)))
            paste_texture_polygon(canvas, look, _trapezoid(x, y, s, (22, 95), (22, 52)))
        elif kind == "bin":
            fill_polygon(canvas, _trapezoid(x, y, s, (16, 50), (13, 0)), dark)
            fill_ellipse(canvas, (x, y - 50 * s), (16 * s, 5 * s), 0, dimmed(dark, 0.6))
        else:
            fill_polygon(canvas, _trapezoid(x, y, s, (14, 30), (10, 0)), dark)
            for _ in range(int(rng.integers(6, 14))):
                c = (x + rng.normal(0, 15) * s, y - 30 * s - abs(rng.normal(25, 15)) * s)
                green = (rng.uniform(20, 70), rng.uniform(90, 190), rng.uniform(20, 80))
                fill_ellipse(
                    canvas,
                    c,
                    (rng.uniform(4, 12) * s, rng.uniform(2, 5) * s),
                    rng.uniform(0, 180),
                    green,
                )

    scene.draws.append((y, paint))


def _trapezoid(
    x: float, y: float, s: float, top: tuple[float, float], bottom: tuple[float, float]
) -> npt.NDArray[np.float64]:
    """(4, 2) corners of a shape standing at (x, y), symmetric about x; `top` and `bottom` are
    (half width, height above y) in cm, `s` pixels per cm."""
    (top_half, top_up), (bottom_half, bottom_up) = top, bottom
    return np.array(
        [
            [x - top_half * s, y - top_up * s],
            [x + top_half * s, y - top_up * s],
            [x + bottom_half * s, y - bottom_up * s],
            [x - bottom_half * s, y - bottom_up * s],
        ]
    )


def _carrier(scene: _Scene, carrying: bool) -> None:
    """A person on the floor, carrying bundles (or a decoy, or nothing)."""
    rng = scene.rng
    lo, hi = _scale_limits(scene.handheld)
    spot = _pick_spot(scene, lo, hi, kinds=("stand",))
    if spot is None:
        return
    x, y, s = spot
    squash = float(np.clip(np.cos(np.radians(scene.backdrop.elevation)) * 1.1, 0.55, 1.0))
    person = Person.random(rng, x, y, s, squash)
    top = person.at(0, 178)
    body = (x - 30 * s, top[1], x + 30 * s, y)
    if not _on_canvas(body, scene.canvas, 0.35) or not scene.free(body, 0.5):
        return
    pose = rng.choice(["front", "upright", "hand", "none"], p=[0.45, 0.2, 0.35, 0.0])
    if not carrying:
        pose = rng.choice(["front", "upright", "hand", "none"], p=[0.15, 0.1, 0.25, 0.5])
    side = int(rng.choice([-1, 1]))
    if carrying:
        bundle_kind = _bundle_kind(rng)
        kind: BundleKind | DecoyKind = bundle_kind
        boxy = kind in _BOXES
        most = {"front": 3 if boxy else 6, "upright": 2 if boxy else 3, "hand": 2}[str(pose)]
        count = int(rng.integers(1, most + 1))
        dims = _BUNDLE_DIMS[bundle_kind]
    else:
        kind = list(DecoyKind)[int(rng.choice(3))]
        count = int(rng.integers(1, 4))
        dims = _DECOY_DIMS[kind]
    items = _pile(rng, dims, count, tidy=bool(rng.random() < 0.6)) if pose != "none" else []
    quads: list[tuple[np.ndarray, np.ndarray]] = []
    if pose == "front":
        elev = float(np.clip(scene.backdrop.elevation * 0.6 + rng.uniform(0, 25), 3, 70))
        quads = _pile_quads(
            items, person.at(rng.uniform(-4, 4), 98), s, elev, rng.uniform(-20, 20), rng
        )
    elif pose == "upright":
        quads = _upright_quads(
            items,
            person.at(rng.uniform(-6, 6), 118),
            s,
            rng.uniform(-15, 15),
            rng.uniform(-40, 40),
            rng,
        )
    elif pose == "hand":
        hand = person.at(side * 26, 80)
        quads = _upright_quads(
            items[:2],
            (hand[0], hand[1] + items[0].d * s * 0.45),
            s,
            rng.uniform(-10, 10),
            rng.uniform(-60, 60),
            rng,
        )
    looks = [
        _bundle_look(rng, kind, it) if isinstance(kind, BundleKind) else _decoy_look(rng, kind, it)
        for it in items[: len(quads)]
    ]
    cutout = None
    if scene.people and rng.random() < scene.real_person_fraction:
        cutout = scene.people[int(rng.integers(len(scene.people)))]
    flip = bool(rng.random() < 0.5)

    def paint() -> None:
        nonlocal person
        if cutout is None:
            draw_body(scene.canvas, person)
        else:
            # A real person; the arms drawn over it take the colour of its top.
            top = person.at(0, 178)[1]
            shirt = paste_person(scene.canvas, load_cutout(cutout), x, y, y - top, flip)
            person = replace(person, shirt=shirt, pattern=None)
        if pose == "hand":
            other = person.at(-side * 24, 82)
            draw_arm(scene.canvas, person, -side, other)
            draw_arm(scene.canvas, person, side, person.at(side * 26, 80), elbow_out=2)
            _paint_pile(scene, quads, looks, carrying)
            hx, hy = person.at(side * 26, 80)
            fill_ellipse(scene.canvas, (hx, hy + 2 * s), (5 * s, 4 * s), 0, person.skin)
        elif pose in ("front", "upright"):
            _paint_pile(scene, quads, looks, carrying)
            box = _bounds(quads)
            bottom = box[3] - (box[3] - box[1]) * rng.uniform(0.0, 0.25)
            draw_arm(scene.canvas, person, -1, (box[0] + 3 * s, bottom))
            draw_arm(scene.canvas, person, 1, (box[2] - 3 * s, bottom))
        else:
            for sd in (-1, 1):
                draw_arm(scene.canvas, person, sd, person.at(sd * rng.uniform(22, 30), 80))

    scene.draws.append((y, paint))


def _first_person(scene: _Scene) -> None:
    """A phone held by the carrier: forearms from the bottom edge holding the lot."""
    rng, canvas = scene.rng, scene.canvas
    h, w = canvas.height, canvas.width
    s = rng.uniform(3.0, 9.0) * w / 640
    kind = _bundle_kind(rng)
    boxy = kind in _BOXES
    items = _pile(rng, _BUNDLE_DIMS[kind], int(rng.integers(1, 3 if boxy else 5)), True)
    base = (w * rng.uniform(0.35, 0.65), h * rng.uniform(0.8, 1.0))
    quads = _pile_quads(items, base, s, rng.uniform(25, 65), rng.uniform(-25, 25), rng)
    box = _bounds(quads)
    if not _on_canvas(box, canvas, 0.6) or not scene.free(box):
        return
    looks = [_bundle_look(rng, kind, it) for it in items]
    skin = Person.random(rng, 0, 0, 1, 1).skin
    sleeve = tex.hsv_colour(rng.uniform(0, 180), rng.uniform(0, 200), rng.uniform(30, 220))

    def paint() -> None:
        _paint_pile(scene, quads, looks, True)
        for hx, ex in ((box[0], -0.1 * w), (box[2], 1.1 * w)):
            lift = rng.uniform(0, 0.2) * (box[3] - box[1])
            hand = (hx + (4 if ex < 0 else -4) * s, box[3] - lift)
            limb(canvas, (ex, h * 1.1), hand, 9 * s, sleeve)
            fill_ellipse(canvas, hand, (5 * s, 4 * s), rng.uniform(0, 180), skin)

    scene.draws.append((h * 2.0, paint))


# ----------------------------------------------------------------------------- camera


def _camera_effects(img: Image, rng: np.random.Generator, handheld: bool) -> tuple[Image, int]:
    """Light, colour temperature, blur, noise and resolution loss; returns the JPEG quality too."""
    h, w = img.shape[:2]
    out = img.astype(np.float32)
    # Uneven light: a smooth gain field (a lamp, a window, vignetting).
    gain = 1.0 + rng.uniform(0.05, 0.3) * tex.noise_field(rng, h, w, rng.uniform(0.5, 2))
    out *= np.clip(gain, 0.5, 1.6)[..., None]
    temp = rng.uniform(-0.18, 0.18)
    out *= np.array([1 - temp, 1 + rng.uniform(-0.04, 0.04), 1 + temp], np.float32)
    contrast, bright = rng.uniform(0.6, 1.25), rng.uniform(-45, 35)
    out = (out - 128) * contrast + 128 + bright
    out = np.clip(out, 0, 255)
    gamma = rng.uniform(0.75, 1.35)
    out = 255.0 * (out / 255.0) ** gamma
    if not handheld and rng.random() < 0.08:
        # Night mode of CCTV: infrared, monochrome.
        grey = out @ np.array([0.114, 0.587, 0.299], np.float32)
        out = np.repeat(grey[..., None], 3, axis=2)
    if rng.random() < (0.5 if handheld else 0.15):
        length = int(rng.integers(3, 16 if handheld else 7))
        kernel = np.zeros((length, length), np.float32)
        kernel[length // 2, :] = 1.0 / length
        rot = cv2.getRotationMatrix2D((length / 2 - 0.5, length / 2 - 0.5), rng.uniform(0, 180), 1)
        kernel = as_float(cv2.warpAffine(kernel, rot, (length, length)))
        kernel /= max(float(kernel.sum()), 1e-6)
        out = as_float(cv2.filter2D(out, -1, kernel))
    elif rng.random() < 0.25:
        out = as_float(cv2.GaussianBlur(out, (0, 0), rng.uniform(0.5, 1.6)))
    if rng.random() < (0.15 if handheld else 0.4):
        f = rng.uniform(0.5, 0.85)
        small = cv2.resize(
            out, (max(int(w * f), 8), max(int(h * f), 8)), interpolation=cv2.INTER_AREA
        )
        out = as_float(cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR))
    sigma = rng.uniform(0.5, 8.0) if rng.random() < 0.85 else rng.uniform(8, 14)
    out += (
        rng.standard_normal((h, w, 1) if rng.random() < 0.5 else (h, w, 3)).astype(np.float32)
        * sigma
    )
    quality = int(rng.integers(35, 96))
    return np.clip(out + 0.5, 0, 255).astype(np.uint8), quality


# ----------------------------------------------------------------------------- frame


def _labels(
    scene: _Scene, min_visible: float
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]:
    """(labelled (n, 4), ignored (m, 4)) xyxy boxes around what is visible of each bundle."""
    owner = scene.canvas.owner
    h, w = owner.shape
    keep, ignore = [], []
    for bid, area in scene.areas.items():
        x0, y0, x1, y1 = scene.regions[bid]
        c0, r0 = max(int(x0) - 1, 0), max(int(y0) - 1, 0)
        c1, r1 = min(int(np.ceil(x1)) + 2, w), min(int(np.ceil(y1)) + 2, h)
        if c1 <= c0 or r1 <= r0:
            continue
        ys, xs = np.nonzero(owner[r0:r1, c0:c1] == bid)
        if xs.size == 0:
            continue
        box = [c0 + xs.min(), r0 + ys.min(), c0 + xs.max() + 1, r0 + ys.max() + 1]
        seen = xs.size / max(area, 1.0)
        big = box[2] - box[0] >= _MIN_BOX_PX and box[3] - box[1] >= _MIN_BOX_PX
        if seen >= min_visible and big:
            keep.append(box)
        elif seen >= 0.1:
            ignore.append(box)
    return (
        np.asarray(keep, np.float32).reshape(-1, 4),
        np.asarray(ignore, np.float32).reshape(-1, 4),
    )


def _frame_size(rng: np.random.Generator, handheld: bool) -> tuple[int, int]:
    """(height, width): landscape CCTV, landscape or portrait phone."""
    sizes = [(360, 640), (480, 640), (640, 360), (640, 480)]
    p = [0.4, 0.2, 0.25, 0.15] if handheld else [0.55, 0.45, 0.0, 0.0]
    return sizes[int(rng.choice(4, p=p))]


def render_sample(seed: int, index: int, config: SynthConfig | None = None) -> SynthSample:
    """Render frame `index` of the set with `seed`; identical inputs give identical bytes."""
    cfg = config or SynthConfig()
    rng = np.random.default_rng([seed, index, 0xB0D1E])
    handheld = bool(rng.random() < cfg.handheld_fraction)
    h, w = _frame_size(rng, handheld)
    # CCTV: a vault or distribution room is small, so even its far side is >= ~1.2 px/cm in a
    # 640-px frame (a 35 cm envelope >= 40 px).
    near = rng.uniform(2.4, 8.0) if handheld else rng.uniform(1.5, 3.4)
    near *= w / 640
    elevation = rng.uniform(5, 55) if handheld else rng.uniform(30, 75)
    if cfg.backgrounds and rng.random() < cfg.background_fraction:
        path = cfg.backgrounds[int(rng.integers(len(cfg.backgrounds)))]
        canvas, backdrop = photo_backdrop(rng, path, h, w, near, elevation)
    else:
        canvas, backdrop = procedural_backdrop(rng, h, w, near, elevation, close=handheld)
    light = rng.normal(size=2)
    scene = _Scene(rng, canvas, backdrop, handheld, light / (np.hypot(*light) + 1e-9))
    scene.people, scene.real_person_fraction = cfg.people, cfg.real_person_fraction

    empty = rng.random() < cfg.empty_fraction
    groups = (
        0
        if empty
        else int(rng.choice([1, 2, 3], p=[0.55, 0.3, 0.15] if handheld else [0.35, 0.4, 0.25]))
    )
    placed = 0
    for _ in range(groups * 4):
        if placed >= groups:
            break
        r = rng.random()
        before = len(scene.draws)
        if handheld and r < 0.2:
            _first_person(scene)
        elif r < 0.6:
            _surface_pile(scene, bundle=True)
        else:
            _carrier(scene, carrying=True)
        placed += len(scene.draws) - before
    for _ in range(int(rng.integers(0, 4 if handheld else 6))):
        r = rng.random()
        if r < 0.6:
            _surface_pile(scene, bundle=False)
        elif r < 0.75:
            _flat_shape(scene)
        else:
            _clutter(scene)
    for _ in range(int(rng.integers(0, 2 if handheld else 3))):
        _carrier(scene, carrying=False)
    # Painter's order: what stands further back (higher in the frame) is painted first.
    for _, paint in sorted(scene.draws, key=lambda t: t[0]):
        paint()
    if not handheld and rng.random() < 0.6:
        draw_osd(canvas, rng)

    boxes, ignore = _labels(scene, cfg.min_visible)
    image, quality = _camera_effects(canvas.image, rng, handheld)
    ok, buf = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise RuntimeError("JPEG encoding failed")
    jpeg = buf.tobytes()
    decoded = cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR)
    if decoded is None:
        raise RuntimeError("JPEG decoding failed")
    return SynthSample(as_image(decoded), jpeg, boxes, ignore)


# ----------------------------------------------------------------------------- dataset


@dataclass(frozen=True)
class SynthSummary:
    """What `write_dataset` wrote."""

    images: int
    boxes: int
    empty_images: int


def write_dataset(
    out_dir: Path,
    count: int,
    seed: int,
    config: SynthConfig | None = None,
    prefix: str = "synth",
) -> SynthSummary:
    """Write `count` frames as out_dir/images/<prefix>_<seed>_<i>.jpg and YOLO labels beside.

    Labels are ``0 cx cy w h`` normalised to the frame; frames without bundles get an empty file
    (a negative example, not a missing label).
    """
    images, labels = out_dir / "images", out_dir / "labels"
    images.mkdir(parents=True, exist_ok=True)
    labels.mkdir(parents=True, exist_ok=True)
    boxes = empty = 0
    for i in range(count):
        sample = render_sample(seed, i, config)
        stem = f"{prefix}_{seed}_{i:06d}"
        (images / f"{stem}.jpg").write_bytes(sample.jpeg)
        h, w = sample.image.shape[:2]
        cxcywh = xyxy_to_cxcywh(sample.boxes, w, h)
        write_labels(labels / f"{stem}.txt", np.zeros(len(cxcywh), np.int64), cxcywh)
        boxes += len(cxcywh)
        empty += int(len(cxcywh) == 0)
        if (i + 1) % 500 == 0:
            log.info("rendered %d / %d frames", i + 1, count)
    return SynthSummary(count, boxes, empty)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="output folder (gets images/ and labels/)")
    parser.add_argument("--count", type=int, default=500)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--backgrounds",
        type=Path,
        default=None,
        help="folder of the site's own frames with no bundles in them",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    backgrounds = tuple(list_images(args.backgrounds)) if args.backgrounds else ()
    if args.backgrounds and not backgrounds:
        parser.error(f"no images found under {args.backgrounds}")
    summary = write_dataset(args.out, args.count, args.seed, SynthConfig(backgrounds=backgrounds))
    sys.stdout.write(
        f"{summary.images} frames, {summary.boxes} bundle boxes, "
        f"{summary.empty_images} frames without bundles -> {args.out}\n"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
