"""Train the paper-bundle detector offline and ship it as ONNX with its manifest.

Steps: render a synthetic train/val set (`synth_bundles`), optionally merge a site's own labelled
frames (YOLO export from CVAT or Label Studio), train a YOLO11n with Ultralytics on the CPU from
`yolo11n.yaml` (random init: nothing is downloaded) or from a given `.pt`, export a static
1x3xSxS ONNX, evaluate it on the held-out synthetic set through the product backend, embed the
recipe and metrics in the ONNX metadata, and write the registry manifest (`<out>.json`).

Ultralytics and torch are imported inside the functions that need them: the scanning install has
neither (``pip install vaultwatch[train]`` adds them).

CLI (``vaultwatch train-bundles`` calls `main`)::

    python -m pipelines.training.train_bundles --out models/weights/bundle_yolo.onnx
    python -m pipelines.training.train_bundles --user-data site_frames/ --from-weights last.pt
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.metadata
import importlib.util
import json
import logging
import os
import shutil
import sys
import time
import warnings
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from models.storage import sha256_file
from pipelines.training.evaluate_bundles import HELDOUT_SEED, EvalReport, evaluate_onnx
from pipelines.training.synth_bundles import (
    CLASS_NAMES,
    SynthConfig,
    SynthSummary,
    write_dataset,
)
from pipelines.training.synth_scene import list_images
from pipelines.training.yolo_dataset import UserDataset, copy_user_labels, load_user_dataset

log = logging.getLogger(__name__)

MODEL_NAME = "bundle_yolo"
METADATA_KEY = "vaultwatch_training"
"""ONNX metadata entry holding the training recipe and held-out metrics as JSON."""
_VAL_SEED_OFFSET = 500_000
CALIBRATION_FRAMES = 256
"""Training frames whose activations set the BatchNorm layers of an ONNX warm start."""
_VAL_FOLDERS = {"val", "valid", "validation", "test"}


@dataclass(frozen=True)
class TrainConfig:
    """Everything that decides the trained model. Defaults are the shipped model's recipe."""

    out: Path = Path("models/weights/bundle_yolo.onnx")
    work_dir: Path = Path("out/bundle-training")
    """Dataset, Ultralytics runs and checkpoints; safe to delete afterwards."""
    train_images: int = 3000
    val_images: int = 150
    epochs: int = 10
    imgsz: int = 320
    batch: int = 8
    seed: int = 0
    base_model: str = "yolo11n.yaml"
    """Architecture to build with random weights (a YAML Ultralytics ships; no download)."""
    from_weights: Path | None = None
    """Continue from this .pt (e.g. the last.pt of an earlier run) or from an exported ONNX
    of the same architecture, such as the shipped `bundle_yolo.onnx` (see `onnx_warmstart`)."""
    user_data: Path | None = None
    bundle_class: str | None = None
    """Which class of a multi-class site export is the bundle."""
    user_val_fraction: float = 0.2
    user_repeat: int = 3
    """Copies of each site frame in the train set: real frames are few and worth more."""
    backgrounds: Path | None = None
    """Site frames without bundles, used as backdrops of synthetic frames."""
    threads: int = 1
    opset: int = 17
    lr0: float = 0.002
    warmup_epochs: float = 1.0
    close_mosaic: int = 2
    scale_aug: float = 0.25
    """Ultralytics' random zoom (+-): the renderer already varies scale, and zooming small
    CCTV bundles out further only makes them unlearnable."""
    eval_images: int = 500
    """Held-out synthetic frames to evaluate the export on (0: skip)."""

    @property
    def train_seed(self) -> int:
        return self.seed

    @property
    def val_seed(self) -> int:
        return self.seed + _VAL_SEED_OFFSET


@dataclass(frozen=True)
class BuiltDataset:
    """The training set on disk: `data_yaml` for Ultralytics and what went into it."""

    data_yaml: Path
    synthetic_train: SynthSummary
    synthetic_val: SynthSummary
    user_train_images: int = 0
    user_val_images: int = 0
    user_boxes: int = 0


@dataclass(frozen=True)
class TrainResult:
    onnx: Path
    manifest: Path
    recipe: dict[str, Any]
    report: EvalReport | None
    seconds: float


