"""The nightly run's rows: the media roots' file inventory, per-recording analyses, runs."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, cast

from sqlalchemy import Table, func, select, update
from sqlalchemy.orm import Session

from pipelines.store.inserts import Inserted, insert_missing
from pipelines.store.schema import MediaFileRow, NightlyRunRow, RecordingAnalysisRow

_ANALYSES = cast(Table, RecordingAnalysisRow.__table__)
_CHUNK = 500


@dataclass(frozen=True)
class KnownFile:
    """A file as the inventory last saw it."""

    path: str
    size_bytes: int
    mtime_ns: int
    sha256: str


@dataclass(frozen=True)
class AnalysisKey:
    """What identifies one analysis: the recording, the analyzer, the camera's settings."""

    sha256: str
    analyzer_version: str
    settings_sha256: str


@dataclass(frozen=True)
class StagedAnalysis:
    """A stored analysis: its key, where the file was, its camera, its own findings (as
    stored JSON objects) and whether no decoder could read it."""

    key: AnalysisKey
    path: str
    camera: str
    findings: list[dict[str, Any]]
    unreadable: bool
    run_id: int


class RunState(StrEnum):
    """Where a nightly run is: running until it finished its reports, or failed (with why)."""

    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


@dataclass(frozen=True)
class NightlyRun:
    id: int
    backend: str
    state: RunState
    started_at: datetime
    finished_at: datetime | None
    files_seen: int
    files_hashed: int
    units_total: int
    units_done: int
    findings_new: int | None
    error: str | None


def known_files(session: Session, paths: Collection[str]) -> dict[str, KnownFile]:
    """The inventory's rows of `paths`, by path."""
    ordered = sorted(paths)
    found: dict[str, KnownFile] = {}
    for first in range(0, len(ordered), _CHUNK):
        query = select(MediaFileRow).where(MediaFileRow.path.in_(ordered[first : first + _CHUNK]))
        for row in session.scalars(query):
            found[row.path] = KnownFile(row.path, row.size_bytes, row.mtime_ns, row.sha256)
    return found


def record_files(session: Session, files: Iterable[KnownFile], *, seen_at: datetime) -> None:
    """Insert or update the inventory rows of `files` (seen now). Does not commit."""
    for file in files:
        row = session.get(MediaFileRow, file.path)
        if row is None:
            session.add(
                MediaFileRow(
                    path=file.path,
                    size_bytes=file.size_bytes,
                    mtime_ns=file.mtime_ns,
                    sha256=file.sha256,
                    first_seen_at=seen_at,
                    last_seen_at=seen_at,
                )
            )
        else:
            row.size_bytes, row.mtime_ns, row.sha256 = file.size_bytes, file.mtime_ns, file.sha256
            row.last_seen_at = seen_at
    session.flush()


def analysed(session: Session, keys: Collection[AnalysisKey]) -> set[AnalysisKey]:
    """Those of `keys` whose analysis is stored."""
    by_sha = sorted({k.sha256 for k in keys})
    stored: set[AnalysisKey] = set()
    for first in range(0, len(by_sha), _CHUNK):
        query = select(
            RecordingAnalysisRow.sha256,
            RecordingAnalysisRow.analyzer_version,
            RecordingAnalysisRow.settings_sha256,
        ).where(RecordingAnalysisRow.sha256.in_(by_sha[first : first + _CHUNK]))
        stored |= {AnalysisKey(*row) for row in session.execute(query)}
    return stored & set(keys)


def add_analysis(session: Session, staged: StagedAnalysis, *, at: datetime) -> Inserted:
    """Store the analysis unless its key is stored (then nothing changes). Does not commit."""
    return insert_missing(
        session,
        table=_ANALYSES,
        rows=[
            {
                "sha256": staged.key.sha256,
                "analyzer_version": staged.key.analyzer_version,
                "settings_sha256": staged.key.settings_sha256,
                "path": staged.path,
                "camera": staged.camera,
                "findings": staged.findings,
                "unreadable": staged.unreadable,
                "run_id": staged.run_id,
                "analysed_at": at,
                "finalized_at": None,
            }
        ],
        key=("sha256", "analyzer_version", "settings_sha256"),
    )


def unfinalized(session: Session, *, analyzer_version: str) -> list[StagedAnalysis]:
    """Analyses whose findings have not been turned into stored findings yet (this run's,
    and any a crashed run left), oldest first."""
    query = (
        select(RecordingAnalysisRow)
        .where(
            RecordingAnalysisRow.analyzer_version == analyzer_version,
            RecordingAnalysisRow.finalized_at.is_(None),
        )
        .order_by(RecordingAnalysisRow.analysed_at, RecordingAnalysisRow.sha256)
    )
    return [
        StagedAnalysis(
            key=AnalysisKey(row.sha256, row.analyzer_version, row.settings_sha256),
            path=row.path,
            camera=row.camera,
            findings=list(row.findings),
            unreadable=row.unreadable,
            run_id=row.run_id,
        )
        for row in session.scalars(query)
    ]


def mark_finalized(session: Session, keys: Sequence[AnalysisKey], *, at: datetime) -> None:
    """Does not commit: the stored findings and this mark commit together."""
    for key in keys:
        session.execute(
            update(RecordingAnalysisRow)
            .where(
                RecordingAnalysisRow.sha256 == key.sha256,
                RecordingAnalysisRow.analyzer_version == key.analyzer_version,
                RecordingAnalysisRow.settings_sha256 == key.settings_sha256,
            )
            .values(finalized_at=at)
        )


def start_run(session: Session, *, backend: str, at: datetime) -> int:
    row = NightlyRunRow(
        backend=backend, state=RunState.RUNNING, started_at=at, files_seen=0, files_hashed=0,
        units_total=0,
    )  # fmt: skip
    session.add(row)
    session.flush()
    return row.id


def update_run(session: Session, run_id: int, **values: Any) -> None:
    session.execute(update(NightlyRunRow).where(NightlyRunRow.id == run_id).values(**values))


def get_run(session: Session, run_id: int) -> NightlyRun | None:
    row = session.get(NightlyRunRow, run_id)
    return None if row is None else _run_of(row, _units_done(session, [run_id]).get(run_id, 0))


def list_runs(session: Session, *, limit: int = 50) -> list[NightlyRun]:
    """The latest runs, newest first, with their progress."""
    query = select(NightlyRunRow).order_by(NightlyRunRow.id.desc()).limit(limit)
    rows = list(session.scalars(query))
    done = _units_done(session, [row.id for row in rows])
    return [_run_of(row, done.get(row.id, 0)) for row in rows]


def _units_done(session: Session, run_ids: Sequence[int]) -> dict[int, int]:
    """Analyses stored per run, counted from their rows (a unit run twice counts once)."""
    query = (
        select(RecordingAnalysisRow.run_id, func.count())
        .where(RecordingAnalysisRow.run_id.in_(list(run_ids)))
        .group_by(RecordingAnalysisRow.run_id)
    )
    return {int(run_id): int(count) for run_id, count in session.execute(query)}


def _run_of(row: NightlyRunRow, units_done: int) -> NightlyRun:
    return NightlyRun(
        id=row.id,
        backend=row.backend,
        state=RunState(row.state),
        started_at=row.started_at,
        finished_at=row.finished_at,
        files_seen=row.files_seen,
        files_hashed=row.files_hashed,
        units_total=row.units_total,
        units_done=units_done,
        findings_new=row.findings_new,
        error=row.error,
    )
