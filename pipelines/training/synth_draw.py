"""Drawing primitives of the synthetic renderer: textured quads, slabs and shapes.

Everything is painted back to front onto a `Canvas`, which also keeps an owner map: the id of
the object painted last at each pixel. Labels come from that map, so a bundle that an arm or
another object covers is measured by what is really left visible, not by a guess.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

Image = npt.NDArray[np.uint8]
"""(h, w, 3) uint8 BGR picture."""
Points = npt.NDArray[np.float64]
"""(n, 2) float pixel coordinates (x, y)."""
Colour = tuple[float, float, float]
"""BGR, 0-255."""

BACKGROUND = -1
CLUTTER = 0
"""Owner id of everything that is not a bundle; bundles get ids 1, 2, ..."""


def as_image(array: object) -> Image:
    """View an OpenCV result as `Image` (no copy for uint8 input; OpenCV's stubs say Any-ish)."""
    return np.asarray(array, np.uint8)


def as_float(array: object) -> npt.NDArray[np.float32]:
    """View an OpenCV result as float32 (no copy for float32 input)."""
    return np.asarray(array, np.float32)


def dimmed(colour: Sequence[float], factor: float) -> Colour:
    """A colour scaled by `factor` (a shadowed or darker variant)."""
    return (float(colour[0]) * factor, float(colour[1]) * factor, float(colour[2]) * factor)


_SHIFT = 4  # OpenCV sub-pixel bits for polygon vertices: smooth edges on small objects
_ONE = 1 << _SHIFT


@dataclass
class Canvas:
    """A picture being painted.

    image: (h, w, 3) uint8 BGR; owner: (h, w) int32, `BACKGROUND`, `CLUTTER` or a bundle id.
    """

    image: Image
    owner: npt.NDArray[np.int32]

    @classmethod
    def from_background(cls, background: Image) -> Canvas:
        h, w = background.shape[:2]
        return cls(background.copy(), np.full((h, w), BACKGROUND, np.int32))

    @property
    def height(self) -> int:
        return int(self.image.shape[0])

    @property
    def width(self) -> int:
        return int(self.image.shape[1])


@dataclass(frozen=True)
class Slab:
    """A flat box seen in perspective: a textured front face plus its extruded sides.

    face: (th, tw, 3) texture of the face toward the camera; sides: four textures, one per face
    edge (tl-tr, tr-br, br-bl, bl-tl), x along the edge and y along the thickness; quad: (4, 2)
    image corners of the face in texture order tl, tr, br, bl; extrude: (2,) image offset from
    the front face to the back face (zero for a sheet of paper).
    """

    face: Image
    sides: tuple[Image, Image, Image, Image]
    quad: Points
    extrude: npt.NDArray[np.float64]

    @property
    def silhouette(self) -> Points:
        """(k, 2) convex outline of the whole slab."""
        pts = np.concatenate([self.quad, self.quad + self.extrude]).astype(np.float32)
        return cv2.convexHull(pts).reshape(-1, 2).astype(np.float64)

    @property
    def area(self) -> float:
        """Silhouette area in square pixels, counting parts outside the picture."""
        return float(cv2.contourArea(self.silhouette.astype(np.float32)))


def _roi(canvas: Canvas, pts: Points, pad: int = 2) -> tuple[int, int, int, int] | None:
    """Clipped integer box (x0, y0, x1, y1) around points, or None when off the picture."""
    x0 = max(int(np.floor(pts[:, 0].min())) - pad, 0)
    y0 = max(int(np.floor(pts[:, 1].min())) - pad, 0)
    x1 = min(int(np.ceil(pts[:, 0].max())) + pad, canvas.width)
    y1 = min(int(np.ceil(pts[:, 1].max())) + pad, canvas.height)
    if x1 <= x0 or y1 <= y0:
        return None
    return x0, y0, x1, y1


def _blend(
    canvas: Canvas,
    box: tuple[int, int, int, int],
    patch: npt.NDArray[np.float32] | Sequence[float],
    mask: npt.NDArray[np.uint8],
    owner_id: int | None,
    opacity: float,
) -> None:
    """Alpha-blend `patch` ((h, w, 3) or a colour) into the box through an anti-aliased mask."""
    x0, y0, x1, y1 = box
    roi = canvas.image[y0:y1, x0:x1]
    alpha = mask.astype(np.float32)[..., None] * (opacity / 255.0)
    src = np.asarray(patch, np.float32)
    out = roi.astype(np.float32) * (1.0 - alpha) + src * alpha
    roi[:] = np.clip(out + 0.5, 0, 255).astype(np.uint8)
    if owner_id is not None and opacity >= 0.5:
        canvas.owner[y0:y1, x0:x1][mask >= 128] = owner_id


def fill_polygon(
    canvas: Canvas,
    pts: Points,
    color: Sequence[float],
    owner_id: int | None = CLUTTER,
    opacity: float = 1.0,
) -> None:
    """Fill any simple polygon (n, 2) with a flat colour."""
    box = _roi(canvas, pts)
    if box is None:
        return
    x0, y0, x1, y1 = box
    mask = np.zeros((y1 - y0, x1 - x0), np.uint8)
    local = np.round((pts - (x0, y0)) * _ONE).astype(np.int32)
    cv2.fillPoly(mask, [local], 255, cv2.LINE_AA, _SHIFT)
    _blend(canvas, box, color, mask, owner_id, opacity)


def fill_ellipse(
    canvas: Canvas,
    center: tuple[float, float],
    axes: tuple[float, float],
    angle: float,
    color: Sequence[float],
    owner_id: int | None = CLUTTER,
) -> None:
    """Fill an ellipse; axes are half-lengths in pixels, angle in degrees."""
    poly = cv2.ellipse2Poly(
        (int(round(center[0] * 8)), int(round(center[1] * 8))),
        (max(int(round(axes[0] * 8)), 1), max(int(round(axes[1] * 8)), 1)),
        int(round(angle)),
        0,
        360,
        10,
    )
    fill_polygon(canvas, np.asarray(poly, np.float64) / 8.0, color, owner_id)


def limb(
    canvas: Canvas,
    p0: tuple[float, float],
    p1: tuple[float, float],
    width: float,
    color: Sequence[float],
    owner_id: int | None = CLUTTER,
) -> None:
    """A rounded bar from p0 to p1 (an arm, a leg, a table leg)."""
    a, b = np.asarray(p0, np.float64), np.asarray(p1, np.float64)
    d = b - a
    n = np.hypot(*d)
    if n < 1e-6:
        fill_ellipse(canvas, p0, (width / 2, width / 2), 0, color, owner_id)
        return
    normal = np.array([-d[1], d[0]]) / n * (width / 2)
    angles = np.linspace(0, np.pi, 7)
    ang0 = np.arctan2(normal[1], normal[0])
    r = width / 2
    cap1 = b + r * np.stack([np.cos(ang0 - angles), np.sin(ang0 - angles)], 1)
    cap0 = a + r * np.stack([np.cos(ang0 + np.pi - angles), np.sin(ang0 + np.pi - angles)], 1)
    fill_polygon(canvas, np.concatenate([cap1, cap0]), color, owner_id)


def paste_texture(
    canvas: Canvas,
    texture: Image,
    quad: Points,
    owner_id: int | None,
    shade: float = 1.0,
    opacity: float = 1.0,
) -> None:
    """Warp a texture (th, tw, 3) onto a convex image quad (4, 2) given as tl, tr, br, bl."""
    if abs(cv2.contourArea(quad.astype(np.float32))) < 1.0:
        return
    box = _roi(canvas, quad)
    if box is None:
        return
    x0, y0, x1, y1 = box
    th, tw = texture.shape[:2]
    # Shrink big textures first: warpPerspective samples without prefiltering and would alias.
    edge = max(np.hypot(*(quad[1] - quad[0])), np.hypot(*(quad[2] - quad[1])), 2.0)
    if max(th, tw) > 1.5 * edge:
        f = 1.5 * edge / max(th, tw)
        texture = as_image(
            cv2.resize(
                texture, (max(int(tw * f), 2), max(int(th * f), 2)), interpolation=cv2.INTER_AREA
            )
        )
        th, tw = texture.shape[:2]
    src = np.array([[0, 0], [tw - 1, 0], [tw - 1, th - 1], [0, th - 1]], np.float32)
    dst = (quad - (x0, y0)).astype(np.float32)
    hom = cv2.getPerspectiveTransform(src, dst)
    patch = cv2.warpPerspective(
        texture, hom, (x1 - x0, y1 - y0), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    )
    mask = np.zeros((y1 - y0, x1 - x0), np.uint8)
    cv2.fillConvexPoly(mask, np.round(dst * _ONE).astype(np.int32), 255, cv2.LINE_AA, _SHIFT)
    _blend(canvas, box, patch.astype(np.float32) * shade, mask, owner_id, opacity)


def paste_texture_polygon(
    canvas: Canvas, texture: Image, pts: Points, owner_id: int | None = CLUTTER
) -> None:
    """Fill any simple polygon (n, 2) with a texture stretched over its bounding box."""
    box = _roi(canvas, pts, pad=0)
    if box is None:
        return
    x0, y0, x1, y1 = box
    patch = as_image(cv2.resize(texture, (x1 - x0, y1 - y0), interpolation=cv2.INTER_LINEAR))
    mask = np.zeros((y1 - y0, x1 - x0), np.uint8)
    local = np.round((pts - (x0, y0)) * _ONE).astype(np.int32)
    cv2.fillPoly(mask, [local], 255, cv2.LINE_AA, _SHIFT)
    _blend(canvas, box, patch.astype(np.float32), mask, owner_id, 1.0)


def draw_slab(canvas: Canvas, slab: Slab, owner_id: int, light: npt.NDArray[np.float64]) -> None:
    """Paint a slab: hidden sides first, then visible sides, then the front face.

    light: (2,) unit image direction the light comes from; sides facing it are brighter.
    """
    q, e = slab.quad, slab.extrude
    if np.hypot(*e) >= 0.75:
        centre = q.mean(axis=0)
        order = []
        for i in range(4):
            a, b = q[i], q[(i + 1) % 4]
            mid = (a + b) / 2
            outward = mid - centre
            # A side is seen when it bulges out in the direction of the extrusion; draw the unseen
            # ones first so they never paint over a seen one.
            order.append((float(np.dot(outward, e)), i, outward))
        for _, i, outward in sorted(order, key=lambda t: t[0]):
            a, b = q[i], q[(i + 1) % 4]
            norm = outward / (np.hypot(*outward) + 1e-9)
            shade = 0.62 + 0.22 * float(np.dot(norm, light))
            paste_texture(canvas, slab.sides[i], np.array([a, b, b + e, a + e]), owner_id, shade)
    paste_texture(canvas, slab.face, q, owner_id)
