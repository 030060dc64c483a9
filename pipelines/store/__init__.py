"""The findings store: recordings, scans, findings, count timelines and custody events in
SQLite or PostgreSQL.

    engine = open_store(default_db_url())        # creates / migrates the schema
    with Session(engine) as session:
        summary = save_scan_results(session, recordings=..., findings=..., analyzer_version=...,
                                    params={...}, count_timelines=[...])
        findings = load_findings(session, camera="vault-1")
        timelines = load_count_timelines(session, camera="vault-1", since=..., until=...)

Custody events (the signed lines of handover forms) are imported with
`save_custody_events(session, events=..., source_sha256=...)` and read back in time order with
`load_custody_events(session, lot=..., since=..., until=...)`; a stored event is never changed.

Count timelines keep each recording's per-frame people and bundle counts (`CountTimeline`),
so rules can be re-run without decoding video again; their arrays are stored as one
compressed `.npz` blob per timeline (format in `pipelines.store.timelines`).

The schema is owned by the Alembic migrations in `migrations/versions/`; `schema.py` must
match them (a test compares the two). New revision:
`alembic.command.revision(alembic_config(url=...), message=..., autogenerate=True)`.
"""

from pipelines.store.custody import (
    CustodyConflict,
    CustodyConflictError,
    CustodySummary,
    load_custody_events,
    save_custody_events,
)
from pipelines.store.engine import (
    UnsupportedDatabaseError,
    alembic_config,
    create_store_engine,
    current_revision,
    downgrade,
    open_store,
    upgrade,
)
from pipelines.store.findings import load_findings
from pipelines.store.recordings import (
    UnknownRecordingError,
    get_recording,
    load_recordings,
    recording_paths,
)
from pipelines.store.scans import ScanSummary, save_scan_results
from pipelines.store.schema import ReviewState
from pipelines.store.timelines import load_count_timelines
from pipelines.store.urls import default_db_url

__all__ = [
    "CustodyConflict",
    "CustodyConflictError",
    "CustodySummary",
    "ReviewState",
    "ScanSummary",
    "UnknownRecordingError",
    "UnsupportedDatabaseError",
    "alembic_config",
    "create_store_engine",
    "current_revision",
    "default_db_url",
    "downgrade",
    "get_recording",
    "load_count_timelines",
    "load_custody_events",
    "load_findings",
    "load_recordings",
    "open_store",
    "recording_paths",
    "save_custody_events",
    "save_scan_results",
    "upgrade",
]
