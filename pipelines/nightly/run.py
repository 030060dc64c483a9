"""A nightly run from start to end: lock, inventory, units, execution, finalize, reports."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy.orm import Session

from analyzer import ANALYZER_VERSION
from pipelines import scan
from pipelines.daily_report import MissingFontError, write_daily_reports
from pipelines.nightly.context import RunConfig, close_worker_contexts, worker_context
from pipelines.nightly.executors import Executor, UnitFailure
from pipelines.nightly.finalize import Finalized, finalize
from pipelines.nightly.inventory import Inventory, take_inventory
from pipelines.nightly.lock import run_lock
from pipelines.nightly.units import AnalysisUnit, settings_sha256
from pipelines.scan_and_store import frames_dir
from pipelines.store.nightly import AnalysisKey, RunState, analysed, start_run, update_run

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
"""Receives (units done, units in all)."""


class NightlyError(ValueError):
    """The run cannot start as configured (no media roots): one line."""


@dataclass(frozen=True)
class NightlyOutcome:
    run_id: int
    files_seen: int
    files_hashed: int
    units: int
    failures: list[UnitFailure]
    finalized: Finalized
    reports: list[Path] = field(default_factory=list)


def plan_units(
    inventory: Inventory,
    options: scan.ScanOptions,
    run_id: int,
    stored: Callable[[Sequence[AnalysisKey]], set[AnalysisKey]],
) -> tuple[list[AnalysisUnit], int]:
    """The units still to analyse (one per distinct recording and camera settings, in path
    order: the same bytes under two paths are analysed once) and how many were analysed
    before. `stored` says which keys the store holds. A unit names its camera's other files
    of tonight only (a message per task, and a root holds months of files)."""
    found: dict[AnalysisKey, tuple[str, str]] = {}
    for f in inventory.files:
        camera = scan.camera_for(Path(f.path), options)
        key = AnalysisKey(f.sha256, ANALYZER_VERSION, settings_sha256(camera, options.site))
        found.setdefault(key, (f.path, camera.id))
    done = stored(list(found))
    pending = {key: value for key, value in found.items() if key not in done}
    files_of: dict[str, list[str]] = defaultdict(list)
    for path, camera_id in pending.values():
        files_of[camera_id].append(path)
    units = [
        AnalysisUnit(
            path=path,
            sha256=key.sha256,
            camera=camera_id,
            settings_sha256=key.settings_sha256,
            camera_files=tuple(files_of[camera_id]),
            run_id=run_id,
        )
        for key, (path, camera_id) in pending.items()
    ]
    return units, len(done)


def run_nightly(
    config: RunConfig,
    executor: Executor,
    *,
    reports_dir: Path | None = None,
    progress: Progress | None = None,
) -> NightlyOutcome:
    """Scan the site's media roots for new or changed recordings, analyse them with
    `executor`, store their findings, and write the daily report and playback-check form
    of each day they touch into `reports_dir`. Raises `RunLocked` when another run is
    going."""
    try:
        return _run(config, executor, reports_dir, progress)
    finally:
        close_worker_contexts()


def _run(
    config: RunConfig, executor: Executor, reports_dir: Path | None, progress: Progress | None
) -> NightlyOutcome:
    context = worker_context(config)
    site, engine = context.site, context.engine
    if not site.media_roots:
        raise NightlyError(f"{config.site_path} names no media_roots to scan")
    with run_lock(engine):
        with Session(engine) as session:
            run_id = start_run(session, backend=executor.name, at=datetime.now(UTC))
            session.commit()
            try:
                inventory = take_inventory(session, site.media_roots, at=datetime.now(UTC))
                units, before = plan_units(
                    inventory, context.options, run_id, lambda keys: analysed(session, keys)
                )
                update_run(
                    session,
                    run_id,
                    files_seen=len(inventory.files),
                    files_hashed=inventory.hashed,
                    units_total=len(units),
                )
                session.commit()
            except BaseException as exc:
                _failed(session, run_id, exc)
                raise
        log.info(
            "nightly run %d: %d files, %d hashed, %d to analyse (%d analysed before)",
            run_id, len(inventory.files), inventory.hashed, len(units), before,
        )  # fmt: skip
        count = 0

        def one_done() -> None:
            nonlocal count
            count += 1
            if progress is not None:
                progress(count, len(units))

        try:
            failures = executor.run(units, config, one_done)
            for failure in failures:
                log.warning("not analysed: %s: %s", failure.unit.path, failure.reason)
            finalized = finalize(
                engine, site=site, zone=context.options.zone, run_id=run_id,
                frames_dir=frames_dir(),
            )  # fmt: skip
            reports: list[Path] = []
            if reports_dir is not None:
                reports = _write_reports(config, finalized.days, reports_dir)
        except BaseException as exc:
            with Session(engine) as session:
                _failed(session, run_id, exc)
            raise
        with Session(engine) as session:
            update_run(
                session,
                run_id,
                state=RunState.DONE,
                finished_at=datetime.now(UTC),
                findings_new=finalized.findings_new,
                error=None if not failures else f"{len(failures)} unit(s) failed",
            )
            session.commit()
    return NightlyOutcome(
        run_id=run_id,
        files_seen=len(inventory.files),
        files_hashed=inventory.hashed,
        units=len(units),
        failures=failures,
        finalized=finalized,
        reports=reports,
    )


def _failed(session: Session, run_id: int, exc: BaseException) -> None:
    session.rollback()
    update_run(
        session,
        run_id,
        state=RunState.FAILED,
        finished_at=datetime.now(UTC),
        error=f"{type(exc).__name__}: {exc}".splitlines()[0][:500],
    )
    session.commit()


def _write_reports(config: RunConfig, days: Sequence[date], out_dir: Path) -> list[Path]:
    """Each touched day's report and form; without the Chinese font, the HTML pages only."""
    context = worker_context(config)
    written: list[Path] = []
    for day in days:
        try:
            written += write_daily_reports(
                context.engine,
                context.site,
                context.options.zone,
                day,
                out_dir,
                site_name=Path(config.site_path).stem,
            )
        except MissingFontError as exc:
            log.warning("%s: only the HTML reports were written", exc)
            written += exc.written
    return written