def check_config(cfg: TrainConfig) -> None:
    """Refuse settings that would leak the held-out set or cannot train."""
    if HELDOUT_SEED in (cfg.train_seed, cfg.val_seed):
        raise ValueError(f"seed {cfg.seed} would train on the held-out set; pick another")
    if cfg.train_images < 1 or cfg.val_images < 1 or cfg.epochs < 1:
        raise ValueError("train_images, val_images and epochs must be >= 1")
    if cfg.imgsz % 32:
        raise ValueError(f"imgsz must be a multiple of 32 (the model's stride), got {cfg.imgsz}")
    if not 0.0 <= cfg.user_val_fraction < 1.0:
        raise ValueError("user_val_fraction must be in [0, 1)")
    if cfg.from_weights is not None and not Path(cfg.from_weights).is_file():
        raise FileNotFoundError(f"--from-weights {cfg.from_weights} does not exist")


def _synth_config(cfg: TrainConfig) -> SynthConfig:
    if cfg.backgrounds is None:
        return SynthConfig()
    frames = tuple(list_images(cfg.backgrounds))
    if not frames:
        raise ValueError(f"no background images under {cfg.backgrounds}")
    return SynthConfig(backgrounds=frames)


def _synthetic_split(folder: Path, count: int, seed: int, synth: SynthConfig) -> SynthSummary:
    """Render a split, or reuse it when an identical one is already there."""
    stamp = folder / "synth.json"
    want = {
        "count": count,
        "seed": seed,
        "backgrounds": [str(p) for p in synth.backgrounds],
        "renderer": _renderer_digest(),
    }
    if stamp.is_file():
        have = json.loads(stamp.read_text())
        if have.get("request") == want:
            log.info("reusing %s", folder)
            return SynthSummary(**have["summary"])
    if folder.exists():
        shutil.rmtree(folder)
    log.info("rendering %d synthetic frames (seed %d) into %s", count, seed, folder)
    summary = write_dataset(folder, count, seed, synth)
    stamp.write_text(json.dumps({"request": want, "summary": asdict(summary)}, indent=2))
    return summary


def _renderer_digest() -> str:
    """sha256 of the renderer's source, so a changed renderer re-renders cached sets."""
    digest = hashlib.sha256()
    here = Path(__file__).resolve().parent
    for name in ("synth_bundles.py", "synth_draw.py", "synth_scene.py", "synth_textures.py"):
        digest.update((here / name).read_bytes())
    return digest.hexdigest()[:16]


def _is_val(rel: Path) -> bool:
    return any(part.lower() in _VAL_FOLDERS for part in rel.parts[:-1])


def _merge_user_data(cfg: TrainConfig, data: UserDataset, root: Path) -> tuple[int, int]:
    """Copy the site's frames into the train/val folders (bundle class only, renumbered to 0).

    A split the export already has (images/train, images/val) is kept; otherwise a seeded
    `user_val_fraction` of the frames goes to val. Returns (train frames, val frames).
    """
    rels = [img.relative_to(data.root / "images") for img, _ in data.pairs]
    has_split = any(_is_val(r) for r in rels)
    rng = np.random.default_rng([cfg.seed, 0x517E])
    draw = rng.random(len(rels))
    n_train = n_val = 0
    for (img, label), rel, u in zip(data.pairs, rels, draw, strict=True):
        val = _is_val(rel) if has_split else bool(u < cfg.user_val_fraction)
        split = root / ("val" if val else "train")
        stem = "site_" + "_".join(rel.with_suffix("").parts)
        copies = 1 if val else cfg.user_repeat
        for k in range(copies):
            name = stem if k == 0 else f"{stem}_r{k}"
            shutil.copy2(img, split / "images" / f"{name}{img.suffix.lower()}")
            copy_user_labels(label, data.bundle_class, split / "labels" / f"{name}.txt")
        n_val += int(val)
        n_train += int(not val)
    return n_train, n_val


