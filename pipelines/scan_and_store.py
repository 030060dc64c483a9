"""One scan from files to the store: analyse, check against custody, attach frames, save.

`vaultwatch scan` and the review service's scan jobs both run this, so a scan asked for in
the browser stores exactly what the same scan from the command line stores.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from analyzer import ANALYZER_VERSION
from analyzer.findings import Finding
from pipelines import scan
from pipelines.conclude import conclude
from pipelines.custody_forms.reader import CustodyForm
from pipelines.store import ScanSummary, save_scan_results
from pipelines.store.custody import save_custody_events
from pipelines.store.urls import vaultwatch_home


@dataclass(frozen=True)
class StoredScan:
    """What a scan found and how it was saved."""

    result: scan.ScanResult
    findings: list[Finding]
    summary: ScanSummary


def frames_dir() -> Path:
    """Where the findings' representative JPEGs are written."""
    return vaultwatch_home() / "frames"


def scan_and_store(
    engine: Engine,
    files: Sequence[Path],
    options: scan.ScanOptions,
    *,
    params: dict[str, Any],
    custody: CustodyForm | None = None,
    progress: Callable[[float], object] | None = None,
) -> StoredScan:
    """Scan `files`, store `custody`'s events (already read and checked), conclude the
    findings (`pipelines.conclude`: gaps against the stored recordings, custody rules, links,
    frames) and save it all as one scan described by `params`. Raises `CustodyConflictError`
    before saving anything if the form contradicts stored events."""
    result = scan.scan_files(list(files), options, progress=progress)
    with Session(engine) as session:
        if custody is not None:
            save_custody_events(session, events=custody.events, source_sha256=custody.sha256)
        findings = conclude(
            session,
            site=options.site,
            zone=options.zone,
            recordings=result.recordings,
            findings=result.findings,
            timelines=result.count_timelines,
            frames_dir=frames_dir(),
        )
        summary = save_scan_results(
            session,
            recordings=result.recordings,
            findings=findings,
            count_timelines=result.count_timelines,
            analyzer_version=ANALYZER_VERSION,
            params=params,
        )
    return StoredScan(result=result, findings=findings, summary=summary)
