"""Factories for test models and frames (hand-made raw outputs with known boxes)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from models.backends.onnx_yolox import yolox_grid
from tests.models.onnx_builder import Dim, write_model

SIZE = 64  # tiny square network input: 8x8 + 4x4 + 2x2 = 84 anchors
ANCHORS = 84


@dataclass(frozen=True)
class RawBox:
    """A box the test model will output, in network-input pixels."""

    xyxy: tuple[float, float, float, float]
    class_id: int
    class_score: float
    objectness: float = 1.0  # YOLOX only


def yolox_table(boxes: list[RawBox], *, nc: int, size: int = SIZE) -> npt.NDArray[np.float32]:
    """(1, N, 5 + nc) raw YOLOX output encoding `boxes`, each at a free stride-8 (or coarser)
    anchor whose cell holds its centre; every other anchor has objectness 0."""
    grid, stride = yolox_grid(size, size)
    table = np.zeros((1, grid.shape[0], 5 + nc), np.float32)
    used: set[int] = set()
    for box in boxes:
        x1, y1, x2, y2 = box.xyxy
        cx, cy, w, h = (x1 + x2) / 2, (y1 + y2) / 2, x2 - x1, y2 - y1
        cells = np.flatnonzero(
            (grid[:, 0] == np.floor(cx / stride[:, 0]))
            & (grid[:, 1] == np.floor(cy / stride[:, 0]))
        )
        i = next(int(c) for c in cells if int(c) not in used)
        used.add(i)
        s = float(stride[i, 0])
        table[0, i, 0:4] = [cx / s - grid[i, 0], cy / s - grid[i, 1], np.log(w / s), np.log(h / s)]
        table[0, i, 4] = box.objectness
        table[0, i, 5 + box.class_id] = box.class_score
    return table


def ultralytics_table(
    boxes: list[RawBox], *, nc: int, anchors: int = ANCHORS
) -> npt.NDArray[np.float32]:
    """(1, 4 + nc, N) raw Ultralytics output with `boxes` at anchors 0, 1, ...; others 0."""
    table = np.zeros((1, 4 + nc, anchors), np.float32)
    for i, box in enumerate(boxes):
        x1, y1, x2, y2 = box.xyxy
        table[0, 0:4, i] = [(x1 + x2) / 2, (y1 + y2) / 2, x2 - x1, y2 - y1]
        table[0, 4 + box.class_id, i] = box.class_score
    return table


def make_yolox(
    path: Path,
    boxes: list[RawBox] | None = None,
    *,
    nc: int = 80,
    batch: Dim = 1,
    gain: float = 0.0,
    metadata: dict[str, str] | None = None,
) -> Path:
    table = yolox_table(boxes or [], nc=nc)
    return write_model(path, table, input_dims=(batch, 3, SIZE, SIZE), gain=gain, metadata=metadata)


def make_ultralytics(
    path: Path,
    boxes: list[RawBox] | None = None,
    *,
    names: list[str] | None = None,
    nc: int | None = None,
    batch: Dim = 1,
    hw: tuple[Dim, Dim] = (SIZE, SIZE),
    metadata: dict[str, str] | None = None,
) -> Path:
    classes = names if names is not None else ["person", "bundle", "chair"]
    meta = {"task": "detect", "names": repr(dict(enumerate(classes)))}
    meta.update(metadata or {})
    table = ultralytics_table(boxes or [], nc=nc or len(classes))
    return write_model(path, table, input_dims=(batch, 3, *hw), metadata=meta)


def tree_snapshot(root: Path) -> dict[str, str]:
    """Every path under `root` with the sha256 of files ('dir' for directories); {} if absent."""
    if not root.exists():
        return {}
    return {
        str(p.relative_to(root)): "dir"
        if p.is_dir()
        else hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
    }


def frame(height: int, width: int, value: int = 0) -> npt.NDArray[np.uint8]:
    """(height, width, 3) uint8 BGR frame of one grey value."""
    return np.full((height, width, 3), value, np.uint8)
