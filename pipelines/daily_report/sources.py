"""Everything the reports read from the store, for one period, in one place.

The rest of the package is pure: it builds the day report and the playback-check form from
the `StoreExtract` this module returns.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from analyzer.custody import CustodyEvent
from analyzer.intervals import Span
from analyzer.recording import RecordingInfo
from pipelines.store import load_custody_events, load_recordings
from pipelines.store.audit import AuditRecord, load_audit_touching
from pipelines.store.finding_query import FindingFilter, StoredFinding, find_findings

_PAGE = 1000


@dataclass(frozen=True)
class StoreExtract:
    """What the store holds about `window` (POSIX [start, end)).

    recordings: every camera's recordings overlapping the window widened by the margin it was
    read with (so coverage can join segments across its edges); findings: overlapping the
    window, of every analyzer version, with their review state; events: custody events up to
    the window's end (a lot in a vault since last month is still there); audit: the records
    naming any of these recordings ("recording", sha256) or findings ("finding", id).
    `events` and `audit` are empty when `load_extract` was asked not to read them.
    """

    window: Span
    recordings: tuple[RecordingInfo, ...]
    findings: tuple[StoredFinding, ...]
    events: tuple[CustodyEvent, ...]
    audit: tuple[AuditRecord, ...]


def load_extract(
    session: Session,
    window: Span,
    *,
    margin_s: float = 0.0,
    events: bool = True,
    audit: bool = True,
) -> StoreExtract:
    """Read the store for `window`; `margin_s` widens the recordings read on both sides.
    `events` / `audit` False leave those out (empty), for a reader that does not need them."""
    recordings = tuple(
        r
        for r in load_recordings(
            session,
            ending_after=window.start - margin_s,
            starting_before=window.end + margin_s,
        )
        if r.start < window.end + margin_s
    )
    findings = tuple(_all_findings(session, FindingFilter(since=window.start, until=window.end)))
    objects = {("recording", r.sha256) for r in recordings} | {
        ("finding", f.finding.id) for f in findings
    }
    return StoreExtract(
        window,
        recordings,
        findings,
        tuple(load_custody_events(session, until=window.end)) if events else (),
        tuple(load_audit_touching(session, objects)) if audit else (),
    )


def _all_findings(session: Session, criteria: FindingFilter) -> list[StoredFinding]:
    found: list[StoredFinding] = []
    while True:
        page = find_findings(session, criteria, offset=len(found), limit=_PAGE)
        found.extend(page.items)
        if len(page.items) < _PAGE:
            return found
