"""Class-name lists: COCO-80, names files, ONNX metadata, and the person/bundle mapping."""

from __future__ import annotations

import ast
import json
from collections.abc import Sequence
from pathlib import Path

import yaml

from models.errors import ModelImportError

COCO80: tuple[str, ...] = (
    "person", "bicycle", "car", "motorcycle", "airplane", "bus", "train", "truck", "boat",
    "traffic light", "fire hydrant", "stop sign", "parking meter", "bench", "bird", "cat", "dog",
    "horse", "sheep", "cow", "elephant", "bear", "zebra", "giraffe", "backpack", "umbrella",
    "handbag", "tie", "suitcase", "frisbee", "skis", "snowboard", "sports ball", "kite",
    "baseball bat", "baseball glove", "skateboard", "surfboard", "tennis racket", "bottle",
    "wine glass", "cup", "fork", "knife", "spoon", "bowl", "banana", "apple", "sandwich", "orange",
    "broccoli", "carrot", "hot dog", "pizza", "donut", "cake", "chair", "couch", "potted plant",
    "bed", "dining table", "toilet", "tv", "laptop", "mouse", "remote", "keyboard", "cell phone",
    "microwave", "oven", "toaster", "sink", "refrigerator", "book", "clock", "vase", "scissors",
    "teddy bear", "hair drier", "toothbrush",
)  # fmt: skip

COCO80_SPEC = "coco80"
DEFAULT_PERSON_CLASS = "person"
DEFAULT_BUNDLE_CLASS = "bundle"
"""By default a class literally named so counts; COCO has no `bundle`, so it counts none."""


def _names_from_mapping(value: object, origin: str) -> tuple[str, ...]:
    """Names from a list, or from an {index: name} dict whose keys are exactly 0..n-1."""
    if isinstance(value, dict) and "names" in value:
        value = value["names"]
    if isinstance(value, dict):
        try:
            by_index = {int(k): v for k, v in value.items()}
        except (TypeError, ValueError) as exc:
            raise ModelImportError(f"{origin}: class indices must be integers") from exc
        if sorted(by_index) != list(range(len(by_index))):
            raise ModelImportError(f"{origin}: class indices must be 0..n-1 without gaps")
        value = [by_index[i] for i in range(len(by_index))]
    if not isinstance(value, list | tuple) or not value:
        raise ModelImportError(f"{origin}: expected a non-empty list of class names")
    names = tuple(str(v).strip() for v in value)
    if any(not n for n in names):
        raise ModelImportError(f"{origin}: class names must not be empty")
    if len(set(names)) != len(names):
        raise ModelImportError(f"{origin}: class names must be unique")
    return names


def read_names_file(path: Path) -> tuple[str, ...]:
    """Class names from a file: `.yaml`/`.yml` (a list, or a data file with `names:` as list or
    {index: name}), `.json` (same shapes), or plain text with one name per line (`#` comments and
    blank lines ignored)."""
    if not path.is_file():
        raise ModelImportError(f"class names file {path} does not exist")
    text = path.read_text(encoding="utf-8")
    suffix = path.suffix.lower()
    try:
        if suffix in {".yaml", ".yml"}:
            return _names_from_mapping(yaml.safe_load(text), str(path))
        if suffix == ".json":
            return _names_from_mapping(json.loads(text), str(path))
    except (yaml.YAMLError, json.JSONDecodeError) as exc:
        raise ModelImportError(f"class names file {path} cannot be parsed: {exc}") from exc
    lines = [ln.strip() for ln in text.splitlines()]
    return _names_from_mapping([ln for ln in lines if ln and not ln.startswith("#")], str(path))


def parse_metadata_names(value: str) -> tuple[str, ...]:
    """Names from the `names` entry Ultralytics writes into ONNX metadata, a Python dict literal
    such as "{0: 'person', 1: 'bicycle'}" (parsed as a literal, never evaluated)."""
    try:
        parsed = ast.literal_eval(value)
    except (ValueError, SyntaxError) as exc:
        raise ModelImportError(
            f"ONNX metadata 'names' is not a dict or list: {value[:80]!r}"
        ) from exc
    return _names_from_mapping(parsed, "ONNX metadata 'names'")


def resolve_class_names(
    spec: str | Path | None, *, metadata_names: tuple[str, ...] | None, num_classes: int
) -> tuple[str, ...]:
    """The model's class names.

    `spec` wins when given ("coco80" or a names file); otherwise names from the ONNX metadata;
    otherwise COCO-80 when the model has exactly 80 classes. The count must match the model's.
    """
    if spec is not None and str(spec) == COCO80_SPEC:
        names, origin = COCO80, "COCO-80"
    elif spec is not None:
        names, origin = read_names_file(Path(spec)), f"names file {spec}"
    elif metadata_names is not None:
        names, origin = metadata_names, "the model's metadata"
    elif num_classes == len(COCO80):
        names, origin = COCO80, "COCO-80 (assumed: the model has 80 classes)"
    else:
        raise ModelImportError(
            f"the model has {num_classes} classes and no class names in its metadata; "
            "pass classes='coco80' or a names file (one name per line, or a YAML data file)"
        )
    if len(names) != num_classes:
        raise ModelImportError(
            f"{origin} lists {len(names)} classes but the model outputs {num_classes}"
        )
    return names


def split_class_list(value: str | Sequence[str] | None) -> tuple[str, ...] | None:
    """A class list as given on a command line ("book,suitcase") or as a sequence."""
    if value is None:
        return None
    items = value.split(",") if isinstance(value, str) else list(value)
    return tuple(s.strip() for s in items if s.strip())


def class_ids(
    requested: str | Sequence[str] | None, *, class_names: tuple[str, ...], default: str, role: str
) -> tuple[int, ...]:
    """Indices into `class_names` of the requested classes (None: the class named `default`, if
    the model has one). Unknown names are refused with the list of known ones."""
    wanted = split_class_list(requested)
    if wanted is None:
        return (class_names.index(default),) if default in class_names else ()
    unknown = [w for w in wanted if w not in class_names]
    if unknown:
        shown = ", ".join(class_names[:100]) + (" ..." if len(class_names) > 100 else "")
        raise ModelImportError(
            f"{role} classes {unknown} are not classes of this model; it has: {shown}"
        )
    return tuple(dict.fromkeys(class_names.index(w) for w in wanted))
