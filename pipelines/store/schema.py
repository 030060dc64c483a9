"""The tables: recordings, the paths they were seen at, scans, findings, count timelines,
custody events, evidence package exports, and the review service's users, finding reviews,
scan jobs and audit trail, the nightly runs' file inventory and per-recording analyses, and
the frames inspectors labelled for the bundle detector.

Enumerations (`FindingKind`, `Severity`, `CameraKind`, ...) are stored as their string values
in plain string columns, not as database enums: analyses add kinds over time and a new kind
must not need an `ALTER TYPE` on PostgreSQL. Times are stored twice where they come from
POSIX floats: as UTC datetimes (`start`, `end`) for people and SQL, and as the exact floats
(`start_s`, `end_s`) so the analyzer's values come back bit for bit (datetimes keep only
microseconds). Per-frame arrays are not rows: a count timeline keeps its arrays in one
compressed blob (format in `pipelines.store.timelines`). Changing anything here needs a new
migration in `migrations/versions/`.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Double,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from pipelines.store.columns import UTCDateTime, json_document

# Fixed constraint names, so migrations can address (and SQLite batch mode can rebuild) them.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class ReviewState(StrEnum):
    """Where a person's review of a finding stands."""

    OPEN = "open"
    CONFIRMED = "confirmed"
    DISMISSED = "dismissed"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class RecordingRow(Base):
    """One original recording, identified by the SHA-256 of its bytes."""

    __tablename__ = "recordings"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    # The first path the file was seen at; later paths go to `recording_paths`.
    path: Mapped[str] = mapped_column(Text)
    # Recordings easily exceed 2 GiB.
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    camera: Mapped[str] = mapped_column(String(200))
    camera_kind: Mapped[str] = mapped_column(String(32))
    start: Mapped[datetime] = mapped_column(UTCDateTime())
    start_s: Mapped[float] = mapped_column(Double())
    start_source: Mapped[str] = mapped_column(String(32))
    duration_s: Mapped[float] = mapped_column(Double())
    fps: Mapped[float] = mapped_column(Double())
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    codec: Mapped[str] = mapped_column(String(64))
    container: Mapped[str] = mapped_column(String(64))
    rotation: Mapped[int] = mapped_column(Integer)
    # POSIX seconds, like the analyzer's value.
    decoded_to: Mapped[float] = mapped_column(Double())
    decode_errors: Mapped[int] = mapped_column(Integer)
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (Index("ix_recordings_camera_start", "camera", "start"),)


