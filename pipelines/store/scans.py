"""Saving one scan's results: the scan row, its recordings, findings and count timelines, in
one commit."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import wraps
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy.orm import Session

from analyzer.counting import CountTimeline
from analyzer.findings import Finding
from analyzer.recording import RecordingInfo
from pipelines.store.columns import utc_datetime
from pipelines.store.findings import add_findings
from pipelines.store.recordings import add_recordings, check_recordings_known
from pipelines.store.schema import ScanRow
from pipelines.store.timelines import add_count_timelines, check_count_timeline

P = ParamSpec("P")
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class ScanSummary:
    """What one save added: distinct rows new to the store vs already stored."""

    scan_id: int
    recordings_new: int
    recordings_known: int
    findings_new: int
    findings_known: int
    timelines_new: int
    timelines_known: int


def add_scan_results(
    session: Session,
    *,
    recordings: Sequence[RecordingInfo],
    findings: Sequence[Finding],
    analyzer_version: str,
    params: Mapping[str, Any],
    started_at: float | None = None,
    count_timelines: Sequence[CountTimeline] = (),
) -> ScanSummary:
    """Record a scan and store its recordings, findings and count timelines idempotently, in
    the caller's transaction (not committed: other rows may have to commit with them).

    A recording is known by its sha256, a finding by (id, analyzer_version), a count timeline
    by (recording_sha256, analyzer_version, counted_with); known ones are counted, not
    rewritten, so re-saving never alters stored rows. `params` (the command and its options,
    JSON-serialisable) is kept on the scan row; `started_at` is POSIX seconds, defaulting to
    now. Safe for concurrent writers on PostgreSQL: each distinct row is stored exactly once.

    Raises, before writing anything: `UnknownRecordingError` when a finding or count timeline
    refers to a recording that is neither stored nor in `recordings`; ValueError for an empty
    `analyzer_version` or a timeline the store cannot keep exactly (see
    `timelines.check_count_timeline`: (n,) arrays of the documented dtypes, ordered times).
    """
    if not analyzer_version:
        raise ValueError("analyzer_version must not be empty")
    for timeline in count_timelines:
        check_count_timeline(timeline)
    check_recordings_known(
        session,
        sha256s=[f.recording_sha256 for f in findings]
        + [t.recording_sha256 for t in count_timelines],
        also_known={info.sha256 for info in recordings},
    )
    now = datetime.now(UTC)
    scan = ScanRow(
        analyzer_version=analyzer_version,
        started_at=now if started_at is None else utc_datetime(started_at),
        params=dict(params),
    )
    session.add(scan)
    session.flush()  # assigns scan.id for the findings' and timelines' foreign key

    added_recordings = add_recordings(session, recordings=recordings, seen_at=now)
    added_findings = add_findings(
        session,
        findings=findings,
        analyzer_version=analyzer_version,
        scan_id=scan.id,
        created_at=now,
    )
    added_timelines = add_count_timelines(
        session,
        timelines=count_timelines,
        analyzer_version=analyzer_version,
        scan_id=scan.id,
        created_at=now,
    )
    scan.recordings_new = added_recordings.new
    scan.recordings_known = added_recordings.known
    scan.findings_new = added_findings.new
    scan.findings_known = added_findings.known
    scan.timelines_new = added_timelines.new
    scan.timelines_known = added_timelines.known
    scan.finished_at = datetime.now(UTC)
    summary = ScanSummary(
        scan_id=scan.id,
        recordings_new=added_recordings.new,
        recordings_known=added_recordings.known,
        findings_new=added_findings.new,
        findings_known=added_findings.known,
        timelines_new=added_timelines.new,
        timelines_known=added_timelines.known,
    )
    return summary


def _then_commit(
    add: Callable[Concatenate[Session, P], T],
) -> Callable[Concatenate[Session, P], T]:
    """`add`, then commit its session: for callers with no wider transaction to join."""

    # Only `__wrapped__`: help() and inspect show `add`'s parameters, not *args/**kwargs.
    @wraps(add, assigned=())
    def add_and_commit(session: Session, /, *args: P.args, **kwargs: P.kwargs) -> T:
        added = add(session, *args, **kwargs)
        session.commit()
        return added

    add_and_commit.__doc__ = f"`{add.__name__}`, then commit."
    return add_and_commit


save_scan_results = _then_commit(add_scan_results)
