"""Train the paper-bundle detector offline and ship it as ONNX with its manifest.

Steps: render a synthetic train set (`synth_bundles`), optionally merge a site's own labelled
frames (YOLO export from CVAT, Label Studio or `vaultwatch labels export`), fine-tune a
one-class YOLOX-Nano in torch (`yolox_train`) from the COCO-pretrained YOLOX-Nano the product
ships as its person model, or from an earlier bundle export such as the shipped one, export a
static 1x3xSxS ONNX (`yolox_export`), evaluate it through the product backend, embed recipe and
metrics in the ONNX metadata, and write the registry manifest (`<out>.json`, format `yolox`).

torch is imported only by the modules that train (``pip install -e '.[train]'``); scanning never
needs it. Nothing is downloaded.

CLI (``vaultwatch train-bundles`` calls `main`)::

    python -m pipelines.training.train_bundles --out out/bundle_yolox.onnx
    python -m pipelines.training.train_bundles --user-data site_labels/ --out out/site.onnx
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.metadata
import json
import logging
import shutil
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from models.registry import BUILTIN_DIR
from models.storage import sha256_file
from pipelines.detectors import TRACKING_OPTIONS
from pipelines.training.evaluate_bundles import (
    HELDOUT_SEED,
    EvalReport,
    Renderer,
    evaluate_onnx,
    evaluate_yolo_folder,
)
from pipelines.training.synth_bundles import (
    CLASS_NAMES,
    SynthConfig,
    SynthSummary,
    write_dataset,
)
from pipelines.training.synth_sources import collect_backgrounds, collect_people
from pipelines.training.yolo_dataset import UserDataset, copy_user_labels, load_user_dataset

log = logging.getLogger(__name__)

MODEL_NAME = "bundle_yolox"
"""The built-in name of the YOLOX bundle model (the default bundle model is still the earlier
`bundle_yolo`; see models/README.md)."""
COCO_BASE = BUILTIN_DIR / "yolox_nano.onnx"
"""COCO-pretrained YOLOX-Nano (Apache-2.0, Megvii): the starting point of a fresh run."""
SHIPPED_BUNDLE_MODEL = BUILTIN_DIR / f"{MODEL_NAME}.onnx"
"""The shipped YOLOX bundle model: where a site's fine-tune (`--user-data`) starts."""
DESCRIPTION = "VaultWatch paper-bundle detector (one class: bundle), YOLOX-Nano fine-tuned"
_VAL_FOLDERS = {"val", "valid", "validation", "test"}
BACKBONE_STAGES = ("stem", "dark2", "dark3", "dark4", "dark5")
"""Stage names of the YOLOX backbone (`yolox_net.Backbone`'s attributes)."""


@dataclass(frozen=True)
class TrainConfig:
    """Everything that decides the trained model. Defaults are the shipped model's recipe."""

    out: Path = Path("out/bundle_yolox.onnx")
    work_dir: Path = Path("out/bundle-training")
    """Rendered dataset, backgrounds and people cut from videos; safe to delete afterwards."""
    train_images: int = 3000
    epochs: int = 3
    max_steps: int | None = None
    """Stop after this many optimizer steps (a short site fine-tune or a test)."""
    imgsz: int = 416
    """Export (inference) size; training crops `crop` x `crop` windows at this scale."""
    crop: int = 288
    batch: int = 8
    lr: float = 1e-3
    frozen: tuple[str, ...] = BACKBONE_STAGES
    """Backbone stages kept at their starting weights (`yolox_train.BACKBONE_STAGES`)."""
    seed: int = 0
    from_weights: Path | None = None
    """Start from this YOLOX ONNX: the COCO release (80 classes: a bundle head is made) or an
    earlier one-class bundle export. None: the COCO YOLOX-Nano for synthetic-only runs, the
    shipped bundle model when `user_data` is given."""
    user_data: Path | None = None
    bundle_class: str | None = None
    """Which class of a multi-class site export is the bundle."""
    user_val_fraction: float = 0.2
    user_repeat: int = 3
    """Copies of each site frame in the train set: real frames are few and worth more."""
    backgrounds: tuple[Path, ...] = ()
    """Images, folders of images or videos of rooms with no bundles: synthetic backdrops."""
    people_videos: tuple[Path, ...] = ()
    """Videos of people (no bundles) whose moving people are cut out and pasted into frames."""
    threads: int = 2
    eval_images: int = 500
    """Held-out synthetic frames to evaluate the export on (0: skip)."""

    @property
    def train_seed(self) -> int:
        return self.seed


