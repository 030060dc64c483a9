"""Hand-made values for the daily report's tests: a site with two vaults, times of its days
in its zone, recordings, findings and audit records."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from analyzer import ANALYZER_VERSION
from analyzer.findings import Finding, FindingKind, Severity, cameras_from_label
from analyzer.intervals import Span
from analyzer.recording import CameraKind, RecordingInfo, StartSource
from pipelines.daily_report.sources import StoreExtract
from pipelines.site import Site
from pipelines.store.audit import AuditEntry, AuditRecord
from pipelines.store.finding_query import StoredFinding
from pipelines.store.schema import ReviewState

ZONE = ZoneInfo("Asia/Shanghai")
DAY1 = date(2026, 11, 24)
DAY2 = date(2026, 11, 25)

SITE = Site.model_validate(
    {
        "timezone": "Asia/Shanghai",
        "rooms": [
            {"id": "vault-1", "kind": "vault", "name": "试卷保密室"},
            {"id": "vault-2", "kind": "vault", "name": "试卷保密室（二）"},
            {"id": "duty-1", "kind": "duty", "name": "值班室"},
            {"id": "office-1", "kind": "exam_office", "name": "考务办公室"},
        ],
        "cameras": [
            {"id": "cam-1a", "kind": "fixed", "room": "vault-1"},
            {"id": "cam-1b", "kind": "fixed", "room": "vault-1"},
            {"id": "cam-2", "kind": "fixed", "room": "vault-2"},
            {"id": "cam-duty", "kind": "fixed", "room": "duty-1"},
            {"id": "phone-1", "kind": "handheld"},
        ],
    }
)


def at(day: date, clock: str) -> float:
    """POSIX seconds of `clock` ("HH:MM" or "HH:MM:SS"; "24:00" is the next midnight) on
    `day` in the site's zone."""
    if clock == "24:00":
        return datetime.combine(day, time(0), tzinfo=ZONE).timestamp() + 86_400
    return datetime.combine(day, time.fromisoformat(clock), tzinfo=ZONE).timestamp()


def sha(name: str) -> str:
    return hashlib.sha256(name.encode()).hexdigest()


def recording(
    name: str, camera: str, start: float, end: float, *, decoded_to: float | None = None
) -> RecordingInfo:
    return RecordingInfo(
        path=f"/footage/{name}.mp4",
        sha256=sha(name),
        size_bytes=1_000_000,
        camera=camera,
        camera_kind=CameraKind.HANDHELD if camera.startswith("phone") else CameraKind.FIXED,
        start=start,
        start_source=StartSource.SITE_PATTERN,
        duration_s=end - start,
        fps=25.0,
        width=1280,
        height=720,
        codec="h264",
        container="mp4",
        rotation=0,
        decoded_to=end if decoded_to is None else decoded_to,
        decode_errors=0,
    )


def finding(
    camera: str,
    start: float,
    end: float,
    *,
    kind: FindingKind = FindingKind.FROZEN_VIDEO,
    rule: str = "V2",
    severity: Severity = Severity.HIGH,
    **overrides: Any,
) -> Finding:
    made = Finding(
        kind=kind,
        rule=rule,
        cameras=cameras_from_label(camera),
        start=start,
        end=end,
        severity=severity,
        detail=f"{kind.value} on {camera}",
        frame_time=start,
    )
    return replace(made, **overrides)


def stored(
    made: Finding,
    state: ReviewState = ReviewState.OPEN,
    version: str = ANALYZER_VERSION,
) -> StoredFinding:
    return StoredFinding(made, version, state, 1, datetime(2026, 11, 26, tzinfo=UTC))


def audit(
    seq: int,
    actor: str,
    action: str,
    object_type: str,
    object_id: str,
    moment: float,
    detail: dict[str, Any] | None = None,
) -> AuditRecord:
    entry = AuditEntry(actor, "inspector", action, object_type, object_id, "10.0.0.7", detail or {})
    return AuditRecord(seq, datetime.fromtimestamp(moment, UTC), entry, "0" * 64, f"{seq:064x}")


def extract(
    window: Span,
    *,
    recordings: tuple[RecordingInfo, ...] = (),
    findings: tuple[StoredFinding, ...] = (),
    audit_records: tuple[AuditRecord, ...] = (),
) -> StoreExtract:
    return StoreExtract(window, recordings, findings, (), audit_records)


def played(
    seq: int,
    actor: str,
    finding_id: str,
    camera: str,
    spans: list[tuple[float, float]],
    moment: float,
) -> AuditRecord:
    """A `clip.played` record: the finding page's player played `spans` (wall clock) of
    `camera`'s footage."""
    detail = {"camera": camera, "played": [list(span) for span in spans]}
    return audit(seq, actor, "clip.played", "finding", finding_id, moment, detail)
