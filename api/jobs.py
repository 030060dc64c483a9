"""Scan jobs run inside the service: a small thread pool over `scan_and_store`.

The job's row in the store is the truth about it (queued, running, done, failed), so the API
shows the same state whichever thread runs it, and a restarted service picks up what a
stopped one left (`requeue_interrupted`).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from pipelines import ingest, scan
from pipelines.media_roots import OutsideMediaRoots
from pipelines.scan_and_store import scan_and_store
from pipelines.store.scan_jobs import (
    claim_job,
    fail_job,
    finish_job,
    get_job,
    requeue_interrupted,
)

log = logging.getLogger(__name__)


class ScanJobRunner:
    """Runs queued scan jobs on `workers` threads with the site's scan options."""

    def __init__(
        self,
        engine: Engine,
        options: scan.ScanOptions,
        *,
        workers: int = 1,
        media_roots: Sequence[Path] = (),
    ) -> None:
        self._engine = engine
        self._options = options
        # A job's paths were checked when it was submitted; the files found inside its
        # folders are checked again here, since a symlink among them may lead anywhere.
        self._roots = tuple(media_roots)
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="scan-job")

    def resume(self) -> list[int]:
        """Queue again what a stopped service left queued or running."""
        with Session(self._engine) as session:
            ids = requeue_interrupted(session)
            session.commit()
        for job_id in ids:
            self.submit(job_id)
        return ids

    def submit(self, job_id: int) -> Future[None]:
        return self._pool.submit(self._run, job_id)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def _run(self, job_id: int) -> None:
        with Session(self._engine) as session:
            if not claim_job(session, job_id=job_id, at=datetime.now(UTC)):
                return
            session.commit()
            paths = _job_paths(session, job_id)
        try:
            discovery = ingest.discover([Path(p) for p in paths], roots=self._roots)
            if discovery.outside:
                # Refused whole, as a submitted path outside the roots is.
                raise OutsideMediaRoots(
                    f"{len(discovery.outside)} file(s) found lead outside the media roots, "
                    "nothing scanned: " + "; ".join(str(p) for p in discovery.outside[:5])
                )
            if not discovery.files:
                raise ValueError("no video files to scan: " + "; ".join(discovery.problems))
            stored = scan_and_store(
                self._engine,
                discovery.files,
                self._options,
                params={"command": "scan job", "job": job_id, "paths": list(paths)},
            )
        # Whatever went wrong is the job's state for the inspector to read, not a crash of
        # the service; the scan saved nothing (it saves all at once, at the end).
        except Exception as exc:
            log.warning("scan job %d failed: %s", job_id, exc)
            with Session(self._engine) as session:
                fail_job(session, job_id=job_id, at=datetime.now(UTC), error=_one_line(exc))
                session.commit()
            return
        with Session(self._engine) as session:
            finish_job(
                session,
                job_id=job_id,
                at=datetime.now(UTC),
                scan_id=stored.summary.scan_id,
                recordings=len(stored.result.recordings),
                findings=len(stored.findings),
            )
            session.commit()


def _job_paths(session: Session, job_id: int) -> tuple[str, ...]:
    job = get_job(session, job_id=job_id)
    return () if job is None else job.paths


def _one_line(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}".splitlines()[0][:500]
