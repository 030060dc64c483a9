"""Built-in models: shipped in the package's `models/weights/`, listed read-only, hash-checked."""

from __future__ import annotations

from pathlib import Path

import pytest

from models.errors import ModelImportError, ModelIntegrityError
from models.registry import BUILTIN_DIR, ModelRegistry, describe_model
from tests.models.helpers import RawBox, frame, make_ultralytics, make_yolox


def ship(builtin_dir: Path, tmp_path: Path, name: str = "bundle_yolo") -> None:
    """Write a built-in the way the product ships one: `<name>.onnx` + `<name>.json`."""
    weights = make_ultralytics(
        builtin_dir / f"{name}.onnx", [RawBox((8, 8, 30, 20), 0, 0.9)], names=["bundle"]
    )
    manifest = describe_model(weights, name=name, format="ultralytics", source="training run 7")
    (builtin_dir / f"{name}.json").write_text(manifest.model_dump_json(indent=2))


def test_builtins_are_listed_first_and_load(
    tmp_path: Path, registry: ModelRegistry, builtin_dir: Path
) -> None:
    registry.import_model(make_yolox(tmp_path / "a.onnx"), name="aaa", format="yolox")
    ship(builtin_dir, tmp_path)
    listed = registry.list_models()
    assert [(m.name, m.builtin) for m in listed] == [("bundle_yolo", True), ("aaa", False)]
    assert listed[0].file == "bundle_yolo.onnx" and listed[0].source == "training run 7"
    assert all(r.ok for r in registry.verify_models())
    [out] = registry.load_detector("bundle_yolo").detect([frame(64, 64)])
    assert len(out) == 1


def test_builtin_flag_comes_from_location_not_file(
    tmp_path: Path, registry: ModelRegistry, builtin_dir: Path
) -> None:
    ship(builtin_dir, tmp_path)
    registry.import_model(make_yolox(tmp_path / "a.onnx"), name="aaa", format="yolox")
    path = registry.models_dir / "aaa" / "manifest.json"
    path.write_text(path.read_text().replace('"builtin": false', '"builtin": true'))
    assert {m.name: m.builtin for m in registry.list_models()} == {
        "bundle_yolo": True,
        "aaa": False,
    }


def test_builtin_names_cannot_be_taken(
    tmp_path: Path, registry: ModelRegistry, builtin_dir: Path
) -> None:
    ship(builtin_dir, tmp_path)
    src = make_yolox(tmp_path / "m.onnx")
    for replace in (False, True):
        with pytest.raises(ModelImportError, match="built-in model"):
            registry.import_model(src, name="bundle_yolo", format="yolox", replace=replace)
    assert not registry.models_dir.exists()


def test_user_model_shadowed_by_a_later_builtin(
    tmp_path: Path, registry: ModelRegistry, builtin_dir: Path
) -> None:
    registry.import_model(make_yolox(tmp_path / "m.onnx"), name="bundle_yolo", format="yolox")
    ship(builtin_dir, tmp_path)  # a product upgrade ships a model of the same name
    assert [m.builtin for m in registry.list_models()] == [True]
    problems = [r.problem for r in registry.verify_models()]
    assert problems[0] is None and "shadowed by the built-in" in str(problems[1])


def test_tampered_builtin_is_refused(
    tmp_path: Path, registry: ModelRegistry, builtin_dir: Path
) -> None:
    ship(builtin_dir, tmp_path)
    weights = builtin_dir / "bundle_yolo.onnx"
    weights.write_bytes(weights.read_bytes()[:-1] + b"\x00")
    [result] = registry.verify_models()
    assert result.builtin and not result.ok
    with pytest.raises(ModelIntegrityError):
        registry.load_detector("bundle_yolo")


def test_missing_or_empty_builtin_dir(tmp_path: Path) -> None:
    assert ModelRegistry(tmp_path / "h", builtin_dir=tmp_path / "nowhere").list_models() == []
    (tmp_path / "empty").mkdir()
    assert ModelRegistry(tmp_path / "h", builtin_dir=tmp_path / "empty").verify_models() == []


def test_the_package_weights_dir_is_well_formed(home: Path) -> None:
    """Whatever the product ships in models/weights/ lists and verifies (it may be empty)."""
    assert BUILTIN_DIR.name == "weights" and BUILTIN_DIR.parent.name == "models"
    reg = ModelRegistry.from_env()
    results = reg.verify_models()
    assert [r.problem for r in results if r.builtin and not r.ok] == []
    assert all(m.builtin for m in reg.list_models())  # home is empty: only built-ins


def test_the_same_weights_imported_before_they_were_shipped_verify(
    tmp_path: Path, registry: ModelRegistry, builtin_dir: Path
) -> None:
    """A site that imported YOLOX-Nano as `yolox-nano` before the product shipped it keeps a
    working registry: the name loads the very same weights."""
    ship(builtin_dir, tmp_path)
    shipped = builtin_dir / "bundle_yolo.onnx"
    copy = tmp_path / "copy.onnx"
    copy.write_bytes(shipped.read_bytes())
    other = ModelRegistry(registry.home, builtin_dir=tmp_path / "none")
    other.import_model(copy, name="bundle_yolo", format="ultralytics")
    assert all(r.ok for r in registry.verify_models())
    assert [m.builtin for m in registry.list_models()] == [True]
