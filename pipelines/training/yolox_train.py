# mypy: disallow-subclassing-any=False, warn-return-any=False
"""Fine-tune a one-class (bundle) YOLOX-Nano in torch on the CPU.

Frames come from YOLO-format folders (images/ + labels/, class 0 = bundle, as `train_bundles`
writes them). Each step letterboxes a frame the way the product does (top-left, grey 114, BGR
0-255) at the export size, jitters its scale by +-25 %, flips it left-right half the time and
cuts a random `crop` x `crop` window out of it: objects keep the size they have at inference
(the 416-px export) while a step costs a 320-px forward and backward pass. Boxes cut to less
than 40 % of their area become "ignore" regions.

The backbone (Focus stem, dark2..dark5) stays frozen at its COCO weights by default: its
features are generic (edges, textures, object parts), and not back-propagating through it more
than halves the cost of a step on two shared cores; the feature pyramid and the heads learn
what a bundle is. `FitConfig.frozen` names the frozen stages.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt
import torch
from torch import nn

from pipelines.training.train_bundles import BACKBONE_STAGES
from pipelines.training.yolo_dataset import LabelledFrame, cxcywh_to_xyxy
from pipelines.training.yolox_loss import Targets, yolox_loss
from pipelines.training.yolox_net import HeadLevel, YoloxNano, anchor_grid

log = logging.getLogger(__name__)

PAD_VALUE = 114
COCO_INIT_CLASSES = (73, 28, 26)
"""COCO book, suitcase, handbag: the bundle score starts as their mean (nearest look-alikes)."""


@dataclass(frozen=True)
class FitConfig:
    """Optimisation settings of one fine-tuning run."""

    epochs: int = 8
    batch: int = 8
    lr: float = 1e-3
    weight_decay: float = 5e-4
    warmup_steps: int = 100
    export_size: int = 416
    crop: int = 320
    scale_jitter: float = 0.25
    max_steps: int | None = None
    """Stop after this many optimizer steps (short test runs); None = all epochs."""
    frozen: tuple[str, ...] = BACKBONE_STAGES
    """Backbone stages kept at their starting weights."""
    seed: int = 0
    threads: int = 2


@dataclass(frozen=True)
class FitLog:
    steps: int
    frames_seen: int
    seconds: float
    last_loss: float


def _pixel_boxes(frame: LabelledFrame, width: int, height: int) -> npt.NDArray[np.float32]:
    return cxcywh_to_xyxy(frame.boxes, width, height) if len(frame.boxes) else frame.boxes


def letterbox_scale(height: int, width: int, size: int) -> float:
    """Scale the product's top-left letterbox applies to an h x w frame for a size x size input."""
    return min(size / height, size / width)


def augment(
    image: npt.NDArray[np.uint8],
    boxes: npt.NDArray[np.float32],
    rng: np.random.Generator,
    cfg: FitConfig,
) -> tuple[npt.NDArray[np.float32], Targets]:
    """(h, w, 3) BGR frame and (n, 4) xyxy boxes -> (3, crop, crop) float32 input and targets
    in its pixels."""
    h, w = image.shape[:2]
    scale = letterbox_scale(h, w, cfg.export_size)
    scale *= float(rng.uniform(1 - cfg.scale_jitter, 1 + cfg.scale_jitter))
    nh, nw = max(1, round(h * scale)), max(1, round(w * scale))
    resized = cv2.resize(image, (nw, nh), interpolation=cv2.INTER_LINEAR)
    boxes = boxes * np.float32(scale)
    if rng.random() < 0.5:
        resized = resized[:, ::-1]
        boxes = boxes.copy()
        boxes[:, [0, 2]] = nw - boxes[:, [2, 0]]
    # A window anywhere over the picture (never mostly padding): offsets may be negative
    # (padding before the picture) only when the picture is smaller than the crop.
    c = cfg.crop
    x0 = int(rng.integers(min(0, nw - c), max(0, nw - c) + 1))
    y0 = int(rng.integers(min(0, nh - c), max(0, nh - c) + 1))
    canvas = np.full((c, c, 3), PAD_VALUE, np.uint8)
    sx, sy = max(0, x0), max(0, y0)
    dx, dy = max(0, -x0), max(0, -y0)
    ch, cw = min(c - dy, nh - sy), min(c - dx, nw - sx)
    canvas[dy : dy + ch, dx : dx + cw] = resized[sy : sy + ch, sx : sx + cw]
    moved = boxes - np.asarray([x0, y0, x0, y0], np.float32)
    clipped = np.clip(moved, 0, c)
    area = np.prod(np.clip(moved[:, 2:] - moved[:, :2], 1e-6, None), axis=1)
    kept_area = np.prod(np.clip(clipped[:, 2:] - clipped[:, :2], 0, None), axis=1)
    visible = kept_area / area
    sides = clipped[:, 2:] - clipped[:, :2]
    keep = (visible >= 0.4) & (sides.min(axis=1) >= 2)
    ignore = (~keep) & (kept_area > 0)
    tensor = np.ascontiguousarray(canvas.transpose(2, 0, 1), dtype=np.float32)
    return tensor, Targets(torch.from_numpy(clipped[keep]), torch.from_numpy(clipped[ignore]))