@dataclass(frozen=True)
class BuiltDataset:
    """The training frames on disk (`root`/train, `root`/val) and what went into them."""

    root: Path
    synthetic_train: SynthSummary
    user_train_images: int = 0
    user_val_images: int = 0
    user_boxes: int = 0


@dataclass(frozen=True)
class TrainResult:
    onnx: Path
    manifest: Path
    recipe: dict[str, Any]
    reports: dict[Renderer, EvalReport]
    """Held-out measures on each renderer (empty when evaluation was skipped)."""
    site_report: EvalReport | None
    seconds: float


def check_config(cfg: TrainConfig) -> None:
    """Refuse settings that would leak the held-out set or cannot train."""
    if cfg.train_seed == HELDOUT_SEED:
        raise ValueError(f"seed {cfg.seed} would train on the held-out set; pick another")
    if cfg.train_images < 0 or cfg.epochs < 1 or (cfg.max_steps is not None and cfg.max_steps < 1):
        raise ValueError("train_images must be >= 0, epochs and max_steps >= 1")
    if cfg.train_images == 0 and cfg.user_data is None:
        raise ValueError("nothing to train on: train_images is 0 and no --user-data")
    if cfg.imgsz % 32 or cfg.crop % 32:
        raise ValueError(
            f"imgsz and crop must be a multiple of 32 (the model's stride), got "
            f"{cfg.imgsz} and {cfg.crop}"
        )
    unknown = set(cfg.frozen) - set(BACKBONE_STAGES)
    if unknown:
        raise ValueError(f"--frozen: {sorted(unknown)} are not backbone stages {BACKBONE_STAGES}")
    if not 0.0 <= cfg.user_val_fraction < 1.0:
        raise ValueError("user_val_fraction must be in [0, 1)")
    start = starting_weights(cfg)
    if not start.is_file():
        raise FileNotFoundError(f"--from-weights {start} does not exist")


def starting_weights(cfg: TrainConfig) -> Path:
    if cfg.from_weights is not None:
        return Path(cfg.from_weights)
    return SHIPPED_BUNDLE_MODEL if cfg.user_data is not None else COCO_BASE


def _synth_config(cfg: TrainConfig) -> SynthConfig:
    backgrounds = collect_backgrounds(cfg.backgrounds, cfg.work_dir / "backgrounds")
    people = collect_people(cfg.people_videos, cfg.work_dir / "people")
    return SynthConfig(backgrounds=backgrounds, people=people)


