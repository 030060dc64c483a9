"""Procedural textures of bundles and of look-alike objects (the hard negatives).

Each maker takes a seeded `numpy.random.Generator` and the object's size in centimetres and
returns a `Look`: the face texture plus four side textures, all (h, w, 3) uint8 BGR. Textures are
drawn at about 6 px/cm and shrunk when pasted, so one size suits CCTV and phone views alike.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from pipelines.training.synth_draw import Image, as_float, as_image, dimmed

PX_PER_CM = 6.0
_FONTS = (cv2.FONT_HERSHEY_SIMPLEX, cv2.FONT_HERSHEY_PLAIN, cv2.FONT_HERSHEY_DUPLEX)
_CHARS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789-/#"


@dataclass(frozen=True)
class Look:
    """face: (h, w, 3) texture; sides: one texture per face edge (tl-tr, tr-br, br-bl, bl-tl)."""

    face: Image
    sides: tuple[Image, Image, Image, Image]


def _px(cm: float) -> int:
    return max(int(round(cm * PX_PER_CM)), 4)


def noise_field(rng: np.random.Generator, h: int, w: int, cells: float) -> np.ndarray:
    """(h, w) float32 smooth noise of roughly unit amplitude with `cells` blobs across."""
    gh = max(int(round(cells * h / max(h, w))) + 2, 2)
    gw = max(int(round(cells * w / max(h, w))) + 2, 2)
    grid = rng.standard_normal((gh, gw)).astype(np.float32)
    return as_float(cv2.resize(grid, (w, h), interpolation=cv2.INTER_CUBIC))


def surface(
    rng: np.random.Generator,
    h: int,
    w: int,
    bgr: tuple[float, float, float],
    blotch: float,
    grain: float,
) -> Image:
    """A flat colour with low-frequency blotches and per-pixel grain (paper, plastic, paint)."""
    base = np.empty((h, w, 3), np.float32)
    base[:] = bgr
    base += (blotch * noise_field(rng, h, w, rng.uniform(2, 6)))[..., None]
    if grain > 0:
        base += grain * rng.standard_normal((h, w, 1)).astype(np.float32)
    return as_image(np.clip(base, 0, 255).astype(np.uint8))


def shaded(img: Image, factor: float) -> Image:
    return as_image(np.clip(img.astype(np.float32) * factor, 0, 255).astype(np.uint8))


def hsv_colour(h: float, s: float, v: float) -> tuple[float, float, float]:
    """BGR for hue in [0, 180) (OpenCV scale), saturation and value in [0, 255]."""
    px = np.array([[[int(h) % 180, int(s), int(v)]]], np.uint8)
    b, g, r = as_image(cv2.cvtColor(px, cv2.COLOR_HSV2BGR))[0, 0]
    return float(b), float(g), float(r)


def glyph_line(
    img: Image,
    rng: np.random.Generator,
    x: int,
    y: int,
    width: int,
    size: int,
    color: tuple[float, float, float],
) -> None:
    """Write one line of fake text of glyph height `size` px starting at (x, y) top-left.

    Mixes block glyphs (a few strokes in a square, which reads like Chinese at CCTV sizes) with
    Latin letters and digits.
    """
    if size < 3:
        cv2.line(img, (x, y + size // 2), (x + width, y + size // 2), color, 1)
        return
    if rng.random() < 0.35:
        text = "".join(rng.choice(list(_CHARS), int(rng.integers(3, 12))))
        scale = size / 22.0
        font = _FONTS[int(rng.integers(len(_FONTS)))]
        cv2.putText(img, text, (x, y + size), font, scale, color, max(1, size // 9), cv2.LINE_AA)
        return
    cx, end = x, x + width
    thick = max(1, size // 8)
    while cx + size <= end:
        for _ in range(int(rng.integers(2, 5))):
            if rng.random() < 0.5:
                yy = y + int(rng.integers(0, size))
                cv2.line(img, (cx, yy), (cx + size - 1, yy), color, thick)
            else:
                xx = cx + int(rng.integers(0, size))
                cv2.line(img, (xx, y), (xx, y + size - 1), color, thick)
        cx += int(size * rng.uniform(1.1, 1.4))
        if rng.random() < 0.08:
            cx += size


def text_block(
    img: Image,
    rng: np.random.Generator,
    box: tuple[int, int, int, int],
    size: int,
    color: tuple[float, float, float],
    lines: int | None = None,
) -> None:
    """Fill box (x0, y0, x1, y1) with lines of fake text."""
    x0, y0, x1, y1 = box
    n = lines if lines is not None else max(1, (y1 - y0) // max(int(size * 1.7), 1))
    for i in range(n):
        y = y0 + int(i * size * 1.7)
        if y + size > y1:
            break
        ragged = int((x1 - x0) * rng.uniform(0.0, 0.45))
        glyph_line(img, rng, x0, y, max(x1 - x0 - ragged, size), size, color)


def stamp(img: Image, rng: np.random.Generator, cx: int, cy: int, r: int) -> None:
    """A red ink seal (圆章): a ring with a star and an arc of glyphs, a little faded."""
    red = (rng.uniform(20, 60), rng.uniform(20, 50), rng.uniform(150, 220))
    over = img.copy()
    cv2.circle(over, (cx, cy), r, red, max(1, r // 9), cv2.LINE_AA)
    star = [
        (cx + int(r * 0.35 * np.cos(a)), cy + int(r * 0.35 * np.sin(a)))
        for a in np.linspace(-np.pi / 2, 3.5 * np.pi, 6)
    ]
    cv2.fillPoly(over, [np.array(star[::2] + star[1::2], np.int32)], red)
    for a in np.linspace(-2.6, -0.5, 6):
        p = (cx + int(r * 0.7 * np.cos(a)), cy + int(r * 0.7 * np.sin(a)))
        cv2.circle(over, p, max(1, r // 10), red, -1)
    a = rng.uniform(0.55, 0.9)
    img[:] = cv2.addWeighted(over, a, img, 1 - a, 0)


def seal_strip(img: Image, rng: np.random.Generator, vertical: bool | None = None) -> None:
    """A white paper seal (封条) across the bag, with glyphs, a red stamp and a signature."""
    h, w = img.shape[:2]
    vertical = bool(rng.random() < 0.35) if vertical is None else vertical
    long, short = (h, w) if vertical else (w, h)
    band = int(short * rng.uniform(0.14, 0.3))
    start = int(rng.uniform(0.1, 0.9) * short - band / 2)
    white = rng.uniform(225, 252)
    strip = surface(rng, band, long, (white, white, white * rng.uniform(0.96, 1.0)), 4, 2)
    gsize = max(int(band * rng.uniform(0.3, 0.5)), 3)
    ink = (30.0, 30.0, 30.0) if rng.random() < 0.6 else (40.0, 40.0, 170.0)
    glyph_line(strip, rng, int(long * 0.08), (band - gsize) // 2, int(long * 0.5), gsize, ink)
    if rng.random() < 0.8:
        stamp(strip, rng, int(long * rng.uniform(0.6, 0.85)), band // 2, int(band * 0.45))
    if rng.random() < 0.5:
        pts = np.stack(
            [
                np.linspace(long * 0.3, long * 0.55, 12),
                band / 2 + band * 0.25 * rng.standard_normal(12),
            ],
            1,
        ).astype(np.int32)
        cv2.polylines(strip, [pts], False, (60, 40, 30), 1, cv2.LINE_AA)
    if vertical:
        strip = as_image(cv2.rotate(strip, cv2.ROTATE_90_CLOCKWISE))
        s0, s1 = max(start, 0), min(start + band, w)
        img[:, s0:s1] = strip[:, s0 - start : s1 - start]
    else:
        s0, s1 = max(start, 0), min(start + band, h)
        img[s0:s1, :] = strip[s0 - start : s1 - start, :]


def tape(img: Image, rng: np.random.Generator) -> None:
    """A translucent strip of clear or brown packing tape at a random angle."""
    h, w = img.shape[:2]
    over = img.copy()
    width = max(int(min(h, w) * rng.uniform(0.08, 0.18)), 2)
    if rng.random() < 0.5:
        colour = (240.0, 240.0, 245.0)
    else:
        colour = (70.0, 130.0, 190.0)
    ang = rng.uniform(0, np.pi)
    c = np.array([w, h]) * rng.uniform(0.25, 0.75, 2)
    d = np.array([np.cos(ang), np.sin(ang)]) * (h + w)
    cv2.line(over, tuple((c - d).astype(int)), tuple((c + d).astype(int)), colour, width)
    a = rng.uniform(0.25, 0.5)
    img[:] = cv2.addWeighted(over, a, img, 1.0 - a, 0)


def _sides(img: Image) -> tuple[Image, Image, Image, Image]:
    return (img, img, img, img)


def _edge_texture(rng: np.random.Generator, bgr: tuple[float, float, float], lines: bool) -> Image:
    """Side of a bag or envelope: its own colour, optionally with paper edges showing."""
    side = surface(rng, 24, 96, bgr, 8, 3)
    if lines:
        for y in range(2, 24, int(rng.integers(2, 5))):
            cv2.line(side, (0, y), (95, y), shaded(side[:1, :1], 0.75)[0, 0].tolist(), 1)
    return side


# ----------------------------------------------------------------------------- bundles


def kraft_colour(rng: np.random.Generator) -> tuple[float, float, float]:
    """BGR of kraft paper, from pale manila to dark brown."""
    v = rng.uniform(120, 215)
    return (v * rng.uniform(0.45, 0.62), v * rng.uniform(0.72, 0.84), v)


def envelope(rng: np.random.Generator, w_cm: float, h_cm: float) -> Look:
    """Kraft-paper exam envelope (牛皮纸试卷袋): printed form, flap, usually a seal strip."""
    h, w = _px(h_cm), _px(w_cm)
    colour = kraft_colour(rng)
    img = surface(rng, h, w, colour, rng.uniform(4, 12), rng.uniform(2, 6))
    ink = (30.0, 30.0, 30.0) if rng.random() < 0.7 else (40.0, 40.0, 160.0)
    if rng.random() < 0.8:
        # The printed form on the front: title, then a grid of fields (科目, 考场, 份数...).
        gs = max(int(h * rng.uniform(0.05, 0.08)), 4)
        glyph_line(img, rng, int(w * 0.3), int(h * 0.08), int(w * 0.4), gs, ink)
        rows = int(rng.integers(2, 6))
        x0, x1 = int(w * 0.1), int(w * 0.9)
        y0 = int(h * 0.25)
        rh = int(h * 0.6 / rows)
        for r in range(rows + 1):
            cv2.line(img, (x0, y0 + r * rh), (x1, y0 + r * rh), ink, 1)
        cv2.line(img, (x0, y0), (x0, y0 + rows * rh), ink, 1)
        cv2.line(img, (x1, y0), (x1, y0 + rows * rh), ink, 1)
        mid = int(x0 + (x1 - x0) * rng.uniform(0.25, 0.4))
        cv2.line(img, (mid, y0), (mid, y0 + rows * rh), ink, 1)
        for r in range(rows):
            glyph_line(img, rng, x0 + 3, y0 + r * rh + rh // 4, mid - x0 - 6, rh // 2, ink)
            if rng.random() < 0.6:
                glyph_line(img, rng, mid + 4, y0 + r * rh + rh // 4, (x1 - mid) // 2, rh // 2, ink)
    if rng.random() < 0.7:
        fy = int(h * rng.uniform(0.12, 0.25))
        dark = shaded(img[fy : fy + 1, :], 0.7)
        img[fy : fy + 2, :] = dark[:1]
        img[:fy] = shaded(img[:fy], rng.uniform(0.9, 1.05))
    if rng.random() < 0.85:
        seal_strip(img, rng)
    if rng.random() < 0.3:
        tape(img, rng)
    side = _edge_texture(rng, dimmed(colour, 0.92), lines=False)
    return Look(img, _sides(side))


def plastic_bag(rng: np.random.Generator, w_cm: float, h_cm: float, blue: bool) -> Look:
    """Sealed white or blue plastic bag (密封袋) with wrinkles, sheen, heat seal and label."""
    h, w = _px(h_cm), _px(w_cm)
    if blue:
        v = rng.uniform(140, 235)
        colour = (v, v * rng.uniform(0.55, 0.8), v * rng.uniform(0.15, 0.45))
    else:
        v = rng.uniform(215, 250)
        colour = (v * rng.uniform(0.96, 1.0), v, v * rng.uniform(0.96, 1.0))
    img = surface(rng, h, w, colour, rng.uniform(8, 18), 2).astype(np.float32)
    # Wrinkles: thin darker and lighter curves, the plastic's main visual cue.
    for _ in range(int(rng.integers(4, 14))):
        p = rng.uniform(0, 1, 2) * (w, h)
        ang = rng.uniform(0, np.pi)
        length = rng.uniform(0.2, 0.7) * max(w, h)
        t = np.linspace(-0.5, 0.5, 8)[:, None]
        pts = p + t * length * np.array([np.cos(ang), np.sin(ang)])
        pts += rng.standard_normal(pts.shape) * 3
        delta = rng.uniform(-35, 30)
        layer = np.zeros((h, w), np.float32)
        cv2.polylines(layer, [pts.astype(np.int32)], False, 1.0, int(rng.integers(1, 4)))
        img += (cv2.GaussianBlur(layer, (0, 0), 1.2) * delta)[..., None]
    for _ in range(int(rng.integers(1, 4))):
        layer = np.zeros((h, w), np.float32)
        c = (int(rng.uniform(0, w)), int(rng.uniform(0, h)))
        cv2.ellipse(
            layer,
            c,
            (int(w * rng.uniform(0.05, 0.25)), int(h * rng.uniform(0.02, 0.06))),
            rng.uniform(0, 180),
            0,
            360,
            1.0,
            -1,
        )
        img += (cv2.GaussianBlur(layer, (0, 0), 4) * rng.uniform(25, 60))[..., None]
    out = np.clip(img, 0, 255).astype(np.uint8)
    if rng.random() < 0.7:
        # Heat-sealed edge: a band of fine ridges along one end.
        y = int(h * rng.uniform(0.02, 0.08))
        for k in range(0, max(int(h * 0.05), 3), 2):
            cv2.line(out, (0, y + k), (w - 1, y + k), shaded(out[:1, :1], 0.85)[0, 0].tolist(), 1)
    if rng.random() < 0.5:
        # Paper inside showing through, printed text on it.
        m = int(min(h, w) * 0.12)
        ink = (90.0, 90.0, 90.0) if not blue else (120.0, 80.0, 40.0)
        text_block(out, rng, (m, int(h * 0.3), w - m, h - m), max(h // 16, 3), ink, 3)
    if rng.random() < 0.8:
        if rng.random() < 0.5:
            seal_strip(out, rng)
        else:
            # A white label sticker with a red stamp.
            lw, lh = int(w * rng.uniform(0.3, 0.5)), int(h * rng.uniform(0.2, 0.35))
            lx, ly = int(rng.uniform(0.05, 0.6) * w), int(rng.uniform(0.05, 0.6) * h)
            label = surface(rng, lh, lw, (245, 245, 245), 3, 2)
            text_block(label, rng, (3, 3, lw - 3, lh - 3), max(lh // 6, 3), (30, 30, 30))
            if rng.random() < 0.6:
                stamp(label, rng, int(lw * 0.75), lh // 2, max(lh // 3, 3))
            sub = out[ly : ly + lh, lx : lx + lw]
            sub[:] = label[: sub.shape[0], : sub.shape[1]]
    side = _edge_texture(rng, colour, lines=False)
    return Look(out, _sides(side))


def paper_box(rng: np.random.Generator, w_cm: float, h_cm: float, blue: bool) -> Look:
    """Locked grey or blue paper box (试卷箱): lid with handle, seal over the seam, a lock."""
    h, w = _px(h_cm), _px(w_cm)
    if blue:
        v = rng.uniform(110, 210)
        colour = (v, v * rng.uniform(0.55, 0.75), v * rng.uniform(0.2, 0.4))
    else:
        v = rng.uniform(120, 200)
        colour = (v * rng.uniform(0.97, 1.05), v, v * rng.uniform(0.95, 1.0))
    img = surface(rng, h, w, colour, rng.uniform(3, 8), rng.uniform(1, 4))
    dark = dimmed(colour, 0.55)
    m = int(min(h, w) * 0.06)
    cv2.rectangle(img, (m, m), (w - m, h - m), dark, 1, cv2.LINE_AA)
    if rng.random() < 0.7:
        cx, cy = w // 2, int(h * rng.uniform(0.3, 0.7))
        hw, hh = int(w * 0.12), max(int(h * 0.05), 2)
        cv2.rectangle(img, (cx - hw, cy - hh), (cx + hw, cy + hh), (30, 30, 30), -1)
    if rng.random() < 0.75:
        seal_strip(img, rng)
    if rng.random() < 0.5:
        lw, lh = int(w * 0.3), int(h * 0.2)
        lx, ly = int(w * 0.1), int(h * 0.1)
        label = surface(rng, lh, lw, (240, 240, 240), 2, 2)
        text_block(label, rng, (2, 2, lw - 2, lh - 2), max(lh // 5, 3), (20, 20, 20))
        img[ly : ly + lh, lx : lx + lw] = label
    side = surface(rng, 60, 120, dimmed(colour, 0.95), 4, 2)
    cv2.line(side, (0, 14), (119, 14), dark, 1)
    if rng.random() < 0.8:
        # The lock hasp at the front: a metal plate with a padlock.
        cv2.rectangle(side, (52, 8), (68, 34), (150, 150, 155), -1)
        cv2.rectangle(side, (54, 30), (66, 48), (40, 40, 45), -1)
        cv2.circle(side, (60, 29), 5, (40, 40, 45), 2)
    plain = surface(rng, 60, 120, dimmed(colour, 0.95), 4, 2)
    return Look(img, (plain, plain, side, plain))


def _hasp(side: Image, rng: np.random.Generator) -> None:
    """A lock hasp with a padlock on a box's front face (120 x 60 side texture)."""
    cv2.rectangle(side, (52, 8), (68, 34), (150, 150, 155), -1)
    cv2.rectangle(
        side, (54, 30), (66, 48), (40, 40, 45) if rng.random() < 0.6 else (30, 110, 200), -1
    )
    cv2.circle(side, (60, 29), 5, (40, 40, 45), 2)


