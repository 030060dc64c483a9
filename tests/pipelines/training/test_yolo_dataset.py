"""Validation of a site's own YOLO export (CVAT / Label Studio) before it is merged."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from pipelines.training.yolo_dataset import (
    UserDataError,
    copy_user_labels,
    cxcywh_to_xyxy,
    load_user_dataset,
    parse_labels,
    xyxy_to_cxcywh,
)


def make_export(
    root: Path,
    labels: dict[str, str],
    images: tuple[str, ...] | None = None,
    data_yaml: str | None = None,
) -> Path:
    """A YOLO export: images/<name>.jpg (a few bytes: validation never decodes them) + labels."""
    (root / "images").mkdir(parents=True)
    (root / "labels").mkdir(parents=True)
    for name in images if images is not None else tuple(labels):
        path = root / "images" / f"{name}.jpg"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"\xff\xd8\xff")
    for name, text in labels.items():
        path = root / "labels" / f"{name}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    if data_yaml is not None:
        (root / "data.yaml").write_text(data_yaml)
    return root


@pytest.mark.parametrize(
    ("labels", "data_yaml", "expected"),
    [
        ({"a": "0 0.5 0.5 0.2"}, None, "expected 5 fields"),
        ({"a": "0 0.1 0.1 0.3 0.1 0.2 0.3"}, None, "polygon"),
        ({"a": "0 x 0.5 0.2 0.2"}, None, "not numbers"),
        ({"a": "1 0.5 0.5 0.2 0.2"}, None, "class 1 is not in 0..0"),
        ({"a": "0.5 0.5 0.5 0.2 0.2"}, None, "class 0.5"),
        ({"a": "0 320 240 50 40"}, None, "normalised"),
        ({"a": "0 0.05 0.5 0.2 0.2"}, None, "leaves the image"),
        ({"a": "0 0.5 0.5 0 0.2"}, None, "must be > 0"),
        ({"a": "0 0.5 0.5 nan 0.2"}, None, "non-finite"),
        ({"a": "0 0.5 0.5 0.2 0.2", "ghost": ""}, None, "no image"),
        ({"a": "0 0.5 0.5 0.2 0.2"}, "names: [person, car]\n", "say which one is the bundle"),
        ({"a": "0 0.5 0.5 0.2 0.2"}, "names: {0: bundle, 2: x}\n", "ids must be 0..1"),
        ({"a": "0 0.5 0.5 0.2 0.2"}, "nc: 1\n", "needs a 'names'"),
        ({"a": "0 0.5 0.5 0.2 0.2"}, "names: [a\n", "not valid YAML"),
    ],
)
def test_bad_exports_are_refused_with_the_reason(
    tmp_path: Path, labels: dict[str, str], data_yaml: str | None, expected: str
) -> None:
    root = make_export(tmp_path / "site", labels, images=("a",), data_yaml=data_yaml)
    with pytest.raises(UserDataError, match=expected):
        load_user_dataset(root)


def test_every_problem_is_listed_with_file_and_line(tmp_path: Path) -> None:
    root = make_export(
        tmp_path, {"a": "0 0.5 0.5 0.2 0.2\n0 2 2 1 1\n", "b": "7 0.5 0.5 0.1 0.1\n"}
    )
    with pytest.raises(UserDataError) as info:
        load_user_dataset(root)
    text = str(info.value)
    assert "2 problem(s)" in text
    assert "a.txt:2" in text and "b.txt:1" in text


def test_missing_folders_and_empty_exports(tmp_path: Path) -> None:
    with pytest.raises(UserDataError, match="expected images/ and labels/"):
        load_user_dataset(tmp_path)
    root = make_export(tmp_path / "e", {}, images=())
    with pytest.raises(UserDataError, match="no images"):
        load_user_dataset(root)
    root = make_export(tmp_path / "n", {}, images=("a",))
    with pytest.raises(UserDataError, match="no label files"):
        load_user_dataset(root)


def test_multi_class_export_keeps_the_bundle_class(tmp_path: Path) -> None:
    root = make_export(
        tmp_path / "site",
        {"train/a": "0 0.5 0.5 0.2 0.2\n1 0.3 0.3 0.1 0.1\n1 0.6 0.6 0.1 0.1\n"},
        images=("train/a", "train/b"),
        data_yaml="names:\n  0: person\n  1: 试卷袋\n",
    )
    data = load_user_dataset(root)
    assert data.names == ("person", "试卷袋") and data.bundle_class == 1 and data.boxes == 2
    assert [label is None for _, label in data.pairs] == [False, True]  # b: a negative frame
    out = tmp_path / "a.txt"
    assert copy_user_labels(data.pairs[0][1], data.bundle_class, out) == 2
    assert [line.split()[0] for line in out.read_text().splitlines()] == ["0", "0"]
    with pytest.raises(UserDataError, match="not among"):
        load_user_dataset(root, bundle_class="box")
    assert load_user_dataset(root, bundle_class="person").bundle_class == 0


def test_label_studio_classes_txt(tmp_path: Path) -> None:
    root = make_export(tmp_path, {"a": "1 0.5 0.5 0.2 0.2\n"})
    (root / "classes.txt").write_text("person\nbundle\n")
    assert load_user_dataset(root).bundle_class == 1


def test_box_conversions_round_trip() -> None:
    xyxy = np.array([[10, 20, 110, 70], [0, 0, 640, 480]], np.float32)
    cxcywh = xyxy_to_cxcywh(xyxy, 640, 480)
    np.testing.assert_allclose(cxcywh[1], [0.5, 0.5, 1.0, 1.0])
    np.testing.assert_allclose(cxcywh_to_xyxy(cxcywh, 640, 480), xyxy, atol=1e-4)
    parsed, errors = parse_labels("\n0 0.5 0.5 1 1\n\n", "x", 1)
    assert errors == [] and parsed.cxcywh.shape == (1, 4)
