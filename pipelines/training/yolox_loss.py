# mypy: disallow-subclassing-any=False, warn-return-any=False
"""YOLOX's training loss with its SimOTA label assignment, for a one-class detector.

Per image: anchors whose centre lies inside a ground-truth box or within `center_radius`
strides of its centre are candidates; each box takes its `k` cheapest candidates (cost: class
BCE + 3 * -log IoU, plus a large penalty for anchors not both inside the box and near its
centre), `k` being the sum of its 10 best IoUs (at least 1); an anchor claimed by several boxes
goes to the cheapest. Losses: 5 * (1 - IoU^2) on the assigned boxes, BCE objectness over all
anchors (anchors inside "ignore" boxes, bundles too hidden to label, are left out unless
assigned), BCE class score towards the IoU on the assigned anchors; summed and divided by the
number of assigned anchors of the batch (YOLOX, arXiv:2107.08430).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor
from torch.nn import functional

from pipelines.training.yolox_net import HeadOutput

_INF = 1e8


@dataclass(frozen=True)
class Targets:
    """One image's labels in network-input pixels: boxes (n, 4) and ignore (m, 4), xyxy."""

    boxes: Tensor
    ignore: Tensor


@dataclass(frozen=True)
class LossParts:
    total: Tensor
    iou: float
    obj: float
    cls: float
    positives: int


def decode_boxes(box: Tensor, cells: Tensor, strides: Tensor) -> Tensor:
    """(..., N, 4) raw offsets / log sizes -> (..., N, 4) xyxy input pixels."""
    xy = (box[..., :2] + cells) * strides[:, None]
    wh = torch.exp(box[..., 2:4].clamp(max=12.0)) * strides[:, None]
    return torch.cat((xy - wh / 2, xy + wh / 2), dim=-1)


def box_iou(a: Tensor, b: Tensor) -> Tensor:
    """(n, 4) x (m, 4) xyxy -> (n, m) IoU."""
    lt = torch.maximum(a[:, None, :2], b[None, :, :2])
    rb = torch.minimum(a[:, None, 2:], b[None, :, 2:])
    inter = (rb - lt).clamp(min=0).prod(-1)
    area_a = (a[:, 2:] - a[:, :2]).clamp(min=0).prod(-1)
    area_b = (b[:, 2:] - b[:, :2]).clamp(min=0).prod(-1)
    return inter / (area_a[:, None] + area_b[None, :] - inter + 1e-9)


def paired_iou(a: Tensor, b: Tensor) -> Tensor:
    """(n, 4) x (n, 4) xyxy -> (n,) IoU of each row pair."""
    lt = torch.maximum(a[:, :2], b[:, :2])
    rb = torch.minimum(a[:, 2:], b[:, 2:])
    inter = (rb - lt).clamp(min=0).prod(-1)
    area_a = (a[:, 2:] - a[:, :2]).clamp(min=0).prod(-1)
    area_b = (b[:, 2:] - b[:, :2]).clamp(min=0).prod(-1)
    return inter / (area_a + area_b - inter + 1e-9)


def _inside(centres: Tensor, boxes: Tensor) -> Tensor:
    """(N, 2) points x (g, 4) boxes -> (g, N) bool."""
    x, y = centres[None, :, 0], centres[None, :, 1]
    return (
        (x > boxes[:, None, 0])
        & (x < boxes[:, None, 2])
        & (y > boxes[:, None, 1])
        & (y < boxes[:, None, 3])
    )