def build_dataset(cfg: TrainConfig) -> BuiltDataset:
    """Write the dataset under `cfg.work_dir/dataset` and its data.yaml.

    Raises `UserDataError` (with every problem listed) when the site's data is malformed.
    """
    check_config(cfg)
    user = load_user_dataset(cfg.user_data, cfg.bundle_class) if cfg.user_data else None
    root = cfg.work_dir / "dataset"
    synth = _synth_config(cfg)
    train = _synthetic_split(root / "train", cfg.train_images, cfg.train_seed, synth)
    val = _synthetic_split(root / "val", cfg.val_images, cfg.val_seed, synth)
    for split in ("train", "val"):
        # Site frames from an earlier run must not linger when this run has none or others.
        for sub in ("images", "labels"):
            for old in (root / split / sub).glob("site_*"):
                old.unlink()
    n_train = n_val = 0
    if user is not None:
        n_train, n_val = _merge_user_data(cfg, user, root)
        log.info(
            "merged %d site frames (%d train, %d val, %d bundle boxes)",
            n_train + n_val,
            n_train,
            n_val,
            user.boxes,
        )
    data_yaml = root / "data.yaml"
    names = "\n".join(f"  {i}: {n}" for i, n in enumerate(CLASS_NAMES))
    data_yaml.write_text(
        f"path: {root.resolve()}\ntrain: train/images\nval: val/images\nnames:\n{names}\n"
    )
    return BuiltDataset(data_yaml, train, val, n_train, n_val, user.boxes if user else 0)


def _quiet_ultralytics() -> None:
    """Make Ultralytics stay offline and on one core before it is imported."""
    os.environ.setdefault("YOLO_OFFLINE", "1")
    os.environ.setdefault("OMP_NUM_THREADS", "1")


def starting_checkpoint(cfg: TrainConfig, data_yaml: Path) -> Path:
    """`cfg.from_weights`, or for an ONNX file a checkpoint rebuilt from it, its BatchNorm
    calibrated on the first training frames."""
    assert cfg.from_weights is not None
    source = Path(cfg.from_weights)
    if source.suffix.lower() != ".onnx":
        return source
    from pipelines.training.onnx_warmstart import checkpoint_from_onnx

    frames = sorted((data_yaml.parent / "train" / "images").iterdir())[:CALIBRATION_FRAMES]
    images = (image for f in frames if (image := _read_bgr(f)) is not None)
    out = cfg.work_dir / "warmstart" / f"{source.stem}.pt"
    log.info("rebuilding a trainable checkpoint from %s into %s", source, out)
    return checkpoint_from_onnx(source, out, images, architecture=cfg.base_model, imgsz=cfg.imgsz)


def _read_bgr(path: Path) -> npt.NDArray[np.uint8] | None:
    import cv2

    image = cv2.imread(str(path), cv2.IMREAD_COLOR)
    return None if image is None else np.asarray(image, np.uint8)


def train_model(cfg: TrainConfig, data_yaml: Path) -> Path:
    """Train with Ultralytics on the CPU and return the final checkpoint (last.pt)."""
    _quiet_ultralytics()
    import torch
    from ultralytics import YOLO

    torch.set_num_threads(cfg.threads)
    source = str(starting_checkpoint(cfg, data_yaml)) if cfg.from_weights else cfg.base_model
    model = YOLO(source)
    project = (cfg.work_dir / "runs").resolve()
    model.train(
        data=str(data_yaml),
        epochs=cfg.epochs,
        imgsz=cfg.imgsz,
        batch=cfg.batch,
        # One optimizer step per batch: with few CPU epochs, Ultralytics' default of accumulating
        # to 64 images would leave too few steps to converge.
        nbs=cfg.batch,
        optimizer="AdamW",
        lr0=cfg.lr0,
        warmup_epochs=cfg.warmup_epochs,
        close_mosaic=cfg.close_mosaic,
        scale=cfg.scale_aug,
        device="cpu",
        workers=0,
        amp=False,
        plots=False,
        cache="ram",
        val=False,  # validate once, after the last epoch: per-epoch val costs CPU minutes
        seed=cfg.seed,
        pretrained=False,
        project=str(project),
        name="train",
        exist_ok=True,
        verbose=True,
    )
    last = project / "train" / "weights" / "last.pt"
    if not last.is_file():
        raise RuntimeError(f"training finished without writing {last}")
    return last