def metal_box(rng: np.random.Generator, w_cm: float, h_cm: float) -> Look:
    """Aluminium exam case (铝合金试卷箱): brushed metal, framed edges, corners, lock, label."""
    h, w = _px(h_cm), _px(w_cm)
    v = rng.uniform(150, 225)
    tint = rng.uniform(0.96, 1.04)
    img = surface(rng, h, w, (v * tint, v, v / tint), rng.uniform(2, 6), 0)
    # Brushing: fine streaks along the lid, and a broad sheen across it.
    streaks = rng.standard_normal((1, w)).astype(np.float32) * rng.uniform(4, 10)
    sheen = np.linspace(-1, 1, h, dtype=np.float32)[:, None] * rng.uniform(-25, 25)
    img = as_image(
        np.clip(img.astype(np.float32) + (streaks + sheen)[..., None], 0, 255).astype(np.uint8)
    )
    frame = dimmed((v, v, v), rng.uniform(0.5, 0.75))
    m = max(int(min(h, w) * 0.05), 2)
    cv2.rectangle(img, (0, 0), (w - 1, h - 1), frame, 2 * m)
    for cx, cy in ((m, m), (w - m, m), (m, h - m), (w - m, h - m)):
        cv2.circle(img, (cx, cy), 2 * m, dimmed(frame, 0.8), -1)
    if rng.random() < 0.6:
        cx, cy = w // 2, int(h * 0.5)
        hw, hh = int(w * 0.14), max(int(h * 0.05), 2)
        cv2.rectangle(img, (cx - hw, cy - hh), (cx + hw, cy + hh), (35, 35, 35), -1)
    if rng.random() < 0.6:
        seal_strip(img, rng)
    if rng.random() < 0.5:
        lw, lh = int(w * 0.35), int(h * 0.2)
        label = surface(rng, lh, lw, (235, 240, 240), 2, 2)
        text_block(label, rng, (2, 2, lw - 2, lh - 2), max(lh // 5, 3), (20, 20, 20))
        img[int(h * 0.6) : int(h * 0.6) + lh, int(w * 0.55) : int(w * 0.55) + lw] = label
    side = surface(rng, 60, 120, (v * 0.9, v * 0.9, v * 0.9), 3, 0)
    cv2.rectangle(side, (0, 0), (119, 59), frame, 4)
    cv2.line(side, (0, 16), (119, 16), dimmed(frame, 0.7), 2)
    front = side.copy()
    _hasp(front, rng)
    return Look(img, (side, side, front, side))


def plastic_box(rng: np.random.Generator, w_cm: float, h_cm: float) -> Look:
    """Moulded plastic exam crate with a clip lid: saturated colour, ribs, clips, a seal."""
    h, w = _px(h_cm), _px(w_cm)
    colour = hsv_colour(
        float(rng.choice([0, 10, 20, 60, 100, 115])), rng.uniform(120, 240), rng.uniform(90, 230)
    )
    if rng.random() < 0.2:
        g = rng.uniform(60, 200)
        colour = (g, g, g)
    img = surface(rng, h, w, colour, rng.uniform(2, 6), rng.uniform(0.5, 2))
    rib = dimmed(colour, 0.8)
    for k in range(1, int(rng.integers(2, 6))):
        x = int(w * k / 6) if rng.random() < 0.5 else int(w * 0.1 + w * 0.8 * k / 5)
        cv2.line(img, (x, int(h * 0.1)), (x, int(h * 0.9)), rib, max(1, w // 80))
    cv2.rectangle(img, (2, 2), (w - 3, h - 3), dimmed(colour, 1.15), max(2, w // 40))
    if rng.random() < 0.7:
        seal_strip(img, rng)
    if rng.random() < 0.4:
        tape(img, rng)
    side = surface(rng, 60, 120, dimmed(colour, 0.9), 3, 1)
    for x in range(10, 120, 18):
        cv2.line(side, (x, 12), (x, 55), dimmed(colour, 0.7), 2)
    cv2.rectangle(side, (0, 0), (119, 10), dimmed(colour, 1.1), -1)
    front = side.copy()
    for x in (20, 92):
        cv2.rectangle(front, (x, 2), (x + 8, 22), dimmed(colour, 0.55), -1)
    if rng.random() < 0.6:
        _hasp(front, rng)
    return Look(img, (side, side, front, side))


# ----------------------------------------------------------------------------- negatives


def cabinet(rng: np.random.Generator, w_cm: float, h_cm: float) -> Look:
    """Furniture that is a big box but no bundle: a steel cabinet, cupboard, bench or safe,
    with doors or drawers and their handles on the front."""
    h, w = _px(min(h_cm, 80)), _px(min(w_cm, 120))
    if rng.random() < 0.3:
        colour = kraft_colour(rng) if rng.random() < 0.3 else hsv_colour(15, 120, 140)
    else:
        v = rng.uniform(110, 235)
        colour = (v * rng.uniform(0.95, 1.05), v, v * rng.uniform(0.92, 1.02))
    top = surface(rng, h, w, colour, rng.uniform(2, 6), rng.uniform(0.5, 2))
    cv2.rectangle(top, (0, 0), (w - 1, h - 1), dimmed(colour, 0.75), 2)
    front = surface(rng, 60, 120, dimmed(colour, 0.9), 3, 1)
    handle = (40, 40, 45) if rng.random() < 0.7 else (170, 170, 175)
    if rng.random() < 0.5:  # drawers
        rows = int(rng.integers(2, 5))
        for r in range(rows):
            y0, y1 = 4 + r * 54 // rows, 4 + (r + 1) * 54 // rows - 2
            cv2.rectangle(front, (4, y0), (115, y1), dimmed(colour, 0.7), 1)
            cv2.rectangle(front, (52, (y0 + y1) // 2 - 1), (68, (y0 + y1) // 2 + 2), handle, -1)
    else:  # doors
        cv2.line(front, (60, 3), (60, 57), dimmed(colour, 0.6), 1)
        for x in (54, 64):
            cv2.rectangle(front, (x, 22), (x + 2, 38), handle, -1)
        if rng.random() < 0.3:  # a safe's dial
            cv2.circle(front, (90, 25), 7, handle, 2)
    side = surface(rng, 60, 120, dimmed(colour, 0.8), 3, 1)
    return Look(top, (side, side, front, side))


def book(rng: np.random.Generator, w_cm: float, h_cm: float) -> Look:
    """A book: saturated cover with title and picture, pages on three sides, coloured spine."""
    h, w = _px(h_cm), _px(w_cm)
    colour = hsv_colour(rng.uniform(0, 180), rng.uniform(90, 255), rng.uniform(60, 240))
    img = surface(rng, h, w, colour, 6, 2)
    if rng.random() < 0.7:
        pic = hsv_colour(rng.uniform(0, 180), rng.uniform(60, 255), rng.uniform(60, 255))
        x0, y0 = int(w * rng.uniform(0.05, 0.3)), int(h * rng.uniform(0.35, 0.55))
        cv2.rectangle(img, (x0, y0), (w - x0, int(h * 0.9)), pic, -1)
        for _ in range(3):
            c2 = hsv_colour(rng.uniform(0, 180), 200, 200)
            cv2.circle(img, (int(rng.uniform(x0, w - x0)), int(h * 0.7)), int(w * 0.08), c2, -1)
    ink = (250.0, 250.0, 250.0) if np.mean(colour) < 130 else (20.0, 20.0, 20.0)
    text_block(img, rng, (int(w * 0.1), int(h * 0.08), int(w * 0.9), int(h * 0.3)), h // 12, ink, 2)
    pages = surface(rng, 24, 96, (228, 235, 238), 4, 2)
    for y in range(1, 24, 2):
        cv2.line(pages, (0, y), (95, y), (200, 205, 210), 1)
    spine = surface(rng, 24, 96, colour, 3, 2)
    sides = [pages, pages, pages, pages]
    sides[int(rng.integers(4))] = spine
    return Look(img, (sides[0], sides[1], sides[2], sides[3]))


def folder(rng: np.random.Generator, w_cm: float, h_cm: float) -> Look:
    """A document folder: tinted glossy plastic or card, a clip bar, maybe a sheet inside."""
    h, w = _px(h_cm), _px(w_cm)
    colour = hsv_colour(rng.uniform(0, 180), rng.uniform(60, 255), rng.uniform(40, 240))
    img = surface(rng, h, w, colour, 5, 1)
    if rng.random() < 0.5:
        sheet = surface(rng, h, w, (240, 240, 240), 3, 2)
        text_block(
            sheet,
            rng,
            (int(w * 0.1), int(h * 0.1), int(w * 0.9), int(h * 0.9)),
            h // 30,
            (40, 40, 40),
        )
        img = as_image(cv2.addWeighted(img, 0.45, sheet, 0.55, 0))
    if rng.random() < 0.6:
        cv2.rectangle(img, (0, 0), (max(int(w * 0.06), 2), h - 1), (35, 35, 35), -1)
    sheen = img.copy()
    cv2.line(sheen, (0, int(h * 0.8)), (w, int(h * 0.2)), (255, 255, 255), max(w // 10, 2))
    img = as_image(cv2.addWeighted(sheen, 0.15, img, 0.85, 0))
    side = surface(rng, 8, 64, dimmed(colour, 0.8), 2, 1)
    return Look(img, _sides(side))


def paper_sheet(rng: np.random.Generator, w_cm: float, h_cm: float) -> Look:
    """A loose printed sheet (a form or an exam script): white, dense text, no thickness."""
    h, w = _px(h_cm), _px(w_cm)
    v = rng.uniform(215, 250)
    img = surface(rng, h, w, (v, v, v * rng.uniform(0.95, 1.0)), 3, 2)
    ink = (40.0, 40.0, 40.0)
    size = max(int(h * rng.uniform(0.018, 0.035)), 3)
    glyph_line(img, rng, int(w * 0.3), int(h * 0.05), int(w * 0.4), size * 2, ink)
    text_block(img, rng, (int(w * 0.08), int(h * 0.14), int(w * 0.92), int(h * 0.95)), size, ink)
    if rng.random() < 0.4:
        y = int(h * rng.uniform(0.3, 0.7))
        cv2.rectangle(img, (int(w * 0.08), y), (int(w * 0.92), y + int(h * 0.2)), ink, 1)
    edge = surface(rng, 4, 64, (v * 0.9, v * 0.9, v * 0.9), 1, 1)
    return Look(img, _sides(edge))


def carton(rng: np.random.Generator, w_cm: float, h_cm: float) -> Look:
    """A corrugated shipping carton: kraft flaps meeting at a taped seam, printed arrows."""
    h, w = _px(h_cm), _px(w_cm)
    colour = kraft_colour(rng)
    img = surface(rng, h, w, colour, 6, 3)
    dark = dimmed(colour, 0.7)
    cv2.line(img, (0, h // 2), (w - 1, h // 2), dark, 2)
    tw = max(int(h * rng.uniform(0.1, 0.2)), 3)
    tape_colour = (70, 120, 170) if rng.random() < 0.5 else (225, 225, 225)
    over = img.copy()
    cv2.rectangle(over, (0, h // 2 - tw // 2), (w - 1, h // 2 + tw // 2), tape_colour, -1)
    img = as_image(cv2.addWeighted(over, 0.55, img, 0.45, 0))
    side = surface(rng, 90, 120, dimmed(colour, 0.95), 6, 3)
    for x in (30, 60):
        cv2.arrowedLine(side, (x, 70), (x, 25), (25, 25, 25), 3, tipLength=0.35)
    cv2.rectangle(side, (80, 30), (110, 60), (25, 25, 25), 2)
    glyph_line(side, rng, 10, 75, 100, 8, (25, 25, 25))
    return Look(img, (side, side, side, side))


def random_texture(rng: np.random.Generator, h: int = 96, w: int = 96) -> Image:
    """Something that is no bundle: coloured noise, stripes, checks, foliage or brick."""
    kind = rng.choice(["noise", "stripes", "checks", "foliage", "brick"])
    base = hsv_colour(rng.uniform(0, 180), rng.uniform(0, 255), rng.uniform(30, 230))
    other = hsv_colour(rng.uniform(0, 180), rng.uniform(0, 255), rng.uniform(30, 230))
    img = surface(rng, h, w, base, rng.uniform(10, 40), rng.uniform(3, 15))
    if kind == "stripes":
        step = int(rng.integers(4, 20))
        for y in range(0, h, step * 2):
            cv2.rectangle(img, (0, y), (w - 1, y + step - 1), other, -1)
        img = as_image(
            cv2.warpAffine(
                img,
                cv2.getRotationMatrix2D((w / 2, h / 2), rng.uniform(0, 180), 1.5),
                (w, h),
                borderMode=cv2.BORDER_REFLECT,
            )
        )
    elif kind == "checks":
        step = int(rng.integers(6, 24))
        for y in range(0, h, step):
            for x in range((y // step) % 2 * step, w, 2 * step):
                cv2.rectangle(img, (x, y), (x + step - 1, y + step - 1), other, -1)
    elif kind == "foliage":
        for _ in range(40):
            c = (int(rng.integers(0, w)), int(rng.integers(0, h)))
            g = (rng.uniform(20, 80), rng.uniform(80, 200), rng.uniform(20, 90))
            cv2.ellipse(
                img,
                c,
                (int(rng.integers(3, 12)), int(rng.integers(2, 6))),
                rng.uniform(0, 180),
                0,
                360,
                g,
                -1,
            )
    elif kind == "brick":
        bh = int(rng.integers(6, 16))
        for r, y in enumerate(range(0, h, bh)):
            cv2.line(img, (0, y), (w - 1, y), other, 1)
            for x in range((r % 2) * bh, w, 2 * bh):
                cv2.line(img, (x, y), (x, y + bh), other, 1)
    return img