class RecordingPathRow(Base):
    """Every path a recording was seen at (the first one included), for the audit trail."""

    __tablename__ = "recording_paths"

    sha256: Mapped[str] = mapped_column(
        String(64), ForeignKey("recordings.sha256"), primary_key=True
    )
    path: Mapped[str] = mapped_column(Text, primary_key=True)
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ScanRow(Base):
    """One saved scan: who ran what, when, and how much of it was new."""

    __tablename__ = "scans"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    analyzer_version: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The command and its parameters, as the caller describes them.
    params: Mapped[dict[str, Any]] = mapped_column(json_document())
    recordings_new: Mapped[int] = mapped_column(Integer, default=0)
    recordings_known: Mapped[int] = mapped_column(Integer, default=0)
    findings_new: Mapped[int] = mapped_column(Integer, default=0)
    findings_known: Mapped[int] = mapped_column(Integer, default=0)
    # Added by migration 0002; scans saved before it count zero timelines.
    timelines_new: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    timelines_known: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class FindingRow(Base):
    """One finding as produced by one analyzer version.

    The key is (id, analyzer_version): `Finding.id` is stable across re-scans, and a new
    analyzer version may legitimately report the same problem again.
    """

    __tablename__ = "findings"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    analyzer_version: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    rule: Mapped[str] = mapped_column(String(200))
    camera: Mapped[str] = mapped_column(String(200))
    recording_sha256: Mapped[str | None] = mapped_column(
        String(64), ForeignKey("recordings.sha256")
    )
    start: Mapped[datetime] = mapped_column(UTCDateTime())
    end: Mapped[datetime] = mapped_column(UTCDateTime())
    start_s: Mapped[float] = mapped_column(Double())
    end_s: Mapped[float] = mapped_column(Double())
    duration_s: Mapped[float] = mapped_column(Double())
    severity: Mapped[str] = mapped_column(String(16))
    detail: Mapped[str] = mapped_column(Text)
    # `Counts` as an object of its fields; NULL when the finding has no counts at all.
    counts: Mapped[dict[str, Any] | None] = mapped_column(json_document())
    custody_event: Mapped[str | None] = mapped_column(Text)
    custody_leg: Mapped[str | None] = mapped_column(Text)
    # POSIX seconds of the representative frame, like the analyzer's value.
    frame_time: Mapped[float | None] = mapped_column(Double())
    frame: Mapped[str | None] = mapped_column(Text)
    scan_id: Mapped[int] = mapped_column(Integer, ForeignKey("scans.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    review_state: Mapped[str] = mapped_column(
        String(16), default=ReviewState.OPEN.value, server_default=ReviewState.OPEN.value
    )

    __table_args__ = (
        CheckConstraint("end_s >= start_s", name="end_after_start"),
        CheckConstraint("review_state IN ('open', 'confirmed', 'dismissed')", name="review_state"),
        # The findings list filters by camera, kind/rule or version and sorts by time.
        Index("ix_findings_camera_start", "camera", "start"),
        Index("ix_findings_kind_rule_start", "kind", "rule", "start"),
        Index("ix_findings_analyzer_version_start", "analyzer_version", "start"),
        Index("ix_findings_start", "start"),
        Index("ix_findings_end", "end"),
        # Foreign keys are not indexed automatically on PostgreSQL or SQLite.
        Index("ix_findings_recording_sha256", "recording_sha256"),
        Index("ix_findings_scan_id", "scan_id"),
    )


class CountTimelineRow(Base):
    """One recording's per-frame people and bundle counts, as one analyzer version and one
    counting setup produced them.

    The key is (recording, analyzer_version, counting setup): a new version or other detector
    weights may count the same recording again, and rules must never mix such timelines.
    `counted_with` can run to hundreds of characters, so the key holds its SHA-256 instead.
    """

    __tablename__ = "count_timelines"

    recording_sha256: Mapped[str] = mapped_column(
        String(64), ForeignKey("recordings.sha256"), primary_key=True
    )
    analyzer_version: Mapped[str] = mapped_column(String(64), primary_key=True)
    # hex SHA-256 of `counted_with` in UTF-8.
    counted_with_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    counted_with: Mapped[str] = mapped_column(Text)
    camera: Mapped[str] = mapped_column(String(200))
    frames: Mapped[int] = mapped_column(Integer)
    # POSIX seconds of the first and last frame; NULL for a timeline without frames.
    start_s: Mapped[float | None] = mapped_column(Double())
    end_s: Mapped[float | None] = mapped_column(Double())
    # The four arrays as a compressed .npz (see `pipelines.store.timelines`).
    data: Mapped[bytes] = mapped_column(LargeBinary)
    scan_id: Mapped[int] = mapped_column(Integer, ForeignKey("scans.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (
        CheckConstraint(
            "(frames = 0 AND start_s IS NULL AND end_s IS NULL)"
            " OR (frames > 0 AND end_s >= start_s)",
            name="span",
        ),
        # Rules ask for one camera's timelines over a time window.
        Index("ix_count_timelines_camera_start_s", "camera", "start_s"),
        Index("ix_count_timelines_scan_id", "scan_id"),
    )


class CustodyEventRow(Base):
    """One signed event of a handover form (`analyzer.custody.CustodyEvent`), as first imported.

    The key is the form's `event_id` (unique within the authority whose forms the store keeps).
    Stored events are never changed: a re-import with the same content is a no-op, one with
    other content is refused. `source_sha256` and `source_row` say where the event was first
    read from; the same event read later from another file keeps them.
    """

    __tablename__ = "custody_events"

    event_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    time: Mapped[datetime] = mapped_column(UTCDateTime())
    # POSIX seconds, like the analyzer's value.
    time_s: Mapped[float] = mapped_column(Double())
    type: Mapped[str] = mapped_column(String(16))
    # Empty for a duty event that names no lot.
    lot: Mapped[str] = mapped_column(String(200))
    location: Mapped[str] = mapped_column(String(200))
    bundles: Mapped[int | None] = mapped_column(Integer)
    # The names that signed, in form order.
    persons: Mapped[list[str]] = mapped_column(json_document())
    device: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str] = mapped_column(Text)
    # hex SHA-256 of the imported file, and the event's spreadsheet row in it.
    source_sha256: Mapped[str] = mapped_column(String(64))
    source_row: Mapped[int] = mapped_column(Integer)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (
        CheckConstraint("bundles IS NULL OR bundles >= 0", name="bundles_not_negative"),
        # Rules read one lot's events, or every event of a period, in time order.
        Index("ix_custody_events_lot_time_s", "lot", "time_s"),
        Index("ix_custody_events_time_s", "time_s"),
        Index("ix_custody_events_source_sha256", "source_sha256"),
    )


class ExportRow(Base):
    """One evidence package written (`vaultwatch export`): what was exported, the SHA-256 of
    its signed manifest, who signed it (key fingerprint), the OS user and when. Rows are only
    ever added; each has its `export.create` record in the audit trail."""

    __tablename__ = "exports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case: Mapped[str] = mapped_column(String(200))
    # The period in POSIX seconds, like the analyzer's values.
    since_s: Mapped[float] = mapped_column(Double())
    until_s: Mapped[float] = mapped_column(Double())
    lot: Mapped[str | None] = mapped_column(String(200))
    cameras: Mapped[list[str]] = mapped_column(json_document())
    manifest_sha256: Mapped[str] = mapped_column(String(64))
    signer_fingerprint: Mapped[str] = mapped_column(String(100))
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    out_path: Mapped[str] = mapped_column(Text)

    __table_args__ = (Index("ix_exports_case", "case"),)


class UserRow(Base):
    """A person who may use the review service: name, role, password hash (NULL for users
    authenticated by the reverse proxy), and the cameras they may see (empty: all)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str | None] = mapped_column(Text)
    cameras: Mapped[list[str]] = mapped_column(json_document())
    active: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(100))
    # Sessions issued before this moment are over (the user signed out; migration 0007).
    signed_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (
        UniqueConstraint("username"),
        CheckConstraint("role IN ('auditor', 'inspector', 'admin')", name="role"),
    )


class FindingReviewRow(Base):
    """One review decision on a finding (open -> confirmed / dismissed), never changed; the
    finding's `review_state` is the latest decision."""

    __tablename__ = "finding_reviews"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    finding_id: Mapped[str] = mapped_column(String(64))
    analyzer_version: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16))
    comment: Mapped[str] = mapped_column(Text)
    reviewer: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (
        ForeignKeyConstraint(
            ["finding_id", "analyzer_version"], ["findings.id", "findings.analyzer_version"]
        ),
        CheckConstraint("state IN ('open', 'confirmed', 'dismissed')", name="state"),
        Index("ix_finding_reviews_finding_id_analyzer_version", "finding_id", "analyzer_version"),
    )