def export_onnx(cfg: TrainConfig, checkpoint: Path) -> Path:
    """Export a static 1x3xSxS ONNX (opset `cfg.opset`, no NMS) to `cfg.out`."""
    _quiet_ultralytics()
    from ultralytics import YOLO

    slim = importlib.util.find_spec("onnxslim") is not None  # Ultralytics would pip-install it
    with warnings.catch_warnings():
        # Tracing warns by design (legacy exporter, Python bools from tensors); under
        # `-W error` (pytest here) a warning raised mid-trace breaks the export.
        warnings.simplefilter("ignore")
        exported = YOLO(str(checkpoint)).export(
            format="onnx",
            imgsz=cfg.imgsz,
            opset=cfg.opset,
            simplify=slim,
            dynamic=False,
            batch=1,
            nms=False,
            device="cpu",
        )
    cfg.out.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(str(exported), cfg.out)
    return cfg.out


def _versions() -> dict[str, str]:
    out = {}
    for pkg in ("ultralytics", "torch", "onnx", "onnxruntime"):
        try:
            out[pkg] = importlib.metadata.version(pkg)
        except importlib.metadata.PackageNotFoundError:
            continue
    return out


def make_recipe(cfg: TrainConfig, data: BuiltDataset, seconds: float) -> dict[str, Any]:
    """The training recipe as plain JSON data (goes into the ONNX metadata and the README)."""
    base = (
        {"from_weights": Path(cfg.from_weights).name, "sha256": sha256_file(cfg.from_weights)}
        if cfg.from_weights
        else {"architecture": cfg.base_model, "init": "random (no pretrained weights)"}
    )
    return {
        "classes": list(CLASS_NAMES),
        "base": base,
        "imgsz": cfg.imgsz,
        "epochs": cfg.epochs,
        "batch": cfg.batch,
        "scale_aug": cfg.scale_aug,
        "close_mosaic": cfg.close_mosaic,
        "optimizer": "AdamW",
        "lr0": cfg.lr0,
        "seed": cfg.seed,
        "synthetic_train": asdict(data.synthetic_train) | {"seed": cfg.train_seed},
        "synthetic_val": asdict(data.synthetic_val) | {"seed": cfg.val_seed},
        "site_train_images": data.user_train_images,
        "site_val_images": data.user_val_images,
        "site_repeat": cfg.user_repeat if data.user_train_images else 0,
        "site_backgrounds": cfg.backgrounds is not None,
        "train_seconds": round(seconds),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "versions": _versions(),
    }


def embed_metadata(onnx_path: Path, recipe: dict[str, Any], report: EvalReport | None) -> None:
    """Store recipe and held-out metrics in the ONNX metadata, replacing Ultralytics' description
    (which holds the build machine's dataset path)."""
    import onnx

    model = onnx.load(str(onnx_path))
    entries = {p.key: p.value for p in model.metadata_props}
    entries["description"] = "VaultWatch paper-bundle detector (one class: bundle), YOLO11n"
    payload = {"recipe": recipe, "heldout": report.as_dict() if report else None}
    entries[METADATA_KEY] = json.dumps(payload, sort_keys=True)
    del model.metadata_props[:]
    for key in sorted(entries):
        prop = model.metadata_props.add()
        prop.key, prop.value = key, entries[key]
    onnx.save(model, str(onnx_path))


def write_manifest(cfg: TrainConfig, recipe: dict[str, Any], report: EvalReport | None) -> Path:
    """Write `<out>.json`, the registry manifest of the built-in model."""
    from models.registry import describe_model

    summary = (
        f"; held-out synthetic P={report.precision:.3f} R={report.recall:.3f} "
        f"mAP50={report.map50:.3f} ({report.images} frames)"
        if report
        else ""
    )
    source = (
        f"VaultWatch pipelines.training.train_bundles: {recipe['synthetic_train']['images']} "
        f"synthetic + {recipe['site_train_images']} site train frames, {cfg.epochs} epochs, "
        f"imgsz {cfg.imgsz}, seed {cfg.seed}, {recipe['date']}{summary}; recipe in the ONNX "
        f"metadata '{METADATA_KEY}'"
    )
    manifest = describe_model(
        cfg.out, name=cfg.out.stem, format="ultralytics", file=cfg.out.name, source=source
    )
    path = cfg.out.with_suffix(".json")
    path.write_text(manifest.model_dump_json(indent=2) + "\n", encoding="utf-8")
    return path


