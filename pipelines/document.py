"""The findings document (`scan --json`): version 1 of its shape never changes; later analyses
only add finding kinds."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from datetime import tzinfo
from pathlib import Path
from typing import Any

from analyzer.findings import Counts, Finding
from analyzer.recording import RecordingInfo
from analyzer.wallclock import iso

DOCUMENT_VERSION = 1


def recording_entry(recording: RecordingInfo, zone: tzinfo) -> dict[str, Any]:
    return {
        "path": recording.path,
        "sha256": recording.sha256,
        "camera": recording.camera,
        "start": iso(recording.start, zone),
        "end": iso(recording.end, zone),
        "duration_s": round(recording.duration_s, 3),
        "fps": round(recording.fps, 3),
        "width": recording.width,
        "height": recording.height,
        "codec": recording.codec,
        "decoded_to": iso(recording.decoded_to, zone),
        "decode_errors": recording.decode_errors,
    }


def counts_entry(counts: Counts) -> dict[str, Any]:
    """A finding's counts, with whether they are too unsure to act on unseen."""
    return {**dataclasses.asdict(counts), "low_confidence": counts.low_confidence}


def finding_entry(finding: Finding, zone: tzinfo) -> dict[str, Any]:
    return {
        "id": finding.id,
        "rule": finding.rule,
        "kind": finding.kind.value,
        "camera": finding.camera,
        "cameras": list(finding.cameras),
        "recording_sha256": finding.recording_sha256,
        "start": iso(finding.start, zone),
        "end": iso(finding.end, zone),
        "duration_s": round(finding.duration_s, 3),
        "severity": finding.severity.value,
        "detail": finding.detail,
        "counts": None if finding.counts is None else counts_entry(finding.counts),
        "custody_event": finding.custody_event,
        "custody_leg": finding.custody_leg,
        "frame": finding.frame,
    }


def findings_document(
    recordings: Sequence[RecordingInfo], findings: Sequence[Finding], zone: tzinfo
) -> dict[str, Any]:
    return {
        "version": DOCUMENT_VERSION,
        "recordings": [recording_entry(r, zone) for r in recordings],
        "findings": [finding_entry(f, zone) for f in findings],
    }


def write_document(document: dict[str, Any], out: Path) -> None:
    """Write atomically, so a reader never sees half a document."""
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".part")
    partial.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", "utf-8")
    partial.replace(out)
