"""Frames per second of each detector backend on this machine (prints only, asserts nothing).

    python bench/bench_detectors.py [--frames 200] [--threads 1]

Benchmarks, each at its own input size: YOLOX-Nano from ../shared (imported into a throw-away
registry) when present, the motion fallback, and every model registered in VAULTWATCH_HOME or
shipped as a built-in (an Ultralytics ONNX among them, if any). Frames come from the shared
indoor clip when present, else from synthetic 768x432 frames.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # a script beside the package, not installed with it

from models.backends.letterbox import Letterbox  # noqa: E402
from models.backends.motion_person import MotionPersonDetector  # noqa: E402
from models.backends.onnx_base import OnnxDetector  # noqa: E402
from models.backends.onnx_ultralytics import decode_ultralytics  # noqa: E402
from models.backends.onnx_yolox import decode_yolox, yolox_grid  # noqa: E402
from models.backends.options import DetectorOptions  # noqa: E402
from models.backends.postprocess import ClassMap, to_detections  # noqa: E402
from models.detector import Detector  # noqa: E402
from models.errors import ModelError  # noqa: E402
from models.manifest import ModelFormat  # noqa: E402
from models.registry import ModelRegistry  # noqa: E402

SHARED = REPO / ".." / "shared"
Frame = npt.NDArray[np.uint8]


def load_frames(count: int) -> tuple[list[Frame], str]:
    clip = SHARED / "videos" / "one-by-one-person-detection.mp4"
    if clip.is_file():
        import av

        frames: list[Frame] = []
        with av.open(str(clip)) as container:
            for frame in container.decode(video=0):
                frames.append(frame.to_ndarray(format="bgr24"))
                if len(frames) == count:
                    break
        return frames, f"{clip.name} ({frames[0].shape[1]}x{frames[0].shape[0]})"
    rng = np.random.default_rng(0)
    background = rng.integers(0, 256, (432, 768, 3), dtype=np.uint8)
    return [background.copy() for _ in range(count)], "synthetic 768x432"


def per_frame_ms(run: Callable[[Frame], object], frames: Sequence[Frame]) -> float:
    for frame in frames[:5]:  # warm-up: first runs allocate and pick kernels
        run(frame)
    start = time.perf_counter()
    for frame in frames:
        run(frame)
    return (time.perf_counter() - start) / len(frames) * 1000


def report(name: str, size: str, detector: Detector, frames: Sequence[Frame]) -> None:
    ms = per_frame_ms(lambda f: detector.detect([f]), frames)
    line = f"{name:<34} {size:>9} {ms:8.1f} ms {1000 / ms:8.1f} frames/s"
    if isinstance(detector, OnnxDetector):
        blank = np.zeros((1, 3, detector.input_height, detector.input_width), np.float32)
        net = per_frame_ms(lambda _: detector.raw_output(blank), frames[:50])
        line += f"   (network alone {net:.1f} ms)"
    print(line)


def report_postprocessing(frames: Sequence[Frame]) -> None:
    """Decode + NMS alone on random raw outputs of realistic shapes: the CPU work left to the
    Python side once the network has run (an Ultralytics ONNX is timed this way even when no
    real one is registered)."""
    rng = np.random.default_rng(0)
    class_map = ClassMap.from_ids(80, person=[0], bundle=[73])
    options = DetectorOptions()
    letterbox = Letterbox(0.5, 0.0, 0.0, 432, 768)

    def finish(
        cand_xyxy: npt.NDArray[np.float32],
        score: npt.NDArray[np.float32],
        cls: npt.NDArray[np.int64],
    ) -> None:
        to_detections(
            cand_xyxy, score, cls, class_map=class_map, options=options, letterbox=letterbox
        )

    # Raw outputs where, as in a real frame, a few dozen anchors score high and the rest low.
    yolox_raw = rng.random((1, 3549, 85), np.float32) * 0.05
    yolox_raw[0, rng.choice(3549, 40), 4:] = 0.9
    grid, stride = yolox_grid(416, 416)

    def yolox_post(_: Frame) -> None:
        c = decode_yolox(yolox_raw, grid, stride)
        finish(c.xyxy[0], c.score[0], c.class_id[0])

    ultra_raw = rng.random((1, 84, 8400), np.float32)
    ultra_raw[:, :4] *= 640
    ultra_raw[:, 4:] *= 0.05
    ultra_raw[0, 4:, rng.choice(8400, 40)] = 0.9

    def ultra_post(_: Frame) -> None:
        c = decode_ultralytics(ultra_raw)
        finish(c.xyxy[0], c.score[0], c.class_id[0])

    for name, run in (
        ("yolox decode+NMS (1, 3549, 85)", yolox_post),
        ("ultralytics decode+NMS (1, 84, 8400)", ultra_post),
    ):
        ms = per_frame_ms(run, frames[:100])
        print(f"{name:<38} {ms:8.2f} ms")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Frames per second of each detector backend.")
    parser.add_argument("--frames", type=int, default=200)
    parser.add_argument("--threads", type=int, default=1, help="ONNX Runtime intra-op threads")
    args = parser.parse_args(argv)
    options = DetectorOptions(intra_op_threads=args.threads)

    frames, source = load_frames(args.frames)
    load = os.getloadavg()[0]
    print(f"{len(frames)} frames of {source}; {os.cpu_count()} cores, load average {load:.1f}")
    print(f"ONNX Runtime intra-op threads: {args.threads}; batch 1 (one detect() per frame)\n")

    nano = SHARED / "models" / "yolox_nano.onnx"
    if nano.is_file():
        with tempfile.TemporaryDirectory() as home:
            scratch = ModelRegistry(Path(home), builtin_dir=Path(home) / "none")
            scratch.import_model(nano, name="yolox-nano", format=ModelFormat.YOLOX)
            report(
                "yolox-nano (../shared, onnx)",
                "416x416",
                scratch.load_detector("yolox-nano", options=options),
                frames,
            )
    else:
        print("yolox-nano: ../shared is absent, skipped")

    motion = MotionPersonDetector()
    report("motion fallback (MOG2)", f"{motion.settings.work_width}w", motion, frames)

    registry = ModelRegistry.from_env()
    manifests = registry.list_models()
    for manifest in manifests:
        label = (
            f"{manifest.name} ({'built-in' if manifest.builtin else 'imported'}, "
            f"{manifest.format.value}/{manifest.runtime.value})"
        )
        size = f"{manifest.input_size.height}x{manifest.input_size.width}"
        try:
            detector = registry.load_detector(manifest.name, options=options)
        except ModelError as exc:
            print(f"{label}: not loadable: {exc}")
            continue
        report(label, size, detector, frames)
    if not any(m.format is ModelFormat.ULTRALYTICS for m in manifests):
        print(f"no Ultralytics model registered in {registry.home} or shipped; skipped")
    print("\npost-processing alone (per frame):")
    report_postprocessing(frames)


if __name__ == "__main__":
    main()
