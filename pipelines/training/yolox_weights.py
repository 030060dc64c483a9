# mypy: disallow-subclassing-any=False, warn-return-any=False
"""Load the released YOLOX-Nano ONNX weights into the torch rebuild (`yolox_net`).

The ONNX graph holds 113 convolutions, BatchNorm folded in, in the order YOLOX runs them; the
torch model calls its convolutions in the same order, so the k-th convolution of a traced
forward pass takes the k-th convolution's weights of the graph (shapes checked one by one).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from torch import nn

from pipelines.training.yolox_net import YoloxNano


class WeightMismatch(ValueError):
    """The ONNX file is not a YOLOX-Nano of the layout `yolox_net` rebuilds."""


def _onnx_convs(path: Path) -> tuple[int, list[tuple[np.ndarray, np.ndarray]]]:
    """Number of classes (from the output's last dimension, 5 + nc) and (weight, bias) of every
    Conv node of the graph, in graph order."""
    import onnx
    from onnx import numpy_helper

    model = onnx.load(str(path))
    init = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
    out = []
    for node in model.graph.node:
        if node.op_type != "Conv":
            continue
        if len(node.input) < 3 or node.input[1] not in init or node.input[2] not in init:
            raise WeightMismatch(f"{path}: conv {node.name} has no constant weight and bias")
        out.append((init[node.input[1]], init[node.input[2]]))
    dims = model.graph.output[0].type.tensor_type.shape.dim
    if len(dims) != 3 or dims[2].dim_value <= 5:
        raise WeightMismatch(f"{path}: output is not YOLOX's (batch, anchors, 5 + classes)")
    return dims[2].dim_value - 5, out


def _convs_in_call_order(model: YoloxNano, size: int = 64) -> list[nn.Conv2d]:
    order: list[nn.Conv2d] = []
    hooks = [
        m.register_forward_hook(lambda mod, _i, _o: order.append(mod))
        for m in model.modules()
        if isinstance(m, nn.Conv2d)
    ]
    try:
        with torch.no_grad():
            model.head_output(torch.zeros(1, 3, size, size))
    finally:
        for h in hooks:
            h.remove()
    return order


def load_yolox_nano(path: Path) -> YoloxNano:
    """A `YoloxNano` computing what the ONNX file at `path` computes: the COCO release (80
    classes) or a bundle model this project exported."""
    num_classes, convs = _onnx_convs(Path(path))
    model = YoloxNano(num_classes)
    targets = _convs_in_call_order(model)
    if len(targets) != len(convs):
        raise WeightMismatch(f"{path}: {len(convs)} convolutions, YOLOX-Nano has {len(targets)}")
    with torch.no_grad():
        for k, (conv, (w, b)) in enumerate(zip(targets, convs, strict=True)):
            if tuple(conv.weight.shape) != w.shape or conv.bias is None:
                raise WeightMismatch(
                    f"{path}: convolution {k} is {w.shape}, YOLOX-Nano's is "
                    f"{tuple(conv.weight.shape)}"
                )
            conv.weight.copy_(torch.from_numpy(w.copy()))
            conv.bias.copy_(torch.from_numpy(b.copy()))
    return model
