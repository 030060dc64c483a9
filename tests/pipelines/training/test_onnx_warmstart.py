"""Rebuilding a trainable checkpoint from the shipped ONNX bundle model (needs the [train]
extra: torch, Ultralytics, onnx; skipped without it)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from models.registry import BUILTIN_DIR
from pipelines.training.synth_bundles import render_sample

pytest.importorskip("ultralytics", reason="needs the [train] extra (torch)")
pytest.importorskip("onnx", reason="needs the [train] extra (onnx)")

SHIPPED = BUILTIN_DIR / "bundle_yolo.onnx"


def test_the_rebuilt_checkpoint_computes_what_the_onnx_model_computes(tmp_path):
    import onnxruntime as ort
    import torch
    from ultralytics import YOLO

    from pipelines.training.onnx_warmstart import checkpoint_from_onnx, letterboxed_batches

    calibration = [render_sample(7, i).image for i in range(32)]
    out = checkpoint_from_onnx(SHIPPED, tmp_path / "warm.pt", calibration)
    model = YOLO(str(out)).model.eval()
    frames = [render_sample(8, i).image for i in range(4)]
    batch = next(letterboxed_batches(frames, 320, 4))
    with torch.no_grad():
        rebuilt = model(batch)[0].numpy()
    session = ort.InferenceSession(str(SHIPPED), providers=["CPUExecutionProvider"])
    reference = np.concatenate(
        [session.run(None, {"images": batch[i : i + 1].numpy()})[0] for i in range(4)]
    )
    assert rebuilt.shape == reference.shape == (4, 5, 2100)
    # boxes in input pixels, scores 0-1: float32 round-off only
    assert np.abs(rebuilt[:, :4] - reference[:, :4]).max() < 0.05
    assert np.abs(rebuilt[:, 4] - reference[:, 4]).max() < 1e-4


def test_another_architecture_is_refused_by_name(tmp_path):
    from pipelines.training.onnx_warmstart import checkpoint_from_onnx

    with pytest.raises(ValueError, match="model expects|has no tensor"):
        checkpoint_from_onnx(
            SHIPPED, tmp_path / "warm.pt", [render_sample(7, 0).image], architecture="yolo11s.yaml"
        )
    assert not (tmp_path / "warm.pt").exists()


def test_train_bundles_accepts_an_onnx_start(tmp_path):
    from pipelines.training.train_bundles import TrainConfig, starting_checkpoint

    images = tmp_path / "dataset" / "train" / "images"
    images.mkdir(parents=True)
    import cv2

    for i in range(3):
        cv2.imwrite(str(images / f"{i}.jpg"), render_sample(7, i).image)
    cfg = TrainConfig(work_dir=tmp_path / "work", from_weights=SHIPPED)
    start = starting_checkpoint(cfg, tmp_path / "dataset" / "data.yaml")
    assert start == tmp_path / "work" / "warmstart" / "bundle_yolo.pt" and start.is_file()
    pt = Path("last.pt")
    assert starting_checkpoint(TrainConfig(from_weights=pt), tmp_path / "x.yaml") == pt