class ScanJobRow(Base):
    """A scan asked for through the service: the paths (under the service's media roots),
    who asked, and how far it got. `scan_id` is the saved scan once it is done."""

    __tablename__ = "scan_jobs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    paths: Mapped[list[str]] = mapped_column(json_document())
    state: Mapped[str] = mapped_column(String(16))
    submitted_by: Mapped[str] = mapped_column(String(100))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    scan_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("scans.id"))
    recordings: Mapped[int | None] = mapped_column(Integer)
    findings: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        CheckConstraint("state IN ('queued', 'running', 'done', 'failed')", name="state"),
        Index("ix_scan_jobs_state", "state"),
    )


class AuditRow(Base):
    """One audit record: who did what to which object, when and from where.

    Append-only (database triggers refuse UPDATE and DELETE) and hash-chained: `hash` is the
    SHA-256 of the record's content and the previous record's hash (`pipelines.store.audit`),
    so a changed, removed or inserted record breaks the chain. `seq` is the previous record's
    plus one and unique, so two writers racing for the same place cannot fork the chain.
    """

    __tablename__ = "audit_records"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(64))
    object_type: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[str] = mapped_column(Text)
    detail: Mapped[dict[str, Any]] = mapped_column(json_document())
    client: Mapped[str] = mapped_column(String(200))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    # HMAC-SHA256 of `hash` under the audit key kept outside the database
    # (`pipelines.store.audit_key`); NULL on records written before sealing began.
    mac: Mapped[str | None] = mapped_column(String(64), nullable=True)

    __table_args__ = (
        Index("ix_audit_records_object_type_object_id", "object_type", "object_id"),
        Index("ix_audit_records_actor", "actor"),
        Index("ix_audit_records_at", "at"),
    )


