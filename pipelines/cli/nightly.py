"""`vaultwatch nightly`: scan the site's media roots for new or changed recordings, analyse
them (here or on Celery workers), store their findings, write the day's reports.
`vaultwatch worker`: a Celery worker for those analyses."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from tqdm import tqdm

from pipelines.cli.common import UsageError, add_db_option, open_engine
from pipelines.nightly.context import RunConfig
from pipelines.nightly.executors import Executor, InProcessExecutor
from pipelines.nightly.lock import RunLocked
from pipelines.nightly.run import NightlyError, NightlyOutcome, run_nightly
from pipelines.site import SiteError
from pipelines.store import default_db_url
from pipelines.store.urls import vaultwatch_home


def register(commands: Any) -> None:
    nightly = commands.add_parser(
        "nightly",
        help="scan the site's media roots for new or changed recordings (cron, timer, beat)",
        description="Finds new or changed video files under the site file's media_roots (by "
        "path, size, modification time and SHA-256), analyses each once, checks them "
        "against the custody records and stores the findings. Safe to start from cron or a "
        "timer: a second run while one is going exits at once (exit 0); a run killed at any "
        "point is completed by the next.",
    )
    nightly.add_argument("--site", required=True, type=Path, metavar="SITE.yaml", help="site file")
    nightly.add_argument("--tz", metavar="ZONE", help="IANA zone (default: the site file's)")
    add_db_option(nightly)
    nightly.add_argument(
        "--backend",
        choices=["inprocess", "celery"],
        default="inprocess",
        help="where recordings are analysed: here (default) or on Celery workers "
        "($VAULTWATCH_BROKER, default redis://127.0.0.1:6379/0)",
    )
    nightly.add_argument(
        "--workers", type=int, default=1, help="processes for --backend inprocess (default 1)"
    )
    nightly.add_argument(
        "--reports",
        type=Path,
        metavar="DIR",
        help="folder for the daily report and playback-check form of each day the new "
        "recordings touch (HTML and PDF; default: $VAULTWATCH_HOME/reports; 'none' to skip)",
    )
    nightly.add_argument(
        "--timeout",
        type=float,
        metavar="S",
        help="with --backend celery: give up waiting after S seconds (the next run goes on)",
    )
    nightly.set_defaults(run=run)

    worker = commands.add_parser(
        "worker",
        help="run a Celery worker for nightly analyses",
        description="Takes analysis tasks from $VAULTWATCH_BROKER (default "
        "redis://127.0.0.1:6379/0) and writes results to the store the tasks name.",
    )
    worker.add_argument("--concurrency", type=int, default=1, help="processes (default 1)")
    worker.add_argument(
        "--queues",
        default="vaultwatch.analysis",
        help="queues to take tasks from (comma-separated; the beat's coordinator task goes to "
        "vaultwatch.coordinator)",
    )
    worker.add_argument("--beat", action="store_true", help="also run the beat schedule")
    worker.set_defaults(run=run_worker)


def run(args: argparse.Namespace) -> int:
    if args.workers < 1:
        raise UsageError("--workers must be at least 1")
    db_url = args.db or default_db_url()
    open_engine(db_url).dispose()  # a store that cannot be opened is a usage error, now
    config = RunConfig(db_url=db_url, site_path=str(args.site.resolve()), tz=args.tz)
    executor = _executor(args)
    reports: Path | None = args.reports or vaultwatch_home() / "reports"
    if str(args.reports) == "none":
        reports = None
    try:
        outcome = _run_with_progress(config, executor, reports)
    except RunLocked as exc:
        sys.stderr.write(f"vaultwatch: {exc}; nothing done\n")
        return 0
    except TimeoutError as exc:
        sys.stderr.write(f"vaultwatch: {exc}\n")
        return 1
    except (NightlyError, SiteError) as exc:
        raise UsageError(str(exc)) from exc
    sys.stdout.write(
        f"nightly run {outcome.run_id}: {outcome.files_seen} files ({outcome.files_hashed} "
        f"hashed), {outcome.units} analysed, {len(outcome.failures)} failed; "
        f"{outcome.finalized.findings_new} new findings\n"
        + "".join(f"  report: {path}\n" for path in outcome.reports)
    )
    return 1 if outcome.failures else 0


def _executor(args: argparse.Namespace) -> Executor:
    if args.backend == "celery":
        from pipelines.nightly.celery_app import CeleryExecutor

        return CeleryExecutor(timeout_s=args.timeout)
    return InProcessExecutor(workers=args.workers)


def _run_with_progress(
    config: RunConfig, executor: Executor, reports: Path | None
) -> NightlyOutcome:
    if not sys.stderr.isatty():
        return run_nightly(config, executor, reports_dir=reports)
    with tqdm(desc="analysing", unit="recording", file=sys.stderr) as bar:

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.n = done
            bar.refresh()

        return run_nightly(config, executor, reports_dir=reports, progress=progress)


def run_worker(args: argparse.Namespace) -> int:
    from pipelines.nightly.celery_app import app

    argv = ["worker", "--loglevel=INFO", f"--concurrency={args.concurrency}",
            f"--queues={args.queues}", "--without-gossip", "--without-mingle"]  # fmt: skip
    if args.beat:
        argv.append("--beat")
    app.worker_main(argv)
    return 0
