"""The default scan against `scan --exhaustive` on quiet but noisy cameras (prints a table).

    python bench/bench_noisy.py --dir /tmp/vw-noisy [--every-frame] [--profile]

Noisy cameras are where the screening has the least to go by: strong sensor noise makes every
predicted frame large, and an NVR's bitrate target (1-4 Mbit/s) keeps the frame sizes nearly
the same whether someone moves or not. The suite is four 10-min recordings at 25 fps, each
with two visits of a REAL person (about 6 % of the time), made by `make_recording.py` into
`--dir` unless they are there already (same name, same generator settings):

- the real room of ../shared/videos/one-by-one-person-detection.mp4 scaled up to 720p and
  1080p (its people where they really stood), with fresh sensor noise, at 2, 4 and 1.5 Mbit/s;
- the synthetic vault room at 720p, 1 Mbit/s.

On each, in its own subprocess: the default scan (`pipelines.scan.analyse_recording` with the
default screening, as `vaultwatch scan --person-model yolox` runs it), the same with
`--exhaustive`'s settings (every frame decoded and counted by the detector), and with
`--exhaustive --count-fps 2`'s (every frame decoded, the detector on 2 frames a second: the
cost of decoding alone, which bounds any screening that decodes keyframes); with
`--every-frame` also `bench_scan.py`'s own every-frame baseline (PyAV and the detector, no
product code). Presence intervals (>= 5 s of at least one person, from the count timelines)
of the default scan are matched against the exhaustive scan's: recall (exhaustive intervals
found, both boundaries within 1 s) and precision (default intervals that match one). Exits 1,
saying why, when the default scan is less than 50x faster than the exhaustive one on a
recording or recall or precision is below 0.98.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench_scan import (
    BOUNDARY_TOLERANCE_S,
    DEFAULT_MODEL,
    RECALL_TARGET,
    Run,
    match_intervals,
    precision,
    print_comparison,
    recall,
    run_worker,
)

SPEED_TARGET = 50.0


@dataclass(frozen=True)
class Camera:
    """One recording of the suite: the generator's settings."""

    name: str
    scene: str  # "real" or "synthetic"
    size: str  # "720p" or "1080p"
    bitrate_mbit: float
    noise: float  # grey levels
    seed: int

    def arguments(self, out: Path) -> list[str]:
        return [
            "--minutes",
            "10",
            "--episodes",
            "2",
            "--activity",
            "0.06",
            "--scene",
            self.scene,
            "--size",
            self.size,
            "--bitrate",
            f"{self.bitrate_mbit:g}",
            "--noise",
            f"{self.noise:g}",
            "--seed",
            str(self.seed),
            "--out",
            str(out),
        ]


SUITE = (
    Camera("real-720p-2M", "real", "720p", 2.0, 6.0, 11),
    Camera("real-1080p-4M", "real", "1080p", 4.0, 6.0, 12),
    Camera("vault-720p-1M", "synthetic", "720p", 1.0, 6.0, 13),
    Camera("real-1080p-1.5M", "real", "1080p", 1.5, 8.0, 14),
)


def recording_for(camera: Camera, folder: Path) -> Path:
    """The camera's recording in `folder`, generated unless one with its settings is there."""
    out = folder / f"{camera.name}.mp4"
    truth = out.with_suffix(".json")
    if out.is_file() and truth.is_file():
        made = json.loads(truth.read_text(encoding="utf-8"))
        if (made.get("bitrate_mbit"), made.get("noise_sigma"), made.get("seed")) == (
            camera.bitrate_mbit,
            camera.noise,
            camera.seed,
        ):
            return out
    script = Path(__file__).resolve().parent / "make_recording.py"
    sys.stderr.write(f"generating {out} ...\n")
    subprocess.run([sys.executable, str(script), *camera.arguments(out)], check=True)
    return out


@dataclass(frozen=True)
class Row:
    camera: Camera
    activity: float  # fraction of the recording with a person pasted in
    default: Run
    exhaustive: Run
    decode_all: Run
    every_frame: Run | None

    @property
    def speedup(self) -> float:
        return self.exhaustive.get("wall_s") / self.default.get("wall_s")

    @property
    def speedup_over_decoding(self) -> float:
        return self.decode_all.get("wall_s") / self.default.get("wall_s")

    @property
    def speedup_without_clock(self) -> float:
        """The same without learning the on-screen clock (both paths learn it alike)."""
        exhaustive = self.exhaustive.get("wall_s") - self.exhaustive.get("clock_learn_s")
        return exhaustive / (self.default.get("wall_s") - self.default.get("clock_learn_s"))

    @property
    def recall(self) -> float:
        return recall(match_intervals(self.exhaustive.intervals, self.default.intervals))

    @property
    def precision(self) -> float:
        return precision(self.exhaustive.intervals, self.default.intervals)


