"""A model's own counting threshold: chosen by its training, carried in its ONNX metadata and
manifest, overridable at import, and used by the counting unless the site file sets one."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from analyzer.detections import ObjectClass
from models.errors import ModelImportError
from models.registry import ModelRegistry
from pipelines.cli import main
from pipelines.detectors import DetectorCatalog, DetectorChoice, counting_setup
from pipelines.site import Camera, CountingSettings
from pipelines.training.evaluate_bundles import EvalReport, Renderer
from pipelines.training.train_bundles import operating_point
from tests.models.helpers import make_yolox


def bundle_model(path: Path, **metadata: str) -> Path:
    return make_yolox(path, nc=1, metadata={"names": "{0: 'bundle'}", **metadata})


def test_the_metadata_threshold_is_imported_and_a_flag_overrides_it(tmp_path, vaultwatch_home):
    registry = ModelRegistry.from_env()
    trained = bundle_model(tmp_path / "trained.onnx", count_confidence="0.22")
    assert registry.import_model(trained, name="a", format="yolox").count_confidence == 0.22
    chosen = registry.import_model(trained, name="b", format="yolox", count_confidence=0.4)
    assert chosen.count_confidence == 0.4
    plain = bundle_model(tmp_path / "plain.onnx")
    assert registry.import_model(plain, name="c", format="yolox").count_confidence is None


@pytest.mark.parametrize("value", ["0", "1.5", "high", "nan"])
def test_a_wrong_metadata_threshold_is_refused_and_nothing_is_stored(
    tmp_path, vaultwatch_home, value
):
    model = bundle_model(tmp_path / "m.onnx", count_confidence=value)
    with pytest.raises(ModelImportError, match="count_confidence"):
        ModelRegistry.from_env().import_model(model, name="m", format="yolox")
    assert not (vaultwatch_home / "models" / "m").exists()


def test_the_import_command_refuses_a_threshold_outside_0_1(tmp_path, vaultwatch_home, capsys):
    model = bundle_model(tmp_path / "m.onnx")
    argv = ["models", "import", str(model), "--name", "m", "--format", "yolox"]
    assert main([*argv, "--count-confidence", "1.2"]) == 2
    assert "count_confidence" in capsys.readouterr().err
    assert main([*argv, "--count-confidence", "0.25"]) == 0
    assert ModelRegistry.from_env().get("m").count_confidence == 0.25


def test_counting_uses_the_models_threshold_unless_the_site_sets_one(tmp_path, vaultwatch_home):
    registry = ModelRegistry.from_env()
    registry.import_model(
        bundle_model(tmp_path / "m.onnx"), name="bags", format="yolox", count_confidence=0.2
    )
    camera = Camera(id="phone-1", kind="handheld")
    choice = DetectorChoice(bundle_model="bags")
    catalog = DetectorCatalog(registry)

    setup = counting_setup(camera, choice=choice, settings=CountingSettings(), catalog=catalog)
    assert setup is not None
    assert setup.thresholds == {ObjectClass.PERSON: 0.35, ObjectClass.BUNDLE: 0.2}
    assert setup.description.endswith(";bundle_min_confidence=0.2")

    site_choice = CountingSettings(min_confidence=0.5)
    setup = counting_setup(camera, choice=choice, settings=site_choice, catalog=catalog)
    assert setup is not None
    assert setup.thresholds == {ObjectClass.PERSON: 0.5, ObjectClass.BUNDLE: 0.5}
    assert "bundle_min_confidence" not in setup.description


def test_the_shipped_bundle_yolox_counts_at_its_training_operating_point(vaultwatch_home):
    catalog = DetectorCatalog()
    camera = Camera(id="phone-1", kind="handheld")
    choice = DetectorChoice(bundle_model="bundle_yolox")
    setup = counting_setup(camera, choice=choice, settings=CountingSettings(), catalog=catalog)
    assert setup is not None and setup.thresholds[ObjectClass.BUNDLE] == 0.3
    # The default bundle model has none: the site's threshold applies.
    default = counting_setup(
        camera, choice=DetectorChoice(), settings=CountingSettings(), catalog=catalog
    )
    assert default is not None and default.thresholds[ObjectClass.BUNDLE] == 0.35


def report(best: float) -> EvalReport:
    """An evaluation whose figures do not matter here but its best-F1 point."""
    figures = {f.name: 0.5 for f in dataclasses.fields(EvalReport) if f.name != "model"}
    return EvalReport(model="m", **{**figures, "best_f1_confidence": best})  # type: ignore[arg-type]


def test_training_picks_the_best_f1_on_its_own_renderer_no_lower_than_the_tracker_keeps():
    assert operating_point({Renderer.TRAINING: report(0.2834)}) == 0.28
    assert operating_point({Renderer.TRAINING: report(0.04)}) == 0.1
    assert operating_point({Renderer.INDEPENDENT: report(0.2)}) is None
    assert operating_point({}) is None
