"""YOLOX loss and SimOTA assignment on hand-made tensors (needs torch)."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch", reason="needs the [train] extra (torch)")

from pipelines.training.yolox_loss import (  # noqa: E402
    Targets,
    box_iou,
    decode_boxes,
    simota_assign,
    yolox_loss,
)
from pipelines.training.yolox_net import HeadOutput, anchor_grid  # noqa: E402


def test_box_iou_of_known_boxes() -> None:
    a = torch.tensor([[0.0, 0.0, 10.0, 10.0]])
    b = torch.tensor([[0.0, 0.0, 10.0, 10.0], [5.0, 0.0, 15.0, 10.0], [20.0, 20.0, 30.0, 30.0]])
    torch.testing.assert_close(box_iou(a, b), torch.tensor([[1.0, 1 / 3, 0.0]]))


def test_decoding_puts_a_zero_offset_at_the_cell_with_one_stride_size() -> None:
    cells, strides = anchor_grid(64, 64)
    boxes = decode_boxes(torch.zeros(1, cells.shape[0], 4), cells, strides)[0]
    # First anchor: cell (0, 0) at stride 8 -> centre (0, 0), 8 px wide.
    torch.testing.assert_close(boxes[0], torch.tensor([-4.0, -4.0, 4.0, 4.0]))


def test_simota_assigns_only_anchors_near_and_inside_the_box_to_it() -> None:
    cells, strides = anchor_grid(128, 128)
    centres = (cells + 0.5) * strides[:, None]
    gt = torch.tensor([[40.0, 40.0, 88.0, 80.0], [0.0, 100.0, 20.0, 120.0]])
    # Predictions: every anchor predicts the first box, so IoU decides nothing between anchors.
    pred = gt[0].expand(cells.shape[0], 4).clone()
    fg, matched = simota_assign(pred, torch.full((cells.shape[0],), 0.5), gt, centres, strides)
    assert fg.any()
    inside = (
        (centres[:, 0] > gt[matched, 0])
        & (centres[:, 0] < gt[matched, 2])
        & (centres[:, 1] > gt[matched, 1])
        & (centres[:, 1] < gt[matched, 3])
    )
    assert inside[fg].all(), "an anchor outside its box was assigned"
    assert set(matched[fg].tolist()) <= {0, 1}


def test_the_loss_falls_when_a_free_head_fits_one_image() -> None:
    cells, strides = anchor_grid(64, 64)
    n = cells.shape[0]
    box = torch.zeros(1, n, 4, requires_grad=True)
    obj = torch.zeros(1, n, requires_grad=True)
    cls = torch.zeros(1, n, 1, requires_grad=True)
    targets = [Targets(torch.tensor([[10.0, 12.0, 40.0, 36.0]]), torch.zeros(0, 4))]
    optimizer = torch.optim.Adam([box, obj, cls], lr=0.05)
    losses = []
    for _ in range(60):
        parts = yolox_loss(HeadOutput(box, obj, cls), targets, cells, strides)
        optimizer.zero_grad()
        parts.total.backward()
        optimizer.step()
        losses.append(float(parts.total.detach()))
    assert parts.positives > 0
    assert losses[-1] < 0.3 * losses[0], losses[::10]


def test_ignore_regions_take_no_objectness_loss() -> None:
    cells, strides = anchor_grid(64, 64)
    n = cells.shape[0]
    out = HeadOutput(torch.zeros(1, n, 4), torch.full((1, n), 3.0), torch.zeros(1, n, 1))
    plain = yolox_loss(out, [Targets(torch.zeros(0, 4), torch.zeros(0, 4))], cells, strides)
    ignored = yolox_loss(
        out, [Targets(torch.zeros(0, 4), torch.tensor([[0.0, 0.0, 64.0, 64.0]]))], cells, strides
    )
    assert plain.obj > 0 and ignored.obj == 0