def activity_of(recording: Path) -> float:
    truth = json.loads(recording.with_suffix(".json").read_text(encoding="utf-8"))
    shown = sum(e["person_to_s"] - e["person_from_s"] for e in truth["episodes"])
    return float(shown / truth["duration_s"])


def print_summary(rows: Sequence[Row]) -> None:
    print(
        f"\n{'recording':<17}{'size':>6}{'Mbit/s':>7}{'active':>7}{'default':>9}"
        f"{'exhaustive':>11}{'ratio':>7}{'clock':>7}{'w/o clock':>10}{'recall':>7}"
        f"{'precision':>10}{'decode-all':>12}{'every-frame':>13}"
    )
    for row in rows:
        mbit = row.default.recording.stat().st_size * 8 / row.default.get("duration_s") / 1e6
        every = (
            "-"
            if row.every_frame is None
            else f"{row.every_frame.get('wall_s'):.0f} s "
            f"{row.every_frame.get('wall_s') / row.default.get('wall_s'):.0f}x"
        )
        print(
            f"{row.camera.name:<17}{row.camera.size:>6}{mbit:>7.2f}{100 * row.activity:>6.1f}%"
            f"{row.default.get('wall_s'):>8.1f}s{row.exhaustive.get('wall_s'):>10.1f}s"
            f"{row.speedup:>6.1f}x{row.default.get('clock_learn_s'):>6.1f}s"
            f"{row.speedup_without_clock:>9.1f}x{row.recall:>7.3f}{row.precision:>10.3f}"
            f"{row.decode_all.get('wall_s'):>6.1f}s {row.speedup_over_decoding:>4.1f}x"
            f"{every:>13}"
        )


def verdicts(rows: Sequence[Row]) -> list[str]:
    """Why the suite fails (empty when every recording meets the targets)."""
    problems = []
    for row in rows:
        name = row.camera.name
        if not row.exhaustive.intervals:
            problems.append(f"{name}: the exhaustive scan found nobody to compare with")
        if row.speedup < SPEED_TARGET:
            problems.append(f"{name}: default only {row.speedup:.1f}x faster than exhaustive")
        if not row.recall >= RECALL_TARGET or not row.precision >= RECALL_TARGET:
            problems.append(
                f"{name}: recall {row.recall:.3f} / precision {row.precision:.3f} of the "
                f"presence intervals (boundaries within {BOUNDARY_TOLERANCE_S:g} s)"
            )
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Default scan vs --exhaustive, noisy cameras.")
    parser.add_argument("--dir", type=Path, default=Path("/tmp/vw-noisy"), help="recordings")
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL, help="YOLOX ONNX file")
    parser.add_argument(
        "--only", action="append", help="run only these recordings of the suite (by name)"
    )
    parser.add_argument(
        "--every-frame",
        action="store_true",
        help="also bench_scan.py's every-frame baseline (PyAV and the detector only)",
    )
    parser.add_argument(
        "--profile", action="store_true", help="run each default scan under cProfile too"
    )
    parser.add_argument(
        "--no-clock",
        action="store_true",
        help="do not read the on-screen clock (both paths): the screening's own share",
    )
    parser.add_argument(
        "--repeat", type=int, default=3, help="default scans per recording (the fastest counts)"
    )
    args = parser.parse_args(argv)
    if not args.model.is_file():
        raise SystemExit(f"{args.model} is missing: pass --model or put ../shared beside the repo")
    args.dir.mkdir(parents=True, exist_ok=True)
    cameras = [c for c in SUITE if args.only is None or c.name in args.only]
    recordings = [recording_for(camera, args.dir) for camera in cameras]
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-noisy-") as scratch_dir:
        scratch = Path(scratch_dir)
        for camera, recording in zip(cameras, recordings, strict=True):
            clock = not args.no_clock
            # The default's few seconds are the figure most at the mercy of other work on the
            # machine: its fastest of `--repeat` runs is kept, as timeit does.
            default = min(
                (
                    run_worker("gated", recording, args.model, scratch, clock=clock)
                    for _ in range(args.repeat)
                ),
                key=lambda run: run.get("wall_s"),
            )
            exhaustive = run_worker("exhaustive", recording, args.model, scratch, clock=clock)
            decode_all = run_worker("decode-all", recording, args.model, scratch, clock=clock)
            every = (
                run_worker("baseline", recording, args.model, scratch) if args.every_frame else None
            )
            print_comparison(default, exhaustive)
            print(f"\nagainst decoding every frame, 2 counted a second ({recording.name}):")
            print_comparison(default, decode_all)
            if every is not None:
                print(f"\nagainst the detector on every frame ({recording.name}):")
                print_comparison(default, every)
            if args.profile:
                run_worker("gated", recording, args.model, scratch, profile=True, clock=clock)
            rows.append(Row(camera, activity_of(recording), default, exhaustive, decode_all, every))
    print_summary(rows)
    problems = verdicts(rows)
    for problem in problems:
        print(f"FAIL: {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
