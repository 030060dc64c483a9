"""Nightly throughput: the same night of recordings through each execution backend.

    python bench/bench_nightly.py [--copies 3] [--celery]

The night is the shipped sample videos (ten recordings of four cameras, 5 min of video),
copied `--copies` times into a fresh media root under other file names, so every copy is new
work (the bytes of each copy differ by a trailing byte: other SHA-256s). Each backend gets its
own SQLite store (PostgreSQL with --celery, where workers need a shared store) and reports
wall time, seconds of video per wall second, and the ratio to the baseline, the in-process
backend with one process, measured in the same run. Then a second run of the baseline with
nothing new shows what an incremental night costs.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipelines.media import probe  # noqa: E402
from pipelines.nightly.context import RunConfig  # noqa: E402
from pipelines.nightly.executors import InProcessExecutor  # noqa: E402
from pipelines.nightly.run import NightlyOutcome, run_nightly  # noqa: E402

SAMPLES = ROOT / "sample_videos"
PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def make_night(folder: Path, copies: int) -> tuple[Path, float]:
    """A media root and site file with `copies` distinct copies of the samples; the video
    seconds in it."""
    media = folder / "media"
    for copy in range(copies):
        for source in sorted(SAMPLES.rglob("*.mp4")):
            target = (
                media
                / f"{source.parent.name}"
                / source.name.replace("20261124", f"2026112{4 + copy}")
            )
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(source, target)
            with target.open("ab") as extra:  # another SHA-256, the same pictures
                extra.write(bytes([copy]))
    site = folder / "site.yaml"
    site.write_text(
        (SAMPLES / "site.yaml").read_text(encoding="utf-8") + "\nmedia_roots: [media]\n",
        encoding="utf-8",
    )
    seconds = sum(probe(p).duration_s for p in media.rglob("*.mp4"))
    return site, seconds


def timed(config: RunConfig, workers: int) -> tuple[float, NightlyOutcome]:
    started = time.perf_counter()
    outcome = run_nightly(config, InProcessExecutor(workers))
    return time.perf_counter() - started, outcome


def pg_schema() -> str:
    schema = f"vw_bench_{uuid.uuid4().hex[:8]}"
    engine = sa.create_engine(PG)
    with engine.begin() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    return f"{PG}?options=-csearch_path%3D{schema}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=3)
    parser.add_argument("--celery", action="store_true", help="also 2 Celery workers (Redis)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        os.environ["VAULTWATCH_HOME"] = str(folder / "home")
        site, video_s = make_night(folder, args.copies)
        print(f"night: {args.copies * 10} recordings, {video_s:.0f} s of video, 2 CPU cores")
        rows = []
        for label, workers in (
            ("in-process, 1 process (baseline)", 1),
            ("in-process, 2 processes", 2),
        ):
            config = RunConfig(f"sqlite:///{folder / f'w{workers}.db'}", str(site))
            seconds, outcome = timed(config, workers)
            rows.append((label, seconds, outcome.units))
            if workers == 1:
                again, repeat = timed(config, 1)
        if args.celery:
            rows.append(celery_row(folder, site))
        base = rows[0][1]
        print(f"{'backend':40} {'wall s':>8} {'units':>6} {'video s/s':>10} {'vs baseline':>12}")
        for label, seconds, units in rows:
            print(
                f"{label:40} {seconds:8.1f} {units:6d} {video_s / seconds:10.1f} "
                f"{base / seconds:11.2f}x"
            )
        print(
            f"{'second run, nothing new':40} {again:8.1f} {repeat.units:6d} "
            f"{'':10} {base / again:11.1f}x"
        )
    return 0


def celery_row(folder: Path, site: Path) -> tuple[str, float, int]:
    env = {**os.environ, "VAULTWATCH_BROKER": "redis://127.0.0.1:6379/8", "PYTHONPATH": str(ROOT)}
    subprocess.run(["redis-cli", "-n", "8", "flushdb"], check=False, capture_output=True)
    db = pg_schema()
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "pipelines.cli", "worker"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        for _ in range(2)
    ]
    time.sleep(5)  # workers up
    try:
        started = time.perf_counter()
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "pipelines.cli",
                "nightly",
                "--site",
                str(site),
                "--db",
                db,
                "--backend",
                "celery",
                "--reports",
                "none",
            ],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        seconds = time.perf_counter() - started
    finally:
        for worker in workers:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait()
    units = int(done.stdout.split(" analysed")[0].rsplit(" ", 1)[-1])
    return "celery, 2 workers (Redis, PostgreSQL)", seconds, units


if __name__ == "__main__":
    sys.exit(main())