def _batches(
    frames: Sequence[LabelledFrame], cfg: FitConfig, rng: np.random.Generator
) -> Iterator[tuple[torch.Tensor, list[Targets]]]:
    order = rng.permutation(len(frames))
    for start in range(0, len(order) - cfg.batch + 1 if len(order) >= cfg.batch else 1, cfg.batch):
        images, targets = [], []
        for i in order[start : start + cfg.batch]:
            frame = frames[int(i)]
            image = cv2.imread(str(frame.image), cv2.IMREAD_COLOR)
            if image is None:
                raise ValueError(f"cannot read {frame.image}")
            boxes = _pixel_boxes(frame, image.shape[1], image.shape[0])
            tensor, target = augment(np.asarray(image, np.uint8), boxes, rng, cfg)
            images.append(tensor)
            targets.append(target)
        yield torch.from_numpy(np.stack(images)), targets


def bundle_model_from_coco(coco: YoloxNano) -> YoloxNano:
    """A one-class YOLOX-Nano with every COCO weight except the class predictions, whose
    bundle score starts as the mean of COCO's nearest look-alikes (`COCO_INIT_CLASSES`)."""
    model = YoloxNano(num_classes=1)
    state = {k: v for k, v in coco.state_dict().items() if ".cls_pred." not in k}
    missing, unexpected = model.load_state_dict(state, strict=False)
    assert not unexpected and all(".cls_pred." in k for k in missing), (missing, unexpected)
    with torch.no_grad():
        rows = list(COCO_INIT_CLASSES)
        for new, old in zip(model.heads, coco.heads, strict=True):
            assert isinstance(new, HeadLevel) and isinstance(old, HeadLevel)
            new.cls_pred.weight.copy_(old.cls_pred.weight[rows].mean(0, keepdim=True))
            assert new.cls_pred.bias is not None and old.cls_pred.bias is not None
            new.cls_pred.bias.copy_(old.cls_pred.bias[rows].mean(0, keepdim=True))
    return model


def _freeze(model: YoloxNano, stages: tuple[str, ...]) -> list[nn.Parameter]:
    """Freeze the named backbone stages; returns the parameters left to train."""
    backbone = model.neck.backbone
    for p in model.parameters():
        p.requires_grad_(True)
    for name in stages:
        for p in getattr(backbone, name).parameters():
            p.requires_grad_(False)
    return [p for p in model.parameters() if p.requires_grad]


def _lr_at(step: int, total: int, cfg: FitConfig) -> float:
    """Linear warm-up, then cosine decay to 5 % of the peak."""
    if step < cfg.warmup_steps:
        return cfg.lr * (step + 1) / cfg.warmup_steps
    t = (step - cfg.warmup_steps) / max(1, total - cfg.warmup_steps)
    return cfg.lr * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * min(1.0, t))))


def fit(
    model: YoloxNano,
    frames: Sequence[LabelledFrame],
    cfg: FitConfig,
    on_epoch: Callable[[int, YoloxNano], None] | None = None,
) -> FitLog:
    """Train `model` (one class) in place on `frames`; returns what was done."""
    if not frames:
        raise ValueError("no training frames")
    torch.set_num_threads(cfg.threads)
    torch.manual_seed(cfg.seed)
    rng = np.random.default_rng([cfg.seed, 0x70C5])
    params = _freeze(model, cfg.frozen)
    optimizer = torch.optim.AdamW(params, lr=cfg.lr, weight_decay=cfg.weight_decay)
    cells, strides = anchor_grid(cfg.crop, cfg.crop)
    per_epoch = max(1, len(frames) // cfg.batch)
    total = per_epoch * cfg.epochs
    if cfg.max_steps is not None:
        total = min(total, cfg.max_steps)
    model.train()
    # NHWC is about twice as fast for the depthwise convolutions on the CPU.
    model.to(memory_format=torch.channels_last)
    step = seen = 0
    loss_value = float("nan")
    start = time.monotonic()
    for epoch in range(cfg.epochs):
        for images, targets in _batches(frames, cfg, rng):
            if step >= total:
                break
            for group in optimizer.param_groups:
                group["lr"] = _lr_at(step, total, cfg)
            out = model.head_output(images.contiguous(memory_format=torch.channels_last))
            parts = yolox_loss(out, targets, cells, strides)
            optimizer.zero_grad(set_to_none=True)
            parts.total.backward()  # type: ignore[no-untyped-call,unused-ignore]
            nn.utils.clip_grad_norm_(params, 10.0)
            optimizer.step()
            step += 1
            seen += len(targets)
            loss_value = float(parts.total.detach())
            if step % 25 == 0 or step == total:
                log.info(
                    "epoch %d step %d/%d loss %.3f (iou %.3f obj %.3f cls %.3f, %d positives) "
                    "%.1f s",
                    epoch + 1,
                    step,
                    total,
                    loss_value,
                    parts.iou,
                    parts.obj,
                    parts.cls,
                    parts.positives,
                    time.monotonic() - start,
                )
        if on_epoch is not None:
            on_epoch(epoch + 1, model)
        if step >= total:
            break
    model.eval()
    model.to(memory_format=torch.contiguous_format)
    return FitLog(step, seen, time.monotonic() - start, loss_value)
