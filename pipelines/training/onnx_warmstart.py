"""Continue training from an exported ONNX model: rebuild a trainable YOLO checkpoint from it.

The product ships only ONNX weights, so a site that wants to adapt the shipped bundle detector
has no Ultralytics `.pt` to start from. The export fused every Conv+BatchNorm pair into one
convolution with a bias (`model.N.conv.weight` / `.bias` initializers, the names of the fused
PyTorch module). This module builds the same architecture unfused, copies the fused weights in
and turns each BatchNorm into the layer that reproduces them:

    fused:   y = W x + b
    BN:      y = gamma * (W x - mean) / sqrt(var) + beta

With mean and std measured per channel on real frames (calibration) and gamma = std,
beta = b + mean, the BN layer is the identity in eval mode (`gamma / sqrt(var) = 1`) and close
to it in train mode, where batch statistics replace the running ones. Identity-initialised BN
(gamma 1) would instead divide every channel by its batch std and throw away the scale the
fused weights carry.

Torch, onnx and Ultralytics are imported inside the functions: the scanning install has none.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float32]


def onnx_weights(path: Path) -> dict[str, Array]:
    """Named weight initializers of an ONNX model (constants of the graph left out)."""
    import onnx
    from onnx import numpy_helper

    model = onnx.load(str(path))
    return {
        init.name: numpy_helper.to_array(init).astype(np.float32)
        for init in model.graph.initializer
        if init.name.startswith("model.")
    }


def _conv_bn_pairs(model: Any) -> list[tuple[str, Any, Any]]:
    """(prefix, conv, bn) of every Ultralytics Conv block, by module name."""
    import torch.nn as nn

    pairs = []
    for name, module in model.named_modules():
        conv = getattr(module, "conv", None)
        bn = getattr(module, "bn", None)
        if isinstance(conv, nn.Conv2d) and isinstance(bn, nn.BatchNorm2d):
            pairs.append((name, conv, bn))
    return pairs


def load_fused_weights(model: Any, weights: dict[str, Array]) -> None:
    """Copy fused ONNX weights into an unfused DetectionModel, BN set to pass-through.

    Raises ValueError naming the first missing or mis-shaped tensor: a different architecture
    or class count must not half-load silently.
    """
    import torch

    pairs = _conv_bn_pairs(model)
    paired = {f"{prefix}.conv.weight" for prefix, _, _ in pairs} | {
        f"{prefix}.conv.bias" for prefix, _, _ in pairs
    }
    with torch.no_grad():
        for prefix, conv, bn in pairs:
            w = _take(weights, f"{prefix}.conv.weight", tuple(conv.weight.shape))
            b = _take(weights, f"{prefix}.conv.bias", (conv.out_channels,))
            conv.weight.copy_(torch.from_numpy(w))
            bn.weight.fill_(1.0)
            bn.bias.copy_(torch.from_numpy(b))
            bn.running_mean.zero_()
            bn.running_var.fill_(1.0 - bn.eps)  # sqrt(var + eps) = 1: pass-through in eval
        state = model.state_dict()
        for key, tensor in state.items():
            if key in paired or ".bn." in key or key.endswith("num_batches_tracked"):
                continue
            if key.startswith("model.") and key.endswith(("weight", "bias")):
                if key not in weights and "dfl" in key:
                    continue  # the fixed DFL projection is folded into graph constants
                value = _take(weights, key, tuple(tensor.shape))
                tensor.copy_(torch.from_numpy(value))


def _take(weights: dict[str, Array], key: str, shape: tuple[int, ...]) -> Array:
    if key not in weights:
        raise ValueError(f"the ONNX model has no tensor {key}: not this architecture")
    value = weights[key]
    if value.shape != shape:
        raise ValueError(f"{key}: ONNX shape {value.shape}, model expects {shape}")
    return value


def calibrate_batchnorm(model: Any, batches: Iterable[Any]) -> int:
    """Set every BN layer from per-channel statistics of its conv output on `batches`.

    `batches` are float tensors (n, 3, S, S) in 0-1. Statistics are gathered in eval mode while
    the BN layers still pass through, so every layer sees the fused network's activations.
    Returns the number of images seen.
    """
    import torch

    pairs = _conv_bn_pairs(model)
    sums: dict[str, list[Any]] = {p: [0.0, 0.0, 0] for p, _, _ in pairs}
    hooks = []
    for prefix, conv, _ in pairs:

        def record(_m: Any, _inp: Any, out: Any, prefix: str = prefix) -> None:
            flat = out.detach().transpose(0, 1).reshape(out.shape[1], -1).double()
            acc = sums[prefix]
            acc[0] = acc[0] + flat.sum(1)
            acc[1] = acc[1] + (flat * flat).sum(1)
            acc[2] += flat.shape[1]

        hooks.append(conv.register_forward_hook(record))
    model.eval()
    seen = 0
    try:
        with torch.no_grad():
            for batch in batches:
                model(batch)
                seen += int(batch.shape[0])
    finally:
        for hook in hooks:
            hook.remove()
    if seen == 0:
        raise ValueError("calibration needs at least one image")
    with torch.no_grad():
        for prefix, _, bn in pairs:
            total, squares, n = sums[prefix]
            mean = total / n
            var = (squares / n - mean * mean).clamp(min=1e-6)
            bias = bn.bias.detach().double()  # still the fused bias
            bn.running_mean.copy_(mean.float())
            bn.running_var.copy_((var - bn.eps).clamp(min=1e-6).float())
            bn.weight.copy_(var.sqrt().float())
            bn.bias.copy_((bias + mean).float())
    return seen


def letterboxed_batches(images: Iterable[npt.NDArray[np.uint8]], size: int, batch: int) -> Any:
    """BGR frames → float tensors (n, 3, size, size), letterboxed like Ultralytics (grey 114)."""
    import cv2
    import torch

    chunk: list[Array] = []
    for img in images:
        h, w = img.shape[:2]
        scale = min(size / h, size / w)
        nh, nw = round(h * scale), round(w * scale)
        canvas = np.full((size, size, 3), 114, np.uint8)
        top, left = (size - nh) // 2, (size - nw) // 2
        canvas[top : top + nh, left : left + nw] = cv2.resize(img, (nw, nh))
        rgb = canvas[:, :, ::-1].transpose(2, 0, 1).astype(np.float32) / 255.0
        chunk.append(rgb)
        if len(chunk) == batch:
            yield torch.from_numpy(np.stack(chunk))
            chunk = []
    if chunk:
        yield torch.from_numpy(np.stack(chunk))


def checkpoint_from_onnx(
    onnx_path: Path,
    out: Path,
    calibration_images: Iterable[npt.NDArray[np.uint8]],
    *,
    architecture: str = "yolo11n.yaml",
    classes: dict[int, str] | None = None,
    imgsz: int = 320,
) -> Path:
    """Write an Ultralytics checkpoint (`out`, .pt) equivalent to the ONNX model.

    Returns `out`, ready for `YOLO(out).train(...)` (`train_bundles --from-weights`).
    """
    os.environ.setdefault("YOLO_OFFLINE", "1")
    import torch
    from ultralytics.nn.tasks import DetectionModel

    names = classes or {0: "bundle"}
    model = DetectionModel(architecture, nc=len(names), verbose=False)
    model.names = names
    load_fused_weights(model, onnx_weights(onnx_path))
    calibrate_batchnorm(model, letterboxed_batches(calibration_images, imgsz, 16))
    out.parent.mkdir(parents=True, exist_ok=True)
    model.args = {"imgsz": imgsz, "task": "detect"}
    torch.save({"model": model.float(), "train_args": {"imgsz": imgsz}, "epoch": -1}, out)
    return out
