"""What goes into an evidence package, read from the store for a case's period and filters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo

from sqlalchemy.orm import Session

from analyzer import ANALYZER_VERSION
from analyzer.custody import CustodyEvent, CustodyLeg
from analyzer.findings import Finding
from analyzer.legs import derive_legs
from analyzer.recording import RecordingInfo
from models.registry import ModelRegistry
from pipelines.evidence.manifest import ModelRef
from pipelines.store import load_custody_events, load_findings, load_recordings
from pipelines.store.audit import AuditRecord, load_audit_touching
from pipelines.store.audit_anchor import ChainAnchor, sign_head


class ExportError(ValueError):
    """The export cannot be made as asked (bad period, unknown camera or lot, unreadable
    original, output in the way): one line, nothing written."""


@dataclass(frozen=True)
class ExportRequest:
    """A case's period (POSIX seconds, `since` < `until`) and filters; `zone` prints times."""

    case: str
    since: float
    until: float
    zone: tzinfo
    lot: str | None = None
    cameras: tuple[str, ...] = ()
    # Clips of the flagged intervals instead of whole originals.
    clips: bool = False

    def __post_init__(self) -> None:
        if self.until <= self.since:
            raise ExportError("--from must be before --to")


@dataclass(frozen=True)
class ExportContents:
    """The store's records for one request: recordings overlapping the period, findings of
    the period (this analyzer version), custody events of the period and their lots' legs."""

    request: ExportRequest
    recordings: list[RecordingInfo]
    findings: list[Finding]
    events: list[CustodyEvent]
    legs: list[CustodyLeg]
    models: tuple[ModelRef, ...]
    # What people did with these items: views, downloads and reviews of the findings and
    # recordings, records about the lot (the audit trail's own records, chain hashes kept).
    audit: tuple[AuditRecord, ...] = ()
    # The chain's head, sealed, when the contents were gathered (into the manifest).
    anchor: ChainAnchor | None = None


def gather(session: Session, request: ExportRequest) -> ExportContents:
    """Read the request's records from the store; `ExportError` for an unknown camera or lot.

    With `lot`, custody events and legs are the lot's, and findings those linked to its
    events or legs plus those of its cameras' recordings not linked to any custody record.
    With `cameras`, recordings and findings are those cameras' (a room's finding when every
    camera of it is exported).
    """
    every = load_recordings(session)
    known = {r.camera for r in every}
    unknown = sorted(set(request.cameras) - known)
    if unknown:
        raise ExportError(f"unknown camera(s): {', '.join(unknown)} (no recording in the store)")
    recordings = [
        r
        for r in every
        if r.start < request.until
        and r.end > request.since
        and (not request.cameras or r.camera in request.cameras)
    ]
    findings = load_findings(
        session, since=request.since, until=request.until, analyzer_version=ANALYZER_VERSION
    )
    if request.cameras:
        exported = set(request.cameras)
        findings = [f for f in findings if f.cameras and exported.issuperset(f.cameras)]
    events = load_custody_events(session, lot=request.lot)
    if request.lot is not None and not events:
        raise ExportError(f"unknown lot {request.lot!r} (no custody events in the store)")
    # A lot's legs need its events before the period too (the arrive that opened a stay).
    legs = [
        leg
        for leg in derive_legs(events, until=request.until).legs
        if leg.start <= request.until and leg.end >= request.since
    ]
    in_period = [e for e in events if request.since <= e.time <= request.until]
    if request.lot is not None:
        event_ids = {e.event_id for e in events}
        leg_ids = {leg.leg_id for leg in legs}
        findings = [
            f
            for f in findings
            if f.custody_event in event_ids
            or f.custody_leg in leg_ids
            or (f.custody_event is None and f.custody_leg is None)
        ]
    touched = {("finding", f.id) for f in findings} | {("recording", r.sha256) for r in recordings}
    if request.lot is not None:
        touched.add(("lot", request.lot))
    return ExportContents(
        request=request,
        recordings=recordings,
        findings=findings,
        events=in_period,
        legs=legs,
        models=tuple(
            ModelRef(m.name, m.sha256, m.builtin) for m in ModelRegistry.from_env().list_models()
        ),
        audit=tuple(load_audit_touching(session, touched)),
        anchor=sign_head(session),
    )