def _synthetic_split(folder: Path, count: int, seed: int, synth: SynthConfig) -> SynthSummary:
    """Render a split, or reuse it when an identical one is already there."""
    stamp = folder / "synth.json"
    want = {
        "count": count,
        "seed": seed,
        "backgrounds": [str(p) for p in synth.backgrounds],
        "people": [str(p) for p in synth.people],
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
    for path in sorted(here.glob("synth_*.py")):
        digest.update(path.read_bytes())
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
        (split / "images").mkdir(parents=True, exist_ok=True)
        (split / "labels").mkdir(parents=True, exist_ok=True)
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
    """Write the training frames under `cfg.work_dir/dataset` (train/ and, for site frames,
    val/), each with images/ and YOLO labels/.

    Raises `UserDataError` (with every problem listed) when the site's data is malformed.
    """
    check_config(cfg)
    user = load_user_dataset(cfg.user_data, cfg.bundle_class) if cfg.user_data else None
    root = cfg.work_dir / "dataset"
    synth = _synth_config(cfg)
    train = _synthetic_split(root / "train", cfg.train_images, cfg.train_seed, synth)
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
    return BuiltDataset(root, train, n_train, n_val, user.boxes if user else 0)


def _versions() -> dict[str, str]:
    out = {}
    for pkg in ("torch", "onnx", "onnxruntime", "numpy", "opencv-python"):
        try:
            out[pkg] = importlib.metadata.version(pkg)
        except importlib.metadata.PackageNotFoundError:
            continue
    return out


def _recipe_of(path: Path) -> dict[str, Any] | None:
    from pipelines.training.yolox_export import read_metadata

    recipe = read_metadata(path).get("recipe")
    return dict(recipe) if isinstance(recipe, dict) else None


def make_recipe(
    cfg: TrainConfig, data: BuiltDataset, fit_seconds: float, steps: int
) -> dict[str, Any]:
    """The training recipe as plain JSON data (goes into the ONNX metadata and the README)."""
    start = starting_weights(cfg)
    # The lineage: the starting file, and its own recipe when it is an earlier export of this
    # pipeline, so the chain always ends at the COCO weights it all came from.
    parent = _recipe_of(start)
    return {
        "classes": list(CLASS_NAMES),
        "architecture": "YOLOX-Nano (torch rebuild, BatchNorm folded)",
        "base": {"weights": start.name, "sha256": sha256_file(start), "recipe": parent},
        "imgsz": cfg.imgsz,
        "crop": cfg.crop,
        "epochs": cfg.epochs,
        "steps": steps,
        "batch": cfg.batch,
        "optimizer": "AdamW",
        "lr": cfg.lr,
        "frozen": list(cfg.frozen),
        "seed": cfg.seed,
        "synthetic_train": asdict(data.synthetic_train) | {"seed": cfg.train_seed},
        "backgrounds": [p.name for p in cfg.backgrounds],
        "people_videos": [p.name for p in cfg.people_videos],
        "site_train_images": data.user_train_images,
        "site_val_images": data.user_val_images,
        "site_repeat": cfg.user_repeat if data.user_train_images else 0,
        "train_seconds": round(fit_seconds),
        "threads": cfg.threads,
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "versions": _versions(),
    }


def evaluate_both(path: Path, count: int) -> dict[Renderer, EvalReport]:
    """`count` held-out frames of each renderer through the product backend."""
    return {r: evaluate_onnx(path, count=count, renderer=r) for r in Renderer}


def operating_point(reports: dict[Renderer, EvalReport]) -> float | None:
    """The score a new box of the model needs to count: where its F1 is best on the training
    renderer's held-out frames (a YOLOX score also learns how well the box fits, so a trained
    model's best point lies below the product's 0.35), never below the score the detectors
    keep boxes at for the tracker. None when the model was not evaluated."""
    report = reports.get(Renderer.TRAINING)
    if report is None:
        return None
    return round(max(report.best_f1_confidence, TRACKING_OPTIONS.bundle_confidence), 2)


def write_manifest(
    cfg: TrainConfig,
    recipe: dict[str, Any],
    reports: dict[Renderer, EvalReport],
    name: str | None = None,
) -> Path:
    """Write `<out>.json`, the registry manifest of the model."""
    from models.registry import describe_model

    summary = "".join(
        f"; {r.value} renderer held-out P={rep.precision:.3f} R={rep.recall:.3f} "
        f"mAP50={rep.map50:.3f} ({rep.images} frames)"
        for r, rep in reports.items()
    )
    source = (
        f"VaultWatch pipelines.training.train_bundles: YOLOX-Nano from "
        f"{recipe['base']['weights']} (sha256 {recipe['base']['sha256'][:12]}), "
        f"{recipe['synthetic_train']['images']} synthetic + {recipe['site_train_images']} site "
        f"train frames, {recipe['steps']} steps, imgsz {cfg.imgsz}, seed {cfg.seed}, "
        f"{recipe['date']}{summary}; recipe in the ONNX metadata 'vaultwatch_training'"
    )
    manifest = describe_model(
        cfg.out,
        name=name or cfg.out.stem,
        format="yolox",
        file=cfg.out.name,
        source=source,
    )
    path = cfg.out.with_suffix(".json")
    path.write_text(manifest.model_dump_json(indent=2) + "\n", encoding="utf-8")
    return path


def train(cfg: TrainConfig) -> TrainResult:
    """The whole run: dataset, fine-tuning, export, evaluation, metadata, manifest."""
    from pipelines.training.yolo_dataset import read_yolo_folder
    from pipelines.training.yolox_export import export_onnx, rewrite_metadata
    from pipelines.training.yolox_net import YoloxNano
    from pipelines.training.yolox_train import FitConfig, bundle_model_from_coco, fit
    from pipelines.training.yolox_weights import load_yolox_nano

    start = time.monotonic()
    data = build_dataset(cfg)
    model = load_yolox_nano(starting_weights(cfg))
    if model.num_classes != 1:
        model = bundle_model_from_coco(model)
    frames = read_yolo_folder(data.root / "train")
    fit_cfg = FitConfig(
        epochs=cfg.epochs,
        batch=min(cfg.batch, len(frames)),
        lr=cfg.lr,
        frozen=cfg.frozen,
        export_size=cfg.imgsz,
        crop=cfg.crop,
        max_steps=cfg.max_steps,
        seed=cfg.seed,
        threads=cfg.threads,
        # About a tenth of a short run warms up; long runs 100 steps.
        warmup_steps=min(100, max(1, (cfg.max_steps or 10**9) // 10)),
    )
    checkpoints = cfg.work_dir / "checkpoints"

    def save_epoch(epoch: int, trained: YoloxNano) -> None:
        # An ONNX per epoch: a long run can be evaluated, or stopped, half-way.
        export_onnx(trained, checkpoints / f"epoch_{epoch}.onnx", size=cfg.imgsz)
        trained.train()

    fitted = fit(model, frames, fit_cfg, on_epoch=save_epoch)
    recipe = make_recipe(cfg, data, fitted.seconds, fitted.steps)
    export_onnx(
        model, cfg.out, size=cfg.imgsz, metadata={"recipe": recipe}, description=DESCRIPTION
    )
    reports = evaluate_both(cfg.out, cfg.eval_images) if cfg.eval_images > 0 else {}
    val = data.root / "val"
    site_report = (
        evaluate_yolo_folder(cfg.out, val) if data.user_val_images and val.is_dir() else None
    )
    rewrite_metadata(
        cfg.out,
        {
            "recipe": recipe,
            "heldout": {r.value: rep.as_dict() for r, rep in reports.items()} or None,
            "site_val": site_report.as_dict() if site_report else None,
        },
        DESCRIPTION,
        count_confidence=operating_point(reports),
    )
    manifest = write_manifest(cfg, recipe, reports)
    return TrainResult(cfg.out, manifest, recipe, reports, site_report, time.monotonic() - start)


def parse_args(argv: Sequence[str] | None = None) -> TrainConfig:
    d = TrainConfig()
    p = argparse.ArgumentParser(
        prog="vaultwatch train-bundles",
        description="Fine-tune the paper-bundle detector (YOLOX-Nano) offline on synthetic "
        "frames and a site's own labelled frames, and export it as ONNX with its manifest.",
    )
    p.add_argument("--out", type=Path, default=d.out, help="ONNX file to write (+ .json)")
    p.add_argument("--work-dir", type=Path, default=d.work_dir)
    p.add_argument("--train-images", type=int, default=d.train_images)
    p.add_argument("--epochs", type=int, default=d.epochs)
    p.add_argument("--max-steps", type=int, default=None, help="stop after N optimizer steps")
    p.add_argument("--imgsz", type=int, default=d.imgsz)
    p.add_argument("--crop", type=int, default=d.crop)
    p.add_argument("--batch", type=int, default=d.batch)
    p.add_argument("--lr", type=float, default=d.lr)
    p.add_argument(
        "--frozen",
        default=",".join(d.frozen),
        help="backbone stages kept at their starting weights, comma-separated ('' trains all)",
    )
    p.add_argument("--seed", type=int, default=d.seed)
    p.add_argument(
        "--from-weights",
        type=Path,
        default=None,
        help="YOLOX ONNX to start from (default: COCO YOLOX-Nano; with --user-data, the "
        "shipped bundle model)",
    )
    p.add_argument(
        "--user-data",
        type=Path,
        default=None,
        help="site frames in YOLO format: images/, labels/, data.yaml or classes.txt",
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
        action="append",
        default=[],
        help="images, a folder of images or a video of rooms with no bundles (repeatable)",
    )
    p.add_argument(
        "--people-video",
        type=Path,
        action="append",
        default=[],
        help="a video of people without bundles, cut out and pasted into frames (repeatable)",
    )
    p.add_argument("--threads", type=int, default=d.threads)
    p.add_argument("--eval-images", type=int, default=d.eval_images)
    a = p.parse_args(argv)
    return replace(
        d,
        out=a.out,
        work_dir=a.work_dir,
        train_images=a.train_images,
        epochs=a.epochs,
        max_steps=a.max_steps,
        imgsz=a.imgsz,
        crop=a.crop,
        batch=a.batch,
        lr=a.lr,
        frozen=tuple(x for x in a.frozen.split(",") if x),
        seed=a.seed,
        from_weights=a.from_weights,
        user_data=a.user_data,
        bundle_class=a.bundle_class,
        user_val_fraction=a.user_val_fraction,
        user_repeat=a.user_repeat,
        backgrounds=tuple(a.backgrounds),
        people_videos=tuple(a.people_video),
        threads=a.threads,
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
    for renderer, report in result.reports.items():
        sys.stdout.write(f"{renderer.value} renderer:\n{format_report(report)}\n")
    if result.site_report:
        sys.stdout.write("site val frames:\n" + format_report(result.site_report) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
