"""YOLO-format label files: writing, reading, and validating a site's own labelled frames.

A YOLO label file has one line per box, ``class cx cy w h``, coordinates normalised to the image
(0-1). CVAT ("Ultralytics YOLO Detection") and Label Studio ("YOLO") both export a folder with
images/ and labels/ (optionally split into train/ and val/ subfolders, matched by relative path)
and the class names in data.yaml (CVAT) or classes.txt (Label Studio).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import yaml

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".webp")
BUNDLE_CLASS_NAMES = ("bundle", "bundles", "试卷袋", "试卷箱", "paper_bundle", "exam_bundle")
"""Class names taken to mean a bundle when a site's export has several classes."""
_TOLERANCE = 1e-3  # exporters round; a box may overshoot the border by a hair
_MAX_LISTED = 20


class UserDataError(ValueError):
    """A site's labelled data cannot be used; the message lists every problem found."""


def xyxy_to_cxcywh(
    xyxy: npt.NDArray[np.float32], width: int, height: int
) -> npt.NDArray[np.float32]:
    """(n, 4) pixel x1 y1 x2 y2 -> (n, 4) normalised cx cy w h."""
    b = np.asarray(xyxy, np.float32).reshape(-1, 4)
    out = np.empty_like(b)
    out[:, 0] = (b[:, 0] + b[:, 2]) / 2 / width
    out[:, 1] = (b[:, 1] + b[:, 3]) / 2 / height
    out[:, 2] = (b[:, 2] - b[:, 0]) / width
    out[:, 3] = (b[:, 3] - b[:, 1]) / height
    return out


def cxcywh_to_xyxy(
    cxcywh: npt.NDArray[np.float32], width: int, height: int
) -> npt.NDArray[np.float32]:
    """(n, 4) normalised cx cy w h -> (n, 4) pixel x1 y1 x2 y2."""
    b = np.asarray(cxcywh, np.float32).reshape(-1, 4)
    half_w, half_h = b[:, 2] / 2, b[:, 3] / 2
    return np.stack(
        [
            (b[:, 0] - half_w) * width,
            (b[:, 1] - half_h) * height,
            (b[:, 0] + half_w) * width,
            (b[:, 1] + half_h) * height,
        ],
        axis=1,
    ).astype(np.float32)


def write_labels(
    path: Path, class_id: npt.NDArray[np.int64], cxcywh: npt.NDArray[np.float32]
) -> None:
    """Write (n,) class ids and (n, 4) normalised boxes as a YOLO label file."""
    lines = [
        f"{int(c)} {b[0]:.6f} {b[1]:.6f} {b[2]:.6f} {b[3]:.6f}\n"
        for c, b in zip(class_id, cxcywh, strict=True)
    ]
    path.write_text("".join(lines))


@dataclass(frozen=True)
class LabelFile:
    """Parsed labels of one image: class_id (n,) int64, cxcywh (n, 4) float32 normalised."""

    class_id: npt.NDArray[np.int64]
    cxcywh: npt.NDArray[np.float32]


def parse_labels(text: str, source: str, num_classes: int) -> tuple[LabelFile, list[str]]:
    """Parse label text; returns the labels kept and one message per bad line."""
    errors: list[str] = []
    ids: list[int] = []
    boxes: list[list[float]] = []
    for no, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        where = f"{source}:{no}"
        fields = line.split()
        if len(fields) != 5:
            hint = (
                " (looks like a polygon/segmentation label: export boxes, e.g. CVAT "
                "'Ultralytics YOLO Detection')"
                if len(fields) > 5 and len(fields) % 2 == 1
                else ""
            )
            errors.append(f"{where}: expected 5 fields 'class cx cy w h', got {len(fields)}{hint}")
            continue
        try:
            cls_f = float(fields[0])
            vals = [float(v) for v in fields[1:]]
        except ValueError:
            errors.append(f"{where}: not numbers: {line!r}")
            continue
        if not cls_f.is_integer() or not 0 <= cls_f < num_classes:
            errors.append(f"{where}: class {fields[0]} is not in 0..{num_classes - 1}")
            continue
        if not all(np.isfinite(vals)):
            errors.append(f"{where}: non-finite coordinate: {line!r}")
            continue
        cx, cy, w, h = vals
        if w <= 0 or h <= 0:
            errors.append(f"{where}: box width and height must be > 0, got w={w} h={h}")
            continue
        if max(vals) > 1 + _TOLERANCE:
            errors.append(f"{where}: coordinates must be normalised to 0-1 (pixels?): {line!r}")
            continue
        x0, y0, x1, y1 = cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2
        if min(x0, y0) < -_TOLERANCE or max(x1, y1) > 1 + _TOLERANCE:
            errors.append(f"{where}: box leaves the image: {line!r}")
            continue
        ids.append(int(cls_f))
        boxes.append(vals)
    return (
        LabelFile(np.asarray(ids, np.int64), np.asarray(boxes, np.float32).reshape(-1, 4)),
        errors,
    )


@dataclass(frozen=True)
class UserDataset:
    """A validated site dataset.

    pairs: (image, label file or None for a frame with no labels) sorted by image path;
    names: class names from data.yaml / classes.txt (or ("bundle",)); bundle_class: the class id
    that means bundle, the only one kept when merged.
    """

    root: Path
    pairs: tuple[tuple[Path, Path | None], ...]
    names: tuple[str, ...]
    bundle_class: int
    boxes: int


