"""Every import the registry refuses: a clear message, and the registry left as it was."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from models.errors import ModelImportError
from models.registry import ModelRegistry
from tests.models.helpers import make_ultralytics, make_yolox, tree_snapshot
from tests.models.onnx_builder import write_model

Make = Callable[[Path], Path]


def corrupt(path: Path) -> Path:
    path.write_bytes(b"\x08\x07garbage that is not a protobuf model" * 10)
    return path


def truncated(path: Path) -> Path:
    make_yolox(path)
    path.write_bytes(path.read_bytes()[:200])
    return path


def yolox_wrong_layout(path: Path) -> Path:
    # Ultralytics layout (1, 4 + nc, N) imported as YOLOX.
    return write_model(path, np.zeros((1, 85, 84), np.float32), input_dims=(1, 3, 64, 64))


def yolox_wrong_anchors(path: Path) -> Path:
    return write_model(path, np.zeros((1, 100, 85), np.float32), input_dims=(1, 3, 64, 64))


def two_channel_input(path: Path) -> Path:
    return write_model(path, np.zeros((1, 84, 85), np.float32), input_dims=(1, 2, 64, 64))


def dynamic_size(path: Path) -> Path:
    return write_model(path, np.zeros((1, 84, 85), np.float32), input_dims=(1, 3, "h", "w"))


def segment_task(path: Path) -> Path:
    return make_ultralytics(path, metadata={"task": "segment"})


def three_class_yolox(path: Path) -> Path:
    return make_yolox(path, nc=3)


def tflite(path: Path) -> Path:
    path = path.with_suffix(".tflite")
    path.write_bytes(b"TFL3")
    return path


def names_file(tmp: Path, text: str) -> Path:
    path = tmp / "names.txt"
    path.write_text(text)
    return path


CASES: list[tuple[str, Make, dict[str, Any], str]] = [
    # id, model factory, import_model kwargs, message pattern
    ("missing", lambda p: p, {}, "does not exist"),
    ("corrupt", corrupt, {}, "not a loadable ONNX model"),
    ("truncated", truncated, {}, "not a loadable ONNX model"),
    ("unsupported-type", tflite, {}, "unsupported weights file type '.tflite'"),
    ("yolox-layout", yolox_wrong_layout, {}, "does not fit format 'yolox'"),
    ("yolox-anchors", yolox_wrong_anchors, {}, r"must be \(batch, 84, 5 \+ classes\)"),
    ("ultralytics-as-yolox", make_ultralytics, {}, "does not fit format 'yolox'"),
    (
        "yolox-as-ultralytics",
        three_class_yolox,
        {"format": "ultralytics"},
        "does not fit format 'ultralytics'",
    ),
    ("channels", two_channel_input, {}, "3 colour channels"),
    ("dynamic-size", dynamic_size, {}, "dynamic and the metadata has no 'imgsz'"),
    ("segment", segment_task, {"format": "ultralytics"}, "'segment' model"),
    ("unknown-person", make_yolox, {"person_classes": ["human"]}, r"person classes \['human'\]"),
    (
        "unknown-bundle",
        make_yolox,
        {"bundle_classes": "book,bundle"},
        r"bundle classes \['bundle'\]",
    ),
    ("counts-nothing", make_yolox, {"person_classes": ""}, "counts nothing"),
    ("both-roles", make_yolox, {"bundle_classes": "person"}, "both person and bundle"),
    ("no-names", three_class_yolox, {}, "pass classes='coco80' or a names file"),
    ("coco-for-3", three_class_yolox, {"classes": "coco80"}, "lists 80 classes but the model"),
    ("no-such-names-file", make_yolox, {"classes": "/no/such.txt"}, "does not exist"),
    ("bad-name", make_yolox, {"name": "../escape"}, "invalid model name"),
    ("upper-name", make_yolox, {"name": "Nano"}, "invalid model name"),
    ("bad-format", make_yolox, {"format": "yolov5"}, "unknown model format 'yolov5'"),
]


@pytest.mark.parametrize(
    ("make", "kwargs", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
@pytest.mark.parametrize("home_exists", [False, True])
def test_refused_import_leaves_registry_unchanged(
    tmp_path: Path,
    registry: ModelRegistry,
    make: Make,
    kwargs: dict[str, Any],
    message: str,
    home_exists: bool,
) -> None:
    if home_exists:
        registry.import_model(make_yolox(tmp_path / "keep.onnx"), name="keep", format="yolox")
    before = tree_snapshot(registry.home)
    (tmp_path / "src").mkdir()
    src = make(tmp_path / "src" / "model.onnx")
    args: dict[str, Any] = {"name": "new", "format": "yolox", **kwargs}
    with pytest.raises(ModelImportError, match=message):
        registry.import_model(src, **args)
    assert tree_snapshot(registry.home) == before
    assert registry.home.exists() == home_exists


def test_messages_name_the_users_file_not_the_staged_copy(
    tmp_path: Path, registry: ModelRegistry
) -> None:
    src = corrupt(tmp_path / "mine.onnx")
    with pytest.raises(ModelImportError) as info:
        registry.import_model(src, name="m", format="yolox")
    assert str(info.value).startswith(f"{src} is not a loadable ONNX model")
    assert ".staging" not in str(info.value)


def test_names_file_with_wrong_count(tmp_path: Path, registry: ModelRegistry) -> None:
    names = names_file(tmp_path, "a\nb\n")
    with pytest.raises(ModelImportError, match="lists 2 classes but the model outputs 3"):
        registry.import_model(
            make_yolox(tmp_path / "m.onnx", nc=3), name="m", format="yolox", classes=names
        )
    assert not registry.home.exists()


@pytest.mark.parametrize(
    "text", ["a\na\nb\n", "", "names: {0: a, 2: b, 3: c}\n"], ids=["duplicate", "empty", "gap"]
)
def test_bad_names_files(tmp_path: Path, registry: ModelRegistry, text: str) -> None:
    names = tmp_path / "names.yaml"
    names.write_text(text)
    with pytest.raises(ModelImportError, match="names"):
        registry.import_model(
            make_yolox(tmp_path / "m.onnx", nc=3), name="m", format="yolox", classes=names
        )


def test_bad_metadata_names(tmp_path: Path, registry: ModelRegistry) -> None:
    src = make_ultralytics(tmp_path / "u.onnx", metadata={"names": "__import__('os')"})
    with pytest.raises(ModelImportError, match="metadata 'names'"):
        registry.import_model(src, name="u", format="ultralytics")


def test_name_taken(tmp_path: Path, registry: ModelRegistry) -> None:
    registry.import_model(make_yolox(tmp_path / "a.onnx"), name="m", format="yolox")
    before = tree_snapshot(registry.home)
    with pytest.raises(ModelImportError, match=r"already imported; pass replace=True"):
        registry.import_model(make_yolox(tmp_path / "b.onnx"), name="m", format="yolox")
    assert tree_snapshot(registry.home) == before


def test_failed_replace_keeps_the_old_model(tmp_path: Path, registry: ModelRegistry) -> None:
    registry.import_model(make_yolox(tmp_path / "a.onnx"), name="m", format="yolox")
    before = tree_snapshot(registry.home)
    with pytest.raises(ModelImportError):
        registry.import_model(corrupt(tmp_path / "b.onnx"), name="m", format="yolox", replace=True)
    assert tree_snapshot(registry.home) == before