def simota_assign(
    pred_xyxy: Tensor,
    score: Tensor,
    gt: Tensor,
    centres: Tensor,
    strides: Tensor,
    center_radius: float = 2.5,
) -> tuple[Tensor, Tensor]:
    """Assign anchors to ground-truth boxes.

    pred_xyxy (N, 4), score (N,) objectness * class probability, gt (g, 4), centres (N, 2)
    anchor centres in pixels, strides (N,). Returns the boolean (N,) foreground mask and the
    (N,) index of the assigned box (meaningful where the mask is set).
    """
    with torch.no_grad():
        n = pred_xyxy.shape[0]
        in_box = _inside(centres, gt)
        gt_c = (gt[:, :2] + gt[:, 2:]) / 2
        r = center_radius * strides[None, :]
        in_centre = ((centres[None, :, 0] - gt_c[:, None, 0]).abs() < r) & (
            (centres[None, :, 1] - gt_c[:, None, 1]).abs() < r
        )
        candidate = (in_box | in_centre).any(0)
        fg = torch.zeros(n, dtype=torch.bool)
        matched = torch.zeros(n, dtype=torch.long)
        if not candidate.any():
            return fg, matched
        idx = candidate.nonzero()[:, 0]
        ious = box_iou(gt, pred_xyxy[idx])
        p = score[idx].clamp(1e-6, 1 - 1e-6).sqrt()
        cls_cost = functional.binary_cross_entropy(
            p[None, :].expand(gt.shape[0], -1), torch.ones_like(ious), reduction="none"
        )
        both = in_box[:, idx] & in_centre[:, idx]
        cost = cls_cost + 3.0 * -torch.log(ious + 1e-8) + 1e5 * (~both).float()
        k = ious.topk(min(10, idx.numel()), dim=1).values.sum(1).int().clamp(min=1)
        match = torch.zeros_like(cost, dtype=torch.bool)
        for g in range(gt.shape[0]):
            chosen = cost[g].topk(min(int(k[g]), idx.numel()), largest=False).indices
            match[g, chosen] = True
        multi = match.sum(0) > 1
        if multi.any():
            best = cost[:, multi].argmin(0)
            match[:, multi] = False
            match[best, multi.nonzero()[:, 0]] = True
        claimed = match.any(0)
        fg[idx[claimed]] = True
        matched[idx[claimed]] = match[:, claimed].float().argmax(0)
        return fg, matched


def yolox_loss(
    out: HeadOutput, targets: list[Targets], cells: Tensor, strides: Tensor
) -> LossParts:
    """Loss of a batch. out: head output (B, N, ...) of a one-class model; targets: one per
    image; cells (N, 2), strides (N,) from `yolox_net.anchor_grid`."""
    pred = decode_boxes(out.box, cells, strides)
    centres = (cells + 0.5) * strides[:, None]
    iou_terms, obj_terms, cls_terms = [], [], []
    positives = 0
    for b, target in enumerate(targets):
        obj_target = torch.zeros_like(out.obj[b])
        obj_weight = torch.ones_like(out.obj[b])
        if target.ignore.numel():
            obj_weight[_inside(centres, target.ignore).any(0)] = 0.0
        if target.boxes.numel():
            score = torch.sigmoid(out.obj[b].detach()) * torch.sigmoid(out.cls[b, :, 0].detach())
            fg, matched = simota_assign(pred[b].detach(), score, target.boxes, centres, strides)
            if fg.any():
                gt = target.boxes[matched[fg]]
                iou = paired_iou(pred[b][fg], gt)
                iou_terms.append((1 - iou**2).sum())
                cls_terms.append(
                    functional.binary_cross_entropy_with_logits(
                        out.cls[b, fg, 0], iou.detach().clamp(0, 1), reduction="sum"
                    )
                )
                obj_target[fg] = 1.0
                obj_weight[fg] = 1.0
                positives += int(fg.sum())
        obj_terms.append(
            functional.binary_cross_entropy_with_logits(
                out.obj[b], obj_target, weight=obj_weight, reduction="sum"
            )
        )
    norm = float(max(positives, 1))
    zero = out.obj.sum() * 0.0
    iou_loss = (torch.stack(iou_terms).sum() if iou_terms else zero) / norm
    obj_loss = torch.stack(obj_terms).sum() / norm
    cls_loss = (torch.stack(cls_terms).sum() if cls_terms else zero) / norm
    total = 5.0 * iou_loss + obj_loss + cls_loss
    return LossParts(
        total,
        float(iou_loss.detach()),
        float(obj_loss.detach()),
        float(cls_loss.detach()),
        positives,
    )