class MediaFileRow(Base):
    """A video file seen on a media root by a nightly run: path, size and modification time
    as last seen, and the SHA-256 of its bytes then (hashed again only when size or time
    change)."""

    __tablename__ = "media_files"

    path: Mapped[str] = mapped_column(Text, primary_key=True)
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    mtime_ns: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (Index("ix_media_files_sha256", "sha256"),)


class RecordingAnalysisRow(Base):
    """One recording analysed by a nightly task, as one analyzer version with one camera
    setup: its own findings (not yet linked to custody), kept until the run's last step
    turns them, with the gaps between files and the custody rules, into stored findings.

    The key is what makes the work idempotent: a task delivered twice, or run again after a
    crash, finds its row and does nothing. The row, the recording and its count timeline are
    written in one transaction, so a half-done analysis is never visible.
    """

    __tablename__ = "recording_analyses"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    analyzer_version: Mapped[str] = mapped_column(String(64), primary_key=True)
    # hex SHA-256 of the camera's settings (camera, thresholds, counting) as JSON.
    settings_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    path: Mapped[str] = mapped_column(Text)
    camera: Mapped[str] = mapped_column(String(200))
    # The findings of the recording alone, as `pipelines.store.findings.finding_values`-like
    # objects (see `pipelines.nightly.staging`).
    findings: Mapped[list[dict[str, Any]]] = mapped_column(json_document())
    unreadable: Mapped[bool] = mapped_column(Boolean)
    run_id: Mapped[int] = mapped_column(Integer)
    analysed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Set by the run's last step in the transaction that stores the findings.
    finalized_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (
        Index("ix_recording_analyses_run_id", "run_id"),
        Index("ix_recording_analyses_finalized_at", "finalized_at"),
    )


class NightlyRunRow(Base):
    """One nightly run: when, how, how far (analyses done are counted from
    `recording_analyses`, so a task run twice is counted once)."""

    __tablename__ = "nightly_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    backend: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    files_seen: Mapped[int] = mapped_column(Integer)
    files_hashed: Mapped[int] = mapped_column(Integer)
    units_total: Mapped[int] = mapped_column(Integer)
    findings_new: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (CheckConstraint("state IN ('running', 'done', 'failed')", name="state"),)


class LabelledFrameRow(Base):
    """One frame of a recording whose bundle boxes an inspector set: the boxes as they left
    them (pixels of the decoded frame, x1 y1 x2 y2), who and when, and which model's boxes
    they started from. Saving the same frame again replaces its boxes; every save and delete
    is in the audit trail with the boxes before and after. Findings and recordings are never
    changed by a label.

    The key for a frame is (recording, milliseconds from the recording's start): the moment
    the picture is decoded at, as `pipelines.review_media` rounds it.
    """

    __tablename__ = "labelled_frames"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    recording_sha256: Mapped[str] = mapped_column(String(64), ForeignKey("recordings.sha256"))
    camera: Mapped[str] = mapped_column(String(200))
    offset_ms: Mapped[int] = mapped_column(BigInteger)
    # POSIX seconds of the picture, like the analyzer's values.
    at_s: Mapped[float] = mapped_column(Double())
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    # [[x1, y1, x2, y2], ...] in pixels; an empty list is a frame showing no bundle.
    boxes: Mapped[list[list[float]]] = mapped_column(json_document())
    # The detector (name@weights) whose boxes the inspector corrected, "none" if none ran.
    started_from: Mapped[str] = mapped_column(String(200))
    # The finding whose picture it was labelled on (findings are keyed with their version).
    finding_id: Mapped[str | None] = mapped_column(String(64))
    labelled_by: Mapped[str] = mapped_column(String(100))
    labelled_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (
        UniqueConstraint("recording_sha256", "offset_ms"),
        CheckConstraint("width > 0 AND height > 0", name="size"),
        CheckConstraint("offset_ms >= 0", name="offset"),
        # Exports and the list select by camera and time.
        Index("ix_labelled_frames_camera_at_s", "camera", "at_s"),
        Index("ix_labelled_frames_at_s", "at_s"),
    )
