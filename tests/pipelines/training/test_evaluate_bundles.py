"""The shipped bundle model, loaded through the product registry, on fresh held-out frames.

Runs without torch: onnxruntime and the product's Ultralytics ONNX backend only.
"""

from __future__ import annotations

import json

import onnxruntime as ort
import pytest

from models.backends.options import DetectorOptions
from models.registry import BUILTIN_DIR, ModelRegistry
from pipelines.training.evaluate_bundles import (
    HELDOUT_SEED,
    SCAN_CONFIDENCE,
    evaluate_detector,
    format_report,
    heldout_samples,
)
from pipelines.training.yolox_export import METADATA_KEY

SHIPPED = BUILTIN_DIR / "bundle_yolo.onnx"
FRESH_SEED = 4_242_001
"""Neither a training seed nor the seed of the README's numbers: frames nobody tuned on."""


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> ModelRegistry:
    return ModelRegistry(tmp_path_factory.mktemp("home"))


def test_shipped_model_is_a_valid_builtin(registry: ModelRegistry) -> None:
    manifest = registry.get("bundle_yolo")
    assert manifest.builtin and manifest.class_names == ("bundle",)
    assert manifest.bundle_class_ids == (0,) and manifest.person_class_ids == ()
    assert (manifest.input_size.height, manifest.input_size.width) == (320, 320)
    assert [r.problem for r in registry.verify_models() if r.name == "bundle_yolo"] == [None]
    assert SHIPPED.stat().st_size < 15_000_000


def test_shipped_model_records_its_recipe() -> None:
    meta = ort.InferenceSession(str(SHIPPED)).get_modelmeta().custom_metadata_map
    info = json.loads(meta[METADATA_KEY])
    recipe, heldout = info["recipe"], info["heldout"]
    assert recipe["classes"] == ["bundle"] and recipe["imgsz"] == 320
    trained_on = {recipe["synthetic_train"]["seed"], recipe["synthetic_val"]["seed"]}
    assert not trained_on & {FRESH_SEED, HELDOUT_SEED}
    assert heldout["seed"] == HELDOUT_SEED
    assert 0 < heldout["precision"] <= 1 and 0 < heldout["recall"] <= 1


# The product's target for its own bundle detector. The model shipped now misses it (trained
# 9 epochs from random weights in one session); `strict` makes these tests fail the day a
# retrained model meets it, so the markers cannot outlive the gap.
BELOW_TARGET = pytest.mark.xfail(
    strict=True,
    reason="shipped bundle_yolo is below the 0.9 precision/recall target (held-out synthetic: "
    "P 0.86, R 0.49 at training time; P 0.84, R 0.34 on this commit's renderer); retraining is "
    "open work",
)


@BELOW_TARGET
def test_shipped_model_met_the_target_when_trained() -> None:
    meta = ort.InferenceSession(str(SHIPPED)).get_modelmeta().custom_metadata_map
    heldout = json.loads(meta[METADATA_KEY])["heldout"]
    assert heldout["precision"] >= 0.9 and heldout["recall"] >= 0.9


@BELOW_TARGET
def test_shipped_model_finds_bundles_on_fresh_heldout_frames(registry: ModelRegistry) -> None:
    detector = registry.load_detector(
        "bundle_yolo", options=DetectorOptions(bundle_confidence=SCAN_CONFIDENCE)
    )
    report = evaluate_detector(detector, heldout_samples(100, FRESH_SEED), seed=FRESH_SEED)
    assert report.ground_truth > 100, "the set should hold a fair number of bundles"
    assert report.precision >= 0.9 and report.recall >= 0.9, format_report(report)
    assert report.map50 >= 0.9, format_report(report)
