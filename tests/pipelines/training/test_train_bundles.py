"""Dataset building (no torch needed) and, with the [train] extra, a site's short fine-tune."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from pipelines.training.evaluate_bundles import HELDOUT_SEED
from pipelines.training.train_bundles import (
    SHIPPED_BUNDLE_MODEL,
    TrainConfig,
    build_dataset,
    check_config,
    main,
    parse_args,
    starting_weights,
)
from pipelines.training.yolo_dataset import UserDataError, parse_labels
from tests.pipelines.training.test_yolo_dataset import make_export


def tiny(tmp_path: Path, **changes: object) -> TrainConfig:
    base = TrainConfig(
        out=tmp_path / "out" / "bundle_yolo.onnx",
        work_dir=tmp_path / "work",
        train_images=4,
        epochs=1,
        batch=4,
        seed=7,
        eval_images=0,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"seed": HELDOUT_SEED}, "held-out"),
        ({"imgsz": 300}, "multiple of 32"),
        ({"crop": 100}, "multiple of 32"),
        ({"epochs": 0}, ">= 1"),
        ({"max_steps": 0}, ">= 1"),
        ({"train_images": 0}, "nothing to train on"),
        ({"user_val_fraction": 1.0}, "user_val_fraction"),
        ({"from_weights": Path("/nonexistent/model.onnx")}, "does not exist"),
    ],
)
def test_bad_configs_are_refused(tmp_path: Path, changes: dict[str, object], error: str) -> None:
    with pytest.raises((ValueError, FileNotFoundError), match=error):
        check_config(tiny(tmp_path, **changes))


def test_a_fresh_run_starts_from_coco_and_a_site_run_from_the_shipped_model(
    tmp_path: Path,
) -> None:
    assert starting_weights(tiny(tmp_path)).name == "yolox_nano.onnx"
    assert starting_weights(tiny(tmp_path, user_data=tmp_path)) == SHIPPED_BUNDLE_MODEL
    chosen = tmp_path / "x.onnx"
    assert starting_weights(tiny(tmp_path, user_data=tmp_path, from_weights=chosen)) == chosen


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
    assert built.synthetic_train.images == 4
    train_site = sorted(p.name for p in (root / "train" / "labels").glob("site_*"))
    assert train_site == ["site_train_a.txt", "site_train_a_r1.txt"]
    assert (root / "val" / "images" / "site_val_b.jpg").is_file()
    parsed, errors = parse_labels((root / "train/labels/site_train_a.txt").read_text(), "a", 1)
    assert errors == [] and parsed.class_id.tolist() == [0]
    np.testing.assert_allclose(parsed.cxcywh[0], [0.5, 0.5, 0.2, 0.2])
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
    cfg = parse_args(
        [
            "--epochs",
            "3",
            "--max-steps",
            "9",
            "--from-weights",
            "x.onnx",
            "--backgrounds",
            "a",
            "--backgrounds",
            "b.mp4",
            "--people-video",
            "p.avi",
        ]
    )
    assert (cfg.epochs, cfg.max_steps, cfg.from_weights) == (3, 9, Path("x.onnx"))
    assert cfg.backgrounds == (Path("a"), Path("b.mp4")) and cfg.people_videos == (Path("p.avi"),)
    assert parse_args([]) == TrainConfig()
