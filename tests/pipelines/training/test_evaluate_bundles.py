"""The shipped bundle models, loaded through the product registry: the YOLOX bundle model
(`bundle_yolox`) and the earlier default (`bundle_yolo`). Runs without torch: onnxruntime and
the product's ONNX backends only."""

from __future__ import annotations

import json

import onnxruntime as ort
import pytest

from models.backends.options import DetectorOptions
from models.manifest import ModelFormat
from models.registry import BUILTIN_DIR, ModelRegistry
from pipelines.training.evaluate_bundles import (
    HELDOUT_SEED,
    SCAN_CONFIDENCE,
    Renderer,
    default_seed,
    evaluate_detector,
    format_report,
    heldout_samples,
)
from pipelines.training.yolox_export import METADATA_KEY

SHIPPED = BUILTIN_DIR / "bundle_yolox.onnx"
EARLIER = BUILTIN_DIR / "bundle_yolo.onnx"
COCO_SHA256 = "e8af074932d4ed7e232278e3055cefcdea3edf178874a3694ae292649fb464dd"
FRESH_SEED = 4_242_001
"""Neither a training seed nor the seed of the README's numbers: frames nobody tuned on."""


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> ModelRegistry:
    return ModelRegistry(tmp_path_factory.mktemp("home"))


def _metadata() -> dict[str, str]:
    return dict(ort.InferenceSession(str(SHIPPED)).get_modelmeta().custom_metadata_map)


def test_shipped_model_is_a_valid_yolox_builtin(registry: ModelRegistry) -> None:
    manifest = registry.get("bundle_yolox")
    assert manifest.builtin and manifest.format is ModelFormat.YOLOX
    assert manifest.class_names == ("bundle",)
    assert manifest.bundle_class_ids == (0,) and manifest.person_class_ids == ()
    assert (manifest.input_size.height, manifest.input_size.width) == (416, 416)
    assert [r.problem for r in registry.verify_models() if r.name == "bundle_yolox"] == [None]
    assert SHIPPED.stat().st_size < 6_000_000


def test_the_earlier_default_is_still_shipped(registry: ModelRegistry) -> None:
    manifest = registry.get("bundle_yolo")
    assert manifest.builtin and manifest.format is ModelFormat.ULTRALYTICS
    assert manifest.sha256.startswith("ab1007139cc5")
    assert [r.problem for r in registry.verify_models() if r.name == "bundle_yolo"] == [None]


def test_shipped_model_records_its_recipe_and_an_apache_lineage() -> None:
    meta = _metadata()
    info = json.loads(meta[METADATA_KEY])
    recipe = info["recipe"]
    assert recipe["classes"] == ["bundle"] and recipe["imgsz"] == 416
    # Fine-tuned (in one or more runs) from the COCO YOLOX-Nano the product ships (Apache-2.0).
    base = recipe["base"]
    while base.get("recipe") is not None:
        assert base["recipe"]["classes"] == ["bundle"]
        base = base["recipe"]["base"]
    assert (base["weights"], base["sha256"]) == ("yolox_nano.onnx", COCO_SHA256)
    assert "ultralytics" not in json.dumps(recipe).lower()
    assert not {"author", "license", "docs"} & set(meta), "no Ultralytics export metadata"
    assert recipe["synthetic_train"]["seed"] not in {FRESH_SEED, HELDOUT_SEED}
    for renderer in Renderer:
        heldout = info["heldout"][renderer.value]
        assert heldout["seed"] == default_seed(renderer) and heldout["images"] == 500
        assert 0 < heldout["precision"] <= 1 and 0 < heldout["recall"] <= 1


# The product's target for its bundle detector on frames it was not trained to draw. The shipped
# bundle_yolox misses it (500 independent frames: P 0.793, R 0.502, from 1.6 h of CPU fine-tuning
# on two shared cores); `strict` makes this fail the day a retrained model meets it, so the
# marker cannot outlive the gap.
TARGET_PENDING = pytest.mark.xfail(
    strict=True,
    reason="bundle_yolox is below the >= 0.9 precision / >= 0.8 recall target on the independent "
    "renderer (P 0.793, R 0.502 on 500 frames); more training is open work",
)


@TARGET_PENDING
def test_shipped_model_meets_the_target_on_the_independent_renderer(
    registry: ModelRegistry,
) -> None:
    detector = registry.load_detector(
        "bundle_yolox", options=DetectorOptions(bundle_confidence=SCAN_CONFIDENCE)
    )
    samples = heldout_samples(100, FRESH_SEED, renderer=Renderer.INDEPENDENT)
    report = evaluate_detector(detector, samples, seed=FRESH_SEED)
    assert report.ground_truth > 100, "the set should hold a fair number of bundles"
    assert report.precision >= 0.9 and report.recall >= 0.8, format_report(report)
