# mypy: disallow-subclassing-any=False, warn-return-any=False
"""YOLOX-Nano rebuilt in torch, with every BatchNorm already folded into its convolution.

The released ONNX export of YOLOX-Nano (Megvii, Apache-2.0) has its BatchNorm layers fused into
the convolutions, so the trainable copy here is built the same way: each `ConvAct` is a biased
convolution followed by SiLU. Fine-tuning a fused network works for the short runs this project
can afford on a CPU (no batch statistics to re-estimate, and batches of 8-16 frames would give
poor ones anyway).

Architecture (YOLOX `yolox_nano.py` exp: depth 0.33, width 0.25, depthwise convolutions):
Focus stem -> CSPDarknet dark2..dark5 (SPP in dark5) -> PAFPN -> decoupled head per stride
8/16/32 (stem 1x1, two depthwise 3x3 for classes, two for boxes; class, box and objectness
predictions).

Input: (B, 3, H, W) float32 BGR 0-255, H and W multiples of 32. Output in training mode: a
`HeadOutput` of raw logits; in export mode (`export=True`), YOLOX's raw grid (B, N, 5 + nc):
box offsets and log sizes, sigmoid objectness, sigmoid class scores, which
`models.backends.onnx_yolox` decodes.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor, nn
from torch.nn import functional

STRIDES = (8, 16, 32)


class ConvAct(nn.Module):
    """Conv (BatchNorm folded in as its bias) + SiLU; 'same' padding for odd kernels."""

    def __init__(self, cin: int, cout: int, k: int = 1, stride: int = 1, groups: int = 1) -> None:
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, k, stride, (k - 1) // 2, groups=groups, bias=True)

    def forward(self, x: Tensor) -> Tensor:
        return functional.silu(self.conv(x))


class DWConv(nn.Module):
    """Depthwise k x k then pointwise 1 x 1, each with SiLU (YOLOX `DWConv`)."""

    def __init__(self, cin: int, cout: int, k: int, stride: int = 1) -> None:
        super().__init__()
        self.dconv = ConvAct(cin, cin, k, stride, groups=cin)
        self.pconv = ConvAct(cin, cout, 1)

    def forward(self, x: Tensor) -> Tensor:
        return self.pconv(self.dconv(x))


class Bottleneck(nn.Module):
    def __init__(self, channels: int, shortcut: bool) -> None:
        super().__init__()
        self.conv1 = ConvAct(channels, channels, 1)
        self.conv2 = DWConv(channels, channels, 3)
        self.shortcut = shortcut

    def forward(self, x: Tensor) -> Tensor:
        y = self.conv2(self.conv1(x))
        return x + y if self.shortcut else y


class CSPLayer(nn.Module):
    """Two 1x1 branches, one through n bottlenecks, concatenated and mixed by a 1x1."""

    def __init__(self, cin: int, cout: int, n: int, shortcut: bool = True) -> None:
        super().__init__()
        hidden = cout // 2
        self.conv1 = ConvAct(cin, hidden, 1)
        self.conv2 = ConvAct(cin, hidden, 1)
        self.conv3 = ConvAct(2 * hidden, cout, 1)
        self.m = nn.Sequential(*(Bottleneck(hidden, shortcut) for _ in range(n)))

    def forward(self, x: Tensor) -> Tensor:
        # conv1 before conv2 before the bottlenecks: the order YOLOX runs (and exports) them.
        x1, x2 = self.conv1(x), self.conv2(x)
        return self.conv3(torch.cat((self.m(x1), x2), dim=1))


class SPPBottleneck(nn.Module):
    def __init__(self, cin: int, cout: int, kernels: tuple[int, ...] = (5, 9, 13)) -> None:
        super().__init__()
        hidden = cin // 2
        self.conv1 = ConvAct(cin, hidden, 1)
        self.pools = nn.ModuleList(nn.MaxPool2d(k, 1, k // 2) for k in kernels)
        self.conv2 = ConvAct(hidden * (len(kernels) + 1), cout, 1)

    def forward(self, x: Tensor) -> Tensor:
        x = self.conv1(x)
        return self.conv2(torch.cat([x, *(pool(x) for pool in self.pools)], dim=1))


class Focus(nn.Module):
    """Space-to-depth (YOLOX order: top-left, bottom-left, top-right, bottom-right) + conv."""

    def __init__(self, cin: int, cout: int) -> None:
        super().__init__()
        self.conv = ConvAct(cin * 4, cout, 3)

    def forward(self, x: Tensor) -> Tensor:
        tl, tr = x[..., ::2, ::2], x[..., ::2, 1::2]
        bl, br = x[..., 1::2, ::2], x[..., 1::2, 1::2]
        return self.conv(torch.cat((tl, bl, tr, br), dim=1))


class Backbone(nn.Module):
    """CSPDarknet at width 0.25 / depth 0.33: features at strides 8, 16, 32 (64/128/256 ch)."""

    def __init__(self) -> None:
        super().__init__()
        self.stem = Focus(3, 16)
        self.dark2 = nn.Sequential(DWConv(16, 32, 3, 2), CSPLayer(32, 32, 1))
        self.dark3 = nn.Sequential(DWConv(32, 64, 3, 2), CSPLayer(64, 64, 3))
        self.dark4 = nn.Sequential(DWConv(64, 128, 3, 2), CSPLayer(128, 128, 3))
        self.dark5 = nn.Sequential(
            DWConv(128, 256, 3, 2), SPPBottleneck(256, 256), CSPLayer(256, 256, 1, shortcut=False)
        )

    def forward(self, x: Tensor) -> tuple[Tensor, Tensor, Tensor]:
        x = self.dark2(self.stem(x))
        c3 = self.dark3(x)
        c4 = self.dark4(c3)
        return c3, c4, self.dark5(c4)


class PAFPN(nn.Module):
    """Top-down then bottom-up feature pyramid (YOLOX `YOLOPAFPN`)."""

    def __init__(self) -> None:
        super().__init__()
        self.backbone = Backbone()
        self.lateral_conv0 = ConvAct(256, 128, 1)
        self.C3_p4 = CSPLayer(256, 128, 1, shortcut=False)
        self.reduce_conv1 = ConvAct(128, 64, 1)
        self.C3_p3 = CSPLayer(128, 64, 1, shortcut=False)
        self.bu_conv2 = DWConv(64, 64, 3, 2)
        self.C3_n3 = CSPLayer(128, 128, 1, shortcut=False)
        self.bu_conv1 = DWConv(128, 128, 3, 2)
        self.C3_n4 = CSPLayer(256, 256, 1, shortcut=False)

    def forward(self, x: Tensor) -> tuple[Tensor, Tensor, Tensor]:
        c3, c4, c5 = self.backbone(x)
        fpn0 = self.lateral_conv0(c5)
        f0 = self.C3_p4(torch.cat((functional.interpolate(fpn0, scale_factor=2.0), c4), 1))
        fpn1 = self.reduce_conv1(f0)
        p3 = self.C3_p3(torch.cat((functional.interpolate(fpn1, scale_factor=2.0), c3), 1))
        p4 = self.C3_n3(torch.cat((self.bu_conv2(p3), fpn1), 1))
        p5 = self.C3_n4(torch.cat((self.bu_conv1(p4), fpn0), 1))
        return p3, p4, p5


class HeadLevel(nn.Module):
    """The decoupled head of one stride."""

    def __init__(self, cin: int, num_classes: int, hidden: int = 64) -> None:
        super().__init__()
        self.stem = ConvAct(cin, hidden, 1)
        self.cls_convs = nn.Sequential(DWConv(hidden, hidden, 3), DWConv(hidden, hidden, 3))
        self.reg_convs = nn.Sequential(DWConv(hidden, hidden, 3), DWConv(hidden, hidden, 3))
        self.cls_pred = nn.Conv2d(hidden, num_classes, 1)
        self.reg_pred = nn.Conv2d(hidden, 4, 1)
        self.obj_pred = nn.Conv2d(hidden, 1, 1)

    def forward(self, x: Tensor) -> tuple[Tensor, Tensor, Tensor]:
        """(B, C, h, w) -> box (B, 4, h, w), objectness logit (B, 1, h, w), class logits
        (B, nc, h, w)."""
        x = self.stem(x)
        cls = self.cls_pred(self.cls_convs(x))
        reg_feat = self.reg_convs(x)
        return self.reg_pred(reg_feat), self.obj_pred(reg_feat), cls


@dataclass
class HeadOutput:
    """Raw head output of a batch, anchors of all strides concatenated (YOLOX order).

    box: (B, N, 4) cx, cy offsets from the cell and log w, log h, all in stride units;
    obj: (B, N) objectness logits; cls: (B, N, nc) class logits.
    """

    box: Tensor
    obj: Tensor
    cls: Tensor


class YoloxNano(nn.Module):
    """YOLOX-Nano with `num_classes` classes (80 for the COCO weights)."""

    def __init__(self, num_classes: int = 80) -> None:
        super().__init__()
        self.num_classes = num_classes
        self.neck = PAFPN()
        self.heads = nn.ModuleList(HeadLevel(c, num_classes) for c in (64, 128, 256))
        self.export = False

    def head_output(self, x: Tensor) -> HeadOutput:
        boxes, objs, clss = [], [], []
        for feature, head in zip(self.neck(x), self.heads, strict=True):
            box, obj, cls = head(feature)
            boxes.append(box.flatten(2))
            objs.append(obj.flatten(2))
            clss.append(cls.flatten(2))
        return HeadOutput(
            box=torch.cat(boxes, 2).permute(0, 2, 1),
            obj=torch.cat(objs, 2)[:, 0, :],
            cls=torch.cat(clss, 2).permute(0, 2, 1),
        )

    def forward(self, x: Tensor) -> Tensor:
        """(B, 3, H, W) -> (B, N, 5 + nc) YOLOX raw grid (sigmoid on objectness and classes)."""
        out = self.head_output(x)
        return torch.cat(
            (out.box, torch.sigmoid(out.obj)[..., None], torch.sigmoid(out.cls)), dim=-1
        )


def anchor_grid(
    height: int, width: int, device: torch.device | None = None
) -> tuple[Tensor, Tensor]:
    """(N, 2) cell x, y and (N,) stride of every anchor, in the head's output order."""
    cells, strides = [], []
    for s in STRIDES:
        ys, xs = torch.meshgrid(
            torch.arange(height // s, device=device),
            torch.arange(width // s, device=device),
            indexing="ij",
        )
        cells.append(torch.stack((xs, ys), -1).reshape(-1, 2))
        strides.append(torch.full((cells[-1].shape[0],), float(s), device=device))
    return torch.cat(cells).float(), torch.cat(strides)