def _class_names(root: Path) -> tuple[str, ...] | None:
    """Class names from data.yaml (list or {id: name}) or classes.txt, None when neither."""
    for name in ("data.yaml", "data.yml", "dataset.yaml"):
        path = root / name
        if path.is_file():
            try:
                data = yaml.safe_load(path.read_text(encoding="utf-8"))
            except yaml.YAMLError as exc:
                raise UserDataError(f"{path}: not valid YAML: {exc}") from exc
            names = data.get("names") if isinstance(data, dict) else None
            if isinstance(names, dict):
                try:
                    ordered = [str(names[k]) for k in sorted(names, key=int)]
                except (TypeError, ValueError) as exc:
                    raise UserDataError(f"{path}: 'names' keys must be class ids") from exc
                if sorted(int(k) for k in names) != list(range(len(names))):
                    raise UserDataError(f"{path}: 'names' ids must be 0..{len(names) - 1}")
                return tuple(ordered)
            if isinstance(names, list) and names:
                return tuple(str(n) for n in names)
            raise UserDataError(f"{path}: needs a 'names' list or mapping of class names")
    classes = root / "classes.txt"
    if classes.is_file():
        lines = classes.read_text(encoding="utf-8").splitlines()
        return tuple(n.strip() for n in lines if n.strip())
    return None


def _pick_bundle_class(names: Sequence[str], wanted: str | None, root: Path) -> int:
    if wanted is not None:
        if wanted not in names:
            raise UserDataError(f"{root}: class {wanted!r} not among {list(names)}")
        return list(names).index(wanted)
    if len(names) == 1:
        return 0
    hits = [i for i, n in enumerate(names) if n.strip().lower() in BUNDLE_CLASS_NAMES]
    if len(hits) == 1:
        return hits[0]
    raise UserDataError(
        f"{root}: {len(names)} classes {list(names)}; say which one is the bundle "
        "(bundle_class / --bundle-class)"
    )


def load_user_dataset(root: Path, bundle_class: str | None = None) -> UserDataset:
    """Validate a site's YOLO export and return its image/label pairs.

    Raises `UserDataError` listing every problem (up to 20): missing folders, labels without an
    image, malformed lines, classes out of range, boxes outside the image.
    """
    root = Path(root)
    images_dir, labels_dir = root / "images", root / "labels"
    missing = [str(d) for d in (images_dir, labels_dir) if not d.is_dir()]
    if missing:
        raise UserDataError(
            f"{root}: expected images/ and labels/ folders (YOLO export); missing {missing}"
        )
    names = _class_names(root) or ("bundle",)
    target = _pick_bundle_class(names, bundle_class, root)
    images = sorted(p for p in images_dir.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES)
    if not images:
        raise UserDataError(f"{images_dir}: no images ({', '.join(IMAGE_SUFFIXES)})")
    by_stem = {p.relative_to(images_dir).with_suffix(""): p for p in images}
    errors: list[str] = []
    labelled: dict[Path, Path] = {}
    boxes = 0
    for label in sorted(labels_dir.rglob("*.txt")):
        key = label.relative_to(labels_dir).with_suffix("")
        if key not in by_stem:
            errors.append(f"{label}: no image {images_dir / key}.* for this label file")
            continue
        parsed, bad = parse_labels(label.read_text(encoding="utf-8"), str(label), len(names))
        errors.extend(bad)
        boxes += int(np.count_nonzero(parsed.class_id == target))
        labelled[by_stem[key]] = label
    if errors:
        shown = errors[:_MAX_LISTED]
        more = f"\n... and {len(errors) - len(shown)} more" if len(errors) > len(shown) else ""
        raise UserDataError(
            f"{root}: {len(errors)} problem(s) in the labelled data:\n" + "\n".join(shown) + more
        )
    if not labelled:
        raise UserDataError(f"{labels_dir}: no label files match the images")
    pairs = tuple((img, labelled.get(img)) for img in images)
    return UserDataset(root, pairs, tuple(names), target, boxes)


def copy_user_labels(label: Path | None, bundle_class: int, out: Path) -> int:
    """Write a label file keeping only the bundle class, renumbered to 0; returns boxes kept."""
    if label is None:
        out.write_text("")
        return 0
    parsed, _ = parse_labels(label.read_text(encoding="utf-8"), str(label), 1 << 30)
    keep = parsed.class_id == bundle_class
    write_labels(out, np.zeros(int(keep.sum()), np.int64), parsed.cxcywh[keep])
    return int(keep.sum())


@dataclass(frozen=True)
class LabelledFrame:
    """One training frame: image file and its bundle boxes (n, 4) xyxy in image pixels."""

    image: Path
    boxes: npt.NDArray[np.float32]


def read_yolo_folder(folder: Path) -> list[LabelledFrame]:
    """Frames of folder/images with labels from folder/labels (same relative path, .txt);
    class 0 only; a frame without a label file is a negative."""
    frames = []
    images = folder / "images"
    for path in sorted(p for p in images.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES):
        label = (folder / "labels" / path.relative_to(images)).with_suffix(".txt")
        rows = []
        if label.is_file():
            for line in label.read_text().splitlines():
                parts = line.split()
                if len(parts) == 5 and parts[0] == "0":
                    rows.append([float(v) for v in parts[1:]])
        frames.append(LabelledFrame(path, np.asarray(rows, np.float32).reshape(-1, 4)))
    return frames
