"""Dataset building (no torch needed) and, where Ultralytics is installed, a tiny full run."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from pipelines.training.evaluate_bundles import HELDOUT_SEED
from pipelines.training.train_bundles import (
    METADATA_KEY,
    TrainConfig,
    build_dataset,
    check_config,
    main,
    parse_args,
)
from pipelines.training.yolo_dataset import UserDataError, parse_labels
from tests.pipelines.training.test_yolo_dataset import make_export


def tiny(tmp_path: Path, **changes: object) -> TrainConfig:
    base = TrainConfig(
        out=tmp_path / "out" / "bundle_yolo.onnx",
        work_dir=tmp_path / "work",
        train_images=4,
        val_images=2,
        epochs=1,
        imgsz=64,
        batch=4,
        seed=7,
        eval_images=4,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"seed": HELDOUT_SEED}, "held-out"),
        ({"seed": HELDOUT_SEED - 500_000}, "held-out"),
        ({"imgsz": 300}, "multiple of 32"),
        ({"epochs": 0}, ">= 1"),
        ({"user_val_fraction": 1.0}, "user_val_fraction"),
        ({"from_weights": Path("/nonexistent/last.pt")}, "does not exist"),
    ],
)
def test_bad_configs_are_refused(tmp_path: Path, changes: dict[str, object], error: str) -> None:
    with pytest.raises((ValueError, FileNotFoundError), match=error):
        check_config(tiny(tmp_path, **changes))


def test_dataset_merges_site_frames(tmp_path: Path) -> None:
    site = make_export(
        tmp_path / "site",
        {
            "train/a": "1 0.5 0.5 0.2 0.2\n0 0.2 0.2 0.1 0.1\n",
            "val/b": "1 0.4 0.4 0.2 0.2\n",
        },
        data_yaml="names: [person, bundle]\n",
    )
    cfg = tiny(tmp_path, user_data=site, user_repeat=2)
    built = build_dataset(cfg)
    root = cfg.work_dir / "dataset"
    assert (built.user_train_images, built.user_val_images, built.user_boxes) == (1, 1, 2)
    assert built.synthetic_train.images == 4 and built.synthetic_val.images == 2
    train_site = sorted(p.name for p in (root / "train" / "labels").glob("site_*"))
    assert train_site == ["site_train_a.txt", "site_train_a_r1.txt"]
    assert (root / "val" / "images" / "site_val_b.jpg").is_file()
    parsed, errors = parse_labels((root / "train/labels/site_train_a.txt").read_text(), "a", 1)
    assert errors == [] and parsed.class_id.tolist() == [0]
    np.testing.assert_allclose(parsed.cxcywh[0], [0.5, 0.5, 0.2, 0.2])
    assert "names:\n  0: bundle" in built.data_yaml.read_text()
    # A second build reuses the rendered frames and drops site frames no longer asked for.
    stamp = (root / "train" / "synth.json").stat().st_mtime_ns
    build_dataset(replace(cfg, user_data=None))
    assert (root / "train" / "synth.json").stat().st_mtime_ns == stamp
    assert not list((root / "train" / "images").glob("site_*"))


def test_bad_site_data_stops_the_cli_before_training(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_export(tmp_path / "site", {"a": "0 1.5 0.5 0.2 0.2\n"})
    with pytest.raises(UserDataError):
        build_dataset(tiny(tmp_path, user_data=site))
    code = main(["--user-data", str(site), "--work-dir", str(tmp_path / "w")])
    assert code == 2 and "a.txt:1" in capsys.readouterr().err


def test_cli_arguments_map_to_the_config(tmp_path: Path) -> None:
    cfg = parse_args(["--epochs", "3", "--imgsz", "416", "--from-weights", "x.pt"])
    assert (cfg.epochs, cfg.imgsz, cfg.from_weights) == (3, 416, Path("x.pt"))
    assert parse_args([]) == TrainConfig()


def test_tiny_training_run_exports_a_registered_model(tmp_path: Path) -> None:
    pytest.importorskip("ultralytics", reason="training needs the [train] extra (torch)")
    import onnxruntime as ort

    from models.registry import ModelRegistry
    from pipelines.training.train_bundles import train

    result = train(tiny(tmp_path))
    assert result.onnx.is_file() and result.manifest.is_file()
    meta = ort.InferenceSession(str(result.onnx)).get_modelmeta().custom_metadata_map
    info = json.loads(meta[METADATA_KEY])
    assert info["recipe"]["epochs"] == 1 and info["heldout"]["images"] == 4
    registry = ModelRegistry(tmp_path / "home", builtin_dir=result.onnx.parent)
    assert [r.problem for r in registry.verify_models()] == [None]
    assert registry.get("bundle_yolo").input_size.height == 64
