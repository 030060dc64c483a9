"""A site's corrected frames, fine-tuned for a short run, change the shipped model's counts on
them: the labelling loop's last step (`vaultwatch labels export` -> `train-bundles
--user-data`). Needs the [train] extra (torch, onnx); about a minute on two cores."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from analyzer.detections import ObjectClass
from pipelines.training.evaluate_bundles import onnx_bundle_detector
from pipelines.training.train_bundles import SHIPPED_BUNDLE_MODEL, main
from pipelines.training.yolo_dataset import write_labels


def _site_frame(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """A 320x240 grey room with 1-2 magenta-and-teal striped parcels, which an inspector has
    boxed as bundles; (h, w, 3) BGR image and (n, 4) xyxy boxes."""
    image = np.clip(rng.normal(120, 12, (240, 320, 3)), 0, 255).astype(np.uint8)
    boxes = []
    for _ in range(int(rng.integers(1, 3))):
        w, h = int(rng.integers(50, 80)), int(rng.integers(35, 55))
        x, y = int(rng.integers(5, 320 - w - 5)), int(rng.integers(5, 240 - h - 5))
        if any(
            x < b[2] + 5 and b[0] < x + w + 5 and y < b[3] + 5 and b[1] < y + h + 5 for b in boxes
        ):
            continue
        for k in range(0, w, 8):
            colour = (200, 40, 220) if (k // 8) % 2 == 0 else (160, 170, 20)
            cv2.rectangle(image, (x + k, y), (min(x + k + 7, x + w - 1), y + h - 1), colour, -1)
        boxes.append([x, y, x + w, y + h])
    return image, np.asarray(boxes, np.float32)


def _counts(model: Path, frames: list[np.ndarray]) -> list[int]:
    detector = onnx_bundle_detector(model, confidence=0.35)
    return [int((d.class_id == ObjectClass.BUNDLE).sum()) for d in detector.detect(frames)]


def test_a_short_fine_tune_on_corrected_frames_changes_the_counts_on_them(
    tmp_path: Path,
) -> None:
    pytest.importorskip("torch", reason="training needs the [train] extra (torch)")
    pytest.importorskip("onnx", reason="training needs the [train] extra (onnx)")
    from models.registry import ModelRegistry
    from pipelines.training.yolo_dataset import xyxy_to_cxcywh
    from pipelines.training.yolox_export import read_metadata

    # What `vaultwatch labels export` writes: images/, labels/, data.yaml.
    site = tmp_path / "labels-export"
    (site / "images").mkdir(parents=True)
    (site / "labels").mkdir()
    (site / "data.yaml").write_text("names: [bundle]\n")
    rng = np.random.default_rng(5)
    frames, truth = [], []
    for i in range(6):
        image, boxes = _site_frame(rng)
        cv2.imwrite(str(site / "images" / f"f{i}.png"), image)
        write_labels(
            site / "labels" / f"f{i}.txt",
            np.zeros(len(boxes), np.int64),
            xyxy_to_cxcywh(boxes, 320, 240),
        )
        frames.append(image)
        truth.append(len(boxes))
    before = _counts(SHIPPED_BUNDLE_MODEL, frames)
    out = tmp_path / "site" / "site-bundles.onnx"
    code = main(
        [
            "--user-data",
            str(site),
            "--out",
            str(out),
            "--work-dir",
            str(tmp_path / "w"),
            "--train-images",
            "0",
            "--epochs",
            "20",
            "--max-steps",
            "20",
            "--batch",
            "4",
            "--crop",
            "224",
            "--lr",
            "0.003",
            "--user-val-fraction",
            "0",
            "--eval-images",
            "0",
            "--threads",
            "2",
        ]
    )
    assert code == 0
    after = _counts(out, frames)
    right_before = sum(b == t for b, t in zip(before, truth, strict=True))
    right_after = sum(a == t for a, t in zip(after, truth, strict=True))
    assert after != before and right_after > right_before, (truth, before, after)
    recipe = read_metadata(out)["recipe"]
    assert recipe["base"]["weights"] == SHIPPED_BUNDLE_MODEL.name
    assert recipe["site_train_images"] == 6 and recipe["steps"] == 20
    registry = ModelRegistry(tmp_path / "home", builtin_dir=out.parent)
    assert [r.problem for r in registry.verify_models()] == [None]
    assert registry.get("site-bundles").bundle_classes == ("bundle",)
