"""Measure a bundle detector on held-out synthetic frames, through the product's detector path.

Two sources of frames (`Renderer`): the training renderer `synth_bundles` at `HELDOUT_SEED`, a
seed training never uses, and the independently written `eval_renderer`, which no model is
trained on. The model runs through the product's ONNX Runtime backend (`onnx_yolox` or
`onnx_ultralytics`, by the output's layout: letterbox, decode, NMS, `Detections`), once at a very
low threshold; precision and recall are read at the product's operating threshold and AP50 from
all detections. Needs no torch.

CLI: ``python -m pipelines.training.evaluate_bundles models/weights/bundle_yolox.onnx --count 500
--renderer independent``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from enum import StrEnum
from pathlib import Path

import numpy as np

from analyzer.detections import ObjectClass
from models.backends.onnx_base import OnnxDetector
from models.backends.onnx_session import create_session, image_input
from models.backends.onnx_ultralytics import UltralyticsOnnxDetector
from models.backends.onnx_yolox import YoloxOnnxDetector
from models.backends.options import DetectorOptions
from models.backends.postprocess import ClassMap
from models.detector import Detector
from pipelines.training.detection_metrics import ImageMatch, best_f1, match_image, summarize
from pipelines.training.eval_renderer import EVAL_SEED, render_eval_frame
from pipelines.training.synth_bundles import SynthConfig, SynthSample, render_sample

HELDOUT_SEED = 90_210_001
"""Seed of the held-out set; `train_bundles` refuses it for training data."""
SCAN_CONFIDENCE = 0.001
"""Threshold of the evaluation run itself: low, so AP sees the whole precision-recall curve."""


@dataclass(frozen=True)
class EvalReport:
    """Bundle-detection quality on a set of frames at IoU `iou`.

    precision / recall at `confidence` (the product's operating threshold); `strict_precision`
    also counts detections on barely visible (ignored) bundles as false; map50 is AP at IoU 0.5
    over all detections (one class, so AP50 = mAP50).
    """

    model: str
    images: int
    seed: int
    confidence: float
    iou: float
    ground_truth: int
    detections: int
    true_positives: int
    ignored_detections: int
    precision: float
    recall: float
    strict_precision: float
    map50: float
    best_f1_confidence: float
    """Threshold with the best F1 on this set (a hint for `bundle_confidence`)."""
    best_f1_precision: float
    best_f1_recall: float
    ms_per_image: float

    def as_dict(self) -> dict[str, float | int | str]:
        return asdict(self)


class Renderer(StrEnum):
    """Where evaluation frames come from."""

    TRAINING = "training"
    """`synth_bundles`, the training renderer, at a seed training never uses."""
    INDEPENDENT = "independent"
    """`eval_renderer`, written apart from the training renderer and never trained on."""


def default_seed(renderer: Renderer) -> int:
    return HELDOUT_SEED if renderer is Renderer.TRAINING else EVAL_SEED


def heldout_samples(
    count: int,
    seed: int = HELDOUT_SEED,
    config: SynthConfig | None = None,
    renderer: Renderer = Renderer.TRAINING,
) -> Iterator[SynthSample]:
    """Frames 0..count-1 of a held-out set of `renderer`."""
    for i in range(count):
        if renderer is Renderer.TRAINING:
            yield render_sample(seed, i, config)
        else:
            yield render_eval_frame(seed, i)


def onnx_bundle_detector(
    path: Path, *, confidence: float = SCAN_CONFIDENCE, threads: int = 1
) -> OnnxDetector:
    """The product backend over a one-class bundle ONNX file (class 0 = bundle): YOLOX
    (output (1, N, 6), this project's exports) or Ultralytics (output (1, 5, N), the earlier
    `bundle_yolo`), told apart by the output's shape."""
    session = create_session(path, threads=threads)
    spec = image_input(session)
    if spec.height is None or spec.width is None:
        raise ValueError(f"{path}: export the model with a fixed input size")
    options = DetectorOptions(bundle_confidence=confidence, intra_op_threads=threads)
    shape = session.get_outputs()[0].shape
    backend: type[OnnxDetector] = YoloxOnnxDetector if shape[-1] == 6 else UltralyticsOnnxDetector
    return backend(
        path,
        name=path.name,
        input_size=(spec.height, spec.width),
        class_map=ClassMap.from_ids(1, person=(), bundle=(0,)),
        options=options,
    )


def evaluate_detector(
    detector: Detector,
    samples: Iterable[SynthSample],
    *,
    confidence: float | None = None,
    iou: float = 0.5,
    seed: int = HELDOUT_SEED,
    batch: int = 8,
) -> EvalReport:
    """Run `detector` over the samples and score its BUNDLE boxes.

    confidence: operating threshold for precision/recall; None = the product default
    (`DetectorOptions().bundle_confidence`). The detector itself should keep low-score boxes
    (see `onnx_bundle_detector`) or AP50 only covers what it returns.
    """
    threshold = DetectorOptions().bundle_confidence if confidence is None else confidence
    matches: list[ImageMatch] = []
    seconds, frames = 0.0, 0

    def flush(chunk: list[SynthSample]) -> None:
        nonlocal seconds, frames
        start = time.perf_counter()
        found = detector.detect([s.image for s in chunk])
        seconds += time.perf_counter() - start
        frames += len(chunk)
        for sample, det in zip(chunk, found, strict=True):
            det = det[det.class_id == ObjectClass.BUNDLE]
            matches.append(match_image(det.xyxy, det.confidence, sample.boxes, sample.ignore, iou))

    chunk: list[SynthSample] = []
    for sample in samples:
        chunk.append(sample)
        if len(chunk) == batch:
            flush(chunk)
            chunk = []
    if chunk:
        flush(chunk)
    s = summarize(matches, threshold)
    best = best_f1(matches)
    return EvalReport(
        model=detector.name,
        images=frames,
        seed=seed,
        confidence=threshold,
        iou=iou,
        ground_truth=s.ground_truth,
        detections=s.detections,
        true_positives=s.true_positives,
        ignored_detections=s.ignored,
        precision=s.precision,
        recall=s.recall,
        strict_precision=s.strict_precision,
        map50=s.ap50,
        best_f1_confidence=best.confidence,
        best_f1_precision=best.precision,
        best_f1_recall=best.recall,
        ms_per_image=1000 * seconds / max(frames, 1),
    )


def evaluate_onnx(
    path: Path,
    *,
    count: int = 500,
    seed: int | None = None,
    confidence: float | None = None,
    config: SynthConfig | None = None,
    renderer: Renderer = Renderer.TRAINING,
) -> EvalReport:
    """Evaluate an ONNX bundle model on `count` held-out frames of `renderer` (seed: that
    renderer's default, see `default_seed`)."""
    seed = default_seed(renderer) if seed is None else seed
    detector = onnx_bundle_detector(Path(path))
    samples = heldout_samples(count, seed, config, renderer)
    return evaluate_detector(detector, samples, confidence=confidence, seed=seed)


def folder_samples(folder: Path) -> Iterator[SynthSample]:
    """The frames of a YOLO-format folder (images/, labels/, class 0 = bundle) as samples."""
    import cv2

    from pipelines.training.yolo_dataset import cxcywh_to_xyxy, read_yolo_folder

    for frame in read_yolo_folder(folder):
        image = cv2.imread(str(frame.image), cv2.IMREAD_COLOR)
        if image is None:
            raise ValueError(f"cannot read {frame.image}")
        h, w = image.shape[:2]
        boxes = cxcywh_to_xyxy(frame.boxes, w, h) if len(frame.boxes) else frame.boxes
        yield SynthSample(
            np.asarray(image, np.uint8), b"", boxes.astype(np.float32), np.zeros((0, 4), np.float32)
        )


def evaluate_yolo_folder(path: Path, folder: Path, confidence: float | None = None) -> EvalReport:
    """Evaluate an ONNX bundle model on a YOLO-format folder (a site's held-back frames)."""
    detector = onnx_bundle_detector(Path(path))
    return evaluate_detector(detector, folder_samples(folder), confidence=confidence, seed=-1)


def format_report(report: EvalReport) -> str:
    """A small plain-text table of the report."""
    rows = [
        ("model", report.model),
        ("held-out frames (seed)", f"{report.images} ({report.seed})"),
        ("labelled bundles", str(report.ground_truth)),
        (f"detections >= {report.confidence:.2f}", str(report.detections)),
        ("true positives", str(report.true_positives)),
        ("on barely visible bundles", str(report.ignored_detections)),
        (f"precision @IoU{report.iou:.2f}", f"{report.precision:.3f}"),
        ("precision, strict", f"{report.strict_precision:.3f}"),
        (f"recall @IoU{report.iou:.2f}", f"{report.recall:.3f}"),
        ("mAP50", f"{report.map50:.3f}"),
        (
            "best F1 at confidence",
            f"{report.best_f1_confidence:.2f} (P {report.best_f1_precision:.3f}, "
            f"R {report.best_f1_recall:.3f})",
        ),
        ("inference ms / frame", f"{report.ms_per_image:.1f}"),
    ]
    width = max(len(k) for k, _ in rows)
    return "\n".join(f"{k.ljust(width)}  {v}" for k, v in rows)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model", type=Path, help="bundle ONNX (YOLOX or Ultralytics, one class)")
    parser.add_argument("--count", type=int, default=500, help="held-out frames to render")
    parser.add_argument(
        "--renderer",
        type=Renderer,
        choices=list(Renderer),
        default=Renderer.TRAINING,
        help="training: synth_bundles at a held-out seed; independent: eval_renderer",
    )
    parser.add_argument("--seed", type=int, default=None, help="default: the renderer's own")
    parser.add_argument("--json", type=Path, default=None, help="also write the report here")
    parser.add_argument(
        "--confidence",
        type=float,
        default=None,
        help="operating threshold (default: the product's bundle_confidence)",
    )
    args = parser.parse_args(argv)
    report = evaluate_onnx(
        args.model,
        count=args.count,
        seed=args.seed,
        confidence=args.confidence,
        renderer=args.renderer,
    )
    sys.stdout.write(format_report(report) + "\n")
    if args.json is not None:
        args.json.write_text(json.dumps(report.as_dict(), indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