def train(cfg: TrainConfig) -> TrainResult:
    """The whole run: dataset, training, export, held-out evaluation, metadata, manifest."""
    start = time.monotonic()
    data = build_dataset(cfg)
    checkpoint = train_model(cfg, data.data_yaml)
    onnx_path = export_onnx(cfg, checkpoint)
    seconds = time.monotonic() - start
    recipe = make_recipe(cfg, data, seconds)
    report = evaluate_onnx(onnx_path, count=cfg.eval_images) if cfg.eval_images > 0 else None
    embed_metadata(onnx_path, recipe, report)
    manifest = write_manifest(cfg, recipe, report)
    return TrainResult(onnx_path, manifest, recipe, report, time.monotonic() - start)


def parse_args(argv: Sequence[str] | None = None) -> TrainConfig:
    d = TrainConfig()
    p = argparse.ArgumentParser(
        prog="vaultwatch train-bundles",
        description="Train the paper-bundle detector offline (synthetic frames, optionally a "
        "site's own labelled frames) and export it as ONNX with its manifest.",
    )
    p.add_argument("--out", type=Path, default=d.out, help="ONNX file to write (+ .json)")
    p.add_argument("--work-dir", type=Path, default=d.work_dir)
    p.add_argument("--train-images", type=int, default=d.train_images)
    p.add_argument("--val-images", type=int, default=d.val_images)
    p.add_argument("--epochs", type=int, default=d.epochs)
    p.add_argument("--imgsz", type=int, default=d.imgsz)
    p.add_argument("--batch", type=int, default=d.batch)
    p.add_argument("--seed", type=int, default=d.seed)
    p.add_argument(
        "--from-weights",
        type=Path,
        default=None,
        help="continue from this Ultralytics .pt or exported ONNX (e.g. the shipped "
        "models/weights/bundle_yolo.onnx) instead of random weights",
    )
    p.add_argument(
        "--user-data",
        type=Path,
        default=None,
        help="site frames in YOLO format: images/, labels/, optional data.yaml",
    )
    p.add_argument(
        "--bundle-class",
        default=None,
        help="class name meaning bundle in a multi-class --user-data export",
    )
    p.add_argument("--user-val-fraction", type=float, default=d.user_val_fraction)
    p.add_argument("--user-repeat", type=int, default=d.user_repeat)
    p.add_argument(
        "--backgrounds",
        type=Path,
        default=None,
        help="site frames with no bundles, used as synthetic backdrops",
    )
    p.add_argument("--threads", type=int, default=d.threads)
    p.add_argument("--opset", type=int, default=d.opset)
    p.add_argument("--eval-images", type=int, default=d.eval_images)
    a = p.parse_args(argv)
    return replace(
        d,
        out=a.out,
        work_dir=a.work_dir,
        train_images=a.train_images,
        val_images=a.val_images,
        epochs=a.epochs,
        imgsz=a.imgsz,
        batch=a.batch,
        seed=a.seed,
        from_weights=a.from_weights,
        user_data=a.user_data,
        bundle_class=a.bundle_class,
        user_val_fraction=a.user_val_fraction,
        user_repeat=a.user_repeat,
        backgrounds=a.backgrounds,
        threads=a.threads,
        opset=a.opset,
        eval_images=a.eval_images,
    )


def main(argv: Sequence[str] | None = None) -> int:
    """CLI entry: returns 0 on success, 2 on bad input data (message on stderr)."""
    from pipelines.training.evaluate_bundles import format_report
    from pipelines.training.yolo_dataset import UserDataError

    logging.basicConfig(level=logging.INFO, format="%(message)s")
    cfg = parse_args(argv)
    try:
        check_config(cfg)
        result = train(cfg)
    except (UserDataError, ValueError, FileNotFoundError) as exc:
        sys.stderr.write(f"train-bundles: {exc}\n")
        return 2
    sys.stdout.write(
        f"wrote {result.onnx} and {result.manifest} in {result.seconds / 60:.1f} min\n"
    )
    if result.report:
        sys.stdout.write(format_report(result.report) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
