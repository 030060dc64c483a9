"""Import, list, verify and load through the registry, with tiny generated models."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from analyzer.detections import ObjectClass
from models.backends.onnx_ultralytics import UltralyticsOnnxDetector
from models.backends.onnx_yolox import YoloxOnnxDetector
from models.backends.options import DetectorOptions
from models.classes import COCO80
from models.errors import ModelIntegrityError, ModelNotFoundError
from models.manifest import MANIFEST_FILE, ModelFormat, ModelManifest, Runtime
from models.registry import ModelRegistry
from tests.models.helpers import SIZE, RawBox, frame, make_ultralytics, make_yolox

PERSON_AT = RawBox((20, 8, 36, 32), 0, 0.9)


def test_yolox_round_trip_through_the_registry_in_home(tmp_path: Path, home: Path) -> None:
    src = make_yolox(tmp_path / "nano.onnx", [PERSON_AT])
    reg = ModelRegistry.from_env()
    manifest = reg.import_model(src, name="nano", format="yolox")
    assert manifest.format is ModelFormat.YOLOX and manifest.runtime is Runtime.ONNX
    assert manifest.class_names == COCO80  # 80 classes, no metadata: COCO-80 assumed
    assert manifest.person_classes == ("person",) and manifest.bundle_classes == ()
    assert (manifest.input_size.height, manifest.input_size.width) == (SIZE, SIZE)
    assert manifest.size == src.stat().st_size and manifest.source == str(src.resolve())
    assert manifest.file == "model.onnx" and not manifest.builtin

    stored = home / "models" / "nano"
    assert sorted(p.name for p in stored.iterdir()) == [MANIFEST_FILE, "model.onnx"]
    on_disk = ModelManifest.model_validate_json((stored / MANIFEST_FILE).read_text())
    assert on_disk == manifest
    assert [m for m in reg.list_models() if not m.builtin] == [manifest]
    [result] = [r for r in reg.verify_models() if not r.builtin]
    assert result.ok and result.name == "nano" and result.path == stored

    detector = reg.load_detector("nano")
    assert isinstance(detector, YoloxOnnxDetector)
    assert detector.name == f"nano@{manifest.sha256[:12]}"
    [out] = detector.detect([frame(SIZE, SIZE)])
    assert out.class_id.tolist() == [ObjectClass.PERSON]
    np.testing.assert_allclose(out.xyxy, [PERSON_AT.xyxy], atol=1e-3)


def test_ultralytics_names_come_from_metadata(tmp_path: Path, registry: ModelRegistry) -> None:
    src = make_ultralytics(
        tmp_path / "u.onnx",
        [RawBox((20, 16, 36, 40), 0, 0.9), RawBox((40, 40, 60, 50), 1, 0.8)],
        names=["person", "bundle", "chair"],
    )
    manifest = registry.import_model(src, name="u11", format=ModelFormat.ULTRALYTICS)
    assert manifest.class_names == ("person", "bundle", "chair")
    assert manifest.person_class_ids == (0,) and manifest.bundle_class_ids == (1,)
    detector = registry.load_detector("u11", options=DetectorOptions(bundle_confidence=0.5))
    assert isinstance(detector, UltralyticsOnnxDetector)
    [out] = detector.detect([frame(SIZE, SIZE)])
    assert sorted(out.class_id.tolist()) == [ObjectClass.PERSON, ObjectClass.BUNDLE]


def test_explicit_classes_override_metadata(tmp_path: Path, registry: ModelRegistry) -> None:
    names = tmp_path / "names.txt"
    names.write_text("# custom\nhuman\n\nstack\nchair\n")
    src = make_ultralytics(tmp_path / "u.onnx")
    manifest = registry.import_model(
        src,
        name="u",
        format="ultralytics",
        classes=names,
        person_classes=["human"],
        bundle_classes="stack,chair",
    )
    assert manifest.class_names == ("human", "stack", "chair")
    assert manifest.person_class_ids == (0,) and manifest.bundle_class_ids == (1, 2)


@pytest.mark.parametrize(
    ("file_name", "text"),
    [
        ("data.yaml", "path: /data\nnames:\n  0: person\n  1: bundle\n  2: chair\n"),
        ("data.yml", "names: [person, bundle, chair]\n"),
        ("names.json", '["person", "bundle", "chair"]'),
        ("names.json", '{"names": {"0": "person", "1": "bundle", "2": "chair"}}'),
        ("coco.names", "person\nbundle\nchair\n"),
    ],
)
def test_names_files(tmp_path: Path, registry: ModelRegistry, file_name: str, text: str) -> None:
    (tmp_path / file_name).write_text(text)
    src = make_yolox(tmp_path / "m.onnx", nc=3)
    manifest = registry.import_model(src, name="m", format="yolox", classes=tmp_path / file_name)
    assert manifest.class_names == ("person", "bundle", "chair")
    assert manifest.person_classes == ("person",) and manifest.bundle_classes == ("bundle",)


def test_coco_bundle_classes_on_request(tmp_path: Path, registry: ModelRegistry) -> None:
    src = make_yolox(tmp_path / "m.onnx", [RawBox((8, 8, 40, 30), 73, 0.9)])  # a book
    manifest = registry.import_model(
        src, name="m", format="yolox", classes="coco80", bundle_classes="book, suitcase"
    )
    assert manifest.bundle_classes == ("book", "suitcase")
    [out] = registry.load_detector("m").detect([frame(SIZE, SIZE)])
    assert out.class_id.tolist() == [ObjectClass.BUNDLE]


def test_bundle_only_model(tmp_path: Path, registry: ModelRegistry) -> None:
    src = make_ultralytics(tmp_path / "b.onnx", names=["bundle"])
    manifest = registry.import_model(src, name="bundles", format="ultralytics")
    assert manifest.person_class_ids == () and manifest.bundle_class_ids == (0,)


def test_replace(tmp_path: Path, registry: ModelRegistry) -> None:
    first = registry.import_model(make_yolox(tmp_path / "a.onnx"), name="m", format="yolox")
    src = make_yolox(tmp_path / "b.onnx", [PERSON_AT])
    second = registry.import_model(src, name="m", format="yolox", replace=True)
    assert second.sha256 != first.sha256
    assert registry.list_models() == [second]
    assert [p.name for p in registry.models_dir.iterdir()] == ["m"]  # nothing left behind


def test_list_is_sorted_and_skips_unfinished_and_broken(
    tmp_path: Path, registry: ModelRegistry
) -> None:
    for name in ("zeta", "alpha"):
        registry.import_model(make_yolox(tmp_path / f"{name}.onnx"), name=name, format="yolox")
    (registry.models_dir / ".staging-x-123").mkdir()  # an import in progress elsewhere
    (registry.models_dir / "broken").mkdir()
    (registry.models_dir / "broken" / MANIFEST_FILE).write_text("{not json")
    assert [m.name for m in registry.list_models()] == ["alpha", "zeta"]
    problems = {r.name: r.problem for r in registry.verify_models()}
    assert problems["alpha"] is None and problems["zeta"] is None
    assert "invalid manifest" in str(problems["broken"])
    assert ".staging-x-123" not in problems


def test_manifest_rejects_unknown_fields(tmp_path: Path, registry: ModelRegistry) -> None:
    registry.import_model(make_yolox(tmp_path / "m.onnx"), name="m", format="yolox")
    path = registry.models_dir / "m" / MANIFEST_FILE
    data = json.loads(path.read_text())
    data["person_clases"] = [1]  # a typo must not pass silently
    path.write_text(json.dumps(data))
    [result] = registry.verify_models()
    assert not result.ok and "person_clases" in str(result.problem)
    assert registry.list_models() == []


def test_manifest_name_must_match_directory(tmp_path: Path, registry: ModelRegistry) -> None:
    registry.import_model(make_yolox(tmp_path / "m.onnx"), name="m", format="yolox")
    (registry.models_dir / "m").rename(registry.models_dir / "other")
    [result] = registry.verify_models()
    assert "not its directory's name" in str(result.problem)


def test_tampered_weights_are_refused(tmp_path: Path, registry: ModelRegistry) -> None:
    registry.import_model(make_yolox(tmp_path / "m.onnx", [PERSON_AT]), name="m", format="yolox")
    weights = registry.models_dir / "m" / "model.onnx"
    data = bytearray(weights.read_bytes())
    data[-1] ^= 0xFF  # same size, different content
    weights.write_bytes(bytes(data))
    [result] = registry.verify_models()
    assert not result.ok and "sha256" in str(result.problem)
    with pytest.raises(ModelIntegrityError, match="refusing to load"):
        registry.load_detector("m")


def test_truncated_or_missing_weights(tmp_path: Path, registry: ModelRegistry) -> None:
    registry.import_model(make_yolox(tmp_path / "m.onnx"), name="m", format="yolox")
    weights = registry.models_dir / "m" / "model.onnx"
    weights.write_bytes(weights.read_bytes()[:100])
    assert "bytes but the manifest says" in str(registry.verify_models()[0].problem)
    with pytest.raises(ModelIntegrityError):
        registry.load_detector("m")
    weights.unlink()
    assert "missing" in str(registry.verify_models()[0].problem)
    with pytest.raises(ModelIntegrityError, match="missing"):
        registry.load_detector("m")


def test_unknown_model(registry: ModelRegistry) -> None:
    with pytest.raises(ModelNotFoundError, match="no model named 'nope'"):
        registry.load_detector("nope")
    assert registry.list_models() == [] and registry.verify_models() == []


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"VAULTWATCH_HOME": "/srv/vw", "XDG_DATA_HOME": "/x"}, Path("/srv/vw")),
        ({"XDG_DATA_HOME": "/x"}, Path("/x/vaultwatch")),
        ({}, Path.home() / ".local" / "share" / "vaultwatch"),
    ],
)
def test_registry_lives_in_vaultwatch_home(
    env: dict[str, str], expected: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("VAULTWATCH_HOME", "XDG_DATA_HOME"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert ModelRegistry.from_env().home == expected
