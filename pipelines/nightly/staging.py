"""A recording's own findings as JSON objects, kept with its analysis until the run's last
step links them to custody (which changes their ids, so they cannot be stored earlier)."""

from __future__ import annotations

import dataclasses
from typing import Any

from analyzer.findings import Counts, Finding, FindingKind, Severity, cameras_from_label


def finding_to_json(finding: Finding) -> dict[str, Any]:
    """Every field, enums as their values; floats survive JSON exactly (shortest repr)."""
    return {
        "kind": finding.kind.value,
        "rule": finding.rule,
        "camera": finding.camera,
        "start": finding.start,
        "end": finding.end,
        "severity": finding.severity.value,
        "detail": finding.detail,
        "recording_sha256": finding.recording_sha256,
        "counts": None if finding.counts is None else dataclasses.asdict(finding.counts),
        "custody_event": finding.custody_event,
        "custody_leg": finding.custody_leg,
        "frame_time": finding.frame_time,
        "frame": finding.frame,
    }


def finding_from_json(document: dict[str, Any]) -> Finding:
    counts = document["counts"]
    return Finding(
        kind=FindingKind(document["kind"]),
        rule=document["rule"],
        cameras=cameras_from_label(document["camera"]),
        start=float(document["start"]),
        end=float(document["end"]),
        severity=Severity(document["severity"]),
        detail=document["detail"],
        recording_sha256=document["recording_sha256"],
        counts=None if counts is None else Counts(**counts),
        custody_event=document["custody_event"],
        custody_leg=document["custody_leg"],
        frame_time=None if document["frame_time"] is None else float(document["frame_time"]),
        frame=document["frame"],
    )
